import { describe, expect, it } from "vitest";
import { joorOrderSchema } from "~/joor/schemas";
import { listingAction, orderVersion, uniqueOrders, type GenerationFacts } from "./generations";

const generation = (changes: Partial<GenerationFacts>): GenerationFacts => ({
  id: "row-0",
  generation: 0,
  status: "imported",
  acknowledged: true,
  joorVersion: "v1",
  ...changes,
});

describe("what a poll does with a listed order", () => {
  it.each<[string, GenerationFacts[], string, ReturnType<typeof listingAction>]>([
    ["never seen: generation 0", [], "v1", { kind: "create" }],
    ["queued, unchanged", [generation({ status: "queued", acknowledged: false })], "v1", { kind: "none" }],
    ["queued, changed: keep the latest", [generation({ status: "queued", acknowledged: false })], "v2", { kind: "refresh", rowId: "row-0" }],
    ["waiting for the merchant, changed", [generation({ status: "review", acknowledged: false })], "v2", { kind: "refresh", rowId: "row-0" }],
    ["being created", [generation({ status: "creating", acknowledged: false })], "v2", { kind: "none" }],
    ["imported, JOOR not told yet", [generation({ acknowledged: false })], "v1", { kind: "none" }],
    ["imported and told, listed again: it came back", [generation({})], "v1", { kind: "returned", generation: 1 }],
    ["ignored and told, listed again", [generation({}), generation({ id: "row-1", generation: 1, status: "ignored" })], "v3", { kind: "returned", generation: 2 }],
    ["failed and told, unchanged: still failed", [generation({ status: "failed" })], "v1", { kind: "none" }],
    ["failed and told, changed since: try again", [generation({ status: "failed" })], "v2", { kind: "retry", rowId: "row-0" }],
    ["failed, JOOR not told yet", [generation({ status: "failed", acknowledged: false })], "v2", { kind: "none" }],
    [
      "the latest generation decides",
      [generation({ id: "row-1", generation: 1, status: "review", acknowledged: false }), generation({})],
      "v1",
      { kind: "none" },
    ],
  ])("%s", (_name, rows, version, expected) => {
    expect(listingAction(version, rows)).toEqual(expected);
  });

  it("versions an order by date_modified, else by its content", () => {
    const order = (fields: Record<string, unknown>) => joorOrderSchema.parse({ order_id: 5, ...fields });
    expect(orderVersion(order({ date_modified: "2026-11-20 10:00:00" }))).toBe("2026-11-20 10:00:00");
    expect(orderVersion(order({ date_modified: "", order_comments: "a" }))).toMatch(/^#/);
    expect(orderVersion(order({ order_comments: "a" }))).toBe(orderVersion(order({ order_comments: "a" })));
    expect(orderVersion(order({ order_comments: "a" }))).not.toBe(orderVersion(order({ order_comments: "b" })));
  });

  it("keeps each order once, where first listed, as last listed", () => {
    const order = (id: number, comment: string) => joorOrderSchema.parse({ order_id: id, order_comments: comment });
    expect(uniqueOrders([order(1, "a"), order(2, "b"), order(1, "c")]).map((o) => [o.order_id, o.order_comments])).toEqual([
      ["1", "c"],
      ["2", "b"],
    ]);
  });
});
