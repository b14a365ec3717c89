import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { customersBulkQuery, customerTagSearch, readBackfillState, searchValue } from "./backfill";

describe("customerTagSearch", () => {
  it.each([
    { tags: ["JOOR_ENABLED"], expected: "tag:'JOOR_ENABLED'" },
    { tags: ["JOOR", "WHOLESALE"], expected: "tag:'JOOR' OR tag:'WHOLESALE'" },
    { tags: [" Trade show 2026 "], expected: "tag:'Trade show 2026'" },
    { tags: ["O'Brien"], expected: `tag:"O'Brien"` },
    { tags: [`it's "B2B"`], expected: `tag:"it's \\"B2B\\""` },
  ])("$tags → $expected", ({ tags, expected }) => {
    expect(customerTagSearch(tags)).toBe(expected);
  });

  it("escapes backslashes", () => {
    expect(searchValue("a\\b")).toBe("'a\\\\b'");
  });
});

describe("customersBulkQuery", () => {
  it("is one valid GraphQL document embedding the search as a string", () => {
    const query = customersBulkQuery(["JOOR", `it's "B2B"`]);
    const document = parse(query);
    expect(document.definitions).toHaveLength(1);
    expect(query).toContain(JSON.stringify(`tag:'JOOR' OR tag:"it's \\"B2B\\""`));
  });
});

describe("readBackfillState", () => {
  it("reads saved progress", () => {
    const saved = { phase: "reading", operationId: "gid://shopify/BulkOperation/1", processed: 100, url: "https://x", progress: { done: 90, total: 120 } };
    expect(readBackfillState(saved)).toEqual(saved);
  });

  it.each([null, undefined, "text", { phase: "reading" }, { phase: "other", operationId: "x" }])("starts afresh from %j", (state) => {
    expect(readBackfillState(state)).toBeNull();
  });
});
