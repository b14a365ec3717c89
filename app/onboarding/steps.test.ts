import { describe, expect, it } from "vitest";
import { formValuesFrom } from "~/settings/form";
import { flowOptionsSchema } from "~/settings/options";
import { anyFlowOn, firstSyncPhase, firstSyncUnderWay, LAST_STEP, otherErrors, stepOfFirstError, switchFlow, type FlowProgress } from "./steps";

const blank = formValuesFrom({
  environment: "sandbox",
  accountId: "",
  credentials: null,
  flows: { customers: false, catalog: false, inventory: false, orders: false },
  options: flowOptionsSchema.parse({}),
});

describe("choosing flows", () => {
  it("turns the catalog on with inventory or orders, and them off with it", () => {
    const withInventory = switchFlow(blank, "inventoryEnabled", true);
    expect(withInventory).toMatchObject({ inventoryEnabled: true, catalogEnabled: true });
    const withOrders = switchFlow(withInventory, "ordersEnabled", true);
    const withoutCatalog = switchFlow(withOrders, "catalogEnabled", false);
    expect(withoutCatalog).toMatchObject({ catalogEnabled: false, inventoryEnabled: false, ordersEnabled: false });
  });

  it("leaves the other flows alone otherwise", () => {
    const customers = switchFlow(blank, "customersEnabled", true);
    expect(customers).toMatchObject({ customersEnabled: true, catalogEnabled: false });
    expect(switchFlow(switchFlow(customers, "inventoryEnabled", true), "inventoryEnabled", false)).toMatchObject({
      catalogEnabled: true,
      inventoryEnabled: false,
    });
    expect(anyFlowOn(blank)).toBe(false);
    expect(anyFlowOn(customers)).toBe(true);
  });
});

describe("after a refused save", () => {
  it("returns to the first step showing a field in error", () => {
    expect(stepOfFirstError({})).toBeNull();
    expect(stepOfFirstError({ productTag: "Enter a tag", v4Password: "Enter the v4 password" })).toBe(0);
    expect(stepOfFirstError({ inventoryEnabled: "Inventory sync needs the catalog sync: turn on Catalog too" })).toBe(1);
    expect(stepOfFirstError({ customerTags: "Choose at least one customer tag" })).toBe(2);
  });

  it("reports errors on fields no step shows on the last step", () => {
    const errors = { joorWarehouse: "Enter a warehouse", productTag: "Enter a tag" };
    expect(stepOfFirstError({ joorWarehouse: "Enter a warehouse" })).toBe(LAST_STEP);
    expect(otherErrors(errors)).toEqual([["joorWarehouse", "Enter a warehouse"]]);
  });
});

function flow(key: string, enabled: boolean, counts: Partial<FlowProgress["counts"]> = {}, taskStatuses: string[] = []): FlowProgress {
  return {
    key,
    title: key,
    enabled,
    counts: { synced: 0, pending: 0, failed: 0, stopped: 0, ...counts },
    tasks: taskStatuses.map((status, index) => ({
      kind: `${key}-${index}`,
      title: key,
      status,
      running: status === "running",
      progress: null,
      lastError: status === "failed" ? "Shopify refused the bulk query" : null,
    })),
  };
}

describe("the first sync's phase", () => {
  it("is off while no flow is on, whatever old records say", () => {
    expect(firstSyncPhase([flow("customers", false, { synced: 3 })])).toBe("off");
  });

  it("is running while a full sync is under way", () => {
    expect(firstSyncPhase([flow("customers", true, {}, ["scheduled"]), flow("catalog", true, {}, ["done"])])).toBe("running");
    expect(firstSyncPhase([flow("catalog", true, {}, ["waiting"])])).toBe("running");
  });

  it("is synced as soon as one record reached JOOR, even with a full sync still going or failed", () => {
    expect(firstSyncPhase([flow("customers", true, {}, ["running"]), flow("catalog", true, { synced: 1 }, ["running"])])).toBe("synced");
    expect(firstSyncPhase([flow("catalog", true, { synced: 2 }, ["failed"])])).toBe("synced");
  });

  it("is failed when a full sync failed, or when records failed and none synced", () => {
    expect(firstSyncPhase([flow("catalog", true, {}, ["failed"])])).toBe("failed");
    expect(firstSyncPhase([flow("catalog", true, { failed: 2 }, ["done"])])).toBe("failed");
  });

  it("is pending when the full syncs are done and records are on their way", () => {
    expect(firstSyncPhase([flow("customers", true, { pending: 4 }, ["done"])])).toBe("pending");
  });

  it("is nothing-tagged when everything ran and found nothing", () => {
    expect(firstSyncPhase([flow("customers", true, {}, ["done"]), flow("inventory", true)])).toBe("nothing-tagged");
  });

  it("keeps the page reading only while something may still change", () => {
    expect(["running", "pending"].map((phase) => firstSyncUnderWay(phase as never))).toEqual([true, true]);
    expect(["off", "synced", "failed", "nothing-tagged"].some((phase) => firstSyncUnderWay(phase as never))).toBe(false);
  });
});
