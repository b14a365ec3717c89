/**
 * Faults that leave the client unsure what JOOR did, layered over the fake's handler (which already offers
 * errors, hangs and credits):
 * - partial: a v4 bulk write whose 200 reply accounts for the first records only. The records after them were
 *   either applied all the same (JOOR lost their results) or never applied (JOOR stopped part-way); the client
 *   sees no result for them either way. A SKU creation is always applied whole, since JOOR checks a style's
 *   colour × size grid per request and a cut request would be refused, not left unanswered.
 * - late: a write JOOR applied whose reply comes only after `lateMs`, when the client has given up waiting;
 * - throttled: a 429 the client's own count of credits did not foresee (JOOR's window is not the client's),
 *   with a short Retry-After; nothing is applied and no credit is spent.
 * The switches are read on every request, so a run can turn them off midway.
 */
import type { FetchHandler } from "../http";
import { isRecord, v4Error } from "./responses";

export interface ReplyFaults {
  /** Share (0–1) of v4 bulk writes answered for only some of their records. */
  partialRate: number;
  /** Share (0–1) of writes (POST/PUT/DELETE) applied but answered after `lateMs`. */
  lateRate: number;
  lateMs: number;
  /** Share (0–1) of API requests answered 429 with Retry-After `retryAfterSeconds`. */
  throttleRate: number;
  retryAfterSeconds: number;
}

export interface ReplyFaultCounts {
  partial: number;
  late: number;
  throttled: number;
}

export interface ReplyFaultOptions {
  faults: ReplyFaults;
  random: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const V4_BULK_WRITE = /^\/v4\/(?:[a-z_]+\/bulk_[a-z_]+|assets\/products)\/?$/;
const WHOLE_REQUEST = /^\/v4\/skus\/bulk_create\/?$/;

function copy(request: Request, body: string): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new Request(request.url, { method: request.method, headers, body });
}

interface V4Reply {
  data: unknown[];
  errors: Array<{ details?: { index?: unknown } }>;
}

function isV4Reply(value: unknown): value is V4Reply {
  return isRecord(value) && Array.isArray(value.data) && Array.isArray(value.errors);
}

/**
 * Keeps the results of the first `kept` records. The fake lists data in record order and names each error's
 * record by `details.index`, so a data entry's record is the next index no error claims.
 */
export function firstResults(reply: V4Reply, records: number, kept: number): V4Reply {
  const failed = new Set(reply.errors.map((error) => error.details?.index));
  const dataIndexes = Array.from({ length: records }, (_, index) => index).filter((index) => !failed.has(index));
  return {
    data: reply.data.filter((_, position) => (dataIndexes[position] ?? records) < kept),
    errors: reply.errors.filter((error) => typeof error.details?.index === "number" && error.details.index < kept),
  };
}

/** Answers for the first records only; null when the fake refused the request whole (nothing to cut). */
async function partialReply(handler: FetchHandler, request: Request, records: unknown[], random: () => number, path: string) {
  const kept = Math.floor(random() * records.length);
  const applied = WHOLE_REQUEST.test(path) || random() < 0.5;
  const forwarded = applied ? records : records.slice(0, kept);
  const response = await handler(copy(request, JSON.stringify(forwarded)));
  if (response.status !== 200) return { response, cut: false };
  const reply: unknown = await response.json();
  if (!isV4Reply(reply)) return { response: Response.json(reply, { status: 200, headers: response.headers }), cut: false };
  return { response: Response.json(firstResults(reply, forwarded.length, kept), { status: 200, headers: response.headers }), cut: true };
}

/** The fake's handler with these faults in front, and how many of each it injected. */
export function withReplyFaults(handler: FetchHandler, options: ReplyFaultOptions): { handler: FetchHandler; counts: ReplyFaultCounts } {
  const counts: ReplyFaultCounts = { partial: 0, late: 0, throttled: 0 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const faulted: FetchHandler = async (request) => {
    const path = new URL(request.url).pathname;
    const { faults, random } = options;
    if (/^\/v[24]\//.test(path) && faults.throttleRate > 0 && random() < faults.throttleRate) {
      counts.throttled += 1;
      return v4Error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded", { "Retry-After": String(faults.retryAfterSeconds) });
    }
    if (request.method === "POST" && V4_BULK_WRITE.test(path) && faults.partialRate > 0 && random() < faults.partialRate) {
      const body = await request.text();
      let records: unknown;
      try {
        records = JSON.parse(body);
      } catch {
        records = null;
      }
      if (Array.isArray(records) && records.length > 0) {
        const { response, cut } = await partialReply(handler, request, records, random, path);
        if (cut) counts.partial += 1;
        return response;
      }
      return handler(copy(request, body));
    }
    if (request.method !== "GET" && faults.lateRate > 0 && random() < faults.lateRate) {
      const response = await handler(request);
      counts.late += 1;
      await sleep(faults.lateMs);
      return response;
    }
    return handler(request);
  };
  return { handler: faulted, counts };
}
