import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { ITEM_DELETED_REASON, INVENTORY_OFF_REASON, NOT_SYNCED_REASON } from "~/inventory/stock";
import { registerInventorySync } from "~/inventory/sync.server";
import { markManyDirty } from "~/sync/sync-state.server";
import type { ProductRecord, VariantInput } from "../fakes/shopify";
import { seededRandom } from "../fakes/shopify";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

const harness = flowSuite({ register: registerInventorySync });

const locationGid = (id: string) => `gid://shopify/Location/${id}`;
const itemGid = (id: string) => `gid://shopify/InventoryItem/${id}`;

let nextBarcode = 100_000_000_000;

/** A product with one variant per size, each with its own barcode (the UPC JOOR knows it by). */
function createProduct(h: FlowHarness, title: string, stock: Array<VariantInput["inventory"]>): ProductRecord {
  return h.shop.createProduct({
    title,
    tags: ["JOOR_ENABLED"],
    options: ["Size"],
    variants: stock.map((inventory, index) => ({ options: [`S${index}`], barcode: String(nextBarcode++), inventory })),
  });
}

/**
 * Stands in for the catalog flow, which is built separately: puts the style's SKUs in JOOR, records the
 * product's SyncState as the catalog does (synced, details carrying the SKU map) and marks the variants'
 * inventory items dirty, as the catalog does after creating their SKUs.
 */
async function catalogSyncs(h: FlowHarness, product: ProductRecord, { madeToOrder = false } = {}): Promise<void> {
  const variants = product.variantIds.map((id) => h.shop.variant(id));
  const { skuIds } = h.joor.seedProduct(JOOR_ACCOUNT, {
    name: product.title,
    externalId: product.id,
    skus: variants.map((variant) => ({ color: "Black", size: variant.selectedOptions[0].value, upc: variant.barcode ?? "" })),
  });
  const details = JSON.stringify({
    skus: Object.fromEntries(variants.map((variant, index) => [variant.id, { skuId: skuIds[index], upc: variant.barcode }])),
    madeToOrder,
  });
  const gid = `gid://shopify/Product/${product.id}`;
  await h.settle();
  await prisma.syncState.upsert({
    where: { shop_kind_gid: { shop: SHOP, kind: "product", gid } },
    create: { shop: SHOP, kind: "product", gid, status: "synced", details },
    update: { status: "synced", details },
  });
  await markManyDirty(prisma, {
    shop: SHOP,
    kind: "inventoryItem",
    gids: variants.map((variant) => itemGid(variant.inventoryItemId)),
  });
}

function inventoryCalls(h: FlowHarness): number {
  return h.joor.calls.filter((call) => call.path.startsWith("/v2/bulk-inventory")).length;
}

function joorStock(h: FlowHarness, upc: string | null) {
  return h.joor.stockOf(JOOR_ACCOUNT, upc ?? "")["Default|"];
}

function itemState(itemId: string) {
  return prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: SHOP, kind: "inventoryItem", gid: itemGid(itemId) } } });
}

async function enableInventory(h: FlowHarness, options: Parameters<FlowHarness["configure"]>[0] = {}): Promise<void> {
  await h.configure(options, { catalog: true, inventory: true });
}

describe("inventory flow", () => {
  it("sends the stock summed over the chosen locations, never overwriting the account", async () => {
    const h = harness();
    const warehouse = h.shop.addLocation("Warehouse").id;
    const outlet = h.shop.addLocation("Outlet").id;
    await enableInventory(h, { inventoryLocationIds: [locationGid(h.shop.primaryLocationId), locationGid(warehouse)] });
    const product = createProduct(h, "Shirt", [{ [h.shop.primaryLocationId]: 5, [warehouse]: 7, [outlet]: 100 }]);
    const variant = h.shop.variant(product.variantIds[0]);

    await catalogSyncs(h, product);
    await h.drain();

    expect(joorStock(h, variant.barcode)).toEqual({ inventory: 12, inventory_date: null, made_to_order: false });
    expect(inventoryCalls(h)).toBe(1);
    expect(h.joor.calls.find((call) => call.path.startsWith("/v2/bulk-inventory"))?.query).not.toContain("overwrite");
    expect(h.joor.account(JOOR_ACCOUNT).overwriteRequests).toBe(0);
    const state = await itemState(variant.inventoryItemId);
    expect(state.status).toBe("synced");
    expect(JSON.parse(state.details ?? "null")).toMatchObject({ variantId: variant.id, quantity: 12, upc: variant.barcode });
  });

  it("sends a made-to-order style as made to order, and its sales change nothing in JOOR", async () => {
    const h = harness();
    await enableInventory(h);
    const product = createProduct(h, "Gown", [4]);
    const variant = h.shop.variant(product.variantIds[0]);

    await catalogSyncs(h, product, { madeToOrder: true });
    await h.drain();
    expect(joorStock(h, variant.barcode)).toEqual({ inventory: 0, inventory_date: null, made_to_order: true });

    h.shop.sell({ variantId: variant.id, quantity: 1 });
    await h.drain();
    expect(inventoryCalls(h)).toBe(1);
  });

  it("sends the new quantity after a sale", async () => {
    const h = harness();
    await enableInventory(h);
    const product = createProduct(h, "Scarf", [10]);
    const variant = h.shop.variant(product.variantIds[0]);
    await catalogSyncs(h, product);
    await h.drain();

    h.shop.sell({ variantId: variant.id, quantity: 3 });
    await h.drain();

    expect(joorStock(h, variant.barcode)?.inventory).toBe(7);
    expect(inventoryCalls(h)).toBe(2);
  });

  it("makes no JOOR call when the quantity JOOR holds has not changed", async () => {
    const h = harness();
    const outlet = h.shop.addLocation("Outlet").id;
    await enableInventory(h, { inventoryLocationIds: [locationGid(h.shop.primaryLocationId)] });
    const product = createProduct(h, "Belt", [{ [h.shop.primaryLocationId]: 6, [outlet]: 2 }]);
    const variant = h.shop.variant(product.variantIds[0]);
    await catalogSyncs(h, product);
    await h.drain();
    expect(inventoryCalls(h)).toBe(1);

    h.shop.setInventory({ variantId: variant.id, available: 6 });
    h.shop.sell({ variantId: variant.id, locationId: outlet, quantity: 2 });
    await h.drain();

    expect(inventoryCalls(h)).toBe(1);
    expect(joorStock(h, variant.barcode)?.inventory).toBe(6);
    expect((await itemState(variant.inventoryItemId)).status).toBe("synced");
  });

  it("stops an item whose product is not synced, and sends it once the catalog has", async () => {
    const h = harness();
    await enableInventory(h);
    const product = createProduct(h, "Hat", [3]);
    const variant = h.shop.variant(product.variantIds[0]);

    h.shop.setInventory({ variantId: variant.id, available: 8 });
    await h.drain();
    const stopped = await itemState(variant.inventoryItemId);
    expect(stopped).toMatchObject({ status: "stopped", lastError: NOT_SYNCED_REASON });
    expect(inventoryCalls(h)).toBe(0);

    await catalogSyncs(h, product);
    await h.drain();
    expect((await itemState(variant.inventoryItemId)).status).toBe("synced");
    expect(joorStock(h, variant.barcode)?.inventory).toBe(8);
  });

  it("fails the items JOOR refuses with JOOR's message and syncs the rest of the batch", async () => {
    const h = harness();
    await enableInventory(h);
    const product = createProduct(h, "Coat", [2, 5]);
    const [known, unknown] = product.variantIds.map((id) => h.shop.variant(id));
    await catalogSyncs(h, product);
    // JOOR lost the second SKU's UPC: the catalog's map still names it.
    h.joor.account(JOOR_ACCOUNT).skus.forEach((sku) => {
      if (sku.identifiers.some((identifier) => identifier.value === unknown.barcode)) sku.identifiers = [];
    });

    await h.drain();

    expect(inventoryCalls(h)).toBe(1);
    expect((await itemState(known.inventoryItemId)).status).toBe("synced");
    expect(await itemState(unknown.inventoryItemId)).toMatchObject({ status: "failed", lastError: `Unknown UPC ${unknown.barcode}` });
  });

  it("retries the stock JOOR could not take, while the rest of the batch settles", async () => {
    const h = harness();
    await enableInventory(h);
    const synced = createProduct(h, "Jacket", [4]);
    const unsynced = createProduct(h, "Cap", [1]);
    const [jacket, cap] = [synced, unsynced].map((product) => h.shop.variant(product.variantIds[0]));
    await catalogSyncs(h, synced);
    h.shop.setInventory({ variantId: cap.id, available: 2 });
    // More 503s than the JOOR client retries on its own: the batch's write fails as a whole once.
    h.joor.faults.failNext = 3;
    h.joor.faults.match = /bulk-inventory/;

    await h.drain();

    expect(await itemState(cap.inventoryItemId)).toMatchObject({ status: "stopped", lastError: NOT_SYNCED_REASON });
    expect(await itemState(jacket.inventoryItemId)).toMatchObject({ status: "synced", lastError: null });
    expect(joorStock(h, jacket.barcode)?.inventory).toBe(4);
    expect(inventoryCalls(h)).toBe(4);
    const retried = await prisma.activityEvent.findMany({ where: { shop: SHOP, status: "retry" } });
    expect(retried.map((event) => event.flow)).toEqual(["inventory"]);
  });

  it("stops deleted items, and every item while the flow is off", async () => {
    const h = harness();
    await enableInventory(h);
    const product = createProduct(h, "Vest", [1, 2]);
    const [kept, removed] = product.variantIds.map((id) => h.shop.variant(id));
    await catalogSyncs(h, product);
    await h.drain();

    h.shop.deleteVariant(removed.id);
    await h.drain();
    expect(await itemState(removed.inventoryItemId)).toMatchObject({ status: "stopped", lastError: ITEM_DELETED_REASON });

    await h.configure({}, { inventory: false });
    h.shop.setInventory({ variantId: kept.id, available: 9 });
    await h.drain();
    expect(await itemState(kept.inventoryItemId)).toMatchObject({ status: "stopped", lastError: INVENTORY_OFF_REASON });
    expect(inventoryCalls(h)).toBe(1);
  });

  it("turns a burst of 1,000 stock webhooks over 100 SKUs into a handful of JOOR calls", async () => {
    const h = harness();
    await enableInventory(h);
    const products = Array.from({ length: 10 }, (_, index) => createProduct(h, `Style ${index}`, Array(10).fill(20)));
    const variants = products.flatMap((product) => product.variantIds.map((id) => h.shop.variant(id)));
    for (const product of products) await catalogSyncs(h, product);
    await h.drain();
    const before = inventoryCalls(h);

    // Shopify delivers at least once and in any order: duplicates under the same and new ids, and random
    // delays that reorder deliveries. Every stock change also emits products/update, as on Shopify.
    h.webhooks({ duplicateSameId: 0.1, duplicateNewId: 0.1, delayMs: { min: 0, max: 5 }, seed: 11 });
    const random = seededRandom(5);
    const levelEvents = h.shop.events.length;
    for (let change = 0; change < 1_000; change++) {
      const variant = variants[Math.floor(random() * variants.length)];
      if (random() < 0.5) h.shop.setInventory({ variantId: variant.id, available: Math.floor(random() * 50) });
      else h.shop.sell({ variantId: variant.id, quantity: 1 + Math.floor(random() * 3) });
    }
    const burst = h.shop.events.slice(levelEvents).filter((event) => event.topic === "inventory_levels/update");
    expect(burst).toHaveLength(1_000);

    await h.drain();

    expect(inventoryCalls(h) - before).toBeGreaterThan(0);
    expect(inventoryCalls(h) - before).toBeLessThanOrEqual(4);
    for (const variant of variants) {
      const shopify = Math.max(0, h.shop.availableTotal(variant.inventoryItemId));
      expect(joorStock(h, variant.barcode)?.inventory, `UPC ${variant.barcode}`).toBe(shopify);
    }
    // Over 2,000 signed deliveries pass through the real intake one transaction at a time: generous on a busy CI.
  }, 60_000);
});
