import { describe, expect, it } from "vitest";
import {
  availableQuantity,
  CATALOG_OFF_REASON,
  INVENTORY_OFF_REASON,
  inventoryOffReason,
  ITEM_DELETED_REASON,
  joorInventoryItem,
  NOT_SYNCED_REASON,
  planItem,
  STYLE_STOPPED_REASON,
  stockHash,
  stockPayload,
  UNTRACKED_REASON,
  type InventoryItemReading,
  type LevelReading,
  type StockPayload,
  type StyleState,
} from "./stock";

const A = "gid://shopify/Location/1";
const B = "gid://shopify/Location/2";
const C = "gid://shopify/Location/3";

const level = (locationId: string, available: number, locationActive = true): LevelReading => ({
  locationId,
  available,
  locationActive,
});

describe("availableQuantity", () => {
  it.each([
    ["no levels", [], [], 0],
    ["every active location when none is chosen", [level(A, 3), level(B, 4)], [], 7],
    ["inactive locations left out when none is chosen", [level(A, 3), level(B, 4, false)], [], 3],
    ["only the chosen locations", [level(A, 3), level(B, 4), level(C, 100)], [A, B], 7],
    ["a chosen location counts even when inactive", [level(A, 3, false), level(C, 100)], [A], 3],
    ["a chosen location without stock there", [level(C, 9)], [A], 0],
    ["oversold stock offsets other locations", [level(A, -2), level(B, 5)], [], 3],
    ["an oversold total is 0", [level(A, -6), level(B, 5)], [], 0],
  ] as const)("%s", (_name, levels, chosen, expected) => {
    expect(availableQuantity(levels, chosen)).toBe(expected);
  });
});

describe("stockPayload and joorInventoryItem", () => {
  it.each([
    [
      "stock available now, by UPC",
      { upc: "0001", available: 12, madeToOrder: false, warehouse: "Default" },
      { warehouse: "Default", upc: "0001", inventory: 12, inventory_date: "" },
    ],
    [
      "a made-to-order SKU: no stock, marked made to order",
      { upc: "0002", available: 12, madeToOrder: true, warehouse: "NY" },
      { warehouse: "NY", upc: "0002", inventory: 0, inventory_date: "", made_to_order: true },
    ],
  ])("%s", (_name, input, expected) => {
    expect(joorInventoryItem(stockPayload(input))).toEqual(expected);
  });
});

describe("stockHash", () => {
  const base: StockPayload = { upc: "0001", quantity: 5, madeToOrder: false, warehouse: "Default" };

  it("is stable for the same content", () => {
    expect(stockHash({ ...base })).toBe(stockHash(base));
    expect(stockHash(base)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ["upc", { upc: "0009" }],
    ["quantity", { quantity: 6 }],
    ["madeToOrder", { madeToOrder: true }],
    ["warehouse", { warehouse: "NY" }],
  ] as const)("changes with %s", (_field, change) => {
    expect(stockHash({ ...base, ...change })).not.toBe(stockHash(base));
  });
});

describe("inventoryOffReason", () => {
  it.each([
    [{ catalog: true, inventory: true }, null],
    [{ catalog: true, inventory: false }, INVENTORY_OFF_REASON],
    [{ catalog: false, inventory: false }, CATALOG_OFF_REASON],
    [{ catalog: false, inventory: true }, CATALOG_OFF_REASON],
  ])("%j → %s", (flows, expected) => {
    expect(inventoryOffReason({ customers: false, orders: false, ...flows })).toBe(expected);
  });
});

describe("planItem", () => {
  const reading: InventoryItemReading = {
    gid: "gid://shopify/InventoryItem/10",
    tracked: true,
    variantId: "20",
    productGid: "gid://shopify/Product/30",
    label: "Shirt - Red / M",
    levels: [level(A, 4), level(B, 6)],
  };
  const synced = (madeToOrder = false, stopped = false): StyleState => ({
    stopped,
    style: { skus: { "20": { skuId: "sku-20", upc: "0020" } }, madeToOrder },
  });
  const options = { inventoryLocationIds: [], joorWarehouse: "Default" };
  const payload = (quantity: number, madeToOrder = false): StockPayload => ({ upc: "0020", quantity, madeToOrder, warehouse: "Default" });

  it.each([
    ["a deleted item", { reading: null, style: synced() }, { action: "stop", reason: ITEM_DELETED_REASON }],
    ["a product the catalog has not synced", { reading, style: undefined }, { action: "stop", reason: NOT_SYNCED_REASON }],
    [
      "a variant without a SKU in JOOR",
      { reading: { ...reading, variantId: "21" }, style: synced() },
      { action: "stop", reason: NOT_SYNCED_REASON },
    ],
    ["a product the catalog stopped syncing", { reading, style: synced(false, true) }, { action: "stop", reason: STYLE_STOPPED_REASON }],
    ["untracked stock", { reading: { ...reading, tracked: false }, style: synced() }, { action: "stop", reason: UNTRACKED_REASON }],
  ] as const)("stops %s", (_name, input, expected) => {
    expect(planItem({ ...input, options, contentHash: null })).toEqual(expected);
  });

  it("sends new stock, then finds the same stock unchanged", () => {
    const first = planItem({ reading, style: synced(), options, contentHash: null });
    expect(first).toEqual({ action: "send", reading, payload: payload(10), hash: stockHash(payload(10)) });
    const again = planItem({ reading, style: synced(), options, contentHash: stockHash(payload(10)) });
    expect(again.action).toBe("unchanged");
  });

  it("sends a changed quantity, warehouse or location choice", () => {
    const contentHash = stockHash(payload(10));
    expect(planItem({ reading, style: synced(), options: { ...options, inventoryLocationIds: [B] }, contentHash })).toMatchObject({
      action: "send",
      payload: payload(6),
    });
    expect(planItem({ reading, style: synced(), options: { ...options, joorWarehouse: "NY" }, contentHash }).action).toBe("send");
    expect(planItem({ reading: { ...reading, levels: [level(A, 9)] }, style: synced(), options, contentHash }).action).toBe("send");
  });

  it("sends a made-to-order style whatever Shopify tracks, and ignores its sales", () => {
    const mto = planItem({ reading: { ...reading, tracked: false }, style: synced(true), options, contentHash: null });
    expect(mto).toMatchObject({ action: "send", payload: payload(0, true) });
    const afterSale = planItem({
      reading: { ...reading, levels: [level(A, 1)] },
      style: synced(true),
      options,
      contentHash: stockHash(payload(0, true)),
    });
    expect(afterSale.action).toBe("unchanged");
  });
});
