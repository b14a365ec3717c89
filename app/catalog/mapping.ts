import { V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import type { JoorProductInput, JoorSkuInput } from "~/joor/types";
import type { FlowOptions } from "~/settings/options";
import {
  displayValue,
  fillerExternalId,
  imageFilename,
  newColorCode,
  styleNumber,
  valueKey,
  type LinesheetRef,
} from "./conventions";
import { contentHash } from "~/flows/content-hash";
import { isMadeToOrder, linesheetNames, variantUpc } from "./identity";
import { formatCents, toCents, wholesaleCents } from "./prices";
import type { CatalogMedia, CatalogProduct, CatalogVariant } from "./shopify-product";

/**
 * The pure mapping from a Shopify product to the JOOR style it becomes: product fields, the full color × size
 * grid of SKUs, prices, images and linesheets, each with the fingerprint that tells whether JOOR already has it.
 */

export type CatalogOptions = Pick<
  FlowOptions,
  | "collectionTagPrefix"
  | "madeToOrderLinesheets"
  | "colorOptionNames"
  | "sizeOptionNames"
  | "missingBarcode"
  | "priceTypeId"
  | "wholesaleMetafield"
  | "wholesalePercentOfRetail"
  | "syncDescription"
  | "syncPrices"
  | "syncImages"
>;

/** The value of a dimension the product has no option for. */
export const DEFAULT_COLOR = "Default";
export const DEFAULT_SIZE = "One Size";

/** What earlier syncs left in JOOR that the grid must keep covering. */
export interface StyleMemory {
  /** Color value key → color code. */
  colorCodes: Record<string, string>;
  /** Cells JOOR holds SKUs for (a color or size no variant uses any more stays in JOOR's grid). */
  cells: Array<{ color: string; size: string }>;
}

export const NO_MEMORY: StyleMemory = { colorCodes: {}, cells: [] };

export type SkuRecord = Omit<JoorSkuInput, "product_id">;

export interface PlannedCell {
  key: string;
  color: string;
  size: string;
  colorCode: string;
  /** The variant sold in this cell; null for a combination that is not sold (INACTIVE). */
  variantId: string | null;
  inventoryItemId: string | null;
  upc: string | null;
  /** The SKU's external_id: the variant id, or a stable id for an unsold cell. Also keys skuErrors. */
  externalId: string;
  /** "Red / M", for messages. */
  label: string;
  sku: SkuRecord;
  hash: string;
}

export interface PlannedPrice {
  cellKey: string;
  wholesale: string;
  retail: string;
  hash: string;
}

export interface PlannedAsset {
  filename: string;
  sourceUrl: string;
  displayOrder: number;
}

export interface StylePlan {
  styleNumber: string;
  product: { fields: JoorProductInput; hash: string };
  /** Color-major: every color with every size. */
  cells: PlannedCell[];
  skusHash: string;
  /** null: prices are not sent (switched off, or no price type chosen). */
  prices: { priceTypeId: string; items: PlannedPrice[] } | null;
  /** null: images are not sent (switched off). */
  images: { assets: PlannedAsset[]; hash: string } | null;
  linesheets: LinesheetRef[];
  linesheetsHash: string;
  madeToOrder: boolean;
  colorCodes: Record<string, string>;
  /** Shown on the product; the style is still sent. */
  warnings: string[];
  /** Why the style cannot be sent as it is; nothing is sent while set. */
  blocked: string | null;
}

export function cellKey(color: string, size: string): string {
  return JSON.stringify([valueKey(color), valueKey(size)]);
}

function nameSet(names: readonly string[]): Set<string> {
  return new Set(names.map(valueKey));
}

/** Shopify's stand-in option of a product without options. */
function isDefaultTitle(option: { name: string; value: string }): boolean {
  return option.name === "Title" && option.value === "Default Title";
}

/**
 * A variant's Color and Size. The first option named like a color gives the color; size options, then any
 * other option (material, length…), make up the size ("32 / 34"), so no two variants share a cell.
 */
export function variantTraits(
  variant: Pick<CatalogVariant, "options">,
  options: Pick<CatalogOptions, "colorOptionNames" | "sizeOptionNames">,
): { color: string; size: string } {
  const colorNames = nameSet(options.colorOptionNames);
  const sizeNames = nameSet(options.sizeOptionNames);
  let color: string | null = null;
  const sizes: string[] = [];
  const others: string[] = [];
  for (const option of variant.options) {
    if (isDefaultTitle(option) || displayValue(option.value) === "") continue;
    const name = valueKey(option.name);
    if (color === null && colorNames.has(name)) color = displayValue(option.value);
    else if (sizeNames.has(name)) sizes.push(displayValue(option.value));
    else others.push(displayValue(option.value));
  }
  const size = [...sizes, ...others].join(" / ");
  return { color: color ?? DEFAULT_COLOR, size: size || DEFAULT_SIZE };
}

/** Block HTML as plain text: paragraphs and breaks become new lines, tags go, common entities are decoded. */
export function descriptionText(html: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };
  return html
    .replace(/<\s*br\s*\/?>/gi, "\n")
    .replace(/<\/\s*(p|div|li|h[1-6])\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (match, name: string) => {
      const lower = name.toLowerCase();
      if (entities[lower] !== undefined) return entities[lower];
      if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith("#")) return String.fromCodePoint(Number(lower.slice(1)));
      return match;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

interface AcceptedVariant {
  variant: CatalogVariant;
  color: string;
  size: string;
  key: string;
  upc: string;
}

function listed(labels: string[]): string {
  return labels.length <= 5 ? labels.join(", ") : `${labels.slice(0, 5).join(", ")} and ${labels.length - 5} more`;
}

/** The variants that become SKUs; the others are reported. */
function acceptVariants(product: CatalogProduct, options: CatalogOptions, warnings: string[]): AcceptedVariant[] {
  const accepted: AcceptedVariant[] = [];
  const byCell = new Map<string, AcceptedVariant>();
  const byUpc = new Map<string, AcceptedVariant>();
  const noBarcode: string[] = [];
  const ordered = [...product.variants].sort((a, b) => a.position - b.position);
  for (const variant of ordered) {
    const { color, size } = variantTraits(variant, options);
    const label = `${color} / ${size}`;
    const upc = variantUpc({ id: variant.id, barcode: variant.barcode, sku: variant.sku }, options.missingBarcode);
    if (upc === null) {
      noBarcode.push(label);
      continue;
    }
    const key = cellKey(color, size);
    const sameCell = byCell.get(key);
    if (sameCell) {
      warnings.push(`Variant ${variant.id} (${label}) is left out: variant ${sameCell.variant.id} has the same color and size`);
      continue;
    }
    const sameUpc = byUpc.get(upc);
    if (sameUpc) {
      warnings.push(`Variant ${variant.id} (${label}) is left out: its UPC ${upc} is also variant ${sameUpc.variant.id}'s`);
      continue;
    }
    const entry = { variant, color, size, key, upc };
    accepted.push(entry);
    byCell.set(key, entry);
    byUpc.set(upc, entry);
  }
  if (noBarcode.length > 0) {
    const what = options.missingBarcode === "sku" ? "a barcode or SKU" : "a barcode";
    warnings.push(`${noBarcode.length} variant(s) without ${what} are left out: ${listed(noBarcode)}`);
  }
  return accepted;
}

/** Values in order of first use by the variants, then remembered ones; first spelling wins. */
function orderedValues(current: string[], remembered: string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of [...current, ...remembered]) if (!seen.has(valueKey(value))) seen.set(valueKey(value), value);
  return [...seen.values()];
}

function planCells(product: CatalogProduct, accepted: AcceptedVariant[], memory: StyleMemory): { cells: PlannedCell[]; colorCodes: Record<string, string> } {
  const colors = orderedValues(
    accepted.map((entry) => entry.color),
    memory.cells.map((cell) => cell.color),
  );
  const sizes = orderedValues(
    accepted.map((entry) => entry.size),
    memory.cells.map((cell) => cell.size),
  );
  if (colors.length === 0) colors.push(DEFAULT_COLOR);
  if (sizes.length === 0) sizes.push(DEFAULT_SIZE);

  const colorCodes: Record<string, string> = { ...memory.colorCodes };
  const taken = new Set(Object.values(colorCodes));
  for (const color of colors) {
    if (colorCodes[valueKey(color)]) continue;
    const code = newColorCode(color, taken);
    colorCodes[valueKey(color)] = code;
    taken.add(code);
  }

  const byCell = new Map(accepted.map((entry) => [entry.key, entry]));
  const cells: PlannedCell[] = [];
  for (const color of colors) {
    const colorCode = colorCodes[valueKey(color)];
    for (const size of sizes) {
      const key = cellKey(color, size);
      const entry = byCell.get(key);
      const externalId = entry ? entry.variant.id : fillerExternalId(product.id, colorCode, valueKey(size));
      const sku: SkuRecord = {
        external_id: externalId,
        ...(entry?.variant.sku?.trim() ? { sku_identifier: entry.variant.sku.trim() } : {}),
        trait_values: [
          { trait_name: "Color", value: color, external_id: colorCode },
          { trait_name: "Size", value: size },
        ],
        identifiers: entry ? [{ type: "upc", value: entry.upc }] : [],
        status: entry ? "ACTIVE" : "INACTIVE",
      };
      cells.push({
        key,
        color,
        size,
        colorCode,
        variantId: entry?.variant.id ?? null,
        inventoryItemId: entry?.variant.inventoryItemId ?? null,
        upc: entry?.upc ?? null,
        externalId,
        label: `${color} / ${size}`,
        sku,
        hash: contentHash(sku),
      });
    }
  }
  return { cells, colorCodes };
}

function planPrices(
  cells: PlannedCell[],
  accepted: AcceptedVariant[],
  options: CatalogOptions,
  warnings: string[],
): { prices: StylePlan["prices"]; blocked: string | null } {
  if (!options.syncPrices) return { prices: null, blocked: null };
  if (!options.priceTypeId) {
    warnings.push("No JOOR price type is chosen in Settings: prices are not sent");
    return { prices: null, blocked: null };
  }
  const variants = new Map(accepted.map((entry) => [entry.variant.id, entry.variant]));
  const items: PlannedPrice[] = [];
  const missing: string[] = [];
  let problem = "";
  for (const cell of cells) {
    const variant = cell.variantId === null ? undefined : variants.get(cell.variantId);
    if (!variant) continue;
    const retail = toCents(variant.price);
    if (retail === null) {
      missing.push(cell.label);
      problem ||= `price "${variant.price}" is not an amount`;
      continue;
    }
    const wholesale = wholesaleCents(variant.wholesale, retail, options);
    if (wholesale.cents === null) {
      missing.push(cell.label);
      problem ||= wholesale.problem;
      continue;
    }
    const price = { wholesale: formatCents(wholesale.cents), retail: formatCents(retail) };
    items.push({ cellKey: cell.key, ...price, hash: contentHash({ ...price, priceTypeId: options.priceTypeId }) });
  }
  if (missing.length > 0) {
    return {
      prices: null,
      blocked:
        `Needs a wholesale price: ${listed(missing)} (${problem}). ` +
        "Set the variant metafield, or a wholesale percentage of retail in Settings.",
    };
  }
  return { prices: { priceTypeId: options.priceTypeId, items }, blocked: null };
}

const MIME_FORMATS: Record<string, string> = { "image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png", "image/gif": "gif" };
const EXTENSION_FORMATS: Record<string, string> = { jpg: "jpg", jpeg: "jpg", png: "png", gif: "gif" };

function urlExtension(url: string): string {
  try {
    const match = /\.([A-Za-z0-9]+)$/.exec(new URL(url).pathname);
    return match ? match[1].toLowerCase() : "";
  } catch {
    return "";
  }
}

/** jpg/png/gif when both the MIME type and the URL's extension (where present) say so; else what it is. */
export function imageFormat(media: Pick<CatalogMedia, "mimeType" | "url">): { extension: string } | { unsupported: string } {
  const mime = media.mimeType?.toLowerCase() ?? null;
  const extension = media.url ? urlExtension(media.url) : "";
  if (mime && !MIME_FORMATS[mime]) return { unsupported: mime.replace(/^image\//, "") };
  if (extension && !EXTENSION_FORMATS[extension]) return { unsupported: extension };
  const format = (mime && MIME_FORMATS[mime]) || EXTENSION_FORMATS[extension];
  return format ? { extension: format } : { unsupported: "unknown format" };
}

function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, "");
}

function planImages(
  product: CatalogProduct,
  style: string,
  accepted: AcceptedVariant[],
  colorCodes: Record<string, string>,
  warnings: string[],
): NonNullable<StylePlan["images"]> {
  // A variant's image is its color's image; the first variant of the color to use an image claims it.
  const colorOfImage = new Map<string, string>();
  for (const entry of accepted) {
    const url = entry.variant.imageUrl;
    if (url && !colorOfImage.has(withoutQuery(url))) colorOfImage.set(withoutQuery(url), colorCodes[valueKey(entry.color)]);
  }
  const sources: Array<{ url: string | null; mimeType: string | null; contentType: string }> = [...product.media];
  const inMedia = new Set(product.media.flatMap((media) => (media.url ? [withoutQuery(media.url)] : [])));
  for (const url of colorOfImage.keys()) if (!inMedia.has(url)) sources.push({ url, mimeType: null, contentType: "IMAGE" });

  const assets: PlannedAsset[] = [];
  const refused: string[] = [];
  let notImages = 0;
  for (const media of sources) {
    if (media.contentType !== "IMAGE" || !media.url) {
      notImages += 1;
      continue;
    }
    const format = imageFormat(media);
    if ("unsupported" in format) {
      refused.push(`${format.unsupported}: ${withoutQuery(media.url)}`);
      continue;
    }
    const sequence = assets.length + 1;
    const colorCode = colorOfImage.get(withoutQuery(media.url));
    assets.push({ filename: imageFilename(style, sequence, format.extension, colorCode), sourceUrl: media.url, displayOrder: sequence });
  }
  if (refused.length > 0) {
    warnings.push(`${refused.length} image(s) not sent: JOOR takes JPEG, PNG and GIF only (${listed(refused)})`);
  }
  if (notImages > 0) warnings.push(`${notImages} video or 3D media not sent: JOOR takes images only`);
  if (assets.length > V4_BULK_MAX_RECORDS) {
    warnings.push(`Only the first ${V4_BULK_MAX_RECORDS} images are sent: JOOR takes at most ${V4_BULK_MAX_RECORDS} per style`);
    assets.length = V4_BULK_MAX_RECORDS;
  }
  return { assets, hash: contentHash(assets) };
}

function planLinesheets(tags: string[], prefix: string): LinesheetRef[] {
  const refs = new Map<string, LinesheetRef>();
  for (const name of linesheetNames(tags, prefix)) {
    const key = valueKey(name);
    if (!refs.has(key)) refs.set(key, { key, name: displayValue(name) });
  }
  return [...refs.values()];
}

function linesheetsHash(refs: LinesheetRef[]): string {
  return contentHash(refs.map((ref) => ref.key).sort());
}

export function mapStyle(product: CatalogProduct, options: CatalogOptions, memory: StyleMemory = NO_MEMORY): StylePlan {
  const warnings: string[] = [];
  const style = styleNumber(product.id);
  const accepted = acceptVariants(product, options, warnings);
  const { cells, colorCodes } = planCells(product, accepted, memory);
  const { prices, blocked: noPrice } = planPrices(cells, accepted, options, warnings);
  // A style JOOR has never seen is not created without a single variant to sell.
  const blocked = accepted.length === 0 && memory.cells.length === 0 ? `No variant can be sent: ${warnings.join("; ")}` : noPrice;
  const images = options.syncImages ? planImages(product, style, accepted, colorCodes, warnings) : null;
  const linesheets = planLinesheets(product.tags, options.collectionTagPrefix);
  const fields: JoorProductInput = {
    name: displayValue(product.title) || style,
    external_id: product.id,
    product_identifier: style,
    ...(options.syncDescription ? { description: descriptionText(product.descriptionHtml) } : {}),
  };
  return {
    styleNumber: style,
    product: { fields, hash: contentHash(fields) },
    cells,
    skusHash: contentHash(cells.map((cell) => [cell.key, cell.hash])),
    prices,
    images,
    linesheets,
    linesheetsHash: linesheetsHash(linesheets),
    madeToOrder: isMadeToOrder(product.tags, options),
    colorCodes,
    warnings,
    blocked,
  };
}
