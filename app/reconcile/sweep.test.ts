import { describe, expect, it } from "vitest";
import {
  addCounts,
  armedState,
  currentPhase,
  customerWanted,
  finishedState,
  highWaterMark,
  nextPhase,
  NO_MARKS,
  productWanted,
  readSweepState,
  RECONCILE_INTERVAL_MINUTES,
  RECONCILE_OVERLAP_MS,
  recordsToMark,
  startRun,
  sweepNeeded,
  sweepParts,
  updatedSinceQuery,
  type SweepParts,
} from "./sweep";

const NOW = new Date("2026-05-04T12:00:00.000Z");
const flows = { customers: false, catalog: false, inventory: false, orders: false };
const parts = (customers: boolean, products: boolean, inventory = false): SweepParts => ({ customers, products, inventory });

describe("sweepParts", () => {
  it.each([
    ["nothing on", flows, parts(false, false)],
    ["customers", { ...flows, customers: true }, parts(true, false)],
    ["catalog", { ...flows, catalog: true }, parts(false, true)],
    ["catalog and inventory", { ...flows, catalog: true, inventory: true }, parts(false, true, true)],
    ["inventory without the catalog syncs nothing", { ...flows, inventory: true }, parts(false, false)],
    ["orders alone has its own poll", { ...flows, orders: true }, parts(false, false)],
  ])("%s", (_name, given, expected) => {
    expect(sweepParts(given)).toEqual(expected);
  });

  it("is needed while any record flow is switched on", () => {
    const off = { customersEnabled: false, catalogEnabled: false, inventoryEnabled: false };
    expect(sweepNeeded(off)).toBe(false);
    expect(sweepNeeded({ ...off, customersEnabled: true })).toBe(true);
    expect(sweepNeeded({ ...off, catalogEnabled: true })).toBe(true);
    expect(sweepNeeded({ ...off, inventoryEnabled: true })).toBe(true);
  });
});

describe("the high-water mark", () => {
  it("searches from the previous sweep's start less the overlap", () => {
    const run = startRun(armedState(NOW), parts(true, true), new Date(NOW.getTime() + 900_000));
    expect(run?.since).toBe(new Date(NOW.getTime() - RECONCILE_OVERLAP_MS).toISOString());
    const finished = finishedState({ ...run!, marked: { customers: 2, products: 1, inventoryItems: 3 } }, new Date(NOW.getTime() + 960_000));
    expect(finished).toEqual({
      since: new Date(NOW.getTime() + 900_000 - RECONCILE_OVERLAP_MS).toISOString(),
      run: null,
      last: { finishedAt: new Date(NOW.getTime() + 960_000).toISOString(), marked: { customers: 2, products: 1, inventoryItems: 3 } },
    });
  });

  it("without a saved mark looks one interval back, plus the overlap", () => {
    const run = startRun(readSweepState(null), parts(true, false), NOW);
    expect(run?.since).toBe(new Date(NOW.getTime() - RECONCILE_INTERVAL_MINUTES * 60_000 - RECONCILE_OVERLAP_MS).toISOString());
  });

  it("reads an unreadable state as a fresh one", () => {
    expect(readSweepState({ since: 5 })).toEqual({ since: null, run: null, last: null });
    expect(readSweepState("text")).toEqual({ since: null, run: null, last: null });
  });

  it("quotes the timestamp in Shopify's search syntax", () => {
    expect(updatedSinceQuery(highWaterMark(NOW))).toBe("updated_at:>'2026-05-04T11:58:00.000Z'");
  });
});

describe("phases", () => {
  it.each([
    ["both", parts(true, true), "customers", "products"],
    ["customers only", parts(true, false), "customers", null],
    ["products only", parts(false, true), "products", null],
    ["nothing", parts(false, false), null, null],
  ] as const)("%s", (_name, given, first, second) => {
    const run = startRun(readSweepState(null), given, NOW);
    expect(run?.phase ?? null).toBe(first);
    if (first) expect(nextPhase(first, given)).toBe(second);
  });

  it("moves a resumed run past a search switched off since", () => {
    const run = startRun(readSweepState(null), parts(true, true), NOW)!;
    expect(currentPhase(run, parts(false, true))).toBe("products");
    expect(currentPhase({ ...run, phase: "products" }, parts(true, false))).toBeNull();
  });

  it("adds counts", () => {
    expect(addCounts(NO_MARKS, { customers: 2 })).toEqual({ customers: 2, products: 0, inventoryItems: 0 });
    expect(addCounts({ customers: 1, products: 2, inventoryItems: 3 }, { products: 1, inventoryItems: 4 })).toEqual({
      customers: 1,
      products: 3,
      inventoryItems: 7,
    });
  });
});

describe("recordsToMark", () => {
  const found = [
    { id: "gid://shopify/Customer/1", tags: ["joor_enabled "] },
    { id: "gid://shopify/Customer/2", tags: ["VIP"] },
    { id: "gid://shopify/Customer/3", tags: [] },
    { id: "gid://shopify/Customer/4", tags: ["Wholesale"] },
  ];

  it.each([
    ["tagged records only", new Set<string>(), ["gid://shopify/Customer/1", "gid://shopify/Customer/4"]],
    ["and records the app syncs, so a removed tag reaches the handler", new Set(["gid://shopify/Customer/3"]), [
      "gid://shopify/Customer/1",
      "gid://shopify/Customer/3",
      "gid://shopify/Customer/4",
    ]],
  ])("%s", (_name, live, expected) => {
    expect(recordsToMark(found, (tags) => customerWanted(tags, ["JOOR_ENABLED", "wholesale"]), live)).toEqual(expected);
  });

  it("matches the product tag like Shopify does, ignoring case and spaces", () => {
    expect(productWanted([" joor_enabled"], "JOOR_ENABLED")).toBe(true);
    expect(productWanted(["JOOR"], "JOOR_ENABLED")).toBe(false);
  });
});
