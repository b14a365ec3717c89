import { z } from "zod";
import { styleSkusSchema } from "./identity";

/**
 * What a product's and a linesheet's SyncState.details hold. Everything is read leniently (a field that is
 * missing or unreadable falls back to "nothing known"), so older or damaged details never block a sync.
 */

/** One color × size cell of the style's grid as JOOR holds it. */
export const storedCellSchema = z.object({
  /** colorKey|sizeKey (see conventions.valueKey). */
  key: z.string(),
  color: z.string(),
  size: z.string(),
  colorCode: z.string(),
  skuId: z.string(),
  /** The variant sold in this cell, null for an INACTIVE cell. */
  variantId: z.string().nullable(),
  upc: z.string().nullable(),
  /** Fingerprint of the SKU record last accepted by JOOR. */
  hash: z.string(),
});
export type StoredCell = z.infer<typeof storedCellSchema>;

const hash = z.string().nullable().catch(null);

export const partHashesSchema = z.object({
  product: hash,
  skus: hash,
  prices: hash,
  images: hash,
  linesheets: hash,
});
export type PartHashes = z.infer<typeof partHashesSchema>;

export const EMPTY_HASHES: PartHashes = { product: null, skus: null, prices: null, images: null, linesheets: null };

const linesheetRefSchema = z.object({ key: z.string(), name: z.string() });

export const styleDetailsSchema = z.object({
  // The contract with the inventory sync (identity.ts): variant numeric id → JOOR SKU id and UPC.
  skus: styleSkusSchema.shape.skus.catch({}),
  madeToOrder: z.boolean().catch(false),
  title: z.string().nullable().catch(null),
  /** JOOR's product id (also SyncState.joorId). */
  productId: z.string().nullable().catch(null),
  styleNumber: z.string().nullable().catch(null),
  /** Color value key → color code, kept so codes never change. */
  colorCodes: z.record(z.string(), z.string()).catch({}),
  cells: z.array(storedCellSchema).catch([]),
  priceTypeId: z.string().nullable().catch(null),
  /** JOOR SKU id → its price record under priceTypeId. */
  prices: z.record(z.string(), z.object({ id: z.string(), hash: z.string() })).catch({}),
  /** Linesheets the style is on in JOOR; the linesheet sync builds each collection from these. */
  linesheets: z.array(linesheetRefSchema).catch([]),
  hashes: partHashesSchema.catch(EMPTY_HASHES),
  /** Variant and media counts last read, to size the next read. */
  shape: z.object({ variants: z.number().int().nonnegative(), media: z.number().int().nonnegative() }).nullable().catch(null),
  /** Per SKU (variant id or cell external id): what JOOR refused last time. */
  skuErrors: z.record(z.string(), z.string()).catch({}),
  /** External ids of SKU creations JOOR may have applied without the app hearing back; looked up on the next run. */
  unansweredSkus: z.array(z.string()).catch([]),
  warnings: z.array(z.string()).catch([]),
});
export type StyleDetails = z.infer<typeof styleDetailsSchema>;

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function readStyleDetails(details: unknown): StyleDetails {
  return styleDetailsSchema.parse(asObject(details));
}

export const linesheetDetailsSchema = z.object({
  name: z.string().nullable().catch(null),
  externalId: z.string().nullable().catch(null),
  /** JOOR product ids in the collection, in order. */
  productIds: z.array(z.string()).catch([]),
  itemsHash: hash,
});
export type LinesheetDetails = z.infer<typeof linesheetDetailsSchema>;

export function readLinesheetDetails(details: unknown): LinesheetDetails {
  return linesheetDetailsSchema.parse(asObject(details));
}
