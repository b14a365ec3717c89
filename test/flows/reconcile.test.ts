import { describe, expect, it } from "vitest";
import { registerCatalogSync } from "~/catalog/register.server";
import { VALIDATION_RECHECK_MS } from "~/customers/decide";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { registerInventorySync } from "~/inventory/sync.server";
import { armReconcileSweep } from "~/reconcile/arm.server";
import { readSweepState, RECONCILE_INTERVAL_MINUTES, updatedSinceQuery } from "~/reconcile/sweep";
import { registerReconcileSweep } from "~/reconcile/sweep.server";
import type { CustomerRecord, ProductInput, ProductRecord } from "../fakes/shopify";
import { defaultPriceTypeId, joorStyle, joorWrites } from "./catalog-support";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

const harness = flowSuite({
  register(registry, services) {
    registerCustomerSync(registry, services);
    registerCatalogSync(registry, services);
    registerInventorySync(registry, services);
    registerReconcileSweep(registry, services);
  },
  // A catalog write costs many points: Shopify's full-size bucket.
  shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } },
});

/** Through retries and follow-ups, short of the next sweep and of the hourly validation recheck. */
const SETTLE = { horizonMs: 10 * 60_000 };

const customerGid = (customer: CustomerRecord) => `gid://shopify/Customer/${customer.id}`;
const productGid = (product: ProductRecord) => `gid://shopify/Product/${product.id}`;

function itemGids(h: FlowHarness, product: ProductRecord): string[] {
  return product.variantIds.map((id) => `gid://shopify/InventoryItem/${h.shop.variant(id).inventoryItemId}`);
}

function product(title: string, tags: string[], barcodes: string[]): ProductInput {
  return {
    title,
    tags,
    options: ["Size"],
    variants: barcodes.map((barcode, index) => ({ options: [`S${index}`], barcode, price: "80.00", inventory: 5 })),
  };
}

/** Every record's change counter: a mark raises it, a record seen for the first time appears. */
async function marks(): Promise<Map<string, number>> {
  const rows = await prisma.syncState.findMany({ where: { shop: SHOP }, select: { gid: true, dirtySeq: true } });
  return new Map(rows.map((row) => [row.gid, row.dirtySeq]));
}

function markedSince(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([gid, seq]) => (before.get(gid) ?? 0) < seq).map(([gid]) => gid).sort();
}

async function sweepTask() {
  return prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.reconcileSweep } } });
}

/** Moves the clock to the sweep's next run and runs everything then due. */
async function nextSweep(h: FlowHarness): Promise<void> {
  h.clock.advanceTo((await sweepTask()).nextRunAt.getTime());
  await h.drain(SETTLE);
}

async function lastMarked() {
  return readSweepState(JSON.parse((await sweepTask()).state ?? "null")).last?.marked;
}

function stockCalls(h: FlowHarness, from: number) {
  return h.joor.calls.slice(from).filter((call) => call.path.startsWith("/v2/bulk-inventory"));
}

describe("reconcile sweep", () => {
  it("catches changes whose webhooks never arrived, and only those", async () => {
    const h = harness();
    await h.configure(
      { priceTypeId: defaultPriceTypeId(h.joor), wholesalePercentOfRetail: 50 },
      { customers: true, catalog: true, inventory: true },
    );
    expect(await armReconcileSweep(prisma, SHOP, h.clock.date())).toBe(true);

    const anna = h.shop.createCustomer({ firstName: "Anna", lastName: "Berg", email: "anna@berg.example", tags: ["JOOR_ENABLED"] });
    const ben = h.shop.createCustomer({ firstName: "Ben", lastName: "Cole", email: "ben@cole.example", tags: ["JOOR_ENABLED"] });
    const cleo = h.shop.createCustomer({ firstName: "Cleo", lastName: "Diaz", email: "cleo@diaz.example" });
    const dora = h.shop.createCustomer({ firstName: "Dora", lastName: "Eze", email: "dora@eze.example" });
    const shirt = h.shop.createProduct(product("Oxford Shirt", ["JOOR_ENABLED"], ["100000000001", "100000000002"]));
    const scarf = h.shop.createProduct(product("Silk Scarf", ["JOOR_ENABLED"], ["100000000003"]));
    const mug = h.shop.createProduct(product("Mug", [], ["100000000004"]));
    await h.drain(SETTLE);
    h.joor.validateConnections(JOOR_ACCOUNT);
    h.clock.advance(VALIDATION_RECHECK_MS);
    // The first sweep runs in here too: it re-marks what was just created, and each handler finds it unchanged.
    await h.drain(SETTLE);
    expect(await prisma.syncState.count({ where: { shop: SHOP, status: { notIn: ["synced", "stopped"] } } })).toBe(0);
    expect(await lastMarked()).toEqual({ customers: 2, products: 2, inventoryItems: 3 });

    const before = await marks();
    const calls = h.joor.calls.length;
    const scarfUpc = h.shop.variant(scarf.variantIds[0]).barcode;
    h.shopify.attachWebhooks(null);
    h.shop.updateCustomer(anna.id, { lastName: "Berg-Lund" });
    h.shop.addCustomerTags(dora.id, ["JOOR_ENABLED"]);
    h.shop.updateCustomer(cleo.id, { note: "Retail only" });
    h.shop.updateProduct(shirt.id, { title: "Oxford Shirt II" });
    h.shop.setInventory({ variantId: scarf.variantIds[0], available: 2 });
    h.shop.updateProduct(mug.id, { title: "Big Mug" });
    h.webhooks({});
    await h.drain(SETTLE);
    // The webhooks were lost: nothing knows of the changes yet.
    expect(markedSince(before, await marks())).toEqual([]);
    expect(h.joor.calls.length).toBe(calls);

    await nextSweep(h);

    expect(markedSince(before, await marks())).toEqual(
      [customerGid(anna), customerGid(dora), productGid(shirt), productGid(scarf), ...itemGids(h, shirt), ...itemGids(h, scarf)].sort(),
    );
    expect(await lastMarked()).toEqual({ customers: 2, products: 2, inventoryItems: 3 });
    expect(h.joor.connection(JOOR_ACCOUNT, anna.id)).toMatchObject({ customer_contact_name: "Anna Berg-Lund" });
    expect(h.joor.connection(JOOR_ACCOUNT, dora.id)).toMatchObject({ customer_contact_name: "Dora Eze" });
    expect(h.joor.connection(JOOR_ACCOUNT, cleo.id)).toBeUndefined();
    expect(joorStyle(h.joor, shirt.id)).toMatchObject({ name: "Oxford Shirt II" });
    expect(h.joor.stockOf(JOOR_ACCOUNT, scarfUpc ?? "")["Default|"]).toMatchObject({ inventory: 2 });
    // One connection job for both customers, the style's new name, one stock write: nothing for Ben, the mug
    // or the shirt's unchanged stock.
    const writes = joorWrites(h.joor, calls);
    expect(writes.filter((path) => path.startsWith("/v2/bulk-connection"))).toHaveLength(1);
    expect(writes.filter((path) => path.startsWith("/v4/"))).toEqual(["/v4/products/bulk_update"]);
    expect(stockCalls(h, calls)).toHaveLength(1);
    expect(writes).toHaveLength(3);
    expect(h.joor.connection(JOOR_ACCOUNT, ben.id)).toMatchObject({ customer_contact_name: "Ben Cole" });

    const settled = await marks();
    const afterFirst = h.joor.calls.length;
    await nextSweep(h);
    expect(await lastMarked()).toEqual({ customers: 0, products: 0, inventoryItems: 0 });
    expect(markedSince(settled, await marks())).toEqual([]);
    expect(h.joor.calls.length).toBe(afterFirst);
  });

  it("runs every interval, resuming from its saved page when a run is cut short", async () => {
    const h = harness();
    await h.configure({}, { customers: true });
    await armReconcileSweep(prisma, SHOP, h.clock.date());
    const armed = await sweepTask();
    expect(armed).toMatchObject({ status: "scheduled", intervalSeconds: RECONCILE_INTERVAL_MINUTES * 60 });
    expect(armed.nextRunAt.getTime() - h.clock.now()).toBeGreaterThanOrEqual(RECONCILE_INTERVAL_MINUTES * 60_000 - 1_000);

    h.shopify.attachWebhooks(null);
    const tagged = Array.from({ length: 3 }, (_, index) =>
      h.shop.createCustomer({ firstName: `Buyer${index}`, email: `buyer${index}@shop.example`, tags: ["JOOR_ENABLED"] }),
    );
    h.webhooks({});
    // A run that stopped after its first page left its cursor; the next run goes on from there.
    const state = readSweepState(JSON.parse(armed.state ?? "null"));
    const admin = await h.services.admin(SHOP);
    const firstPage = await admin.request<{ customers: { pageInfo: { endCursor: string } } }>(
      `query First($query: String!) { customers(first: 2, query: $query) { pageInfo { endCursor } } }`,
      { query: updatedSinceQuery(state.since ?? "") },
    );
    await prisma.scheduledTask.update({
      where: { id: armed.id },
      data: {
        state: JSON.stringify({
          ...state,
          run: {
            startedAt: h.clock.date().toISOString(),
            since: state.since,
            phase: "customers",
            after: firstPage.customers.pageInfo.endCursor,
            marked: { customers: 2, products: 0, inventoryItems: 0 },
          },
        }),
      },
    });
    const before = await marks();
    await nextSweep(h);
    expect(markedSince(before, await marks())).toEqual([customerGid(tagged[2])]);
    expect(await lastMarked()).toEqual({ customers: 3, products: 0, inventoryItems: 0 });
    const task = await sweepTask();
    expect(task.status).toBe("scheduled");
    expect(task.nextRunAt.getTime()).toBe(task.lastRunAt!.getTime() + RECONCILE_INTERVAL_MINUTES * 60_000);
  });

  it("does nothing for a shop whose flows are all off, and moves its mark on", async () => {
    const h = harness();
    await h.configure({}, { customers: true });
    await armReconcileSweep(prisma, SHOP, h.clock.date());
    await h.configure({}, { customers: false });
    h.shopify.attachWebhooks(null);
    h.shop.createCustomer({ firstName: "Eve", email: "eve@shop.example", tags: ["JOOR_ENABLED"] });
    h.webhooks({});
    const requests = h.shopify.requests.length;

    await nextSweep(h);

    expect(h.shopify.requests.length).toBe(requests);
    expect(await prisma.syncState.count({ where: { shop: SHOP } })).toBe(0);
    const state = readSweepState(JSON.parse((await sweepTask()).state ?? "null"));
    expect(new Date(state.since ?? 0).getTime()).toBeGreaterThan(h.clock.now() - 5 * 60_000);
  });
});
