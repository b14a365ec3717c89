import { describe, expect, it } from "vitest";
import { buildCatalogIndex, matchLine, upcsToLookUp, type OrderLine, type ShopifyVariant } from "./lines";

const line = (changes: Partial<OrderLine>): OrderLine => ({
  index: 0,
  upc: null,
  styleNumber: null,
  color: null,
  colorCode: null,
  size: null,
  name: null,
  quantity: 1,
  price: "10",
  retailPrice: null,
  comment: null,
  ...changes,
});

const INDEX = buildCatalogIndex([
  {
    gid: "gid://shopify/Product/7",
    details: {
      styleNumber: "7",
      title: "Scarf",
      madeToOrder: true,
      cells: [
        { key: "a", color: "Red", size: "One Size", colorCode: "red", skuId: "s1", variantId: "71", upc: "700", hash: "h" },
        // A grid cell no variant sells: never matched.
        { key: "b", color: "Blue", size: "One Size", colorCode: "blue", skuId: "s2", variantId: null, upc: null, hash: "h" },
      ],
    },
  },
  // Details written before the catalog kept cells: the SKU map alone.
  { gid: "gid://shopify/Product/8", details: { skus: { "81": { skuId: "s3", upc: "800" } } } },
  // Unreadable details count as nothing known.
  { gid: "gid://shopify/Product/9", details: "garbage" },
]);

const shopify = (changes: Partial<ShopifyVariant>): ShopifyVariant => ({
  id: "gid://shopify/ProductVariant/99",
  barcode: null,
  sku: null,
  productId: "gid://shopify/Product/90",
  productTitle: "Tote",
  title: "Natural",
  ...changes,
});

describe("matching order lines to variants", () => {
  it("knows the catalog's sold cells and older SKU maps by UPC", () => {
    expect(matchLine(line({ upc: "700" }), INDEX, [])).toEqual({
      ok: true,
      variantId: "gid://shopify/ProductVariant/71",
      via: "upc",
      madeToOrder: true,
      title: "Scarf",
      variantTitle: "Red / One Size",
    });
    expect(matchLine(line({ upc: "800" }), INDEX, [])).toMatchObject({ ok: true, variantId: "gid://shopify/ProductVariant/81", via: "upc" });
    expect(upcsToLookUp([line({ upc: "700" }), line({ upc: "555" }), line({ upc: "555" }), line({})], INDEX)).toEqual(["555"]);
  });

  it("prefers a Shopify barcode over a Shopify SKU, and reads made-to-order from the product's state", () => {
    const byBarcode = shopify({ id: "gid://shopify/ProductVariant/1", barcode: "555" });
    const bySku = shopify({ id: "gid://shopify/ProductVariant/2", sku: "555", productId: "gid://shopify/Product/7" });
    expect(matchLine(line({ upc: "555" }), INDEX, [bySku, byBarcode])).toMatchObject({ ok: true, variantId: byBarcode.id, via: "upc", madeToOrder: false });
    expect(matchLine(line({ upc: "555" }), INDEX, [bySku])).toMatchObject({ ok: true, variantId: bySku.id, via: "sku", madeToOrder: true });
  });

  it("falls back to style, color and size, ignoring unsold cells", () => {
    expect(matchLine(line({ upc: "556", styleNumber: "7", color: "RED" }), INDEX, [])).toMatchObject({ ok: true, via: "style", variantId: "gid://shopify/ProductVariant/71" });
    expect(matchLine(line({ styleNumber: "7", color: "Blue" }), INDEX, [])).toEqual({ ok: false, reason: "Line 1: no variant of style 7 in Blue" });
    expect(matchLine(line({ styleNumber: "8", size: "M", index: 4 }), INDEX, [])).toEqual({ ok: false, reason: "Line 5: no variant of style 8 in M" });
  });
});
