import { describe, expect, it } from "vitest";
import { formatCents, metafieldCents, toCents, wholesaleCents } from "./prices";

describe("money", () => {
  it.each([
    ["12.5", 1250],
    ["12", 1200],
    ["0.015", 2],
    ["1.005", 101],
    [" 129.99 ", 12999],
    ["-1", null],
    ["1,50", null],
    ["", null],
  ])("toCents(%j) = %j", (text, cents) => {
    expect(toCents(text)).toBe(cents);
  });

  it.each([
    [0, "0.00"],
    [5, "0.05"],
    [12999, "129.99"],
  ])("formatCents(%j) = %j", (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it("reads decimal and money metafields", () => {
    expect(metafieldCents("45")).toBe(4500);
    expect(metafieldCents('{"amount":"45.10","currency_code":"USD"}')).toBe(4510);
    expect(metafieldCents('{"currency_code":"USD"}')).toBeNull();
    expect(metafieldCents("cheap")).toBeNull();
  });
});

describe("wholesaleCents", () => {
  const rule = { wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: 40 };

  it.each([
    ["metafield wins", "12.00", rule, { cents: 1200, source: "metafield" }],
    ["percentage without a metafield value", null, rule, { cents: 800, source: "percentage" }],
    ["percentage when the metafield is unreadable", "n/a", rule, { cents: 800, source: "percentage" }],
    ["percentage only", "12.00", { wholesaleMetafield: "", wholesalePercentOfRetail: 40 }, { cents: 800, source: "percentage" }],
    ["nothing configured", null, { wholesaleMetafield: "", wholesalePercentOfRetail: null }, { cents: null, problem: "no wholesale metafield or percentage is set" }],
    ["no metafield value", null, { ...rule, wholesalePercentOfRetail: null }, { cents: null, problem: "no custom.wholesale value" }],
    [
      "an unreadable value and no percentage",
      "n/a",
      { ...rule, wholesalePercentOfRetail: null },
      { cents: null, problem: 'custom.wholesale holds "n/a", which is not an amount' },
    ],
  ] as const)("%s", (_name, value, wholesaleRule, expected) => {
    expect(wholesaleCents(value, 2000, wholesaleRule)).toEqual(expected);
  });

  it("rounds a percentage to the cent", () => {
    expect(wholesaleCents(null, 1999, { wholesaleMetafield: "", wholesalePercentOfRetail: 50 })).toEqual({ cents: 1000, source: "percentage" });
  });
});
