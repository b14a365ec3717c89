/**
 * How the flow sizes its Shopify read of a batch of inventory items so the query stays within Shopify's
 * single-query cost limit. Costs follow Shopify's rules: every object 1, a connection 2 plus `first` times
 * the cost of one node.
 */

/** Shopify refuses any single query whose requested cost is above this. */
export const MAX_QUERY_COST = 1000;
/**
 * Requested cost per read, below the 1,000-point bucket: a read asking for the whole bucket waits for it to be
 * full, which the shop's other reads (customers, products) keep it from being, so it would be throttled out.
 */
export const READ_BUDGET = 800;
/** Per item: the item, its variant, the variant's product, and the levels connection's own 2. */
export const ITEM_COST = 5;
/** Per level: the level, its location and its quantities. */
export const LEVEL_COST = 3;
/** Fewer levels per item than this would send most multi-location shops into follow-up pages. */
export const MIN_LEVELS_PER_ITEM = 5;
/** Shopify's largest page. */
export const MAX_PAGE_SIZE = 250;

/** The most items one read can carry while still reading MIN_LEVELS_PER_ITEM levels of each. */
export const MAX_ITEMS_PER_READ = Math.floor(READ_BUDGET / (ITEM_COST + LEVEL_COST * MIN_LEVELS_PER_ITEM));

/** Levels read per item in the first page: as many as the read budget allows for `itemCount` items. */
export function levelsPerItem(itemCount: number): number {
  const perItem = Math.floor((READ_BUDGET / Math.max(1, itemCount) - ITEM_COST) / LEVEL_COST);
  return Math.min(MAX_PAGE_SIZE, Math.max(1, perItem));
}

/** Levels per follow-up page for an item with more levels than its first page held. */
export const FOLLOW_UP_LEVELS = 100;
