/**
 * The fewest JOOR write calls a backfill can make: every record JOOR must receive, sent in calls as full as
 * JOOR's batch sizes (app/joor/assumptions.ts) allow. Pure, so the backfill scenario's yardstick is tested.
 */
import { BULK_CONNECTION_BATCH_SIZE, INVENTORY_BATCH_SIZE, V4_BULK_MAX_RECORDS } from "~/joor/assumptions";

/** One style as the catalog sends it. */
export interface StyleShape {
  /** Distinct colors and sizes of its variants: the catalog sends the whole color × size grid. */
  colors: number;
  sizes: number;
  /** Variants that are sold (each an ACTIVE SKU with a price and stock). */
  variants: number;
  images: number;
  /** Linesheet names the style carries (by tag). */
  linesheets: string[];
}

/** Records JOOR must receive, per kind of write. */
export interface BackfillRecords {
  connections: number;
  products: number;
  /** Every grid cell: the sold variants plus the unsold (INACTIVE) cells that complete the grid. */
  skus: number;
  prices: number;
  images: number;
  /** Collections (linesheets), each written once with its full item list. */
  collections: number;
  inventoryItems: number;
}

export type WriteKind = keyof BackfillRecords;

/** Records per call for each kind of write. */
export type BatchSizes = Record<WriteKind, number>;

export const JOOR_BATCH_SIZES: BatchSizes = {
  connections: BULK_CONNECTION_BATCH_SIZE,
  products: V4_BULK_MAX_RECORDS,
  skus: V4_BULK_MAX_RECORDS,
  prices: V4_BULK_MAX_RECORDS,
  images: V4_BULK_MAX_RECORDS,
  collections: V4_BULK_MAX_RECORDS,
  inventoryItems: INVENTORY_BATCH_SIZE,
};

/** What JOOR must hold after a backfill of `customers` tagged customers and these styles (prices and images on). */
export function backfillRecords(customers: number, styles: readonly StyleShape[]): BackfillRecords {
  const sum = (count: (style: StyleShape) => number) => styles.reduce((total, style) => total + count(style), 0);
  return {
    connections: customers,
    products: styles.length,
    skus: sum((style) => Math.max(1, style.colors) * Math.max(1, style.sizes)),
    prices: sum((style) => style.variants),
    images: sum((style) => style.images),
    collections: new Set(styles.flatMap((style) => style.linesheets)).size,
    inventoryItems: sum((style) => style.variants),
  };
}

export interface MinimumCalls {
  total: number;
  byKind: Record<WriteKind, number>;
}

/** ⌈records ÷ batch size⌉ per kind of write, and their sum. */
export function minimumWriteCalls(records: BackfillRecords, sizes: BatchSizes = JOOR_BATCH_SIZES): MinimumCalls {
  const byKind = Object.fromEntries(
    (Object.keys(records) as WriteKind[]).map((kind) => {
      if (!(sizes[kind] >= 1)) throw new Error(`Batch size for ${kind} must be at least 1`);
      return [kind, Math.ceil(records[kind] / sizes[kind])];
    }),
  ) as Record<WriteKind, number>;
  return { total: Object.values(byKind).reduce((sum, calls) => sum + calls, 0), byKind };
}

const WRITE_PATHS: Array<[RegExp, WriteKind]> = [
  [/^\/v2\/bulk-connection\/?$/, "connections"],
  [/^\/v4\/products\//, "products"],
  [/^\/v4\/skus\//, "skus"],
  [/^\/v4\/prices\//, "prices"],
  [/^\/v4\/assets\//, "images"],
  [/^\/v4\/collections\//, "collections"],
  [/^\/v2\/bulk-inventory\/?$/, "inventoryItems"],
];

/**
 * The kind of a JOOR API call that writes (any method but GET): one of the backfill's kinds, or "other" (a
 * connection removed or re-keyed, an order acknowledged). Null for reads and for the v4 token endpoint, which
 * is not part of the API's quota.
 */
export function writeKindOf(call: { method: string; path: string }): WriteKind | "other" | null {
  if (call.method.toUpperCase() === "GET" || !/^\/v[24]\//.test(call.path)) return null;
  return WRITE_PATHS.find(([pattern]) => pattern.test(call.path))?.[1] ?? "other";
}
