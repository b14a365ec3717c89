/**
 * The v4 bulk write contract: a JSON array body (even for one record), a 200 that may carry per-record
 * `errors` beside the `data` of the records that succeeded (partial success is normal).
 */
import type { RouteContext } from "./context";
import { isRecord, readJson, v4Error, v4Ok, type V4RecordError } from "./responses";
import type { JsonRecord } from "./state";

export type RecordOutcome = { ok: true; data: JsonRecord } | { ok: false; status: string; message: string; details?: JsonRecord };

export const fail = (status: string, message: string, details?: JsonRecord): RecordOutcome => ({
  ok: false,
  status,
  message,
  details,
});

const IDENTITY_FIELDS = ["id", "external_id", "sku_id", "price_type_id", "product_id"] as const;

/**
 * [assumed] How a per-record error names its record: JOOR documents `details` without its content, so the
 * fake puts the record's position in the request (`index`) and its identifying fields there.
 */
function errorDetails(record: unknown, index: number, extra?: JsonRecord): JsonRecord {
  const details: JsonRecord = { index };
  if (isRecord(record)) {
    for (const field of IDENTITY_FIELDS) {
      const value = record[field];
      if (typeof value === "string" || typeof value === "number") details[field] = value;
    }
  }
  return { ...details, ...extra };
}

export function toResponse(records: unknown[], outcomes: RecordOutcome[]): Response {
  const data: JsonRecord[] = [];
  const errors: V4RecordError[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) data.push(outcome.data);
    else {
      errors.push({
        status: outcome.status,
        message: outcome.message,
        details: errorDetails(records[index], index, outcome.details),
      });
    }
  });
  return v4Ok(data, errors);
}

/** Reads the array body; a body that is not an array is refused whole with 400 [assumed]. */
export async function readRecords(ctx: RouteContext): Promise<{ records: unknown[] } | { response: Response }> {
  const body = await readJson(ctx.request);
  if (!body.ok || !Array.isArray(body.value)) {
    return { response: v4Error(400, "BAD_REQUEST", "The body must be a JSON array of records") };
  }
  if (body.value.length > ctx.settings.limits.v4BulkMax) {
    return {
      response: v4Error(400, "TOO_MANY_RECORDS", `At most ${ctx.settings.limits.v4BulkMax} records per request`),
    };
  }
  return { records: body.value };
}

/** Runs `each` over the records in order (so a later record sees an earlier one's effect) and replies. */
export async function bulkWrite(
  ctx: RouteContext,
  each: (record: JsonRecord, index: number) => RecordOutcome,
): Promise<Response> {
  const read = await readRecords(ctx);
  if ("response" in read) return read.response;
  const outcomes = read.records.map((record, index) =>
    isRecord(record) ? each(record, index) : fail("INVALID", "Each record must be an object"),
  );
  return toResponse(read.records, outcomes);
}

/** Unknown fields are rejected [doc for products; assumed for the other v4 resources]. */
export function unknownFieldProblem(record: JsonRecord, allowed: readonly string[]): RecordOutcome | null {
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  return unknown.length > 0 ? fail("INVALID", `Unknown field(s): ${unknown.join(", ")}`) : null;
}
