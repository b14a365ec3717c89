import { describe, expect, it } from "vitest";
import type { ProductInput } from "../fakes/shopify";
import {
  catalogSuite,
  gridOf,
  joorAccount,
  joorApiCalls,
  joorCollection,
  joorPrices,
  joorSkus,
  joorStyle,
  joorWrites,
  productState,
  styleDetailsOf,
} from "./catalog-support";
import { JOOR_ACCOUNT } from "./harness";

const { configured } = catalogSuite();

const DRESS: ProductInput = {
  title: "Wrap Dress",
  tags: ["JOOR_ENABLED", "Collection_Fall26"],
  options: ["Color", "Size"],
  variants: [
    { options: ["Red", "S"], barcode: "200000000001", price: "80.00" },
    { options: ["Red", "M"], barcode: "200000000002", price: "80.00" },
  ],
};

describe("catalog flow: failures cost only what failed", () => {
  it("retries only the prices after JOOR failed the prices call", async () => {
    const h = await configured();
    h.joor.faults.match = /\/v4\/prices\//;
    h.joor.faults.failNext = 3;
    const product = h.shop.createProduct(DRESS);
    await h.drain();

    expect((await productState(product.id)).status).toBe("synced");
    // The product and its SKUs were created once; the retry sent the prices only.
    expect(joorWrites(h.joor, 0, "accepted")).toEqual([
      "/v4/products/bulk_create",
      "/v4/skus/bulk_create",
      "/v4/prices/bulk_create",
      "/v4/collections/bulk_create",
    ]);
    expect(joorApiCalls(h.joor).filter((call) => call.status === 503)).toHaveLength(3);
    expect(Object.values(joorPrices(h.joor, joorStyle(h.joor, product.id)!.id))).toEqual([
      { wholesale: "40.00", retail: "80.00" },
      { wholesale: "40.00", retail: "80.00" },
    ]);
  });

  it("records JOOR's refusal per SKU, keeps the other styles of the batch, and resends only the refused SKUs", async () => {
    const h = await configured();
    const good = h.shop.createProduct({ ...DRESS, title: "Good" });
    const refused = h.shop.createProduct({
      ...DRESS,
      title: "Refused",
      variants: [
        { options: ["Red", "S"], barcode: "200000000011", price: "80.00" },
        { options: ["Red", "M"], barcode: "200000000012", price: "80.00" },
      ],
    });
    // JOOR already holds this style with a SKU the shop does not know: JOOR refuses the new SKUs (grid incomplete).
    const seeded = h.joor.seedProduct(JOOR_ACCOUNT, { name: "Refused", externalId: refused.id, skus: [{ color: "Green", size: "XL" }] });
    await h.drain();

    expect((await productState(good.id)).status).toBe("synced");
    const state = await productState(refused.id);
    expect(state.status).toBe("failed");
    expect(state.lastError).toMatch(/^JOOR refused 2 record\(s\) of this style: Red \/ S: The full color × size grid must be sent/);
    const details = await styleDetailsOf(refused.id);
    expect(Object.keys(details.skuErrors).sort()).toEqual([...refused.variantIds].sort());
    expect(details.skus).toEqual({});
    expect(state.joorId).toBe(seeded.productId);

    // Fixed in JOOR; the next change sends the refused SKUs and their prices, and nothing else.
    joorAccount(h.joor).skus.delete(seeded.skuIds[0]);
    const from = h.joor.calls.length;
    h.shop.updateProduct(refused.id, { tags: [...DRESS.tags!, "Reorder"] });
    await h.drain();
    expect(joorWrites(h.joor, from, "accepted")).toEqual(["/v4/skus/bulk_create", "/v4/prices/bulk_create"]);
    expect((await productState(refused.id)).status).toBe("synced");
    expect((await styleDetailsOf(refused.id)).skuErrors).toEqual({});
    expect(gridOf(h.joor, seeded.productId)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE" });
  });

  it("takes over what an interrupted earlier run created (DUPLICATED → update the existing records)", async () => {
    const h = await configured();
    const product = h.shop.createProduct({ ...DRESS, tags: ["JOOR_ENABLED"] });
    const [redS] = product.variantIds;
    const seeded = h.joor.seedProduct(JOOR_ACCOUNT, {
      name: "Old name",
      externalId: product.id,
      skus: [{ color: "Red", size: "S", colorCode: "red", externalId: redS, upc: "200000000001" }],
    });
    await h.drain();

    expect([...joorAccount(h.joor).products.values()].filter((style) => style.external_id === product.id)).toHaveLength(1);
    expect(joorStyle(h.joor, product.id)).toMatchObject({ id: seeded.productId, name: "Wrap Dress" });
    expect(joorSkus(h.joor, seeded.productId)).toHaveLength(2);
    expect((await styleDetailsOf(product.id)).skus[redS]).toEqual({ skuId: seeded.skuIds[0], upc: "200000000001" });
  });

  it("creates the style again when it was deleted in JOOR", async () => {
    const h = await configured();
    const product = h.shop.createProduct(DRESS);
    await h.drain();
    const first = joorStyle(h.joor, product.id)!.id;
    joorAccount(h.joor).products.delete(first);

    h.shop.updateProduct(product.id, { title: "Wrap Dress II" });
    await h.drain();

    const second = joorStyle(h.joor, product.id)!;
    expect(second).toMatchObject({ name: "Wrap Dress II" });
    expect(second.id).not.toBe(first);
    // Its SKUs (found by external id) moved to the new product, and the linesheet points at it.
    expect(gridOf(h.joor, second.id)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE" });
    expect(joorCollection(h.joor, "Fall26")?.items).toEqual([{ product_id: second.id, order_number: 1 }]);
    expect((await productState(product.id)).status).toBe("synced");
  });
});
