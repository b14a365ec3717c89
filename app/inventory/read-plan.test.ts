import { describe, expect, it } from "vitest";
import { ITEM_COST, LEVEL_COST, levelsPerItem, MAX_ITEMS_PER_READ, MAX_QUERY_COST, MIN_LEVELS_PER_ITEM, READ_BUDGET } from "./read-plan";

describe("levelsPerItem", () => {
  it.each([
    [1, 250],
    [10, 25],
    [25, 9],
    [MAX_ITEMS_PER_READ, MIN_LEVELS_PER_ITEM],
  ])("%i items → %i levels each", (items, levels) => {
    expect(levelsPerItem(items)).toBe(levels);
  });

  it.each([1, 2, 7, 33, MAX_ITEMS_PER_READ])("keeps a read of %i items within the read budget", (items) => {
    expect(items * (ITEM_COST + LEVEL_COST * levelsPerItem(items))).toBeLessThanOrEqual(READ_BUDGET);
  });

  it("never asks for the whole bucket, so other reads of the shop cannot starve it", () => {
    expect(READ_BUDGET).toBeLessThan(MAX_QUERY_COST);
    expect(MAX_ITEMS_PER_READ).toBe(40);
  });
});
