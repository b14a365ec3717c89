import { describe, expect, it } from "vitest";
import { FOLLOW_UP_DELAY_MS } from "~/catalog/marks.server";
import { registerCatalogSync } from "~/catalog/register.server";
import type { FlowServices } from "~/flows/services.server";
import type { JoorClient } from "~/joor/client.server";
import { SyncError } from "~/sync/errors";
import type { ProductInput } from "../fakes/shopify";
import { defaultPriceTypeId, gridOf, joorCollection, joorSkus, joorStyle, linesheetState, productState, styleDetailsOf } from "./catalog-support";
import { flowSuite, type FlowHarness } from "./harness";

/**
 * JOOR may apply a write and the app never hear of it: the reply left the record out, or came after the app
 * stopped waiting. If the merchant then deletes the variant of a SKU created that way, the SKU must not stay on
 * sale in JOOR for a variant that is gone, nor sit beside a second SKU for the same grid cell; a linesheet
 * written that way is written again.
 */

/**
 * How the next SKU creation naming `externalId` goes unanswered, and whether the next linesheet write does (the
 * writes themselves are applied).
 */
const unanswered: { externalId?: string; as?: "missing" | "timeout"; linesheets?: boolean } = {};

const MISSING = { ok: false as const, status: "MISSING", message: "JOOR returned no result for this record" };

function losingAnswers(services: FlowServices): FlowServices {
  return {
    ...services,
    async joor(shop) {
      const client = await services.joor(shop);
      const createSkus = client.createSkus.bind(client);
      const loseLinesheets =
        <A extends unknown[], R>(write: (...args: A) => Promise<R[]>) =>
        async (...args: A) => {
          const results = await write(...args);
          if (!unanswered.linesheets) return results;
          delete unanswered.linesheets;
          return results.map(() => MISSING);
        };
      return Object.assign(client, {
        createCollections: loseLinesheets(client.createCollections.bind(client)),
        updateCollections: loseLinesheets(client.updateCollections.bind(client)),
        createSkus: async (skus: Parameters<JoorClient["createSkus"]>[0]) => {
          const results = await createSkus(skus);
          const index = skus.findIndex((sku) => sku.external_id === unanswered.externalId);
          if (index < 0) return results;
          const as = unanswered.as;
          delete unanswered.externalId;
          if (as === "timeout") throw new SyncError("JOOR did not answer POST /v4/skus/bulk_create within 30000 ms", { terminal: false, code: "JOOR_TIMEOUT" });
          return results.map((result, at) => (at === index ? MISSING : result));
        },
      });
    },
  };
}

const harness = flowSuite({
  register: (registry, services) => registerCatalogSync(registry, losingAnswers(services)),
  shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } },
});

const SHIRT: ProductInput = {
  title: "Camp Shirt",
  tags: ["JOOR_ENABLED"],
  options: ["Color", "Size"],
  variants: [
    { options: ["Red", "S"], barcode: "300000000001", price: "60.00" },
    { options: ["Red", "M"], barcode: "300000000002", price: "60.00" },
  ],
};

/** Only what is due now: the retry after the lost answer has not come round yet. */
const NOW_ONLY = { horizonMs: 100 };

async function variantAddedUnanswered(h: FlowHarness, options: string[], as: "missing" | "timeout") {
  await h.configure({ priceTypeId: defaultPriceTypeId(h.joor), wholesalePercentOfRetail: 50 }, { catalog: true });
  const product = h.shop.createProduct(SHIRT);
  await h.drain();
  const variant = h.shop.addVariant(product.id, { options, barcode: "300000000003", price: "60.00" });
  Object.assign(unanswered, { externalId: variant.id, as });
  await h.drain(NOW_ONLY);
  expect(unanswered.externalId).toBeUndefined();
  expect((await productState(product.id)).status).toBe("retry");
  return { product, variant, styleId: joorStyle(h.joor, product.id)!.id };
}

function activeSkusOf(h: FlowHarness, styleId: string): string[] {
  return joorSkus(h.joor, styleId)
    .filter((sku) => sku.status === "ACTIVE")
    .map((sku) => sku.external_id ?? "")
    .sort();
}

describe("catalog flow: a SKU JOOR created without the app hearing of it", () => {
  it("is taken off sale when its variant is deleted before the retry, and its cell keeps one SKU", async () => {
    const h = harness();
    const { product, variant, styleId } = await variantAddedUnanswered(h, ["Blue", "S"], "missing");
    h.shop.deleteVariant(variant.id);
    await h.drain();

    expect(joorSkus(h.joor, styleId)).toHaveLength(4);
    expect(gridOf(h.joor, styleId)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Blue/S": "INACTIVE", "Blue/M": "INACTIVE" });
    expect(activeSkusOf(h, styleId)).toEqual([...product.variantIds].sort());
    expect((await productState(product.id)).status).toBe("synced");
    expect((await styleDetailsOf(product.id)).skuErrors).toEqual({});
  });

  it("stays in the style's grid as a cell not sold when no variant keeps its size", async () => {
    const h = harness();
    const { product, variant, styleId } = await variantAddedUnanswered(h, ["Red", "L"], "timeout");
    h.shop.deleteVariant(variant.id);
    await h.drain();

    expect(gridOf(h.joor, styleId)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Red/L": "INACTIVE" });
    expect(joorSkus(h.joor, styleId)).toHaveLength(3);
    expect(activeSkusOf(h, styleId)).toEqual([...product.variantIds].sort());
    expect((await productState(product.id)).status).toBe("synced");
  });

  it("is taken over, not created twice, when the variant is still there", async () => {
    const h = harness();
    const { product, variant, styleId } = await variantAddedUnanswered(h, ["Red", "L"], "missing");
    await h.drain();

    expect(gridOf(h.joor, styleId)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Red/L": "ACTIVE" });
    expect(joorSkus(h.joor, styleId)).toHaveLength(3);
    const details = await styleDetailsOf(product.id);
    expect(details.skus[variant.id]).toEqual({ skuId: joorSkus(h.joor, styleId).find((sku) => sku.external_id === variant.id)!.id, upc: "300000000003" });
    expect((await productState(product.id)).status).toBe("synced");
  });
});

describe("catalog flow: a linesheet write JOOR left unanswered", () => {
  it("is written again rather than failed", async () => {
    const h = harness();
    await h.configure({ priceTypeId: defaultPriceTypeId(h.joor), wholesalePercentOfRetail: 50 }, { catalog: true });
    const first = h.shop.createProduct({ ...SHIRT, tags: ["JOOR_ENABLED", "Collection_Fall27"] });
    await h.drain();
    unanswered.linesheets = true;
    const second = h.shop.createProduct({
      ...SHIRT,
      title: "Camp Shirt II",
      tags: ["JOOR_ENABLED", "Collection_Fall27"],
      variants: [{ options: ["Red", "S"], barcode: "300000000011", price: "60.00" }],
    });
    await h.drain(NOW_ONLY);
    // The style asks for its linesheet a few seconds after it is written.
    h.clock.advance(FOLLOW_UP_DELAY_MS);
    await h.drain(NOW_ONLY);
    expect(unanswered.linesheets).toBeUndefined();
    expect((await linesheetState("Fall27")).status).toBe("retry");

    await h.drain();
    expect((await linesheetState("Fall27")).status).toBe("synced");
    expect(joorCollection(h.joor, "Fall27")?.items.map((item) => item.product_id)).toEqual(
      [first, second].map((product) => joorStyle(h.joor, product.id)!.id),
    );
  });
});
