/**
 * The JOOR link stored on the Shopify customer as an app-owned metafield, so the customer page's admin block
 * (and the merchant) can see the link without asking the app.
 */
import { contentHash } from "~/flows/content-hash";

export const LINK_METAFIELD_NAMESPACE = "$app:joor";
export const LINK_METAFIELD_KEY = "link";
export const LINK_METAFIELD_TYPE = "json";

/** synced: in JOOR and validated; pending_validation: awaiting JOOR's data team; stopped: tag removed. */
export type LinkStatus = "synced" | "pending_validation" | "stopped";

export interface CustomerLink {
  status: LinkStatus;
  customerCode: string;
  /** The JOOR connection id; null once the connection was removed from JOOR. */
  connectionId: string | null;
}

export interface LinkMetafieldValue extends CustomerLink {
  /** ISO time of the write. */
  syncedAt: string;
}

/** Hash of what the link says; the time is left out so an unchanged link is never written again. */
export function linkHash(link: CustomerLink): string {
  return contentHash({ status: link.status, customerCode: link.customerCode, connectionId: link.connectionId });
}

export function linkMetafieldValue(link: CustomerLink, now: Date): LinkMetafieldValue {
  return { ...link, syncedAt: now.toISOString() };
}
