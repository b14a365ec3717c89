import { describe, expect, it } from "vitest";
import { stockKey } from "../fakes/joor";
import { createJoorFake } from "../fakes/joor";
import { createShopifyFake } from "../fakes/shopify";
import { compareCatalog, expectedVariant, type MirrorOptions } from "./catalog-mirror";
import { benchProduct } from "./product-traffic";

const ACCOUNT = { accountId: "77", v2Token: "token", v4: { clientId: "c", clientSecret: "s", username: "u", password: "p" } };

/** A shop with three tagged styles and one untagged, and a JOOR account holding exactly what a sync would send. */
function mirrored() {
  const shop = createShopifyFake().addShop("mirror.myshopify.com");
  const joor = createJoorFake();
  const account = joor.addAccount(ACCOUNT);
  const [priceTypeId] = account.priceTypes.keys();
  const options: MirrorOptions = { productTag: "Wholesale", priceTypeId, wholesalePercentOfRetail: 50, joorWarehouse: "Default" };
  const products = [0, 1, 2].map((index) => shop.createProduct(benchProduct(index)));
  shop.createProduct({ ...benchProduct(3), tags: ["retail"] });
  for (const product of products) {
    const variants = product.variantIds.map((id) => shop.variant(id));
    const { productId, skuIds } = joor.seedProduct(ACCOUNT.accountId, {
      name: product.title,
      externalId: product.id,
      skus: variants.map((variant) => ({ color: "Black", size: variant.selectedOptions[1].value, upc: variant.barcode ?? undefined })),
    });
    account.products.get(productId)!.description = `Bench style ${Number(product.title.split(" ").at(-1))}, as first listed.`;
    variants.forEach((variant, position) => {
      const expected = expectedVariant(shop, variant, options);
      const skuId = skuIds[position];
      account.prices.set(`price-${skuId}`, { id: `price-${skuId}`, sku_id: skuId, price_type_id: priceTypeId, wholesale_value: expected.wholesale, retail_value: expected.retail });
      account.inventory.set(skuId, new Map([[stockKey("Default", null), { inventory: expected.stock, inventory_date: null, made_to_order: false }]]));
    });
  }
  return { shop, account, options, products };
}

describe("compareCatalog", () => {
  it("finds nothing to report when JOOR holds every tagged style as the shop has it", () => {
    const { shop, account, options } = mirrored();
    expect(compareCatalog(shop, account, options)).toEqual({ styles: 3, skus: 10, differences: [], differenceCount: 0 });
  });

  it("reports a title, description, price or stock JOOR has not caught up with", () => {
    const { shop, account, options, products } = mirrored();
    shop.updateProduct(products[0].id, { title: "Renamed" });
    shop.updateProduct(products[1].id, { descriptionHtml: "<p>New &amp; improved</p>" });
    shop.updateVariant(products[2].variantIds[0], { price: "99.99" });
    shop.sell({ variantId: products[2].variantIds[1], quantity: 2 });
    const report = compareCatalog(shop, account, options);
    expect(report.differenceCount).toBe(4);
    expect(report.differences.join("\n")).toContain('JOOR name "Bench style 1", Shopify title "Renamed"');
    expect(report.differences.join("\n")).toContain('expected "New & improved"');
    expect(report.differences.join("\n")).toMatch(/JOOR price 60.00\/120.00, expected 50.00\/99.99/);
    expect(report.differences.join("\n")).toMatch(/JOOR stock 500, Shopify 498/);
  });

  it("reports styles and SKUs JOOR lacks, and caps the lines it lists", () => {
    const { shop, account, options, products } = mirrored();
    const style = [...account.products.values()].find((product) => product.external_id === products[0].id)!;
    account.products.delete(style.id);
    account.skus.clear();
    const report = compareCatalog(shop, account, options, 3);
    expect(report.differenceCount).toBe(11);
    expect(report.differences).toHaveLength(3);
    expect(report.differences[0]).toBe(`style ${products[0].id}: not in JOOR`);
    expect(report.differences[1]).toMatch(/no JOOR SKU with UPC \d{12}/);
  });
});

describe("expectedVariant", () => {
  it("sums stock over active locations only and never goes below zero", () => {
    const shopify = createShopifyFake();
    const shop = shopify.addShop("stock.myshopify.com");
    const closed = shop.addLocation("Closed", { isActive: false });
    const product = shop.createProduct(benchProduct(0));
    const variant = shop.variant(product.variantIds[0]);
    shop.setInventory({ variantId: variant.id, locationId: closed.id, available: 40 });
    const options = { productTag: "wholesale", priceTypeId: "1", wholesalePercentOfRetail: 50, joorWarehouse: "Default" };
    expect(expectedVariant(shop, variant, options)).toEqual({ retail: "120.00", wholesale: "60.00", stock: 500 });
    shop.sell({ variantId: variant.id, quantity: 600 });
    expect(expectedVariant(shop, variant, options).stock).toBe(0);
  });
});
