import { describe, expect, it } from "vitest";
import { backfillQuery, readBackfillState, tagQuery } from "./backfill.server";

describe("catalog backfill query", () => {
  it.each([
    ["JOOR_ENABLED", "tag:'JOOR_ENABLED'"],
    ["Wholesale 2026", "tag:'Wholesale 2026'"],
    ["Brand's pick", `tag:"Brand's pick"`],
  ])("tag %j → %s", (tag, query) => {
    expect(tagQuery(tag)).toBe(query);
  });

  it("lists only product ids", () => {
    expect(backfillQuery("JOOR_ENABLED")).toBe(`{ products(query: "tag:'JOOR_ENABLED'") { edges { node { id } } } }`);
  });

  it("reads saved progress leniently", () => {
    expect(readBackfillState(null)).toEqual({ operationId: null, restarts: 0, finished: false, progress: { done: 0, total: null } });
    expect(readBackfillState({ operationId: "gid://shopify/BulkOperation/1", progress: { done: 20, total: 50 }, restarts: "x" })).toEqual({
      operationId: "gid://shopify/BulkOperation/1",
      restarts: 0,
      finished: false,
      progress: { done: 20, total: 50 },
    });
  });
});
