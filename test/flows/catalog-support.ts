/**
 * Helpers for the catalog flow tests: the suite's setup, what the fake JOOR holds for a style, and the catalog's
 * SyncStates.
 */
import { prisma } from "~/db.server";
import { readStyleDetails, type StyleDetails } from "~/catalog/details";
import { LINESHEET_KIND, linesheetGid } from "~/catalog/conventions";
import { registerCatalogSync } from "~/catalog/register.server";
import type { FlowOptions } from "~/settings/options";
import type { JoorFake } from "../fakes/joor";
import type { ShopifyFakeOptions } from "../fakes/shopify";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

export interface CatalogSuite {
  /** A fresh harness with nothing configured. */
  harness: () => FlowHarness;
  /** A fresh harness with the catalog flow on, JOOR's first price type and wholesale at 50% of retail, then `options`. */
  configured(options?: Partial<FlowOptions>): Promise<FlowHarness>;
}

/** Call once per catalog test file. Shopify's full-size throttle bucket: a catalog write costs many points. */
export function catalogSuite(shopify: ShopifyFakeOptions = {}): CatalogSuite {
  const harness = flowSuite({ register: registerCatalogSync, shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 }, ...shopify } });
  return {
    harness,
    async configured(options = {}) {
      const h = harness();
      await h.configure({ priceTypeId: defaultPriceTypeId(h.joor), wholesalePercentOfRetail: 50, ...options }, { catalog: true });
      return h;
    },
  };
}

export function productGid(id: string): string {
  return `gid://shopify/Product/${id}`;
}

export async function productState(id: string) {
  return prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: SHOP, kind: "product", gid: productGid(id) } } });
}

export async function styleDetailsOf(id: string): Promise<StyleDetails> {
  return readStyleDetails(JSON.parse((await productState(id)).details ?? "null"));
}

export async function linesheetState(name: string) {
  return prisma.syncState.findUniqueOrThrow({
    where: { shop_kind_gid: { shop: SHOP, kind: LINESHEET_KIND, gid: linesheetGid(name.toLowerCase()) } },
  });
}

export function joorAccount(joor: JoorFake) {
  return joor.account(JOOR_ACCOUNT);
}

export function joorStyle(joor: JoorFake, shopifyProductId: string) {
  return [...joorAccount(joor).products.values()].find((product) => product.external_id === shopifyProductId);
}

export function joorSkus(joor: JoorFake, productId: string) {
  return [...joorAccount(joor).skus.values()].filter((sku) => sku.product_id === productId);
}

/** "Red/M" → status, for the style's SKUs. */
export function gridOf(joor: JoorFake, productId: string): Record<string, string> {
  const trait = (sku: { trait_values: Array<{ trait_name: string; value: string }> }, name: string) =>
    sku.trait_values.find((value) => value.trait_name === name)?.value;
  return Object.fromEntries(
    joorSkus(joor, productId).map((sku) => [`${trait(sku, "Color")}/${trait(sku, "Size")}`, sku.status ?? "ACTIVE"]),
  );
}

export function joorPrices(joor: JoorFake, productId: string): Record<string, { wholesale: string; retail?: string }> {
  const account = joorAccount(joor);
  const skus = new Map(joorSkus(joor, productId).map((sku) => [sku.id, sku]));
  return Object.fromEntries(
    [...account.prices.values()]
      .filter((price) => skus.has(price.sku_id))
      .map((price) => [skus.get(price.sku_id)?.external_id ?? price.sku_id, { wholesale: price.wholesale_value, retail: price.retail_value }]),
  );
}

export function joorCollection(joor: JoorFake, name: string) {
  return [...joorAccount(joor).collections.values()].find((collection) => collection.name === name);
}

export function joorAssets(joor: JoorFake, productId: string) {
  return [...joorAccount(joor).assets.values()]
    .filter((asset) => asset.product_id === productId)
    .sort((a, b) => (a.display_order ?? 0) - (b.display_order ?? 0));
}

export function defaultPriceTypeId(joor: JoorFake): string {
  return [...joorAccount(joor).priceTypes.keys()][0];
}

/** The writes that put new styles in JOOR: one call each for products, SKUs, prices, images and linesheets. */
export const NEW_STYLE_WRITES = [
  "/v4/products/bulk_create",
  "/v4/skus/bulk_create",
  "/v4/prices/bulk_create",
  "/v4/assets/products",
  "/v4/collections/bulk_create",
];

/** JOOR API calls (not token requests) made since `from`. */
export function joorApiCalls(joor: JoorFake, from = 0) {
  return joor.calls.slice(from).filter((call) => /^\/v[24]\//.test(call.path));
}

/** The paths of the JOOR writes (not reads) made since `from`: all of them, or only those JOOR accepted. */
export function joorWrites(joor: JoorFake, from = 0, which: "all" | "accepted" = "all"): string[] {
  return joorApiCalls(joor, from)
    .filter((call) => call.method !== "GET" && (which === "all" || call.status === 200))
    .map((call) => call.path);
}

export async function dirtyInventoryItems(): Promise<string[]> {
  const rows = await prisma.syncState.findMany({ where: { shop: SHOP, kind: "inventoryItem", status: "dirty" }, orderBy: { gid: "asc" } });
  return rows.map((row) => row.gid);
}
