/**
 * Which Shopify variant each JOOR order line is. In order of trust: the UPC (known to the catalog sync, else a
 * variant with that barcode), then the UPC as a SKU, then style number + color + size through the catalog's
 * sync state. Pure: the catalog's states and the Shopify variants looked up are handed in.
 */
import { valueKey } from "~/catalog/conventions";
import { readStyleDetails } from "~/catalog/details";
import type { JoorOrderLine } from "~/joor/schemas";
import { legacyId, shopifyGid } from "~/records";

/** One line JOOR asks for, read and checked. */
export interface OrderLine {
  /** Position in JOOR's line_items, from 0. */
  index: number;
  upc: string | null;
  styleNumber: string | null;
  color: string | null;
  colorCode: string | null;
  size: string | null;
  name: string | null;
  quantity: number;
  /** Unit price as a decimal string. */
  price: string;
  retailPrice: string | null;
  comment: string | null;
}

/** A sold variant as the catalog sync sent it to JOOR. */
export interface CatalogVariant {
  variantId: string;
  productId: string;
  upc: string | null;
  styleNumber: string | null;
  color: string;
  colorCode: string;
  size: string;
  title: string | null;
  madeToOrder: boolean;
}

export interface CatalogIndex {
  byUpc: ReadonlyMap<string, CatalogVariant>;
  byStyle: ReadonlyMap<string, readonly CatalogVariant[]>;
  /** Numeric ids of products on a made-to-order linesheet. */
  madeToOrder: ReadonlySet<string>;
}

/** A variant found in Shopify by barcode or SKU. */
export interface ShopifyVariant {
  id: string;
  barcode: string | null;
  sku: string | null;
  productId: string;
  productTitle: string | null;
  title: string | null;
}

export type LineMatch =
  | {
      ok: true;
      variantId: string;
      via: "upc" | "sku" | "style";
      madeToOrder: boolean;
      /** Product title and "Color / Size", for a line sent without its variant. */
      title: string | null;
      variantTitle: string | null;
    }
  | { ok: false; reason: string };

/** Builds the lookup tables from the catalog's product SyncStates (gid + parsed details). */
export function buildCatalogIndex(states: ReadonlyArray<{ gid: string; details: unknown }>): CatalogIndex {
  const byUpc = new Map<string, CatalogVariant>();
  const byStyle = new Map<string, CatalogVariant[]>();
  const madeToOrder = new Set<string>();
  for (const state of states) {
    const productId = legacyId(state.gid);
    const details = readStyleDetails(state.details);
    if (details.madeToOrder) madeToOrder.add(productId);
    const seen = new Set<string>();
    const add = (variant: CatalogVariant) => {
      seen.add(variant.variantId);
      if (variant.upc && !byUpc.has(variant.upc)) byUpc.set(variant.upc, variant);
      if (variant.styleNumber) byStyle.set(variant.styleNumber, [...(byStyle.get(variant.styleNumber) ?? []), variant]);
    };
    const base = { productId, styleNumber: details.styleNumber, title: details.title, madeToOrder: details.madeToOrder };
    for (const cell of details.cells) {
      if (cell.variantId === null) continue;
      add({ ...base, variantId: cell.variantId, upc: cell.upc, color: cell.color, colorCode: cell.colorCode, size: cell.size });
    }
    // Details written before cells were kept still name each variant's UPC.
    for (const [variantId, sku] of Object.entries(details.skus)) {
      if (!seen.has(variantId)) add({ ...base, styleNumber: null, variantId, upc: sku.upc, color: "", colorCode: "", size: "" });
    }
  }
  return { byUpc, byStyle, madeToOrder };
}

/** The UPCs the catalog does not know: looked up in Shopify as barcodes and SKUs. */
export function upcsToLookUp(lines: readonly OrderLine[], index: CatalogIndex): string[] {
  return [...new Set(lines.flatMap((line) => (line.upc && !index.byUpc.has(line.upc) ? [line.upc] : [])))];
}

function variantLabel(color: string | null, size: string | null): string | null {
  const parts = [color, size].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(" / ") : null;
}

function fromCatalog(variant: CatalogVariant, via: "upc" | "style"): LineMatch {
  return {
    ok: true,
    variantId: shopifyGid("ProductVariant", variant.variantId),
    via,
    madeToOrder: variant.madeToOrder,
    title: variant.title,
    variantTitle: variantLabel(variant.color, variant.size),
  };
}

function fromShopify(variant: ShopifyVariant, via: "upc" | "sku", index: CatalogIndex): LineMatch {
  return {
    ok: true,
    variantId: variant.id,
    via,
    madeToOrder: index.madeToOrder.has(legacyId(variant.productId)),
    title: variant.productTitle,
    variantTitle: variant.title,
  };
}

function sameValue(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && valueKey(a) === valueKey(b);
}

/** The style's variants in the line's color (by name or code) and size; a trait the line leaves out matches any. */
function styleCandidates(line: OrderLine, index: CatalogIndex): CatalogVariant[] {
  if (!line.styleNumber) return [];
  return (index.byStyle.get(line.styleNumber) ?? []).filter(
    (variant) =>
      (line.color === null && line.colorCode === null
        ? true
        : sameValue(line.color, variant.color) || sameValue(line.colorCode, variant.colorCode)) &&
      (line.size === null || sameValue(line.size, variant.size)),
  );
}

function unmatchedReason(line: OrderLine, candidates: number): string {
  const where = `Line ${line.index + 1}`;
  const style = line.styleNumber
    ? candidates > 1
      ? `style ${line.styleNumber} has ${candidates} variants in ${variantLabel(line.color ?? line.colorCode, line.size) ?? "any color and size"}`
      : `no variant of style ${line.styleNumber} in ${variantLabel(line.color ?? line.colorCode, line.size) ?? "any color and size"}`
    : null;
  if (line.upc) return `${where}: unknown UPC ${line.upc}${style ? ` (and ${style})` : ""}`;
  if (style) return `${where}: ${style}`;
  return `${where} names no UPC or style number`;
}

/** Matches one line: UPC (catalog, then Shopify barcode), then the UPC as a Shopify SKU, then style/color/size. */
export function matchLine(line: OrderLine, index: CatalogIndex, shopifyVariants: readonly ShopifyVariant[]): LineMatch {
  if (line.upc) {
    const known = index.byUpc.get(line.upc);
    if (known) return fromCatalog(known, "upc");
    const byBarcode = shopifyVariants.find((variant) => variant.barcode?.trim() === line.upc);
    if (byBarcode) return fromShopify(byBarcode, "upc", index);
    const bySku = shopifyVariants.find((variant) => variant.sku?.trim() === line.upc);
    if (bySku) return fromShopify(bySku, "sku", index);
  }
  const candidates = styleCandidates(line, index);
  if (candidates.length === 1) return fromCatalog(candidates[0], "style");
  return { ok: false, reason: unmatchedReason(line, candidates.length) };
}

/** Decimal text for a JOOR amount ("44.5" stays "44.5"; float noise beyond 4 places goes). */
function amountText(value: number): string {
  return String(Number(value.toFixed(4)));
}

export type LinesRead = { ok: true; lines: OrderLine[]; warnings: string[] } | { ok: false; reason: string };

function textOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Reads JOOR's lines: a line with quantity 0 is left out with a warning; a missing, negative or fractional
 * quantity, a missing or negative price, a line that is not a line, or no line left refuses the order.
 */
export function readOrderLines(items: ReadonlyArray<JoorOrderLine | null>): LinesRead {
  const lines: OrderLine[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  for (const [index, item] of items.entries()) {
    const where = `Line ${index + 1}`;
    if (item === null) {
      problems.push(`${where} cannot be read`);
      continue;
    }
    const quantity = item.item_quantity;
    const price = item.item_price;
    if (quantity === undefined) problems.push(`${where} has no quantity`);
    else if (!Number.isInteger(quantity) || quantity < 0) problems.push(`${where} has quantity ${quantity}`);
    else if (quantity === 0) warnings.push(`${where} has quantity 0 and was left out`);
    else if (price === undefined) problems.push(`${where} has no price`);
    else if (!Number.isFinite(price) || price < 0) problems.push(`${where} has price ${price}`);
    else {
      lines.push({
        index,
        upc: textOrNull(item.item_upc),
        styleNumber: textOrNull(item.item_number),
        color: textOrNull(item.item_color),
        colorCode: textOrNull(item.item_color_code),
        size: textOrNull(item.item_size),
        name: textOrNull(item.item_name),
        quantity,
        price: amountText(price),
        retailPrice: item.item_retail_price !== undefined && Number.isFinite(item.item_retail_price) ? amountText(item.item_retail_price) : null,
        comment: textOrNull(item.item_comment),
      });
    }
  }
  if (problems.length) return { ok: false, reason: summarize(problems) };
  if (lines.length === 0) return { ok: false, reason: "The order has no lines to import" };
  return { ok: true, lines, warnings };
}

/** The first few problems, then how many more. */
export function summarize(problems: readonly string[], shown = 3): string {
  const head = problems.slice(0, shown).join("; ");
  return problems.length > shown ? `${head}; and ${problems.length - shown} more` : head;
}
