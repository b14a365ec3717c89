import { describe, expect, it } from "vitest";
import { LeakyBucket } from "../fakes/shopify/cost";
import { meterPoints } from "./points-meter";

describe("meterPoints", () => {
  it("counts what queries take less what is refunded, and nothing for a throttled query", () => {
    let now = 0;
    const bucket = new LeakyBucket(100, 10, () => now);
    const meter = meterPoints(bucket);
    expect(bucket.take(60)).toBe(true);
    bucket.refund(45);
    expect(meter.spent()).toBe(15);
    expect(bucket.take(90)).toBe(false);
    expect(meter.spent()).toBe(15);
    now = 1_000;
    expect(bucket.take(90)).toBe(true);
    expect(meter.spent()).toBe(105);
  });

  it("leaves the bucket working as before", () => {
    let now = 0;
    const bucket = new LeakyBucket(100, 10, () => now);
    meterPoints(bucket);
    bucket.take(80);
    bucket.refund(30);
    expect(bucket.status().currentlyAvailable).toBe(50);
    now = 2_000;
    expect(bucket.status().currentlyAvailable).toBe(70);
  });
});
