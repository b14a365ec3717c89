import { describe, expect, it } from "vitest";
import { ITEM_COST, LEVEL_COST, levelsPerItem, MAX_ITEMS_PER_READ, MAX_QUERY_COST, MIN_LEVELS_PER_ITEM } from "./read-plan";

describe("levelsPerItem", () => {
  it.each([
    [1, 250],
    [10, 31],
    [25, 11],
    [MAX_ITEMS_PER_READ, MIN_LEVELS_PER_ITEM],
  ])("%i items → %i levels each", (items, levels) => {
    expect(levelsPerItem(items)).toBe(levels);
  });

  it.each([1, 2, 7, 33, MAX_ITEMS_PER_READ])("keeps a read of %i items within Shopify's cost limit", (items) => {
    expect(items * (ITEM_COST + LEVEL_COST * levelsPerItem(items))).toBeLessThanOrEqual(MAX_QUERY_COST);
  });

  it("fits a worker's default batch of 50 in one read", () => {
    expect(MAX_ITEMS_PER_READ).toBe(50);
  });
});
