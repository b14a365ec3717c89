import type { AdminClient, PageInfo } from "~/shopify/admin-client.server";
import { FOLLOW_UP_LEVELS, levelsPerItem, MAX_ITEMS_PER_READ } from "./read-plan";
import type { InventoryItemReading, LevelReading } from "./stock";

/** Reads inventory items (their variant, product and stock per location) from the Admin API. */

const LEVEL_FIELDS = `fragment StockLevel on InventoryLevel {
  location { id isActive }
  quantities(names: ["available"]) { name quantity }
}`;

const ITEMS_QUERY = `query InventoryItems($ids: [ID!]!, $levels: Int!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      tracked
      variant { legacyResourceId displayName product { id } }
      inventoryLevels(first: $levels) {
        nodes { ...StockLevel }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
${LEVEL_FIELDS}`;

const LEVELS_QUERY = `query InventoryItemLevels($id: ID!, $after: String) {
  inventoryItem(id: $id) {
    inventoryLevels(first: ${FOLLOW_UP_LEVELS}, after: $after) {
      nodes { ...StockLevel }
      pageInfo { hasNextPage endCursor }
    }
  }
}
${LEVEL_FIELDS}`;

interface LevelNode {
  location: { id: string; isActive: boolean };
  quantities: Array<{ name: string; quantity: number }>;
}

interface ItemNode {
  id?: string;
  tracked: boolean;
  variant: { legacyResourceId: string; displayName: string; product: { id: string } };
  inventoryLevels: { nodes: LevelNode[]; pageInfo: PageInfo };
}

function levelReading(node: LevelNode): LevelReading {
  return {
    locationId: node.location.id,
    locationActive: node.location.isActive,
    available: node.quantities.find((quantity) => quantity.name === "available")?.quantity ?? 0,
  };
}

/**
 * One `nodes(ids:)` query per batch (split only when the batch is too large for Shopify's cost limit), then
 * follow-up pages for any item stocked at more locations than its first page held. Deleted items map to null.
 */
export async function readInventoryItems(admin: AdminClient, gids: readonly string[]): Promise<Map<string, InventoryItemReading | null>> {
  const readings = new Map<string, InventoryItemReading | null>();
  for (let start = 0; start < gids.length; start += MAX_ITEMS_PER_READ) {
    const ids = gids.slice(start, start + MAX_ITEMS_PER_READ);
    const data = await admin.request<{ nodes: Array<ItemNode | null> }>(ITEMS_QUERY, { ids, levels: levelsPerItem(ids.length) });
    const found = new Map(data.nodes.filter((node): node is ItemNode => Boolean(node?.id)).map((node) => [node.id as string, node]));
    for (const gid of ids) {
      const node = found.get(gid);
      readings.set(gid, node ? await toReading(admin, gid, node) : null);
    }
  }
  return readings;
}

async function toReading(admin: AdminClient, gid: string, node: ItemNode): Promise<InventoryItemReading> {
  const levels = node.inventoryLevels.nodes.map(levelReading);
  const { hasNextPage, endCursor } = node.inventoryLevels.pageInfo;
  if (hasNextPage) {
    for await (const page of admin.pages<LevelNode>(LEVELS_QUERY, { id: gid, after: endCursor }, "inventoryItem.inventoryLevels")) {
      levels.push(...page.map(levelReading));
    }
  }
  return {
    gid,
    tracked: node.tracked,
    variantId: String(node.variant.legacyResourceId),
    productGid: node.variant.product.id,
    label: node.variant.displayName,
    levels,
  };
}
