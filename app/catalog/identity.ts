import { z } from "zod";
import type { FlowOptions } from "~/settings/options";

/**
 * How a Shopify product and its variants are known in JOOR. Shared by the catalog sync (which writes styles)
 * and the inventory sync (which writes stock by UPC), so the two always agree.
 */

/** Shopify tags compare case-insensitively, ignoring surrounding spaces. */
export function hasTag(tags: readonly string[], wanted: string): boolean {
  const target = wanted.trim().toLowerCase();
  return tags.some((tag) => tag.trim().toLowerCase() === target);
}

export function hasAnyTag(tags: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((tag) => hasTag(tags, tag));
}

export interface VariantIdentity {
  /** Numeric id (legacyResourceId). */
  id: string;
  barcode?: string | null;
  sku?: string | null;
}

/**
 * The UPC a variant is known by in JOOR: its barcode, else what the merchant chose for variants without one
 * (the SKU, the variant id), or null when such variants are left out.
 */
export function variantUpc(variant: VariantIdentity, rule: FlowOptions["missingBarcode"]): string | null {
  const barcode = variant.barcode?.trim();
  if (barcode) return barcode;
  if (rule === "sku") return variant.sku?.trim() || null;
  if (rule === "variantId") return variant.id;
  return null;
}

/** Linesheet names from tags carrying the prefix (`Collection_Fall26` → "Fall26"), in tag order, unique. */
export function linesheetNames(tags: readonly string[], prefix: string): string[] {
  const wanted = prefix.trim().toLowerCase();
  const names = tags
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > wanted.length && tag.toLowerCase().startsWith(wanted))
    .map((tag) => tag.slice(wanted.length).trim())
    .filter((name) => name.length > 0);
  return [...new Set(names)];
}

/** A style is made to order when any of its linesheets is one the merchant marked made-to-order. */
export function isMadeToOrder(tags: readonly string[], options: Pick<FlowOptions, "collectionTagPrefix" | "madeToOrderLinesheets">): boolean {
  const mto = new Set(options.madeToOrderLinesheets.map((name) => name.trim().toLowerCase()));
  return linesheetNames(tags, options.collectionTagPrefix).some((name) => mto.has(name.toLowerCase()));
}

/**
 * The part of a product's SyncState.details the inventory sync relies on: the SKUs JOOR holds for the
 * product's variants, keyed by the variant's numeric id. The catalog sync may store more beside it.
 */
export const styleSkusSchema = z.object({
  skus: z.record(z.string(), z.object({ skuId: z.string(), upc: z.string() })),
  madeToOrder: z.boolean().default(false),
});

export type StyleSkus = z.infer<typeof styleSkusSchema>;

/** Reads the SKU map from stored details; anything unreadable means "no SKUs known yet". */
export function readStyleSkus(details: unknown): StyleSkus {
  const parsed = styleSkusSchema.safeParse(details);
  return parsed.success ? parsed.data : { skus: {}, madeToOrder: false };
}
