import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { webhookRequest } from "../../test/fakes/shopify/webhooks";
import { prisma } from "~/db.server";
import { setLogSink } from "~/logger.server";
import { action } from "./webhooks";

const SHOP = "intake.myshopify.com";
const SECRET = process.env.SHOPIFY_API_SECRET ?? "";
const URL = "https://joor-sync.test/webhooks";

const call = (request: Request) =>
  action({ request, params: {}, context: {} }) as Promise<Response>;

let logs: string[] = [];
let restore: ReturnType<typeof setLogSink>;
beforeEach(() => {
  logs = [];
  vi.stubEnv("LOG_LEVEL", "warn");
  restore = setLogSink((line) => logs.push(line));
});
afterEach(() => {
  setLogSink(restore);
  vi.unstubAllEnvs();
});

function deliver(topic: string, payload: unknown, extra: Partial<Parameters<typeof webhookRequest>[0]> = {}) {
  return call(webhookRequest({ url: URL, topic, shop: SHOP, secret: SECRET, payload, ...extra }));
}

describe("POST /webhooks", () => {
  it("records the delivery and marks the product dirty", async () => {
    const response = await deliver("products/update", {
      id: 101,
      admin_graphql_api_id: "gid://shopify/Product/101",
      tags: "JOOR_ENABLED",
    }, { webhookId: "w-101" });
    expect(response.status).toBe(200);
    expect(await prisma.webhookDelivery.findUnique({ where: { webhookId: "w-101" } })).toMatchObject({
      shop: SHOP,
      topic: "PRODUCTS_UPDATE",
    });
    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "product", gid: "gid://shopify/Product/101" } },
    });
    expect(state.status).toBe("dirty");
    expect(state.dirtySeq).toBe(1);
  });

  it("acknowledges a redelivery without applying it twice", async () => {
    const payload = { customerId: "gid://shopify/Customer/7", tags: ["JOOR_ENABLED"] };
    expect((await deliver("customer.tags_added", payload, { webhookId: "w-dup" })).status).toBe(200);
    expect((await deliver("customer.tags_added", payload, { webhookId: "w-dup" })).status).toBe(200);
    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "customer", gid: "gid://shopify/Customer/7" } },
    });
    expect(state.dirtySeq).toBe(1);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "w-dup" } })).toBe(1);
  });

  it("marks again for a new delivery of the same record", async () => {
    await deliver("inventory_levels/update", { inventory_item_id: 55, location_id: 1, available: 2 });
    await deliver("inventory_levels/update", { inventory_item_id: 55, location_id: 2, available: 4 });
    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "inventoryItem", gid: "gid://shopify/InventoryItem/55" } },
    });
    expect(state.dirtySeq).toBe(2);
  });

  it("answers 401 to a bad HMAC and records nothing", async () => {
    const response = await deliver("products/update", { id: 102 }, { hmac: "AAAA", webhookId: "w-bad" });
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "w-bad" } })).toBe(0);
    expect(logs.some((l) => l.includes("HMAC"))).toBe(true);
  });

  it("answers 400 with a log line when a header is missing", async () => {
    const request = webhookRequest({ url: URL, topic: "products/update", shop: SHOP, secret: SECRET, payload: { id: 1 } });
    const headers = new Headers(request.headers);
    headers.delete("X-Shopify-Webhook-Id");
    const response = await call(new Request(URL, { method: "POST", headers, body: await request.text() }));
    expect(response.status).toBe(400);
    expect(logs.some((l) => JSON.parse(l).status === 400)).toBe(true);
  });

  it("answers 400 with a log line to a body that is not JSON", async () => {
    const response = await deliver("products/update", undefined, { body: "{not json", webhookId: "w-json" });
    expect(response.status).toBe(400);
    expect(logs.some((l) => l.includes("not valid JSON"))).toBe(true);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "w-json" } })).toBe(0);
  });

  it("answers 400 to a payload without the record id", async () => {
    const response = await deliver("products/update", { title: "no id" }, { webhookId: "w-noid" });
    expect(response.status).toBe(400);
    expect(logs.some((l) => l.includes("malformed"))).toBe(true);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "w-noid" } })).toBe(0);
  });

  it("refuses a body over the size limit", async () => {
    const response = await deliver("products/update", undefined, { body: `{"id":1,"x":"${"a".repeat(3_000_000)}"}` });
    expect(response.status).toBe(413);
  });

  it("keeps ids beyond 2^53 exact", async () => {
    await deliver("products/delete", undefined, { body: '{"id":9007199254740993123}' });
    expect(
      await prisma.syncState.count({ where: { shop: SHOP, gid: "gid://shopify/Product/9007199254740993123" } }),
    ).toBe(1);
  });

  it("app/uninstalled removes the shop's sessions and stops its work", async () => {
    await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "t" } });
    await prisma.scheduledTask.create({ data: { shop: SHOP, kind: "orders.poll" } });
    expect((await deliver("app/uninstalled", { id: 1, domain: SHOP })).status).toBe(200);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    const settings = await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(settings.uninstalledAt).not.toBeNull();
    const task = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: "orders.poll" } } });
    expect(task.status).toBe("paused");
  });

  it("app/scopes_update stores the granted scopes", async () => {
    const shop = "scopes.myshopify.com";
    await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "t", scope: "read_products" } });
    const request = webhookRequest({
      url: URL,
      topic: "app/scopes_update",
      shop,
      secret: SECRET,
      payload: { id: 1, previous: ["read_products"], current: ["read_products", "write_orders"] },
    });
    expect((await call(request)).status).toBe(200);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).scope).toBe(
      "read_products,write_orders",
    );
  });

  it.each(["customers/data_request", "customers/redact", "shop/redact"])("records the compliance request %s", async (topic) => {
    const response = await deliver(topic, { shop_id: 1, shop_domain: SHOP, customer: { id: 77 } });
    expect(response.status).toBe(200);
    expect(await prisma.activityEvent.count({ where: { shop: SHOP, flow: "compliance", action: topic } })).toBe(1);
  });

  it("answers 401 to a compliance webhook with a bad HMAC", async () => {
    expect((await deliver("shop/redact", { shop_id: 1 }, { hmac: "bad" })).status).toBe(401);
  });

  it("wakes the shop's tasks waiting for a bulk operation", async () => {
    const shop = "bulk.myshopify.com";
    await prisma.scheduledTask.create({
      data: { shop, kind: "backfill.customers", status: "waiting", nextRunAt: new Date(Date.now() + 86_400_000) },
    });
    const request = webhookRequest({
      url: URL,
      topic: "bulk_operations/finish",
      shop,
      secret: SECRET,
      payload: { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed" },
    });
    expect((await call(request)).status).toBe(200);
    const task = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop, kind: "backfill.customers" } } });
    expect(task.status).not.toBe("waiting");
    expect(task.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
