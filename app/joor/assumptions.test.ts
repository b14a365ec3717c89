import { describe, expect, it } from "vitest";
import { alignV4Results, bulkConnectionOutcome, duplicateExistingId, inventoryKey, parseRetryAfterMs, v2NextStart } from "./assumptions";

const byExternalId = {
  input: (record: { external_id?: string }) => record.external_id,
  result: (fields: Record<string, unknown>) => (typeof fields.external_id === "string" ? fields.external_id : undefined),
};

describe("alignV4Results", () => {
  it("places errors by details.index and data by identity, whatever order JOOR lists them in", () => {
    const inputs = [{ external_id: "a" }, { external_id: "b" }, { external_id: "c" }];
    const aligned = alignV4Results(
      inputs,
      [{ id: "3", external_id: "c" }, { id: "1", external_id: "a" }],
      [{ status: "INVALID", message: "bad b", details: { index: 1 } }],
      byExternalId,
    );
    expect(aligned).toEqual([
      { ok: true, data: { id: "1", external_id: "a" } },
      { ok: false, error: { status: "INVALID", message: "bad b", details: { index: 1 } } },
      { ok: true, data: { id: "3", external_id: "c" } },
    ]);
  });

  it("matches errors by identity when there is no index, and fills unidentified leftovers in request order", () => {
    const inputs = [{ external_id: "a" }, {}, {}, {}];
    const aligned = alignV4Results(
      inputs,
      [{ id: "x" }],
      [
        { status: "DUPLICATED", message: "exists", details: { external_id: "a", existing_id: "9" } },
        { status: "INVALID", message: "anonymous" },
      ],
      byExternalId,
    );
    expect(aligned.map((entry) => (entry.ok ? entry.data.id : entry.error.status))).toEqual(["DUPLICATED", "x", "INVALID", "MISSING"]);
    expect(duplicateExistingId(aligned[0].ok ? undefined : aligned[0].error.details)).toBe("9");
  });
});

describe("small assumed rules", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfterMs("30", now)).toBe(30_000);
    expect(parseRetryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });

  it("maps bulk-connection result statuses, ends paging on an absent next_start, keys inventory by SKU and warehouse", () => {
    expect(["success", "Pending", "failed", undefined].map((status) => bulkConnectionOutcome(status))).toEqual(["synced", "pending", "failed", "failed"]);
    expect([v2NextStart(50), v2NextStart(null), v2NextStart(undefined)]).toEqual([50, null, null]);
    expect(inventoryKey({ upc: "1", warehouse: "Default" })).not.toBe(inventoryKey({ upc: "1", warehouse: "EU" }));
    expect(inventoryKey({ style_number: "S", color_code: "RED", size: "M" })).toBe("style:S|RED|M@");
  });
});
