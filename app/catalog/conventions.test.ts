import { describe, expect, it } from "vitest";
import { fillerExternalId, imageFilename, linesheetExternalId, linesheetGid, linesheetKeyOf, newColorCode, slug, valueKey } from "./conventions";

describe("catalog naming conventions", () => {
  it.each([
    ["Navy Blue", "navy-blue"],
    ["Crème Brûlée", "creme-brulee"],
    ["  --Red!!  ", "red"],
    ["黒", ""],
    ["a".repeat(50), "a".repeat(40)],
  ])("slug(%j) = %j", (value, expected) => {
    expect(slug(value)).toBe(expected);
  });

  it("compares values ignoring case, width and surrounding spaces", () => {
    expect(valueKey(" ＲＥＤ ")).toBe(valueKey("red"));
  });

  it("hands out color codes that are unique within the style", () => {
    expect(newColorCode("Red", new Set())).toBe("red");
    expect(newColorCode("Red", new Set(["red", "red-2"]))).toBe("red-3");
    expect(newColorCode("黒", new Set())).toBe(newColorCode("黒", new Set()));
    expect(newColorCode("黒", new Set())).not.toBe(newColorCode("白", new Set()));
  });

  it("derives stable external ids: unsold cells per color and size, linesheets per name", () => {
    expect(fillerExternalId("42", "red", "xl")).toBe(fillerExternalId("42", "red", "xl"));
    expect(fillerExternalId("42", "red", "xl")).not.toBe(fillerExternalId("42", "red", "x-l"));
    expect(linesheetExternalId("fall 26")).toMatch(/^fall-26-[0-9a-f]{8}$/);
    expect(linesheetExternalId("fall 26")).not.toBe(linesheetExternalId("fall-26"));
    expect(linesheetKeyOf(linesheetGid("fall 26"))).toBe("fall 26");
  });

  it("names images per style and color within 100 characters", () => {
    expect(imageFilename("42", 1, "jpg")).toBe("42_1.jpg");
    expect(imageFilename("42", 2, "png", "red")).toBe("42_red_2.png");
    expect(imageFilename("42", 100, "gif", "c".repeat(120))).toHaveLength(100);
  });
});
