/** Names of the scheduled tasks each flow registers; the UI starts and shows them by these names. */
export const TaskKind = {
  /** Streams every tagged customer from a Shopify bulk operation into the customer sync. */
  customersBackfill: "customers-backfill",
  /** Downloads JOOR's connections, page by page, into the matching cache. */
  connectionsDownload: "customers-connections-download",
  /** Applies the merchant's matching decisions (confirm many, create customers) with progress. */
  customersMatchingApply: "customers-matching-apply",
  /** Streams every tagged product (and so its stock) from a Shopify bulk operation into the catalog sync. */
  catalogBackfill: "catalog-backfill",
  /** Reads JOOR's approved orders and imports each into Shopify once; periodic, at the merchant's interval. */
  ordersPoll: "orders-poll",
  /** Marks records Shopify changed since the last sweep, in case their webhooks never arrived; periodic. */
  reconcileSweep: "reconcile-sweep",
} as const;

export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];
