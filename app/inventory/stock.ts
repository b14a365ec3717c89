import { contentHash } from "~/flows/content-hash";
import type { StyleSkus } from "~/catalog/identity";
import type { JoorInventoryItem } from "~/joor/types";
import type { FlowOptions } from "~/settings/options";
import type { ShopConfiguration } from "~/settings/settings.server";

/**
 * The inventory flow's decisions, free of I/O: which quantity a SKU has, what JOOR is sent for it, and
 * whether it needs sending at all.
 */

/** One location's stock of an inventory item, as read from Shopify. */
export interface LevelReading {
  locationId: string;
  locationActive: boolean;
  available: number;
}

/** An inventory item as the flow needs it; null when Shopify no longer has it. */
export interface InventoryItemReading {
  gid: string;
  tracked: boolean;
  /** The variant's numeric id: the key of the style's SKU map. */
  variantId: string;
  productGid: string;
  /** The variant's display name, shown in Activity. */
  label: string;
  levels: LevelReading[];
}

/** What the catalog flow knows about the item's product. */
export interface StyleState {
  /** The catalog stopped syncing the product (untagged or deleted). */
  stopped: boolean;
  style: StyleSkus;
}

/** Exactly what JOOR holds for one SKU after a successful write; its hash is the record's contentHash. */
export interface StockPayload {
  upc: string;
  quantity: number;
  madeToOrder: boolean;
  warehouse: string;
}

export type InventoryOptions = Pick<FlowOptions, "inventoryLocationIds" | "joorWarehouse">;

export const NOT_SYNCED_REASON = "Not in JOOR yet: the product is not synced";
export const STYLE_STOPPED_REASON = "Not in JOOR: the product is no longer synced (untagged or deleted)";
export const ITEM_DELETED_REASON = "The inventory item no longer exists in Shopify";
export const UNTRACKED_REASON = "Shopify does not track this item's stock";
export const CATALOG_OFF_REASON = "Catalog sync is off: inventory needs the catalog's SKUs in JOOR";
export const INVENTORY_OFF_REASON = "Inventory sync is off";

/** Why the flow does not run for this shop now, or null when it does. */
export function inventoryOffReason(flows: ShopConfiguration["flows"]): string | null {
  if (!flows.catalog) return CATALOG_OFF_REASON;
  if (!flows.inventory) return INVENTORY_OFF_REASON;
  return null;
}

/**
 * Available stock summed over the chosen locations (none chosen = every active location). An oversold total
 * is sent as 0: JOOR retailers order from stock on hand.
 */
export function availableQuantity(levels: readonly LevelReading[], locationIds: readonly string[]): number {
  const chosen = new Set(locationIds);
  const counted = levels.filter((level) => (chosen.size > 0 ? chosen.has(level.locationId) : level.locationActive));
  return Math.max(0, counted.reduce((sum, level) => sum + level.available, 0));
}

/** A made-to-order SKU carries no stock: its quantity is fixed at 0, so sales do not cause writes. */
export function stockPayload(input: { upc: string; available: number; madeToOrder: boolean; warehouse: string }): StockPayload {
  return {
    upc: input.upc,
    quantity: input.madeToOrder ? 0 : input.available,
    madeToOrder: input.madeToOrder,
    warehouse: input.warehouse,
  };
}

/** Stock available now (empty inventory_date), by UPC; `made_to_order` only for made-to-order styles. */
export function joorInventoryItem(payload: StockPayload): JoorInventoryItem {
  return {
    warehouse: payload.warehouse,
    upc: payload.upc,
    inventory: payload.quantity,
    inventory_date: "",
    ...(payload.madeToOrder ? { made_to_order: true } : {}),
  };
}

export function stockHash(payload: StockPayload): string {
  return contentHash([payload.upc, payload.quantity, payload.madeToOrder, payload.warehouse]);
}

/** What JOOR should hold for an item, and the hash to compare with what it last accepted. */
export interface StockDecision {
  reading: InventoryItemReading;
  payload: StockPayload;
  hash: string;
}

export type ItemPlan = { action: "stop"; reason: string } | ({ action: "unchanged" | "send" } & StockDecision);

/** What to do with one inventory item, given what Shopify and the catalog say about it. */
export function planItem(input: {
  reading: InventoryItemReading | null;
  style: StyleState | undefined;
  options: InventoryOptions;
  contentHash: string | null;
}): ItemPlan {
  const { reading, style, options } = input;
  if (!reading) return { action: "stop", reason: ITEM_DELETED_REASON };
  if (style?.stopped) return { action: "stop", reason: STYLE_STOPPED_REASON };
  const sku = style?.style.skus[reading.variantId];
  if (!style || !sku) return { action: "stop", reason: NOT_SYNCED_REASON };
  const madeToOrder = style.style.madeToOrder;
  if (!reading.tracked && !madeToOrder) return { action: "stop", reason: UNTRACKED_REASON };
  const payload = stockPayload({
    upc: sku.upc,
    available: availableQuantity(reading.levels, options.inventoryLocationIds),
    madeToOrder,
    warehouse: options.joorWarehouse,
  });
  const hash = stockHash(payload);
  return { action: hash === input.contentHash ? "unchanged" : "send", reading, payload, hash };
}
