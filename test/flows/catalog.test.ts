import { describe, expect, it } from "vitest";
import type { ProductInput } from "../fakes/shopify";
import {
  catalogSuite,
  defaultPriceTypeId,
  dirtyInventoryItems,
  gridOf,
  joorAssets,
  joorCollection,
  joorPrices,
  joorSkus,
  joorStyle,
  joorWrites,
  NEW_STYLE_WRITES,
  productState,
  styleDetailsOf,
} from "./catalog-support";

const { configured } = catalogSuite();

const SHIRT: ProductInput = {
  title: "Linen Shirt",
  descriptionHtml: "<p>Soft &amp; light</p>",
  tags: ["JOOR_ENABLED", "Collection_Fall26"],
  options: ["Color", "Size"],
  media: [{ url: "https://cdn.shopify.com/s/files/linen-front.jpg" }],
  variants: [
    { options: ["Red", "S"], barcode: "000000000011", price: "100.00", sku: "LS-RED-S", inventory: 4 },
    { options: ["Red", "M"], barcode: "000000000012", price: "100.00", inventory: 2 },
    { options: ["Blue", "S"], barcode: "000000000013", price: "110.00", inventory: 0 },
  ],
};

describe("catalog flow: products become JOOR styles", () => {
  it("sends the style, its full color × size grid, prices, images and linesheet in one call each", async () => {
    const h = await configured();
    const product = h.shop.createProduct(SHIRT);
    await h.drain();

    expect((await productState(product.id)).status).toBe("synced");
    const style = joorStyle(h.joor, product.id);
    expect(style).toMatchObject({ name: "Linen Shirt", product_identifier: product.id, description: "Soft & light" });
    expect(gridOf(h.joor, style!.id)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Blue/S": "ACTIVE", "Blue/M": "INACTIVE" });
    const [redS, redM, blueS] = product.variantIds;
    expect(joorPrices(h.joor, style!.id)).toEqual({
      [redS]: { wholesale: "50.00", retail: "100.00" },
      [redM]: { wholesale: "50.00", retail: "100.00" },
      [blueS]: { wholesale: "55.00", retail: "110.00" },
    });
    expect(joorCollection(h.joor, "Fall26")?.items).toEqual([{ product_id: style!.id, order_number: 1 }]);
    expect(joorAssets(h.joor, style!.id).map((asset) => asset.filename)).toEqual([`${product.id}_1.jpg`]);
    expect(joorWrites(h.joor)).toEqual(NEW_STYLE_WRITES);

    const details = await styleDetailsOf(product.id);
    const skuOf = (variantId: string) => joorSkus(h.joor, style!.id).find((sku) => sku.external_id === variantId)?.id;
    expect(details.skus).toEqual({
      [redS]: { skuId: skuOf(redS), upc: "000000000011" },
      [redM]: { skuId: skuOf(redM), upc: "000000000012" },
      [blueS]: { skuId: skuOf(blueS), upc: "000000000013" },
    });
    expect(details.madeToOrder).toBe(false);
    expect(details.linesheets).toEqual([{ key: "fall26", name: "Fall26" }]);
    // Stock of every new SKU is sent by the inventory sync.
    const items = product.variantIds.map((id) => `gid://shopify/InventoryItem/${h.shop.variant(id).inventoryItemId}`);
    expect(await dirtyInventoryItems()).toEqual(expect.arrayContaining(items));
  });

  it("costs no JOOR call when nothing JOOR receives changed (a sale, a tag JOOR ignores)", async () => {
    const h = await configured();
    const product = h.shop.createProduct(SHIRT);
    await h.drain();
    const before = h.joor.calls.length;

    h.shop.sell({ variantId: product.variantIds[0], quantity: 1 });
    h.shop.updateProduct(product.id, { tags: [...SHIRT.tags!, "Summer"] });
    await h.drain();

    expect(h.joor.calls.length).toBe(before);
    expect((await productState(product.id)).status).toBe("synced");
  });

  it("sends only what changed: a new price updates one price, a new variant adds its grid cells", async () => {
    const h = await configured();
    const product = h.shop.createProduct(SHIRT);
    await h.drain();
    const style = joorStyle(h.joor, product.id)!;

    let from = h.joor.calls.length;
    h.shop.updateVariant(product.variantIds[2], { price: "120.00" });
    await h.drain();
    expect(joorWrites(h.joor, from)).toEqual(["/v4/prices/bulk_update"]);
    expect(joorPrices(h.joor, style.id)[product.variantIds[2]]).toEqual({ wholesale: "60.00", retail: "120.00" });

    from = h.joor.calls.length;
    const green = h.shop.addVariant(product.id, { options: ["Green", "L"], barcode: "000000000014", price: "90.00" });
    await h.drain();
    expect(joorWrites(h.joor, from)).toEqual(["/v4/skus/bulk_create", "/v4/prices/bulk_create"]);
    expect(gridOf(h.joor, style.id)).toEqual({
      "Red/S": "ACTIVE",
      "Red/M": "ACTIVE",
      "Red/L": "INACTIVE",
      "Blue/S": "ACTIVE",
      "Blue/M": "INACTIVE",
      "Blue/L": "INACTIVE",
      "Green/S": "INACTIVE",
      "Green/M": "INACTIVE",
      "Green/L": "ACTIVE",
    });
    expect((await styleDetailsOf(product.id)).skus[green.id]?.upc).toBe("000000000014");
  });

  it("marks a deleted variant's SKU inactive and keeps its color in the grid", async () => {
    const h = await configured();
    const product = h.shop.createProduct(SHIRT);
    await h.drain();
    const style = joorStyle(h.joor, product.id)!;
    const blueS = product.variantIds[2];

    h.shop.deleteVariant(blueS);
    await h.drain();

    expect(gridOf(h.joor, style.id)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Blue/S": "INACTIVE", "Blue/M": "INACTIVE" });
    const details = await styleDetailsOf(product.id);
    expect(Object.keys(details.skus)).not.toContain(blueS);
    expect((await productState(product.id)).status).toBe("synced");
  });

  it("takes wholesale from the variant metafield, falling back to the percentage", async () => {
    const h = await configured({ wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: 40 });
    const product = h.shop.createProduct({ ...SHIRT, tags: [] });
    h.shop.setMetafields([
      { ownerId: `gid://shopify/ProductVariant/${product.variantIds[0]}`, namespace: "custom", key: "wholesale", type: "number_decimal", value: "42.5" },
      {
        ownerId: `gid://shopify/ProductVariant/${product.variantIds[1]}`,
        namespace: "custom",
        key: "wholesale",
        type: "money",
        value: JSON.stringify({ amount: "47.00", currency_code: "USD" }),
      },
    ]);
    h.shop.updateProduct(product.id, { tags: ["JOOR_ENABLED"] });
    await h.drain();

    const style = joorStyle(h.joor, product.id)!;
    const [redS, redM, blueS] = product.variantIds;
    expect(joorPrices(h.joor, style.id)).toEqual({
      [redS]: { wholesale: "42.50", retail: "100.00" },
      [redM]: { wholesale: "47.00", retail: "100.00" },
      [blueS]: { wholesale: "44.00", retail: "110.00" },
    });
  });

  it("flags a style without a wholesale price instead of sending a made-up one", async () => {
    const h = await configured({ wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: null });
    const product = h.shop.createProduct(SHIRT);
    await h.drain();

    const state = await productState(product.id);
    expect(state.status).toBe("failed");
    expect(state.lastError).toMatch(/^Needs a wholesale price: Red \/ S, Red \/ M, Blue \/ S \(no custom.wholesale value\)/);
    expect(joorStyle(h.joor, product.id)).toBeUndefined();
    expect(joorWrites(h.joor)).toEqual([]);

    // The merchant sets a percentage and touches the product: it goes through.
    await h.configure({ priceTypeId: defaultPriceTypeId(h.joor), wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: 50 }, {});
    h.shop.updateProduct(product.id, { title: "Linen Shirt" });
    await h.drain();
    expect((await productState(product.id)).status).toBe("synced");
    expect(joorPrices(h.joor, joorStyle(h.joor, product.id)!.id)[product.variantIds[0]]).toEqual({ wholesale: "50.00", retail: "100.00" });
  });

  it("sends no prices, with a warning, when no JOOR price type is chosen", async () => {
    const h = await configured({ priceTypeId: "" });
    const product = h.shop.createProduct(SHIRT);
    await h.drain();

    expect((await productState(product.id)).status).toBe("synced");
    expect(joorWrites(h.joor)).not.toContain("/v4/prices/bulk_create");
    expect((await styleDetailsOf(product.id)).warnings).toContain("No JOOR price type is chosen in Settings: prices are not sent");
  });

  it("honours the field switches for description, prices and images", async () => {
    const h = await configured({ syncDescription: false, syncPrices: false, syncImages: false });
    const product = h.shop.createProduct(SHIRT);
    await h.drain();

    expect(joorStyle(h.joor, product.id)?.description).toBeUndefined();
    expect(joorWrites(h.joor)).toEqual(["/v4/products/bulk_create", "/v4/skus/bulk_create", "/v4/collections/bulk_create"]);
  });

  it("sends JPEG/PNG/GIF images in order with variant images as color images, warns about WebP, re-sends only on change", async () => {
    const h = await configured();
    const product = h.shop.createProduct({
      ...SHIRT,
      media: [
        { url: "https://cdn.shopify.com/s/files/front.jpg" },
        { url: "https://cdn.shopify.com/s/files/back.webp", mimeType: "image/webp" },
        { url: "https://cdn.shopify.com/s/files/red.png?v=2", mimeType: "image/png" },
        { url: "https://cdn.shopify.com/s/files/blue.gif", mimeType: "image/gif" },
      ],
      variants: SHIRT.variants!.map((variant, index) => ({ ...variant, mediaIndex: index === 2 ? 3 : index === 0 ? 2 : undefined })),
    });
    await h.drain();

    const style = joorStyle(h.joor, product.id)!;
    expect(joorAssets(h.joor, style.id).map((asset) => [asset.filename, asset.source_url])).toEqual([
      [`${product.id}_1.jpg`, "https://cdn.shopify.com/s/files/front.jpg"],
      [`${product.id}_red_2.png`, "https://cdn.shopify.com/s/files/red.png?v=2"],
      [`${product.id}_blue_3.gif`, "https://cdn.shopify.com/s/files/blue.gif"],
    ]);
    const details = await styleDetailsOf(product.id);
    expect(details.warnings).toEqual([
      "1 image(s) not sent: JOOR takes JPEG, PNG and GIF only (webp: https://cdn.shopify.com/s/files/back.webp)",
    ]);

    let from = h.joor.calls.length;
    h.shop.updateProduct(product.id, { title: "Linen Shirt II" });
    await h.drain();
    expect(joorWrites(h.joor, from)).toEqual(["/v4/products/bulk_update"]);

    from = h.joor.calls.length;
    h.shop.updateProduct(product.id, { media: [{ url: "https://cdn.shopify.com/s/files/new.jpg" }] });
    await h.drain();
    expect(joorWrites(h.joor, from)).toEqual(["/v4/assets/products"]);
    expect(joorAssets(h.joor, style.id).map((asset) => asset.filename)).toEqual([`${product.id}_1.jpg`]);
  });

  it("stops an untagged or deleted product: the JOOR style stays, its linesheets let it go", async () => {
    const h = await configured();
    const kept = h.shop.createProduct(SHIRT);
    const untagged = h.shop.createProduct({ ...SHIRT, title: "Wool Coat", options: undefined, variants: [{ barcode: "000000000099", price: "300.00" }] });
    const deleted = h.shop.createProduct({ ...SHIRT, title: "Silk Scarf", options: undefined, variants: [{ barcode: "000000000098", price: "80.00" }] });
    await h.drain();
    const styles = [kept, untagged, deleted].map((product) => joorStyle(h.joor, product.id)!.id);
    expect(joorCollection(h.joor, "Fall26")?.items.map((item) => item.product_id)).toEqual(styles);

    h.shop.updateProduct(untagged.id, { tags: ["Collection_Fall26"] });
    h.shop.deleteProduct(deleted.id);
    await h.drain();

    const untaggedState = await productState(untagged.id);
    expect(untaggedState.status).toBe("stopped");
    expect(untaggedState.lastError).toBe("No longer tagged JOOR_ENABLED: the style stays in JOOR, off its linesheets");
    expect((await productState(deleted.id)).status).toBe("stopped");
    expect(joorStyle(h.joor, untagged.id)).toBeDefined();
    expect(joorStyle(h.joor, deleted.id)).toBeDefined();
    expect(joorCollection(h.joor, "Fall26")?.items).toEqual([{ product_id: styles[0], order_number: 1 }]);

    // Tagged again: back on its linesheet without creating anything new in JOOR.
    const from = h.joor.calls.length;
    h.shop.updateProduct(untagged.id, { tags: ["JOOR_ENABLED", "Collection_Fall26"] });
    await h.drain();
    expect(joorWrites(h.joor, from)).toEqual(["/v4/collections/bulk_update"]);
    expect(joorCollection(h.joor, "Fall26")?.items.map((item) => item.product_id)).toEqual([styles[0], styles[1]]);
  });
});
