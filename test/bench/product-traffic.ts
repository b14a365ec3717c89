/**
 * The efficiency scenario's catalog and traffic, free of I/O: the tagged styles the shop starts with, and the
 * products/update webhooks of a busy selling day — mostly sales (stock moves, nothing JOOR holds on the style
 * changes), some real edits (title, description, a variant's price), and Shopify's redeliveries of webhooks
 * already delivered. One seed gives the same traffic every run.
 */
import type { ProductInput } from "../fakes/shopify";
import { seededRandom } from "../fakes/shopify/webhooks";

export const BENCH_PRODUCT_TAG = "wholesale";
export const STARTING_STOCK = 500;
export const STARTING_PRICE = "120.00";
const SIZES = ["S", "M", "L", "XL"];

/** Variants of the index-th style: 3 or 4, alternating, so the catalog averages 3.5 per style. */
export function variantCount(index: number): number {
  return 3 + (index % 2);
}

/** A 12-digit barcode unique to the style and variant position. */
export function benchBarcode(index: number, position: number): string {
  return String(100_000_000_000 + index * 10 + position);
}

/** The index-th tagged style: Color × Size variants with barcodes, a retail price and stock at the one location. */
export function benchProduct(index: number): ProductInput {
  return {
    title: `Bench style ${index + 1}`,
    descriptionHtml: `<p>Bench style ${index + 1}, as first listed.</p>`,
    tags: [BENCH_PRODUCT_TAG],
    options: ["Color", "Size"],
    variants: SIZES.slice(0, variantCount(index)).map((size, position) => ({
      options: ["Black", size],
      barcode: benchBarcode(index, position),
      price: STARTING_PRICE,
      inventory: STARTING_STOCK,
    })),
  };
}

export type EditField = "title" | "description" | "price";
export const EDIT_FIELDS: readonly EditField[] = ["title", "description", "price"];

export type TrafficStep =
  /** One unit sold of a variant: inventory_levels/update and products/update. */
  | { kind: "sale"; product: number; variant: number }
  /** A merchant edit; `serial` makes every edited value new. `variant` is the one whose price changes. */
  | { kind: "edit"; product: number; field: EditField; variant: number; serial: number }
  /** Shopify delivers step `of`'s products/update again, same webhook id. */
  | { kind: "duplicate"; of: number };

export interface TrafficMix {
  sales: number;
  edits: number;
  duplicates: number;
}

export const EFFICIENCY_MIX: TrafficMix = { sales: 0.8, edits: 0.15, duplicates: 0.05 };

export interface TrafficOptions {
  /** products/update deliveries in all, redeliveries included. */
  webhooks: number;
  /** Styles in the catalog; the index-th has variantCount(index) variants. */
  products: number;
  mix: TrafficMix;
  seed: number;
  /** A redelivery repeats one of the last this-many deliveries, as Shopify retries recent ones. */
  redeliveryWindow?: number;
}

/** Exact counts per kind: sales and edits rounded, duplicates the rest. */
export function trafficCounts(webhooks: number, mix: TrafficMix): { sales: number; edits: number; duplicates: number } {
  const sales = Math.round(webhooks * mix.sales);
  const edits = Math.min(webhooks - sales, Math.round(webhooks * mix.edits));
  return { sales, edits, duplicates: webhooks - sales - edits };
}

/**
 * The day's deliveries in order. Kinds are shuffled so the mix is steady over the run; a redelivery always
 * follows at least one original, and repeats a recent one.
 */
export function planProductTraffic(options: TrafficOptions): TrafficStep[] {
  const random = seededRandom(options.seed);
  const pick = (count: number) => Math.floor(random() * count);
  const counts = trafficCounts(options.webhooks, options.mix);
  const kinds: Array<TrafficStep["kind"]> = [
    ...Array<"sale">(counts.sales).fill("sale"),
    ...Array<"edit">(counts.edits).fill("edit"),
    ...Array<"duplicate">(counts.duplicates).fill("duplicate"),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const firstOriginal = kinds.findIndex((kind) => kind !== "duplicate");
  if (firstOriginal > 0) [kinds[0], kinds[firstOriginal]] = [kinds[firstOriginal], kinds[0]];

  const window = options.redeliveryWindow ?? 200;
  const originals: number[] = [];
  let serial = 0;
  return kinds.map((kind, index): TrafficStep => {
    if (kind === "duplicate") {
      const recent = originals.slice(-window);
      return { kind, of: recent[pick(recent.length)] };
    }
    originals.push(index);
    const product = pick(options.products);
    const variant = pick(variantCount(product));
    if (kind === "sale") return { kind, product, variant };
    serial += 1;
    return { kind, product, field: EDIT_FIELDS[pick(EDIT_FIELDS.length)], variant, serial };
  });
}

/** The edited value: new for every serial, so JOOR holding it proves the edit arrived. */
export function editedValue(field: EditField, product: number, serial: number): string {
  switch (field) {
    case "title":
      return `Bench style ${product + 1} (edit ${serial})`;
    case "description":
      return `<p>Bench style ${product + 1}, edit ${serial}.</p>`;
    case "price":
      return (200 + serial / 100).toFixed(2);
  }
}

/** JOOR credits per 1,000 webhooks. */
export function creditsPerThousand(credits: number, webhooks: number): number {
  return webhooks === 0 ? Number.NaN : (credits * 1000) / webhooks;
}

/** "3 products/bulk_update, 1 bulk-inventory": JOOR's write calls by path. */
export function writesByPath(calls: ReadonlyArray<{ method: string; path: string; credits: number }>): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.method === "GET" || call.credits === 0) continue;
    const path = call.path.replace(/^\/v\d\//, "").replace(/\/$/, "");
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  return [...counts].map(([path, count]) => `${count} ${path}`).join(", ") || "none";
}
