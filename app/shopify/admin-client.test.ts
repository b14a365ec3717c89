import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLogSink } from "~/logger.server";
import { SyncError } from "~/sync/errors";
import { createShopifyFake, type ShopifyFake } from "../../test/fakes/shopify";
import {
  AdminClient,
  ShopifyUserErrors,
  adminOrigin,
  checkUserErrors,
  throttleWaitMs,
  type UserError,
} from "./admin-client.server";

const SHOP = "client-test.myshopify.com";
const TOKEN = "shpat_client_test_token";
const BIG_ID_START = "9007199254740993"; // 2^53 + 1: not representable as a JS number

let clock = Date.parse("2026-03-01T12:00:00Z");
let fake: ShopifyFake;
const server = setupServer();
let sleeps: number[];
let logLines: string[];
let restoreSink: (line: string) => void;

/** Sleeping advances the fake's clock, so the bucket refills exactly as much as the client waited. */
const advancingSleep = async (ms: number) => {
  sleeps.push(ms);
  clock += ms;
};

function client(options: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}): AdminClient {
  return new AdminClient({ shop: SHOP, accessToken: TOKEN, sleep: advancingSleep, ...options });
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

beforeEach(() => {
  fake = createShopifyFake({ now: () => clock, idStart: BIG_ID_START });
  fake.addShop(SHOP, { accessToken: TOKEN, name: "Client Test" });
  server.resetHandlers(...fake.mswHandlers());
  sleeps = [];
  logLines = [];
  restoreSink = setLogSink((line) => logLines.push(line));
});

afterEach(() => {
  setLogSink(restoreSink);
  expect(logLines.join("\n")).not.toContain(TOKEN);
});

const CUSTOMERS = `query Customers($after: String) {
  customers(first: 3, after: $after, query: "tag:'JOOR_ENABLED'") {
    nodes { id legacyResourceId email }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("AdminClient", () => {
  it("reads through the shop's endpoint and keeps the last cost", async () => {
    const admin = client();
    const data = await admin.request<{ shop: { name: string; myshopifyDomain: string } }>(
      "{ shop { name myshopifyDomain } }",
    );
    expect(data.shop).toEqual({ name: "Client Test", myshopifyDomain: SHOP });
    expect(admin.endpoint).toBe(`https://${SHOP}/admin/api/2026-10/graphql.json`);
    expect(admin.throttleStatus).toEqual({ maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 100 });
  });

  it("waits (requested − available) / restoreRate after THROTTLED and then succeeds", async () => {
    fake.bucket(SHOP).setAvailable(2);
    const admin = client();
    const data = await admin.request<{ customers: { nodes: unknown[] } }>(CUSTOMERS, { after: null });
    expect(data.customers.nodes).toEqual([]);
    // customers(first: 3) of objects with no nested objects: 2 + 3 × 1 = 5 points, 2 available, 100/s.
    expect(admin.lastCost?.requestedQueryCost).toBe(5);
    expect(sleeps).toEqual([throttleWaitMs(5, { maximumAvailable: 1000, currentlyAvailable: 2, restoreRate: 100 })]);
    expect(sleeps).toEqual([30]);
    expect(fake.requests.filter((r) => r.path.endsWith("graphql.json"))).toHaveLength(2);
  });

  it("keeps its turn while other reads of the shop take the bucket before each retry", async () => {
    const bucket = fake.bucket(SHOP);
    bucket.setAvailable(0);
    let rivals = 12;
    const admin = client({
      sleep: async (ms) => {
        await advancingSleep(ms);
        // Another reader got there first and emptied the bucket again.
        if (rivals-- > 0) bucket.setAvailable(0);
      },
    });
    const data = await admin.request<{ customers: { nodes: unknown[] } }>(CUSTOMERS, { after: null });
    expect(data.customers.nodes).toEqual([]);
    expect(sleeps).toHaveLength(13);
  });

  it("gives up after the allowed THROTTLED retries with a transient error carrying the wait", async () => {
    fake.bucket(SHOP).restoreRate = 10;
    fake.bucket(SHOP).setAvailable(0);
    const admin = client({ maxThrottleRetries: 2, sleep: async (ms) => void sleeps.push(ms) });
    const error = await admin.request(CUSTOMERS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ terminal: false, code: "THROTTLED", retryAfterMs: 500 });
    expect(sleeps).toEqual([500, 500]);
  });

  it("surfaces userErrors as a terminal error listing field and message", async () => {
    fake.shop(SHOP).createCustomer({ email: "taken@example.com" });
    const admin = client();
    const data = await admin.request<{ customerCreate: { customer: null; userErrors: UserError[] } }>(
      `mutation { customerCreate(input: { email: "taken@example.com" }) { customer { id } userErrors { field message } } }`,
    );
    const error = (() => {
      try {
        checkUserErrors("customerCreate", data.customerCreate);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ShopifyUserErrors);
    expect(error).toMatchObject({ terminal: true, message: "Shopify refused customerCreate: email: Email has already been taken" });
    expect((error as ShopifyUserErrors).userErrors).toEqual([{ field: ["email"], message: "Email has already been taken" }]);
  });

  it("pages through a connection with cursors", async () => {
    const shop = fake.shop(SHOP);
    const tagged = Array.from({ length: 8 }, (_, i) =>
      shop.createCustomer({ email: `c${i}@example.com`, tags: ["JOOR_ENABLED"] }),
    );
    shop.createCustomer({ email: "untagged@example.com" });
    const admin = client();
    const pages: string[][] = [];
    for await (const page of admin.pages<{ email: string }>(CUSTOMERS, {}, "customers")) {
      pages.push(page.map((c) => c.email));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(tagged.map((c) => c.email));

    const ids: string[] = [];
    for await (const node of admin.nodes<{ id: string; legacyResourceId: string }>(CUSTOMERS, {}, "customers")) {
      ids.push(node.legacyResourceId);
      expect(node.id).toBe(`gid://shopify/Customer/${node.legacyResourceId}`);
    }
    expect(ids).toEqual(tagged.map((c) => c.id));
  });

  it("keeps ids above 2^53 exact", async () => {
    const customer = fake.shop(SHOP).createCustomer({ email: "big@example.com" });
    expect(BigInt(customer.id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const admin = client();
    const data = await admin.request<{ customer: { id: string; legacyResourceId: string } }>(
      "query($id: ID!) { customer(id: $id) { id legacyResourceId } }",
      { id: `gid://shopify/Customer/${customer.id}` },
    );
    expect(data.customer).toEqual({ id: `gid://shopify/Customer/${customer.id}`, legacyResourceId: customer.id });
    expect(String(Number(customer.id))).not.toBe(customer.id);
  });

  it("treats 401 as terminal and never puts the token in the error", async () => {
    const admin = new AdminClient({ shop: SHOP, accessToken: "shpat_wrong", sleep: advancingSleep });
    const error = await admin.request("{ shop { name } }").catch((e: unknown) => e);
    expect(error).toMatchObject({ terminal: true, status: 401 });
    expect((error as Error).message).toContain("Invalid API key or access token");
    expect((error as Error).message).not.toContain("shpat_wrong");
    expect(sleeps).toEqual([]);
  });

  it("retries a query after a 5xx and reports a transient error when failures persist", async () => {
    fake.setFaults({ failNext: 1 });
    const admin = client();
    await expect(admin.request("{ shop { name } }")).resolves.toEqual({ shop: { name: "Client Test" } });
    expect(sleeps).toEqual([500]);

    sleeps = [];
    fake.setFaults({ failNext: 10 });
    const error = await admin.request("{ shop { name } }").catch((e: unknown) => e);
    expect(error).toMatchObject({ terminal: false, status: 503 });
    expect(sleeps).toEqual([500, 1000]);
  });

  it("does not repeat a mutation after a 5xx (it may have been applied)", async () => {
    fake.setFaults({ failNext: 1 });
    const error = await client()
      .request(`mutation { customerCreate(input: { email: "once@example.com" }) { customer { id } userErrors { message } } }`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ terminal: false, status: 503 });
    expect(sleeps).toEqual([]);
  });

  it("reports GraphQL validation errors with Shopify's message as terminal", async () => {
    const error = await client().request("{ shop { name planName } }").catch((e: unknown) => e);
    expect(error).toMatchObject({ terminal: true, code: "undefinedField" });
    expect((error as Error).message).toContain("Field 'planName' doesn't exist on type 'Shop'");
  });

  it("uses SHOPIFY_ADMIN_ORIGIN only outside production", () => {
    expect(adminOrigin(SHOP, { SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:9999/", NODE_ENV: "test" })).toBe(
      "http://127.0.0.1:9999",
    );
    expect(adminOrigin(SHOP, { SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:9999", NODE_ENV: "production" })).toBe(
      `https://${SHOP}`,
    );
    expect(adminOrigin(SHOP, {})).toBe(`https://${SHOP}`);
  });
});

describe("orderCreate against the fake", () => {
  const ORDER_CREATE = `mutation CreateOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order { id name sourceIdentifier poNumber customer { id } lineItems(first: 5) { nodes { sku quantity } } }
      userErrors { field message code }
    }
  }`;

  type OrderCreate = {
    orderCreate: {
      order: { id: string; sourceIdentifier: string; lineItems: { nodes: { sku: string; quantity: number }[] } } | null;
      userErrors: UserError[];
    };
  };

  function setup() {
    const shop = fake.shop(SHOP);
    const product = shop.createProduct({ title: "Coat", variants: [{ sku: "COAT-1", price: "120.00", inventory: 2 }] });
    const variant = shop.variant(product.variantIds[0]);
    const available = () => shop.availableTotal(variant.inventoryItemId);
    const order = (joorId: string, quantity: number) => ({
      lineItems: [
        {
          variantId: `gid://shopify/ProductVariant/${variant.id}`,
          quantity,
          priceSet: { shopMoney: { amount: "100.00", currencyCode: "USD" } },
        },
      ],
      sourceIdentifier: joorId,
      sourceName: "joor",
      poNumber: `PO-${joorId}`,
      financialStatus: "PENDING",
      customer: { toUpsert: { email: "buyer@example.com", firstName: "Bea" } },
    });
    return { shop, available, order };
  }

  it("BYPASS leaves stock alone", async () => {
    const { available, order } = setup();
    const data = await client().request<OrderCreate>(ORDER_CREATE, {
      order: order("J-1", 5),
      options: { inventoryBehaviour: "BYPASS" },
    });
    const { order: created } = checkUserErrors("orderCreate", data.orderCreate);
    expect(created?.sourceIdentifier).toBe("J-1");
    expect(created?.lineItems.nodes).toEqual([{ sku: "COAT-1", quantity: 5 }]);
    expect(available()).toBe(2);
  });

  it("DECREMENT_IGNORING_POLICY takes stock even below zero", async () => {
    const { available, order, shop } = setup();
    const data = await client().request<OrderCreate>(ORDER_CREATE, {
      order: order("J-2", 3),
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    });
    checkUserErrors("orderCreate", data.orderCreate);
    expect(available()).toBe(-1);
    expect(shop.events.map((e) => e.topic)).toContain("inventory_levels/update");
  });

  it("DECREMENT_OBEYING_POLICY fails with INVENTORY_CLAIM_FAILED when stock is short", async () => {
    const { available, order, shop } = setup();
    const admin = client();
    const short = await admin.request<OrderCreate>(ORDER_CREATE, {
      order: order("J-3", 3),
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(short.orderCreate.order).toBeNull();
    expect(short.orderCreate.userErrors).toMatchObject([{ code: "INVENTORY_CLAIM_FAILED", field: ["order", "lineItems", "0"] }]);
    expect(() => checkUserErrors("orderCreate", short.orderCreate)).toThrow(/INVENTORY|claim inventory/i);
    expect(shop.orders.size).toBe(0);

    const enough = await admin.request<OrderCreate>(ORDER_CREATE, {
      order: order("J-3", 2),
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(checkUserErrors("orderCreate", enough.orderCreate).order?.sourceIdentifier).toBe("J-3");
    expect(available()).toBe(0);
  });

  it("answers the development-store orderCreate limit with 429 and Retry-After", async () => {
    fake = createShopifyFake({ now: () => clock, orderCreateLimit: { max: 2 } });
    fake.addShop(SHOP, { accessToken: TOKEN });
    server.resetHandlers(...fake.mswHandlers());
    const { order } = setup();
    const admin = client();
    for (const id of ["L-1", "L-2"]) await admin.request<OrderCreate>(ORDER_CREATE, { order: order(id, 1) });
    clock += 20_000;
    const error = await admin.request(ORDER_CREATE, { order: order("L-3", 1) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ terminal: false, status: 429, retryAfterMs: 40_000 });
    clock += 40_000;
    await expect(admin.request<OrderCreate>(ORDER_CREATE, { order: order("L-3", 1) })).resolves.toBeTruthy();
    expect(fake.shop(SHOP).orders.size).toBe(3);
  });
});
