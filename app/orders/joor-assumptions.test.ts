import { describe, expect, it } from "vitest";
import { parseJoorDate, relistedOrder } from "~/joor/assumptions";

describe("JOOR order assumptions", () => {
  it("reads a relisted order by our last acknowledgement", () => {
    expect(relistedOrder(null)).toBe("unacknowledged");
    expect(relistedOrder("FAILED")).toBe("still-failed");
    expect(relistedOrder("SUCCESS")).toBe("returned");
  });

  it.each<[string | undefined, string | null]>([
    ["2027-01-15", "2027-01-15T00:00:00.000Z"],
    ["2027-01-15 10:30:00", "2027-01-15T10:30:00.000Z"],
    ["2027-01-15T10:30", "2027-01-15T10:30:00.000Z"],
    ["2027-01-15T10:30:00+02:00", "2027-01-15T08:30:00.000Z"],
    ["2027-01-15T10:30:00.250Z", "2027-01-15T10:30:00.250Z"],
    ["  ", null],
    [undefined, null],
    ["15/01/2027", null],
    ["2027-02-31", null],
  ])("reads %s as %s", (text, expected) => {
    expect(parseJoorDate(text)?.toISOString() ?? null).toBe(expected);
  });
});
