/**
 * What an orderCreate that threw means for the order. Pure. Only an answer that proves Shopify did not create
 * the order may lead to another attempt; anything else leaves the row `creating` for the search by source
 * identifier to settle.
 */
import { ShopifyUserErrors } from "~/shopify/admin-client.server";
import { ShopGoneError, SyncError, errorMessage } from "~/sync/errors";
import { isThrottle } from "~/sync/retry";
import { ORDER_LIMIT_FALLBACK_WAIT_MS } from "./status";

export type CreateFailure =
  /** Shopify refused this order: the reason is shown and sent to JOOR. */
  | { kind: "refused"; reason: string }
  /** A rate limit (cost throttling, the development stores' orderCreate limit): nothing created, try later. */
  | { kind: "limited"; retryAfterMs: number }
  /** Nothing created, but the shop cannot take orders now (access lost, app uninstalled): stop the poll. */
  | { kind: "unsent"; error: unknown }
  /** Shopify may or may not have the order. */
  | { kind: "unknown"; error: unknown };

const ADDRESS_FIELDS = new Set(["shippingAddress", "billingAddress"]);

function userErrorReason(error: ShopifyUserErrors): string {
  const messages = error.userErrors.map((entry) => entry.message).join("; ");
  if (error.userErrors.some((entry) => entry.code === "INVENTORY_CLAIM_FAILED")) return `Stock claim failed: ${messages}`;
  if (error.userErrors.some((entry) => entry.field?.some((name) => ADDRESS_FIELDS.has(name)))) return `Invalid address: ${messages}`;
  return `Shopify refused the order: ${messages}`;
}

/** Access problems that no order can get past. */
const SHOP_LEVEL_STATUSES = new Set([401, 402, 403, 423]);

/** The app cannot work for the shop now (uninstalled, credentials or access refused): no order is to blame. */
export function isShopLevel(error: unknown): boolean {
  if (error instanceof ShopGoneError) return true;
  return error instanceof SyncError && error.status !== undefined && SHOP_LEVEL_STATUSES.has(error.status);
}

export function classifyCreateFailure(error: unknown): CreateFailure {
  if (error instanceof ShopifyUserErrors) return { kind: "refused", reason: userErrorReason(error) };
  if (isThrottle(error)) return { kind: "limited", retryAfterMs: error.retryAfterMs ?? ORDER_LIMIT_FALLBACK_WAIT_MS };
  if (isShopLevel(error)) return { kind: "unsent", error };
  // A 4xx answer, or a GraphQL error (no status: the request was refused before it ran), created nothing.
  if (error instanceof SyncError && error.terminal) return { kind: "refused", reason: `Shopify refused the order: ${errorMessage(error)}` };
  return { kind: "unknown", error };
}
