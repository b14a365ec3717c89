import { describe, expect, it } from "vitest";
import { EMPTY_HASHES, readLinesheetDetails, readStyleDetails } from "./details";
import { readStyleSkus } from "./identity";

describe("stored details", () => {
  it("reads nothing known from missing or damaged details", () => {
    for (const stored of [null, "not json", [], { skus: "x", cells: [{ key: 1 }], hashes: 3 }]) {
      expect(readStyleDetails(stored)).toMatchObject({ skus: {}, madeToOrder: false, cells: [], hashes: EMPTY_HASHES, productId: null });
    }
    expect(readLinesheetDetails(undefined)).toEqual({ name: null, externalId: null, productIds: [], itemsHash: null });
  });

  it("keeps the inventory sync's contract readable", () => {
    const details = readStyleDetails({ skus: { "11": { skuId: "U2t1OjE=", upc: "0123" } }, madeToOrder: true, cells: [] });
    expect(readStyleSkus(JSON.parse(JSON.stringify(details)))).toEqual({
      skus: { "11": { skuId: "U2t1OjE=", upc: "0123" } },
      madeToOrder: true,
    });
  });
});
