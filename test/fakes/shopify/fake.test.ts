import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serveLocally, type LocalServer } from "../http";
import { createShopifyFake, flattenToJsonl, type ShopifyFake } from ".";
import { compileSearch } from "./search";
import { createWebhookSender } from "./webhooks";

const SHOP = "fake-test.myshopify.com";
const TOKEN = "shpat_fake_test";
const API_KEY = "fake-key";
const API_SECRET = "fake-secret";

let fake: ShopifyFake;
let clock: number;

type GqlResponse = {
  data?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function gql(query: string, variables: Record<string, unknown> = {}, token = TOKEN, shop = SHOP) {
  const response = await fake.handler(
    new Request(`https://${shop}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return { status: response.status, body: (await response.json()) as GqlResponse };
}

beforeEach(() => {
  clock = Date.parse("2026-03-01T12:00:00Z");
  fake = createShopifyFake({ now: () => clock, apiKey: API_KEY, apiSecret: API_SECRET, bulk: { stepMs: 1 } });
  fake.addShop(SHOP, { accessToken: TOKEN, name: "Fake Test" });
});

describe("search syntax", () => {
  const people = [
    { name: "ann", tags: ["JOOR_ENABLED", "VIP"], updated: "2026-01-10T00:00:00Z", id: "5" },
    { name: "bob", tags: ["VIP"], updated: "2026-02-10T00:00:00Z", id: "9007199254740995" },
    { name: "cy", tags: ["joor enabled"], updated: "2026-03-10T00:00:00Z", id: "12" },
  ];
  const spec = {
    fields: {
      tag: { kind: "tag" as const, get: (p: (typeof people)[number]) => p.tags },
      updated_at: { kind: "date" as const, get: (p: (typeof people)[number]) => p.updated },
      id: { kind: "id" as const, get: (p: (typeof people)[number]) => p.id },
    },
    freeText: (p: (typeof people)[number]) => [p.name],
  };
  const names = (query: string) => people.filter(compileSearch(query, spec).matches).map((p) => p.name);

  it("filters by quoted tags, dates, ids, OR, NOT and free text", () => {
    expect(names("tag:'JOOR_ENABLED'")).toEqual(["ann"]);
    expect(names(`tag:"joor enabled"`)).toEqual(["cy"]);
    expect(names("updated_at:>2026-02-01")).toEqual(["bob", "cy"]);
    expect(names("tag:VIP AND updated_at:<'2026-02-01T00:00:00Z'")).toEqual(["ann"]);
    expect(names("tag:JOOR_ENABLED OR name_is_free_text")).toEqual(["ann"]);
    expect(names("tag:VIP -tag:JOOR_ENABLED")).toEqual(["bob"]);
    expect(names("NOT tag:VIP")).toEqual(["cy"]);
    expect(names("id:>9007199254740994")).toEqual(["bob"]);
    expect(names("(tag:VIP OR tag:'joor enabled') bo")).toEqual(["bob"]);
  });

  it("ignores an unknown field, with a warning, as Shopify does", () => {
    const { matches, warnings } = compileSearch("colour:red", spec);
    expect(people.filter(matches)).toHaveLength(3);
    expect(warnings).toEqual([{ field: "colour", message: "Invalid search field for this query." }]);
  });
});

describe("Admin GraphQL", () => {
  it("answers Shopify's shapes for customers, products, inventory and nodes", async () => {
    const shop = fake.shop(SHOP);
    const customer = shop.createCustomer({
      email: "ann@example.com",
      firstName: "Ann",
      lastName: "Lee",
      phone: "+12125550100",
      tags: ["JOOR_ENABLED"],
      addresses: [{ company: "Lee Co", address1: "1 Main St", city: "Albany", provinceCode: "NY", zip: "12207", countryCode: "US" }],
    });
    const warehouse = shop.addLocation("Warehouse");
    const product = shop.createProduct({
      title: "Shirt",
      tags: ["JOOR", "Summer"],
      options: ["Color", "Size"],
      media: [{ url: "https://cdn.example/shirt.jpg", altText: "Shirt" }],
      variants: [
        { sku: "SH-R-S", barcode: "0001", price: 20, options: ["Red", "S"], inventory: { [warehouse.id]: 4 }, mediaIndex: 0 },
        { sku: "SH-B-S", price: "22.5", compareAtPrice: 30, options: ["Blue", "S"], inventory: 1 },
      ],
    });
    shop.setMetafields([{ ownerId: `gid://shopify/Product/${product.id}`, namespace: "joor", key: "style_id", type: "single_line_text_field", value: "STY-1" }]);
    const [red] = product.variantIds.map((id) => shop.variant(id));

    const { body } = await gql(`{
      customers(first: 5, query: "tag:'JOOR_ENABLED'") { nodes {
        legacyResourceId displayName email defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } tags
        defaultAddress { company address1 city province provinceCode zip country countryCodeV2 name }
        addressesV2(first: 5) { edges { node { city } } }
      } }
      products(first: 5, query: "tag:JOOR status:active") { nodes {
        title handle tags status options { name values position }
        metafield(namespace: "joor", key: "style_id") { value type }
        media(first: 5) { nodes { ... on MediaImage { image { url altText } mimeType } } }
        variants(first: 5) { nodes {
          sku barcode price compareAtPrice title selectedOptions { name value } image { url }
          inventoryItem { id inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available", "on_hand"]) { name quantity } } } }
        } }
      } }
      productVariants(first: 5, query: "sku:SH-B-S") { nodes { sku inventoryQuantity product { title } } }
      nodes(ids: ["gid://shopify/Customer/${customer.id}", "gid://shopify/Product/1", "gid://shopify/ProductVariant/${red.id}"]) {
        __typename id ... on ProductVariant { sku }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.customers.nodes).toEqual([
      {
        legacyResourceId: customer.id,
        displayName: "Ann Lee",
        email: "ann@example.com",
        defaultEmailAddress: { emailAddress: "ann@example.com" },
        defaultPhoneNumber: { phoneNumber: "+12125550100" },
        tags: ["JOOR_ENABLED"],
        defaultAddress: {
          company: "Lee Co",
          address1: "1 Main St",
          city: "Albany",
          province: null,
          provinceCode: "NY",
          zip: "12207",
          country: "United States",
          countryCodeV2: "US",
          name: null,
        },
        addressesV2: { edges: [{ node: { city: "Albany" } }] },
      },
    ]);
    const shirt = body.data?.products.nodes[0];
    expect(shirt).toMatchObject({
      title: "Shirt",
      handle: "shirt",
      tags: ["JOOR", "Summer"],
      status: "ACTIVE",
      options: [
        { name: "Color", values: ["Red", "Blue"], position: 1 },
        { name: "Size", values: ["S"], position: 2 },
      ],
      metafield: { value: "STY-1", type: "single_line_text_field" },
      media: { nodes: [{ image: { url: "https://cdn.example/shirt.jpg", altText: "Shirt" }, mimeType: "image/jpeg" }] },
    });
    expect(shirt.variants.nodes[0]).toMatchObject({
      sku: "SH-R-S",
      barcode: "0001",
      price: "20.00",
      compareAtPrice: null,
      title: "Red / S",
      selectedOptions: [{ name: "Color", value: "Red" }, { name: "Size", value: "S" }],
      image: { url: "https://cdn.example/shirt.jpg" },
      inventoryItem: {
        inventoryLevels: {
          nodes: [{ location: { name: "Warehouse" }, quantities: [{ name: "available", quantity: 4 }, { name: "on_hand", quantity: 4 }] }],
        },
      },
    });
    expect(shirt.variants.nodes[1]).toMatchObject({ price: "22.50", compareAtPrice: "30.00" });
    expect(body.data?.productVariants.nodes).toEqual([{ sku: "SH-B-S", inventoryQuantity: 1, product: { title: "Shirt" } }]);
    expect(body.data?.nodes).toEqual([
      { __typename: "Customer", id: `gid://shopify/Customer/${customer.id}` },
      null,
      { __typename: "ProductVariant", id: `gid://shopify/ProductVariant/${red.id}`, sku: "SH-R-S" },
    ]);
  });

  it("prices queries like Shopify and refunds what was not used", async () => {
    fake.shop(SHOP).createCustomer({ email: "one@example.com" });
    const { body } = await gql("{ customers(first: 10) { nodes { id defaultAddress { city } addressesV2(first: 5) { nodes { id } } } } }");
    // 2 + 10 × (1 customer + 1 address + (2 + 5 × 1) addresses) = 92; one customer without addresses costs 2 + 1 + 2 = 5.
    expect(body.extensions?.cost).toEqual({
      requestedQueryCost: 92,
      actualQueryCost: 5,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 995, restoreRate: 100 },
    });
    clock += 1000;
    expect(fake.throttleStatus(SHOP).currentlyAvailable).toBe(1000);
  });

  it("throttles with HTTP 200 and no data when the bucket is short", async () => {
    fake.bucket(SHOP).setAvailable(3);
    const { status, body } = await gql("{ customers(first: 10) { nodes { id } } }");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]).toMatchObject({ message: "Throttled", extensions: { code: "THROTTLED" } });
    expect(body.extensions?.cost).toMatchObject({
      requestedQueryCost: 12,
      actualQueryCost: null,
      throttleStatus: { currentlyAvailable: 3, restoreRate: 100 },
    });
  });

  it("refuses a query above the single-query maximum", async () => {
    const { body } = await gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }");
    expect(body.errors?.[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });

  it("words validation errors as Shopify does and enforces first/last", async () => {
    const unknownField = await gql("{ shop { name planName } }");
    expect(unknownField.body.errors?.[0]).toMatchObject({
      message: "Field 'planName' doesn't exist on type 'Shop'",
      extensions: { code: "undefinedField", typeName: "Shop", fieldName: "planName" },
    });
    const missingArgument = await gql("{ customer { id } }");
    expect(missingArgument.body.errors?.[0].message).toBe("Field 'customer' is missing required arguments: id");
    const noFirst = await gql("{ customers { nodes { id } } }");
    expect(noFirst.body.errors?.[0].message).toBe("you must provide one of first or last");
    const tooMany = await gql("{ customers(first: 251) { nodes { id } } }");
    expect(tooMany.body.errors?.[0].message).toContain("between 0 and 250");
  });

  it("denies fields the token's scopes do not cover", async () => {
    fake.addShop("readonly.myshopify.com", { accessToken: "shpat_ro", scopes: ["read_products"] });
    const { body } = await gql(
      `mutation { orderCreate(order: { lineItems: [{ title: "x", quantity: 1 }] }) { order { id } userErrors { message } } }`,
      {},
      "shpat_ro",
      "readonly.myshopify.com",
    );
    expect(body.data?.orderCreate).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" }, path: ["orderCreate"] });
  });

  it("sets metafields atomically and caps a call at 25", async () => {
    const customer = fake.shop(SHOP).createCustomer({ email: "m@example.com" });
    const owner = `gid://shopify/Customer/${customer.id}`;
    const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value } userErrors { field code elementIndex message } } }`;
    const refused = await gql(SET, {
      m: [
        { ownerId: owner, namespace: "joor", key: "customer_id", type: "single_line_text_field", value: "C-1" },
        { ownerId: owner, namespace: "joor", key: "count", type: "number_integer", value: "many" },
      ],
    });
    expect(refused.body.data?.metafieldsSet).toEqual({
      metafields: null,
      userErrors: [{ field: ["metafields", "1", "value"], code: "INVALID_VALUE", elementIndex: 1, message: "Value must be an integer." }],
    });
    expect(fake.shop(SHOP).metafieldsOf(owner)).toEqual([]);

    const accepted = await gql(SET, {
      m: [{ ownerId: owner, namespace: "joor", key: "customer_id", type: "single_line_text_field", value: "C-1" }],
    });
    expect(accepted.body.data?.metafieldsSet.metafields).toEqual([{ key: "customer_id", value: "C-1" }]);

    const tooMany = await gql(SET, {
      m: Array.from({ length: 26 }, (_, i) => ({ ownerId: owner, namespace: "joor", key: `k${i}`, type: "number_integer", value: "1" })),
    });
    expect(tooMany.body.errors?.[0].extensions).toMatchObject({ code: "MAX_INPUT_SIZE_EXCEEDED" });
  });

  it("adds and removes tags through the API and emits what Shopify emits", async () => {
    const shop = fake.shop(SHOP);
    const customer = shop.createCustomer({ email: "t@example.com" });
    const TAGS = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { ... on Customer { tags } } userErrors { message } } }`;
    const { body } = await gql(TAGS, { id: `gid://shopify/Customer/${customer.id}`, tags: ["JOOR_ENABLED, wholesale"] });
    expect(body.data?.tagsAdd).toEqual({ node: { tags: ["JOOR_ENABLED", "wholesale"] }, userErrors: [] });
    const added = shop.events.find((e) => e.topic === "customer.tags_added");
    expect(added?.payload).toEqual({
      customerId: `gid://shopify/Customer/${customer.id}`,
      tags: ["JOOR_ENABLED", "wholesale"],
      occurredAt: "2026-03-01T12:00:00Z",
    });
  });

  it("flattens nested connections to JSONL with __parentId", () => {
    const { lines, rootObjectCount } = flattenToJsonl({
      products: {
        edges: [
          {
            node: {
              id: "P1",
              title: "A",
              featuredMedia: { id: "M1" },
              variants: {
                nodes: [
                  { id: "V1", inventoryItem: { id: "I1", inventoryLevels: { edges: [{ node: { id: "L1" } }] } } },
                ],
              },
            },
          },
        ],
      },
    });
    expect(rootObjectCount).toBe(1);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { id: "P1", title: "A", featuredMedia: { id: "M1" } },
      { id: "V1", inventoryItem: { id: "I1" }, __parentId: "P1" },
      { id: "L1", __parentId: "V1" },
    ]);
  });

  it("answers unknown shops with 404 and wrong tokens with 401", async () => {
    expect((await gql("{ shop { name } }", {}, TOKEN, "nobody.myshopify.com")).status).toBe(404);
    const wrong = await gql("{ shop { name } }", {}, "shpat_nope");
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
  });
});

describe("merchant actions and their webhooks", () => {
  it("emit REST-shaped payloads: product tags as one string, customers without tags, stock changes", async () => {
    const received: { topic: string; body: string }[] = [];
    fake = createShopifyFake({ idStart: "9007199254740993" });
    fake.attachWebhooks(
      createWebhookSender({
        secret: API_SECRET,
        target: async (request) => {
          received.push({ topic: request.headers.get("x-shopify-topic") ?? "", body: await request.text() });
          return new Response(null, { status: 200 });
        },
      }),
    );
    const shop = fake.addShop(SHOP, { accessToken: TOKEN });
    const product = shop.createProduct({ title: "Coat", tags: ["JOOR", "Winter"], variants: [{ sku: "C-1", price: 99, inventory: 3 }] });
    const variant = shop.variant(product.variantIds[0]);
    shop.updateVariant(variant.id, { price: "89.00", barcode: "123" });
    const customer = shop.createCustomer({ email: "c@example.com", tags: ["JOOR_ENABLED"] });
    shop.updateCustomer(customer.id, { firstName: "Cleo" });
    shop.removeCustomerTags(customer.id, ["JOOR_ENABLED"]);
    shop.sell({ variantId: variant.id, quantity: 1 });
    shop.deleteProduct(product.id);
    await fake.settle();

    expect(received.map((r) => r.topic)).toEqual([
      "products/create",
      "products/update",
      "customers/create",
      "customer.tags_added",
      "customers/update",
      "customers/update",
      "customer.tags_removed",
      "inventory_levels/update",
      "products/update",
      "products/delete",
      "inventory_items/delete",
    ]);
    const update = JSON.parse(received[1].body);
    expect(update).toMatchObject({
      admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
      tags: "JOOR, Winter",
      status: "active",
      variants: [{ admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`, sku: "C-1", barcode: "123", price: "89.00", inventory_quantity: 3 }],
    });
    // Ids above 2^53 are bare numbers in the raw body: parsing them as numbers loses precision.
    expect(received[1].body).toContain(`"inventory_item_id":${variant.inventoryItemId}`);
    expect(String(update.id)).not.toBe(product.id);
    const customerUpdate = JSON.parse(received[4].body);
    expect(customerUpdate).toMatchObject({ first_name: "Cleo", email: "c@example.com" });
    expect(customerUpdate).not.toHaveProperty("tags");
    expect(JSON.parse(received[6].body)).toMatchObject({ tags: ["JOOR_ENABLED"] });
    expect(received[7].body).toContain(`"available":2`);
    expect(JSON.parse(received[7].body).admin_graphql_api_id).toMatch(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/);
  });

  it("serves the same actions as JSON endpoints under /_fake", async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fake.handler(
        new Request(`http://127.0.0.1:1/_fake${path}`, {
          method,
          headers: { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return { status: response.status, body: await response.json(), headers: response.headers };
    };
    const created = await call("POST", `/shops/${SHOP}/customers`, { email: "api@example.com", tags: ["JOOR_ENABLED"] });
    expect(created.status).toBe(200);
    expect(created.headers.get("access-control-allow-origin")).toBe("*");
    expect(fake.shop(SHOP).findCustomer(created.body.id)?.email).toBe("api@example.com");

    const duplicate = await call("POST", `/shops/${SHOP}/customers`, { email: "api@example.com" });
    expect(duplicate).toMatchObject({ status: 422, body: { userErrors: [{ field: ["email"], message: "Email has already been taken" }] } });

    const product = await call("POST", `/shops/${SHOP}/products`, { title: "Hat", variants: [{ sku: "HAT", inventory: 5 }] });
    const variantId = product.body.variantIds[0];
    const level = await call("POST", `/shops/${SHOP}/inventory`, { variantId, available: 9 });
    expect(level.body.available).toBe(9);
    const throttle = await call("PUT", `/shops/${SHOP}/throttle`, { available: 10 });
    expect(throttle.body.currentlyAvailable).toBe(10);
    const state = await call("GET", `/shops/${SHOP}`);
    expect(state.body.products[0].variants[0].inventory[fake.shop(SHOP).primaryLocationId].available).toBe(9);
    expect((await call("GET", "/shops/nobody.myshopify.com")).status).toBe(404);
  });

  it("uninstalling revokes the tokens", async () => {
    fake.uninstall(SHOP);
    expect((await gql("{ shop { name } }")).status).toBe(401);
    expect(fake.shop(SHOP).events.at(-1)?.topic).toBe("app/uninstalled");
  });
});

describe("token endpoint, as @shopify/shopify-api calls it", () => {
  const api = shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    apiVersion: ApiVersion.October26,
    hostName: "joor-sync.test",
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  beforeEach(() => {
    fake.addShop("tokens.myshopify.com", { name: "Tokens" });
    setAbstractFetchFunc(async (input, init) => fake.handler(new Request(input as RequestInfo, init)));
  });

  it("exchanges a session token for an expiring offline token, refreshes it and migrates old tokens", async () => {
    const { token } = await getJwt("tokens", API_KEY, API_SECRET);
    const { session } = await api.auth.tokenExchange({
      shop: "tokens.myshopify.com",
      sessionToken: token,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session).toMatchObject({ shop: "tokens.myshopify.com", isOnline: false, scope: expect.stringContaining("write_orders") });
    expect(session.refreshToken).toMatch(/^shprt_/);
    // The library dates the expiry from its own clock: expires_in must be Shopify's hour.
    const expiresInSec = ((session.expires?.getTime() ?? 0) - Date.now()) / 1000;
    expect(expiresInSec).toBeGreaterThan(3590);
    expect(expiresInSec).toBeLessThanOrEqual(3600);
    expect((await gql("{ shop { name } }", {}, session.accessToken, "tokens.myshopify.com")).body.data?.shop.name).toBe("Tokens");

    const refreshed = await api.auth.refreshToken({ shop: "tokens.myshopify.com", refreshToken: session.refreshToken as string });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    await expect(
      api.auth.refreshToken({ shop: "tokens.myshopify.com", refreshToken: session.refreshToken as string }),
    ).rejects.toThrow();

    const legacy = fake.issueOfflineToken("tokens.myshopify.com");
    const migrated = await api.auth.migrateToExpiringToken({
      shop: "tokens.myshopify.com",
      nonExpiringOfflineAccessToken: legacy.accessToken,
    });
    expect(migrated.session.refreshToken).toMatch(/^shprt_/);
    expect((await gql("{ shop { name } }", {}, legacy.accessToken, "tokens.myshopify.com")).status).toBe(401);
  });

  it("refuses a session token signed with another secret, and exchanges authorization codes", async () => {
    const { token } = await getJwt("tokens", API_KEY, "another-secret");
    const response = await fake.handler(
      new Request("https://tokens.myshopify.com/admin/oauth/access_token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_id: API_KEY,
          client_secret: API_SECRET,
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: token,
          subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
          requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
        }),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_subject_token" });

    const code = fake.authorizationCode("tokens.myshopify.com");
    const granted = await fake.handler(
      new Request("https://tokens.myshopify.com/admin/oauth/access_token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: API_KEY, client_secret: API_SECRET, code }),
      }),
    );
    const grant = (await granted.json()) as { access_token: string; scope: string };
    expect(grant.access_token).toMatch(/^shpat_/);
    expect((await gql("{ shop { name } }", {}, grant.access_token, "tokens.myshopify.com")).status).toBe(200);
  });
});

describe("as a local HTTP server", () => {
  let local: LocalServer;
  afterEach(() => local?.close());

  it("tells shops apart by access token and serves bulk results from its own origin", async () => {
    fake.addShop("other.myshopify.com", { accessToken: "shpat_other", name: "Other" });
    fake.shop(SHOP).createProduct({ title: "Local", tags: ["JOOR"] });
    local = await serveLocally(fake.handler);
    const post = (token: string, query: string) =>
      fetch(`${local.url}/admin/api/2026-10/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query }),
      }).then((r) => r.json() as Promise<GqlResponse>);
    expect((await post(TOKEN, "{ shop { name } }")).data?.shop.name).toBe("Fake Test");
    expect((await post("shpat_other", "{ shop { name } }")).data?.shop.name).toBe("Other");

    await post(TOKEN, `mutation { bulkOperationRunQuery(query: "{ products { edges { node { id title } } } }") { userErrors { message } } }`);
    await fake.settle();
    const status = await post(TOKEN, "{ currentBulkOperation { status url } }");
    const url = status.data?.currentBulkOperation.url as string;
    expect(url.startsWith(`${local.url}/_fake/bulk/`)).toBe(true);
    expect(await (await fetch(url)).text()).toMatch(/^\{"id":"gid:\/\/shopify\/Product\/\d+","title":"Local"\}\n$/);
  });
});
