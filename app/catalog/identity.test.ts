import { describe, expect, it } from "vitest";
import { flowOptionsSchema } from "~/settings/options";
import { hasAnyTag, hasTag, isMadeToOrder, linesheetNames, readStyleSkus, variantUpc } from "./identity";

describe("hasTag", () => {
  it.each([
    [["JOOR_ENABLED"], "JOOR_ENABLED", true],
    [[" joor_enabled "], "JOOR_ENABLED", true],
    [["JOOR_ENABLED_X"], "JOOR_ENABLED", false],
    [[], "JOOR_ENABLED", false],
  ])("%j has %s → %s", (tags, tag, expected) => {
    expect(hasTag(tags, tag)).toBe(expected);
  });

  it("matches any of several tags", () => {
    expect(hasAnyTag(["Wholesale"], ["JOOR_ENABLED", "wholesale"])).toBe(true);
    expect(hasAnyTag(["Retail"], ["JOOR_ENABLED", "wholesale"])).toBe(false);
  });
});

describe("variantUpc", () => {
  it.each([
    [{ id: "1", barcode: "0123", sku: "S-1" }, "skip", "0123"],
    [{ id: "1", barcode: " 0123 ", sku: "S-1" }, "sku", "0123"],
    [{ id: "1", barcode: "", sku: "S-1" }, "sku", "S-1"],
    [{ id: "1", barcode: null, sku: "" }, "sku", null],
    [{ id: "77", barcode: null, sku: "S-1" }, "variantId", "77"],
    [{ id: "77", barcode: "  ", sku: "S-1" }, "skip", null],
  ] as const)("%j with rule %s → %s", (variant, rule, expected) => {
    expect(variantUpc(variant, rule)).toBe(expected);
  });
});

describe("linesheets", () => {
  it.each([
    [["Collection_Fall26", "Sale"], "Collection_", ["Fall26"]],
    [["collection_Fall26", "Collection_Fall26", "Collection_Resort 27"], "Collection_", ["Fall26", "Resort 27"]],
    [["Collection_"], "Collection_", []],
    [["LS-Core"], "LS-", ["Core"]],
    [["Colección_Otoño"], "Colección_", ["Otoño"]],
  ])("%j with prefix %s → %j", (tags, prefix, expected) => {
    expect(linesheetNames(tags, prefix)).toEqual(expected);
  });

  it("marks a style made to order when one of its linesheets is", () => {
    const options = flowOptionsSchema.parse({ madeToOrderLinesheets: ["Bespoke"] });
    expect(isMadeToOrder(["Collection_Fall26", "Collection_bespoke"], options)).toBe(true);
    expect(isMadeToOrder(["Collection_Fall26"], options)).toBe(false);
  });
});

describe("readStyleSkus", () => {
  it("reads the SKU map and treats anything else as empty", () => {
    expect(readStyleSkus({ skus: { "11": { skuId: "S1", upc: "0001" } }, other: 1 })).toEqual({
      skus: { "11": { skuId: "S1", upc: "0001" } },
      madeToOrder: false,
    });
    expect(readStyleSkus(null)).toEqual({ skus: {}, madeToOrder: false });
    expect(readStyleSkus({ skus: "broken" })).toEqual({ skus: {}, madeToOrder: false });
  });
});
