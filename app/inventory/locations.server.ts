import type { AdminClient } from "~/shopify/admin-client.server";

/** A Shopify location the merchant can count stock from. */
export interface ShopLocation {
  /** Location GID, as stored in the inventoryLocationIds option. */
  id: string;
  name: string;
  active: boolean;
}

const LOCATIONS_QUERY = `query Locations($after: String) {
  locations(first: 250, after: $after, includeInactive: true) {
    nodes { id name isActive }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * Every location of the shop, deactivated ones included (a saved choice may name one), in Shopify's order.
 */
export async function listLocations(admin: AdminClient): Promise<ShopLocation[]> {
  const locations: ShopLocation[] = [];
  for await (const location of admin.nodes<{ id: string; name: string; isActive: boolean }>(LOCATIONS_QUERY, {}, "locations")) {
    locations.push({ id: location.id, name: location.name, active: location.isActive });
  }
  return locations;
}
