/** JOOR's two reply envelopes: v2 `{response: {code, comment, log_id}, ...}` and v4 `{data, errors}`. */
import type { JsonRecord } from "./state";

let logCounter = 0;

function logId(): string {
  logCounter += 1;
  return `fake-log-${logCounter}`;
}

export function v2Ok(body: JsonRecord = {}, comment = "OK"): Response {
  return Response.json({ response: { code: 0, comment, log_id: logId() }, ...body });
}

/**
 * A v2 failure. JOOR documents `code != 0` with the reason in `comment`; the HTTP status of a v2 error is not
 * documented — 400 for a refused request is [assumed], and 404 for an unknown resource is [assumed].
 */
export function v2Error(status: number, code: number, comment: string, headers?: HeadersInit): Response {
  return Response.json({ response: { code, comment, log_id: logId() } }, { status, headers });
}

export interface V4RecordError {
  status: string;
  message: string;
  details?: JsonRecord;
}

export function v4Ok(data: unknown[], errors: V4RecordError[] = []): Response {
  return Response.json({ data, errors });
}

/** A v4 request refused as a whole (malformed body → 400 is [assumed]; auth → 401/403). */
export function v4Error(status: number, errorStatus: string, message: string, headers?: HeadersInit): Response {
  return Response.json({ data: [], errors: [{ status: errorStatus, message, details: {} }] }, { status, headers });
}

export async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const text = await request.text();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
