import { describe, expect, it } from "vitest";
import {
  benchBarcode,
  benchProduct,
  creditsPerThousand,
  editedValue,
  EFFICIENCY_MIX,
  planProductTraffic,
  trafficCounts,
  variantCount,
  writesByPath,
} from "./product-traffic";

describe("the bench catalog", () => {
  it("gives each style 3 or 4 Color × Size variants with barcodes unique across the catalog", () => {
    const products = Array.from({ length: 20 }, (_, index) => benchProduct(index));
    expect(products.map((product) => product.variants?.length)).toEqual(products.map((_, index) => variantCount(index)));
    expect(new Set(products.map((product) => product.variants?.length))).toEqual(new Set([3, 4]));
    const barcodes = products.flatMap((product) => product.variants?.map((variant) => variant.barcode) ?? []);
    expect(new Set(barcodes).size).toBe(barcodes.length);
    expect(benchBarcode(12, 3)).toMatch(/^\d{12}$/);
    expect(products[0]).toMatchObject({ tags: ["wholesale"], options: ["Color", "Size"] });
  });
});

describe("planProductTraffic", () => {
  const plan = planProductTraffic({ webhooks: 2_000, products: 100, mix: EFFICIENCY_MIX, seed: 3 });

  it("holds exactly the mix asked for", () => {
    expect(trafficCounts(10_000, EFFICIENCY_MIX)).toEqual({ sales: 8_000, edits: 1_500, duplicates: 500 });
    const count = (kind: string) => plan.filter((step) => step.kind === kind).length;
    expect([count("sale"), count("edit"), count("duplicate")]).toEqual([1_600, 300, 100]);
  });

  it("redelivers only deliveries made before, recent ones", () => {
    expect(plan[0].kind).not.toBe("duplicate");
    plan.forEach((step, index) => {
      if (step.kind !== "duplicate") return;
      expect(step.of).toBeLessThan(index);
      expect(plan[step.of].kind).not.toBe("duplicate");
      expect(index - step.of).toBeLessThanOrEqual(400);
    });
  });

  it("keeps every product and variant within the catalog and every edit serial new", () => {
    for (const step of plan) {
      if (step.kind === "duplicate") continue;
      expect(step.product).toBeGreaterThanOrEqual(0);
      expect(step.product).toBeLessThan(100);
      expect(step.variant).toBeLessThan(variantCount(step.product));
    }
    const serials = plan.flatMap((step) => (step.kind === "edit" ? [step.serial] : []));
    expect(new Set(serials).size).toBe(serials.length);
    const fields = new Set(plan.flatMap((step) => (step.kind === "edit" ? [step.field] : [])));
    expect(fields).toEqual(new Set(["title", "description", "price"]));
  });

  it("spreads the mix over the run rather than bunching it", () => {
    const secondHalfSales = plan.slice(1_000).filter((step) => step.kind === "sale").length;
    expect(secondHalfSales).toBeGreaterThan(700);
    expect(secondHalfSales).toBeLessThan(900);
  });

  it("is the same traffic for the same seed, another for another", () => {
    expect(planProductTraffic({ webhooks: 2_000, products: 100, mix: EFFICIENCY_MIX, seed: 3 })).toEqual(plan);
    expect(planProductTraffic({ webhooks: 2_000, products: 100, mix: EFFICIENCY_MIX, seed: 4 })).not.toEqual(plan);
  });
});

describe("editedValue and creditsPerThousand", () => {
  it("makes a value no earlier edit or the starting catalog had", () => {
    const prices = Array.from({ length: 1_500 }, (_, serial) => editedValue("price", 0, serial + 1));
    expect(new Set(prices).size).toBe(prices.length);
    expect(prices).not.toContain("120.00");
    expect(prices[0]).toBe("200.01");
    expect(editedValue("title", 4, 9)).toBe("Bench style 5 (edit 9)");
  });

  it("scales credits to 1,000 webhooks", () => {
    expect(creditsPerThousand(250, 10_000)).toBe(25);
    expect(creditsPerThousand(0, 0)).toBeNaN();
  });
});

describe("writesByPath", () => {
  it("counts the JOOR writes that were charged, by resource", () => {
    const call = (method: string, path: string, credits: number) => ({ method, path, credits });
    expect(
      writesByPath([
        call("POST", "/v4/products/bulk_update", 5),
        call("POST", "/v2/bulk-inventory/", 5),
        call("POST", "/v4/products/bulk_update", 5),
        call("GET", "/v4/price_types", 1),
        call("POST", "/v4/prices/bulk_update", 0),
      ]),
    ).toBe("2 products/bulk_update, 1 bulk-inventory");
    expect(writesByPath([])).toBe("none");
  });
});
