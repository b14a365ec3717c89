import type { JoorClient } from "~/joor/client.server";
import { joorClientFor } from "~/joor/joor-for-shop.server";
import { getShopConfiguration, type ShopConfiguration } from "~/settings/settings.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientFor } from "~/shopify/admin-for-shop.server";
import { ShopGoneError } from "~/sync/errors";

/**
 * What every flow's handlers reach the outside world through. Handlers take it at registration, so tests can
 * hand in clients with a manual clock or short timeouts while the real code paths stay the same.
 */
export interface FlowServices {
  joor(shop: string): Promise<JoorClient>;
  admin(shop: string): Promise<AdminClient>;
  /** The shop's settings; a shop without settings or that uninstalled → ShopGoneError. */
  configuration(shop: string): Promise<ShopConfiguration>;
  now(): Date;
}

export async function requireShopConfiguration(shop: string): Promise<ShopConfiguration> {
  const configuration = await getShopConfiguration(shop);
  if (!configuration || configuration.uninstalled) throw new ShopGoneError(shop);
  return configuration;
}

export const defaultFlowServices: FlowServices = {
  joor: (shop) => joorClientFor(shop),
  admin: (shop) => adminClientFor(shop),
  configuration: requireShopConfiguration,
  now: () => new Date(),
};
