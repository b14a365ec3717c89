import { describe, expect, it } from "vitest";
import { figuresJson, formatTable, formatValue, percentile, verdictOf, type Figure } from "./figures";

const figure = (value: number, target?: Figure["target"]): Figure => ({ scenario: "s", name: "n", value, unit: "/s", target });

describe("bench figures", () => {
  it.each([
    [figure(1_000, { kind: "min", value: 1_000 }), "met"],
    [figure(999, { kind: "min", value: 1_000 }), "MISSED"],
    [figure(50, { kind: "max", value: 50 }), "met"],
    [figure(51, { kind: "max", value: 50 }), "MISSED"],
    [figure(Number.NaN, { kind: "max", value: 50 }), "MISSED"],
    [figure(7), ""],
  ])("judges %o as %s", (input, verdict) => {
    expect(verdictOf(input)).toBe(verdict);
  });

  it.each([
    [1234.4, "1,234"],
    [98.14, "98.1"],
    [0.6789, "0.679"],
    [0, "0"],
    [Number.NaN, "n/a"],
  ])("formats %d as %s", (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it("prints every figure with its target and says which were missed", () => {
    const table = formatTable("title", [
      { scenario: "intake", name: "accepted", value: 1_500, unit: "/s", target: { kind: "min", value: 1_000 } },
      { scenario: "intake", name: "p99", value: 62, unit: "ms", target: { kind: "max", value: 50 }, note: "busy machine" },
      { scenario: "efficiency", name: "naive credits", value: 50_000, unit: "" },
    ]);
    const lines = table.split("\n");
    expect(lines[0]).toBe("title");
    expect(lines.find((line) => line.includes("accepted"))).toMatch(/1,500 \/s\s+≥ 1,000 \/s\s+met/);
    expect(lines.find((line) => line.includes("p99"))).toMatch(/62 ms\s+≤ 50 ms\s+MISSED\s+busy machine/);
    expect(lines.find((line) => line.includes("naive credits"))).toMatch(/50,000$/);
    expect(lines.at(-1)).toBe("1 of 2 targets met, 1 MISSED");
  });

  it("writes the same figures as JSON with their verdicts", () => {
    const parsed = JSON.parse(figuresJson({ database: "SQLite" }, [figure(3, { kind: "max", value: 2 })])) as { setup: unknown; figures: Array<{ verdict: string }> };
    expect(parsed.setup).toEqual({ database: "SQLite" });
    expect(parsed.figures[0]).toMatchObject({ value: 3, verdict: "MISSED" });
  });

  it.each([
    [[5, 1, 3, 2, 4], 50, 3],
    [[5, 1, 3, 2, 4], 100, 5],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [[7], 1, 7],
  ])("percentile of %o at %d is %d", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it("has no percentile of nothing", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
