import { describe, expect, it } from "vitest";
import { backfillRecords, JOOR_BATCH_SIZES, minimumWriteCalls, writeKindOf, type StyleShape } from "./minimum-calls";

const style = (overrides: Partial<StyleShape> = {}): StyleShape => ({
  colors: 3,
  sizes: 4,
  variants: 12,
  images: 1,
  linesheets: ["fall"],
  ...overrides,
});

describe("backfillRecords", () => {
  it("counts every grid cell as a SKU, but prices and stock only for sold variants", () => {
    const records = backfillRecords(7, [style(), style({ colors: 2, sizes: 5, variants: 8, images: 3, linesheets: ["fall", "resort"] })]);
    expect(records).toEqual({
      connections: 7,
      products: 2,
      skus: 12 + 10,
      prices: 12 + 8,
      images: 4,
      collections: 2,
      inventoryItems: 20,
    });
  });

  it("gives a style without options one cell", () => {
    expect(backfillRecords(0, [style({ colors: 0, sizes: 0, variants: 1, linesheets: [] })]).skus).toBe(1);
  });
});

describe("minimumWriteCalls", () => {
  it("fills every call up to JOOR's batch size for its kind", () => {
    const records = backfillRecords(10_000, Array.from({ length: 1_000 }, (_, index) => style({ linesheets: [`season ${index % 4}`] })));
    const minimum = minimumWriteCalls(records);
    expect(minimum.byKind).toEqual({
      connections: 10_000 / JOOR_BATCH_SIZES.connections,
      products: 1_000 / JOOR_BATCH_SIZES.products,
      skus: 12_000 / JOOR_BATCH_SIZES.skus,
      prices: 12_000 / JOOR_BATCH_SIZES.prices,
      images: 1_000 / JOOR_BATCH_SIZES.images,
      collections: 1,
      inventoryItems: 12_000 / JOOR_BATCH_SIZES.inventoryItems,
    });
    expect(minimum.total).toBe(Object.values(minimum.byKind).reduce((sum, calls) => sum + calls, 0));
  });

  it("rounds a part-filled call up and needs none for no records", () => {
    const sizes = { ...JOOR_BATCH_SIZES, connections: 500, skus: 100 };
    const minimum = minimumWriteCalls({ connections: 501, products: 0, skus: 99, prices: 0, images: 0, collections: 0, inventoryItems: 0 }, sizes);
    expect(minimum.byKind.connections).toBe(2);
    expect(minimum.byKind.skus).toBe(1);
    expect(minimum.byKind.products).toBe(0);
    expect(minimum.total).toBe(3);
  });

  it("refuses a batch size below one", () => {
    expect(() => minimumWriteCalls(backfillRecords(1, []), { ...JOOR_BATCH_SIZES, connections: 0 })).toThrow(/connections/);
  });
});

describe("writeKindOf", () => {
  it("names the kind of each backfill write", () => {
    expect(writeKindOf({ method: "POST", path: "/v2/bulk-connection" })).toBe("connections");
    expect(writeKindOf({ method: "POST", path: "/v4/products/bulk_create" })).toBe("products");
    expect(writeKindOf({ method: "POST", path: "/v4/skus/bulk_update_by_external_id" })).toBe("skus");
    expect(writeKindOf({ method: "POST", path: "/v4/prices/bulk_update" })).toBe("prices");
    expect(writeKindOf({ method: "POST", path: "/v4/assets/products" })).toBe("images");
    expect(writeKindOf({ method: "POST", path: "/v4/collections/bulk_create" })).toBe("collections");
    expect(writeKindOf({ method: "POST", path: "/v2/bulk-inventory" })).toBe("inventoryItems");
  });

  it("calls other writes other, and reads and the token endpoint no write", () => {
    expect(writeKindOf({ method: "DELETE", path: "/v2/connection/" })).toBe("other");
    expect(writeKindOf({ method: "POST", path: "/v4/orders/bulk_update" })).toBe("other");
    expect(writeKindOf({ method: "GET", path: "/v2/bulk-connection/17" })).toBeNull();
    expect(writeKindOf({ method: "POST", path: "/auth" })).toBeNull();
  });
});
