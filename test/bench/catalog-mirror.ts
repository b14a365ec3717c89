/**
 * Does JOOR hold what the shop's tagged styles say, right now? Read straight from both fakes' memory (no Admin
 * API points spent, so checking never slows the app down), with the app's own formatting rules for what JOOR
 * is sent: the style's name and description, each variant's SKU by UPC, its retail and wholesale price, and its
 * available stock in the JOOR warehouse. A bench that finds JOOR cheap but wrong must not pass.
 */
import { descriptionText } from "~/catalog/mapping";
import { displayValue } from "~/catalog/conventions";
import { formatCents, toCents, wholesaleCents } from "~/catalog/prices";
import { stockKey } from "../fakes/joor";
import type { FakeAccount, FakeSku } from "../fakes/joor/state";
import type { FakeShop, ProductRecord, VariantRecord } from "../fakes/shopify";

export interface MirrorOptions {
  productTag: string;
  priceTypeId: string;
  wholesalePercentOfRetail: number;
  joorWarehouse: string;
}

export interface MirrorReport {
  styles: number;
  skus: number;
  /** What JOOR holds wrongly or not at all, one line each (at most `limit`). */
  differences: string[];
  /** All differences, also those past the limit. */
  differenceCount: number;
}

function upcOf(sku: FakeSku): string | undefined {
  return sku.identifiers.find((identifier) => identifier.type === "upc")?.value;
}

/** What JOOR should hold for a variant's price and stock. */
export function expectedVariant(shop: FakeShop, variant: VariantRecord, options: MirrorOptions): { retail: string; wholesale: string; stock: number } {
  const cents = toCents(variant.price) ?? 0;
  const wholesale = wholesaleCents(null, cents, { wholesaleMetafield: "", wholesalePercentOfRetail: options.wholesalePercentOfRetail });
  const item = shop.inventoryItem(variant.inventoryItemId);
  const available = [...item.levels.values()]
    .filter((level) => shop.locations.get(level.locationId)?.isActive ?? false)
    .reduce((sum, level) => sum + level.available, 0);
  return { retail: formatCents(cents), wholesale: wholesale.cents === null ? "" : formatCents(wholesale.cents), stock: Math.max(0, available) };
}

/**
 * The JOOR account's records indexed once per look, so a 1,000-style catalog is compared in milliseconds:
 * what JOOR holds now for a style (by its Shopify product id) and for a SKU (by UPC).
 */
export class JoorView {
  readonly #productByExternalId = new Map<string, { name: string; description?: string }>();
  readonly #skuByUpc = new Map<string, FakeSku>();
  readonly #priceBySku = new Map<string, { retail?: string; wholesale: string }>();

  constructor(
    readonly account: FakeAccount,
    readonly options: Pick<MirrorOptions, "priceTypeId" | "joorWarehouse">,
  ) {
    for (const product of account.products.values()) {
      if (product.external_id) this.#productByExternalId.set(product.external_id, product);
    }
    for (const sku of account.skus.values()) {
      const upc = upcOf(sku);
      if (upc) this.#skuByUpc.set(upc, sku);
    }
    for (const price of account.prices.values()) {
      if (price.price_type_id === options.priceTypeId) this.#priceBySku.set(price.sku_id, { retail: price.retail_value, wholesale: price.wholesale_value });
    }
  }

  style(productId: string): { name: string; description?: string } | undefined {
    return this.#productByExternalId.get(productId);
  }

  hasSku(upc: string): boolean {
    return this.#skuByUpc.has(upc);
  }

  price(upc: string): { retail?: string; wholesale: string } | undefined {
    const sku = this.#skuByUpc.get(upc);
    return sku && this.#priceBySku.get(sku.id);
  }

  /** Available stock in the JOOR warehouse. */
  stock(upc: string): number | undefined {
    const sku = this.#skuByUpc.get(upc);
    return sku && this.account.inventory.get(sku.id)?.get(stockKey(this.options.joorWarehouse, null))?.inventory;
  }
}

function compareStyle(shop: FakeShop, product: ProductRecord, joor: JoorView, options: MirrorOptions, out: string[]): number {
  const what = `style ${product.id}`;
  const style = joor.style(product.id);
  if (!style) out.push(`${what}: not in JOOR`);
  else {
    if (style.name !== displayValue(product.title)) out.push(`${what}: JOOR name ${JSON.stringify(style.name)}, Shopify title ${JSON.stringify(product.title)}`);
    const description = descriptionText(product.descriptionHtml);
    if (style.description !== description) out.push(`${what}: JOOR description ${JSON.stringify(style.description)}, expected ${JSON.stringify(description)}`);
  }
  let skus = 0;
  for (const variantId of product.variantIds) {
    const variant = shop.variant(variantId);
    const upc = variant.barcode?.trim();
    if (!upc) continue;
    skus += 1;
    if (!joor.hasSku(upc)) {
      out.push(`${what}: no JOOR SKU with UPC ${upc}`);
      continue;
    }
    const expected = expectedVariant(shop, variant, options);
    const price = joor.price(upc);
    if (price?.retail !== expected.retail || price.wholesale !== expected.wholesale) {
      out.push(`UPC ${upc}: JOOR price ${price ? `${price.wholesale}/${price.retail}` : "missing"}, expected ${expected.wholesale}/${expected.retail}`);
    }
    const stock = joor.stock(upc);
    if (stock !== expected.stock) out.push(`UPC ${upc}: JOOR stock ${stock ?? "missing"}, Shopify ${expected.stock}`);
  }
  return skus;
}

/** Compares every tagged style of the shop with the JOOR account. */
export function compareCatalog(shop: FakeShop, account: FakeAccount, options: MirrorOptions, limit = 10): MirrorReport {
  const joor = new JoorView(account, options);
  const tag = options.productTag.toLowerCase();
  const differences: string[] = [];
  let styles = 0;
  let skus = 0;
  for (const product of shop.products.values()) {
    if (!product.tags.some((candidate) => candidate.toLowerCase() === tag)) continue;
    styles += 1;
    skus += compareStyle(shop, product, joor, options, differences);
  }
  return { styles, skus, differences: differences.slice(0, limit), differenceCount: differences.length };
}
