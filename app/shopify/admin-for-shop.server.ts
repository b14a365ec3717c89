import { ShopifyError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { unauthenticated } from "~/shopify.server";
import { ShopGoneError, SyncError, errorMessage } from "~/sync/errors";
import { AdminClient, type AdminClientOptions } from "./admin-client.server";

/**
 * The Admin client for a background job: loads the shop's offline session through the Shopify library
 * (which refreshes an expiring token first) and uses its access token. No session means the app was
 * uninstalled: a ShopGoneError, which the engine never retries.
 */
export async function adminClientFor(
  shop: string,
  options: Omit<AdminClientOptions, "shop" | "accessToken"> = {},
): Promise<AdminClient> {
  let accessToken: string | undefined;
  try {
    ({
      session: { accessToken },
    } = await unauthenticated.admin(shop));
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new ShopGoneError(shop, error);
    // The library answers a failed token refresh with a bare HTTP 500 Response.
    if (error instanceof Response) {
      throw new SyncError(`Refreshing ${shop}'s access token failed (HTTP ${error.status})`, {
        terminal: false,
        code: "TOKEN_REFRESH_FAILED",
      });
    }
    // Anything else from the library (an invalid shop domain, a refresh token Shopify rejected) will not
    // fix itself; other errors (the database, say) pass through as transient.
    if (error instanceof ShopifyError) {
      throw new SyncError(`Loading ${shop}'s session failed: ${errorMessage(error)}`, {
        terminal: true,
        code: "SESSION_UNUSABLE",
        cause: error,
      });
    }
    throw error;
  }
  if (!accessToken) throw new ShopGoneError(shop);
  return new AdminClient({ ...options, shop, accessToken });
}
