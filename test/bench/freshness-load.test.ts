import { describe, expect, it } from "vitest";
import { ChangeClock, planBeats, shortestBeatMs } from "./freshness-load";
import { variantCount } from "./product-traffic";

describe("planBeats", () => {
  const beats = planBeats({ durationMs: 60_000, beatMs: 12_000, salesPerBeat: 4, products: 30, seed: 5 });

  it("beats every beatMs within the duration", () => {
    expect(beats.map((beat) => beat.at)).toEqual([0, 12_000, 24_000, 36_000, 48_000]);
  });

  it("changes a different style for each change of a beat, within the catalog", () => {
    for (const beat of beats) {
      const styles = [beat.edit.product, ...beat.sales.map((sale) => sale.product)];
      expect(new Set(styles).size).toBe(5);
      for (const sale of beat.sales) expect(sale.variant).toBeLessThan(variantCount(sale.product));
      expect(beat.edit.variant).toBeLessThan(variantCount(beat.edit.product));
    }
  });

  it("takes turns between the edited fields and numbers every edit", () => {
    expect(beats.map((beat) => beat.edit.field)).toEqual(["title", "description", "price", "title", "description"]);
    expect(beats.map((beat) => beat.edit.serial)).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a beat with more changes than styles", () => {
    expect(() => planBeats({ durationMs: 1_000, beatMs: 1_000, salesPerBeat: 3, products: 3, seed: 1 })).toThrow(/different style/);
  });
});

describe("shortestBeatMs", () => {
  it("spaces two writes a beat so a window's usable credits last the window", () => {
    // 270 usable credits per 300 s: 10 credits a beat fit every 11.1 s, so 12 s.
    expect(shortestBeatMs(2, { usableCredits: 270, windowMs: 300_000, writeCredits: 5 })).toBe(12_000);
    expect(shortestBeatMs(1, { usableCredits: 300, windowMs: 300_000, writeCredits: 5 })).toBe(5_000);
  });
});

describe("ChangeClock", () => {
  it("times a change from when it was made to when JOOR first holds its value", () => {
    const clock = new ChangeClock();
    clock.expect("name:1", "New", 1_000);
    clock.observe("name:1", "Old", 1_500);
    expect(clock.pendingCount()).toBe(1);
    clock.observe("name:1", "New", 3_200);
    clock.observe("name:1", "New", 4_000);
    expect(clock.latencies()).toEqual([2_200]);
    expect(clock.pendingKeys()).toEqual([]);
  });

  it("counts a change overtaken by a later one as arrived when the later value shows", () => {
    const clock = new ChangeClock();
    clock.expect("stock:9", "4", 0);
    clock.expect("stock:9", "3", 500);
    clock.expect("stock:9", "2", 900);
    clock.observe("stock:9", "3", 2_000);
    expect(clock.latencies()).toEqual([2_000, 1_500]);
    expect(clock.pendingCount()).toBe(1);
    clock.observe("stock:9", undefined, 2_500);
    clock.observe("stock:9", "2", 3_000);
    expect(clock.latencies()).toEqual([2_000, 1_500, 2_100]);
  });

  it("keeps keys apart", () => {
    const clock = new ChangeClock();
    clock.expect("a", "1", 0);
    clock.expect("b", "1", 0);
    clock.observe("a", "1", 100);
    expect(clock.pendingKeys()).toEqual(["b"]);
  });
});
