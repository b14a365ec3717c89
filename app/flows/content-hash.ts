import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal content always gives equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A short, stable fingerprint of what JOOR (or Shopify) would receive: equal fingerprints mean nothing to
 * send. Every flow compares payloads this way.
 */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 32);
}
