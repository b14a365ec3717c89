/**
 * What the admin blocks receive from the app's `api.*` routes (app/routes/api.blocks.$block.ts). Shared by the
 * routes and the extensions, so both sides read one contract.
 */

/** The JOOR link of a Shopify customer, as the customer page's block shows it. */
export type CustomerLinkState =
  /** In JOOR and validated. */
  | "synced"
  /** Created in JOOR, waiting for JOOR's data team (1–2 business days). */
  | "pending_validation"
  /** On its way to JOOR (changed, waiting, or retrying after a passing error). */
  | "syncing"
  | "failed"
  /** No longer synced (the tag was removed, or the customer was deleted). */
  | "stopped"
  /** Not in the app's sync; it may still be a JOOR retailer to link on the matching screen. */
  | "not_linked";

export interface CustomerBlockData {
  state: CustomerLinkState;
  /** The JOOR customer code (the Shopify customer's numeric id once linked). */
  customerCode: string | null;
  connectionId: string | null;
  /** ISO time of the last successful sync or link. */
  lastSyncedAt: string | null;
  /** JOOR's or the app's reason for a failed, stopped or waiting link. */
  message: string | null;
  /** The app's matching screen, searching for this customer (an app path, for an `app:` link). */
  matchingPath: string;
}

/** A Shopify product's JOOR style, as the product page's block shows it. */
export type StyleState = "synced" | "syncing" | "failed" | "stopped" | "not_synced";

export interface ProductBlockData {
  state: StyleState;
  styleNumber: string | null;
  /** JOOR's product id. */
  joorProductId: string | null;
  linesheets: string[];
  madeToOrder: boolean;
  lastSyncedAt: string | null;
  message: string | null;
  /** What the last sync left out or changed (a variant without a barcode, a cut value). */
  warnings: string[];
  /** JOOR's refusal per SKU, as "Color / Size: reason". */
  skuErrors: string[];
}

export type BlockReply<T> = { ok: true; data: T } | { ok: false; error: string };

/** The app routes the blocks read, each taking the selected record's GID as `id`. */
export const BLOCK_ROUTES = {
  customer: "/api/blocks/customer",
  product: "/api/blocks/product",
} as const;
