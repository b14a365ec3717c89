/**
 * The life of one JOOR order export generation (an OrderImport row), and the names the import gives things in
 * Shopify.
 *
 * queued ──▶ creating ──▶ imported            (JOOR told SUCCESS)
 *   ▲           │  └────▶ failed ──Retry──▶ queued   (JOOR told FAILED with the reason)
 *   │           └ crash: found in Shopify by source identifier → imported, not found → queued
 *   └── "import as a new order" ── review ──"ignore"──▶ ignored   (JOOR told SUCCESS; the old order stands)
 * A generation is born `review` when an imported order comes back from JOOR (edited or set to re-export).
 */
export const ImportStatus = {
  /** Waiting to be created in Shopify by the next poll. */
  queued: "queued",
  /** Committed just before orderCreate: whether Shopify has the order is not known until recorded. */
  creating: "creating",
  imported: "imported",
  failed: "failed",
  /** Came back from JOOR after import: waiting for the merchant to import it again or ignore it. */
  review: "review",
  /** The merchant kept the earlier Shopify order. */
  ignored: "ignored",
} as const;

export type ImportStatus = (typeof ImportStatus)[keyof typeof ImportStatus];

/** What JOOR is told about a generation in this status, or null while there is nothing to tell yet. */
export function acknowledgementFor(status: string): "SUCCESS" | "FAILED" | null {
  if (status === ImportStatus.imported || status === ImportStatus.ignored) return "SUCCESS";
  return status === ImportStatus.failed ? "FAILED" : null;
}

export const ACKNOWLEDGED_STATUSES: readonly string[] = [ImportStatus.imported, ImportStatus.failed, ImportStatus.ignored];

/** Every imported order carries this tag, besides the merchant's own. */
export const ORDER_TAG = "JOOR";

/** Added to a Shopify order when the merchant imports a changed JOOR order again as a new one. */
export const REPLACED_TAG = "JOOR-replaced";

/** The order's `sourceName` in Shopify. */
export const SOURCE_NAME = "joor";

/**
 * A generation left `creating` (the process died, or Shopify's answer was lost) is looked up in Shopify only
 * after this long, so Shopify's order search has indexed an order that was in fact created.
 */
export const CREATING_SETTLE_MS = 60_000;

/** When Shopify refuses orderCreate with a rate limit and says nothing about when to come back. */
export const ORDER_LIMIT_FALLBACK_WAIT_MS = 60_000;
