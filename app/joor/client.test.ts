import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { BULK_CONNECTION_BATCH_SIZE, connectionAddresses, INVENTORY_BATCH_SIZE, V4_BULK_MAX_RECORDS } from "./assumptions";
import { CREDITS_EXHAUSTED } from "./budget";
import { DbCreditBudget } from "./budget.server";
import { isDuplicated, type V4RecordResult } from "./client.server";
import { ACCOUNT, makeClient, requests, joorFakeSuite, syncError } from "./test-support";
import type { JoorConnectionInput, JoorProductInput, JoorSkuInput } from "./types";

const joor = joorFakeSuite();


function okIds<T>(results: Array<V4RecordResult<T>>): string[] {
  return results.map((result) => (result.ok ? result.id : `!${result.status}`));
}

describe("connections", () => {
  it("gets a connection by customer code or id, and answers null when JOOR has none", async () => {
    const { fake, client } = joor.setup();
    const id = fake.addConnection(ACCOUNT, {
      customer_code: "6123456789",
      customer_name: "Boutique Nord",
      customer_contact_email: "buyer@nord.example",
      ...connectionAddresses([{ billing_code: "B1", address_1: "1 Main St", city: "Oslo", country: "NO" }], []),
    });
    const byCode = await client.getConnectionByCode("6123456789");
    expect(byCode).toMatchObject({
      connection_id: id,
      customer_name: "Boutique Nord",
      connection_status: "connected",
      billing: { billing_addresses: [{ billing_code: "B1", city: "Oslo", country: "NO" }] },
    });
    expect(await client.getConnection(id)).toMatchObject({ customer_code: "6123456789" });
    expect(await client.getConnectionByCode("nobody")).toBeNull();
    expect(await client.getConnection("999999")).toBeNull();
  });

  it("lists all connections page by page", async () => {
    const { fake, client } = joor.setup();
    for (const n of [1, 2, 3, 4, 5]) fake.addConnection(ACCOUNT, { customer_code: `c${n}`, customer_name: `Store ${n}` });
    const codes: string[] = [];
    let start: number | null = 0;
    let pages = 0;
    while (start !== null) {
      const page = await client.listConnections({ startFrom: start, count: 2 });
      codes.push(...page.connections.map((connection) => connection.customer_code ?? ""));
      start = page.nextStart;
      pages += 1;
    }
    expect(codes).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(pages).toBe(3);
  });

  it("runs a bulk-connection job to completion with per-connection outcomes", async () => {
    const { fake, client } = joor.setup({ fake: { bulkConnectionPolls: 2 } });
    fake.addConnection(ACCOUNT, { customer_code: "100", customer_name: "Known store" });
    const records: JoorConnectionInput[] = [
      { customer_code: "100", customer_name: "Known store (renamed)" },
      { customer_code: "200", customer_name: "New store", ...connectionAddresses([{ country: "US" }], [{ shipping_code: "S1", country: "US" }]) },
      { customer_code: "300", customer_name: "x".repeat(101) },
    ];
    const [submission] = await client.submitConnections(records);
    expect(submission).toMatchObject({ status: "queued", customerCodes: ["100", "200", "300"] });

    const first = await client.getConnectionJob(submission.jobId);
    expect(first).toMatchObject({ status: "started", finished: false, results: [] });
    const done = await client.getConnectionJob(submission.jobId);
    expect(done.finished).toBe(true);
    expect(done.results.map(({ customerCode, outcome }) => [customerCode, outcome])).toEqual([
      ["100", "synced"],
      ["200", "pending"],
      ["300", "failed"],
    ]);
    expect(done.results[2].message).toMatch(/customer_name/);
    expect(fake.connection(ACCOUNT, "200")).toMatchObject({ shipping: { shipping_addresses: [{ shipping_code: "S1" }] } });

    fake.validateConnections(ACCOUNT);
    const [again] = await client.submitConnections([records[1]]);
    fake.finishBulkJobs(ACCOUNT);
    expect((await client.getConnectionJob(again.jobId)).results[0].outcome).toBe("synced");
  });

  it("splits a large upload into one job per batch", async () => {
    const { fake, client } = joor.setup({ fake: { bulkConnectionPolls: 0 } });
    const records = Array.from({ length: BULK_CONNECTION_BATCH_SIZE + 1 }, (_, n) => ({ customer_code: `${n}`, customer_name: `Store ${n}` }));
    const submissions = await client.submitConnections(records);
    expect(submissions.map((submission) => submission.customerCodes.length)).toEqual([BULK_CONNECTION_BATCH_SIZE, 1]);
    expect(fake.account(ACCOUNT).connections.size).toBe(BULK_CONNECTION_BATCH_SIZE + 1);
  });

  it("re-keys a connection, refuses a code in use with JOOR's reason, and deletes by code", async () => {
    const { fake, client } = joor.setup();
    const id = fake.addConnection(ACCOUNT, { customer_name: "Trade-show lead" });
    fake.addConnection(ACCOUNT, { customer_code: "taken", customer_name: "Other" });
    expect(await client.rekeyConnection(id, "7001")).toMatchObject({ connection_id: id, customer_code: "7001" });
    expect(fake.connection(ACCOUNT, "7001")).toBeDefined();

    const conflict = await syncError(client.rekeyConnection(id, "taken"));
    expect(conflict).toMatchObject({ terminal: true, status: 400 });
    expect(conflict.message).toContain("already used");

    expect(await client.deleteConnection("7001")).toBe(true);
    expect(await client.deleteConnection("7001")).toBe(false);
    expect(fake.connection(ACCOUNT, "7001")).toBeUndefined();
  });
});

describe("inventory", () => {
  it("reports pass/fail per SKU, never sends overwrite=1, and clears stock for made-to-order", async () => {
    const { fake, client } = joor.setup();
    fake.seedProduct(ACCOUNT, {
      name: "Tee",
      productIdentifier: "TEE-1",
      skus: [
        { color: "Red", colorCode: "RED", size: "S", upc: "0001" },
        { color: "Red", colorCode: "RED", size: "M", upc: "0002" },
      ],
    });
    const result = await client.updateInventory([
      { upc: "0001", warehouse: "Default", inventory: 7 },
      { upc: "9999", warehouse: "Default", inventory: 3 },
      { style_number: "TEE-1", color_code: "RED", size: "M", warehouse: "Default", inventory: 0, made_to_order: true },
    ]);
    expect(result.skuCount).toBe(2);
    expect(result.items.map((item) => item.ok)).toEqual([true, false, true]);
    expect(result.items[1].message).toContain("Unknown UPC 9999");
    expect(fake.stockOf(ACCOUNT, "0001")["Default|"]).toMatchObject({ inventory: 7 });
    expect(fake.stockOf(ACCOUNT, "0002")["Default|"]).toMatchObject({ inventory: 0, made_to_order: true });
    expect(fake.account(ACCOUNT).overwriteRequests).toBe(0);
  });

  it("sends large updates in batches", async () => {
    const { fake, client } = joor.setup();
    fake.seedProduct(ACCOUNT, { name: "Tee", skus: [{ color: "Red", size: "S", upc: "0001" }] });
    const items = Array.from({ length: INVENTORY_BATCH_SIZE + 1 }, () => ({ upc: "0001", warehouse: "Default", inventory: 1 }));
    const result = await client.updateInventory(items);
    expect(result.items).toHaveLength(INVENTORY_BATCH_SIZE + 1);
    expect(result.items.every((item) => item.ok)).toBe(true);
    expect(requests(fake).filter((request) => request === "POST /v2/bulk-inventory")).toHaveLength(2);
    expect(fake.calls.every((call) => !call.query.includes("overwrite"))).toBe(true);
  });
});

describe("orders", () => {
  it("pages through approved, not-yet-exported orders read-only, with JOOR's loose types parsed", async () => {
    const { fake, client } = joor.setup();
    const ids = [1, 2, 3].map((n) =>
      fake.addOrder(ACCOUNT, {
        status: "APPROVED",
        fields: { customer_code: `61${n}`, customer_purchase_order: `PO-${n}` },
        lines: [{ item_upc: `000${n}`, item_quantity: n, item_price: 12.5 }],
      }),
    );
    fake.addOrder(ACCOUNT, { status: "PENDING" });

    const first = await client.listOrders({ count: 2 });
    expect(first.orders.map((order) => order.order_id)).toEqual(ids.slice(0, 2));
    expect(first.nextStart).toBe(2);
    const second = await client.listOrders({ count: 2, startFrom: 2 });
    expect(second.orders.map((order) => order.order_id)).toEqual([ids[2]]);
    expect(second.nextStart).toBeNull();

    expect(first.orders[1]).toMatchObject({
      order_total: 25,
      customer_purchase_order: "PO-2",
      line_items: [{ item_upc: "0002", item_quantity: 2, item_price: 12.5 }],
    });
    expect(first.orders[1].date_ship_start).toBeUndefined();
    expect(fake.calls.filter((call) => call.path === "/v2/order/").every((call) => call.query.includes("sync=0"))).toBe(true);
    expect(ids.map((id) => fake.orderExport(ACCOUNT, id).state)).toEqual(["never", "never", "never"]);
    expect(await client.getOrder(ids[0])).toMatchObject({ order_id: ids[0] });
    expect(await client.getOrder("404404")).toBeNull();
  });

  it("acknowledges SUCCESS and FAILED, and sees an order again once it is modified in JOOR", async () => {
    const { fake, client } = joor.setup();
    const [imported, failed, edited] = [1, 2, 3].map(() => fake.addOrder(ACCOUNT, { status: "APPROVED" }));
    const acks = await client.acknowledgeOrders([
      { id: imported, export_status: "SUCCESS", export_description: "Shopify order #1001" },
      { id: failed, export_status: "FAILED", export_description: "Unknown UPC 123" },
      { id: edited, export_status: "SUCCESS" },
      { id: "31337", export_status: "SUCCESS" },
    ]);
    expect(okIds(acks)).toEqual([imported, failed, edited, "!NOT_FOUND"]);
    expect(fake.orderExport(ACCOUNT, failed)).toMatchObject({ state: "failed", description: "Unknown UPC 123" });

    const ids = async (query: Parameters<typeof client.listOrders>[0]) => (await client.listOrders(query)).orders.map((order) => order.order_id);
    expect(await ids({})).toEqual([failed]);
    expect(await ids({ exportStatus: 6 })).toEqual([]);

    fake.modifyOrder(ACCOUNT, edited, { fields: { order_comments: "two more" } });
    fake.setOrderToReExport(ACCOUNT, imported);
    expect(await ids({})).toEqual([imported, failed, edited]);
    expect(await ids({ exportStatus: 4 })).toEqual([imported, edited]);
  });
});

describe("catalog", () => {
  const tee: JoorProductInput = { name: "Tee", external_id: "gid://shopify/Product/1", product_identifier: "TEE" };

  it("creates products with per-record results and falls back to update on DUPLICATED", async () => {
    const { fake, client } = joor.setup();
    const first = await client.createProducts([tee]);
    expect(first[0].ok).toBe(true);
    const productId = first[0].ok ? first[0].id : "";

    const second = await client.createProducts([
      { name: "Hoodie", external_id: "gid://shopify/Product/2" },
      tee,
      { name: "", external_id: "gid://shopify/Product/3" },
      { name: "Cap", external_id: "gid://shopify/Product/4", price: "10.00" } as JoorProductInput,
    ]);
    expect(okIds(second)).toEqual([expect.any(String), "!DUPLICATED", "!INVALID", "!INVALID"]);
    expect(isDuplicated(second[1])).toBe(true);
    expect(second[1]).toMatchObject({ existingId: productId });
    expect(second[3]).toMatchObject({ message: expect.stringContaining("price") });

    const updated = await client.updateProducts([{ id: productId, description: "Heavy cotton" }]);
    expect(updated[0]).toMatchObject({ ok: true, record: { description: "Heavy cotton" } });
    expect(fake.account(ACCOUNT).products.get(productId)?.description).toBe("Heavy cotton");
    expect((await client.getProducts([productId])).map((product) => product.name)).toEqual(["Tee"]);
  });

  it("keeps results in input order across batches", async () => {
    const { fake, client } = joor.setup();
    const products = Array.from({ length: V4_BULK_MAX_RECORDS + 20 }, (_, n) => ({ name: `P${n}`, external_id: `p-${n}` }));
    products[V4_BULK_MAX_RECORDS + 3] = { name: "", external_id: "broken" };
    const results = await client.createProducts(products);
    expect(results).toHaveLength(products.length);
    expect(results.filter((result) => !result.ok)).toHaveLength(1);
    expect(results[V4_BULK_MAX_RECORDS + 3].ok).toBe(false);
    results.forEach((result, index) => {
      if (result.ok) expect(result.record.external_id).toBe(products[index].external_id);
    });
    expect(requests(fake).filter((request) => request === "POST /v4/products/bulk_create")).toHaveLength(2);
  });

  it("creates SKUs over the full color × size grid, prices as strings per price type, collections and images", async () => {
    const { client } = joor.setup();
    const [product] = await client.createProducts([tee]);
    const productId = product.ok ? product.id : "";
    const sku = (color: string, size: string, upc?: string): JoorSkuInput => ({
      product_id: productId,
      external_id: `${color}-${size}`,
      trait_values: [
        { trait_name: "Color", value: color, external_id: color.toUpperCase() },
        { trait_name: "Size", value: size },
      ],
      identifiers: upc ? [{ type: "upc", value: upc }] : [],
      status: upc ? "ACTIVE" : "INACTIVE",
    });
    const noSize = { ...sku("Green", "S"), external_id: "no-size", trait_values: [{ trait_name: "Color" as const, value: "Green" }] };
    const skus = await client.createSkus([sku("Red", "S", "01"), sku("Red", "M", "02"), sku("Blue", "S", "03"), sku("Blue", "M"), noSize]);
    expect(okIds(skus).slice(4)).toEqual(["!INVALID"]);
    expect(skus.slice(0, 4).every((result) => result.ok)).toBe(true);
    const skuIds = skus.flatMap((result) => (result.ok ? [result.id] : []));
    expect(Buffer.from(skuIds[0], "base64").toString()).toMatch(/^Sku:/);

    const renamed = await client.updateSkusByExternalId([{ external_id: "Red-S", sku_identifier: "TEE-RED-S" }]);
    expect(renamed[0]).toMatchObject({ ok: true, record: { sku_identifier: "TEE-RED-S" } });

    const [priceType] = await client.listPriceTypes();
    expect(priceType).toMatchObject({ label: "Wholesale USD", currency: "USD" });
    const prices = await client.createPrices([
      { sku_id: skuIds[0], price_type_id: priceType.id, wholesale_value: "12.50", retail_value: "29.00" },
      { sku_id: skuIds[1], price_type_id: priceType.id, wholesale_value: 12.5 as unknown as string },
      { sku_id: skuIds[0], price_type_id: priceType.id, wholesale_value: "11.00" },
    ]);
    expect(okIds(prices).slice(1)).toEqual(["!INVALID", "!DUPLICATED"]);
    expect(prices[0]).toMatchObject({ ok: true, record: { wholesale_value: "12.50" } });
    const priceId = prices[0].ok ? prices[0].id : "";
    expect((await client.updatePrices([{ id: priceId, wholesale_value: "13.00" }]))[0]).toMatchObject({ ok: true, record: { wholesale_value: "13.00" } });

    const collections = await client.createCollections([
      { name: "Fall26", external_id: "Collection_Fall26", items: [{ product_id: productId, sku_ids: skuIds }] },
      { name: "Ghost", external_id: "Collection_Ghost", items: [{ product_id: "nope" }] },
    ]);
    expect(collections[0]).toMatchObject({ ok: true, record: { delivery: { type: "IMMEDIATE" } } });
    expect(collections[1]).toMatchObject({ ok: false, status: "INVALID" });
    const collectionId = collections[0].ok ? collections[0].id : "";
    expect((await client.updateCollections([{ id: collectionId, items: [] }]))[0]).toMatchObject({ ok: true, record: { items: [] } });

    const image = (filename: string) => ({
      product: { id: productId },
      asset: { type: "image" as const, filename, source_url: `https://cdn.shopify.com/files/${filename}` },
    });
    const assets = await client.uploadProductAssets([image("front.jpg"), image("back.webp"), image("side.png")], { replaceAll: true });
    expect(assets.map((asset) => asset.ok)).toEqual([true, false, true]);
    expect(assets[1]).toMatchObject({ message: expect.stringContaining("webp") });
    expect((await client.uploadProductAssets([image("front.jpg")]))[0]).toMatchObject({ ok: false, status: "DUPLICATED" });
  });
});

describe("testConnection", () => {
  it("checks each generation with one cheap read and reports JOOR's answer per generation", async () => {
    const { fake, clock, budget, client } = joor.setup();
    expect(await client.testConnection()).toEqual({ v2: { ok: true }, v4: { ok: true } });
    expect(fake.calls.reduce((sum, call) => sum + call.credits, 0)).toBe(2);

    const wrong = makeClient(clock, budget, {
      credentials: { v2Token: "wrong", v4: { clientId: "joor-sync", clientSecret: "client-secret-4711", username: "brand@example.com", password: "nope" } },
    });
    const result = await wrong.testConnection();
    expect(result.v2).toMatchObject({ ok: false, message: expect.stringContaining("Invalid or missing API token") });
    expect(result.v4).toMatchObject({ ok: false, message: expect.stringContaining("Invalid user credentials") });
  });
});

describe("shared credit budget", () => {
  beforeEach(async () => {
    await prisma.joorBudget.deleteMany();
  });

  it("is shared by two clients on the same row, keeps the reserve for order polling, and throws instead of waiting long", async () => {
    const { fake, clock } = joor.setup();
    const budget = () =>
      new DbCreditBudget({
        environment: "production",
        accountId: ACCOUNT,
        limit: 30,
        windowSeconds: 300,
        priorityReserve: 10,
        maxWaitMs: 1000,
        now: clock.now,
        sleep: clock.sleep,
      });
    const catalog = makeClient(clock, budget());
    const orders = makeClient(clock, budget());
    await catalog.createProducts([{ name: "A", external_id: "a" }]);
    await orders.createProducts([{ name: "B", external_id: "b" }]);
    await catalog.createProducts([{ name: "C", external_id: "c" }]);
    await catalog.createProducts([{ name: "D", external_id: "d" }]);
    expect((await orders.creditUsage()).creditsUsed).toBe(20);

    const callsBefore = fake.calls.length;
    const refused = await syncError(orders.createProducts([{ name: "E", external_id: "e" }]));
    expect(refused).toMatchObject({ terminal: false, code: CREDITS_EXHAUSTED, retryAfterMs: 300_000 });
    expect(fake.calls.length).toBe(callsBefore);

    await orders.listOrders();
    await orders.acknowledgeOrders([{ id: fake.addOrder(ACCOUNT, { status: "APPROVED" }), export_status: "SUCCESS" }]);
    expect((await catalog.creditUsage()).creditsUsed).toBe(26);

    // Close to the window's end the wait is short: the call sleeps through it and goes out.
    clock.advance(299_500);
    await catalog.createProducts([{ name: "F", external_id: "f" }]);
    expect(clock.sleeps).toContain(500);
    expect((await catalog.creditUsage()).creditsUsed).toBe(5);
  });
});
