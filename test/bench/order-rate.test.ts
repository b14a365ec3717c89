import { describe, expect, it } from "vitest";
import { fastestImportSeconds, shareOfAllowedRate, steadyOrderRate } from "./order-rate";

describe("steadyOrderRate", () => {
  it("is the restore rate over one order's points", () => {
    expect(steadyOrderRate(10, 100)).toBe(10);
    expect(steadyOrderRate(25, 100)).toBe(4);
  });

  it("refuses an order that costs nothing", () => {
    expect(() => steadyOrderRate(0, 100)).toThrow();
  });
});

describe("fastestImportSeconds", () => {
  it("spends the starting bucket first, then waits for the restore", () => {
    // 500 orders × 10 points = 5,000; 1,000 are in the bucket, 4,000 come back at 100 a second.
    expect(fastestImportSeconds(500, 10, { restoreRate: 100, startAvailable: 1_000 })).toBe(40);
    expect(fastestImportSeconds(500, 10, { restoreRate: 100, startAvailable: 0 })).toBe(50);
  });

  it("needs no wait when the bucket holds every order's points", () => {
    expect(fastestImportSeconds(50, 10, { restoreRate: 100, startAvailable: 1_000 })).toBe(0);
  });
});

describe("shareOfAllowedRate", () => {
  it("compares the allowed time with the measured one", () => {
    expect(shareOfAllowedRate(50, 40)).toBe(0.8);
    expect(shareOfAllowedRate(40, 40)).toBe(1);
  });

  it("refuses a measurement that took no time", () => {
    expect(() => shareOfAllowedRate(0, 40)).toThrow();
  });
});
