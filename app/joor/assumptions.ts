/**
 * Every JOOR behaviour the client relies on that JOOR does not document publicly — the [assumed] items of
 * shared/docs/joor-api.md — lives in this file, so correcting one against the real API is one edit here.
 * Documented behaviour ([doc]/[code]) stays in the client code.
 */

// ---------------------------------------------------------------- v2 envelopes and paging

/** HTTP status of a refused v2 request. Informational: the client treats any `response.code != 0` as refused. */
export const V2_ERROR_HTTP_STATUS = 400;

/** A v2 record that does not exist answers HTTP 404 with a v2 envelope, which get-by-code/id read as "none". */
export const V2_NOT_FOUND_STATUS = 404;

/** v2 list paging: `next_start` is null, empty or absent after the last page. */
export function v2NextStart(value: number | undefined | null): number | null {
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

// ---------------------------------------------------------------- connections

/** Listing every connection (JOOR documents only get-by-code and get-by-id). */
export const CONNECTION_LIST_PATH = "/v2/connection/";

/** Re-keying a connection: PUT with `{"customer_code": "..."}` to the connection's own path. */
export function connectionRekeyPath(connectionId: string): string {
  return `/v2/connection/${encodeURIComponent(connectionId)}/`;
}

/** Reply keys: one connection under `connection`, a page under `connections`. */
export const CONNECTION_KEY = "connection";
export const CONNECTION_LIST_KEY = "connections";

/** A connection awaiting JOOR's validation carries `connection_status: "pending"`. */
export const CONNECTION_STATUS_FIELD = "connection_status";
export const CONNECTION_STATUS_PENDING = "pending";

/** Address line names inside billing/shipping addresses. */
export interface JoorAddressLines {
  address_1?: string;
  address_2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  /** ISO 3166 two-letter code. */
  country?: string;
  phone?: string;
}

export interface JoorBillingAddress extends JoorAddressLines {
  billing_code?: string;
}

export interface JoorShippingAddress extends JoorAddressLines {
  shipping_code?: string;
}

/**
 * Billing addresses are documented as `billing.billing_addresses[]` with `billing_code`; shipping addresses
 * are assumed to mirror that shape: `shipping.shipping_addresses[]` with `shipping_code`.
 */
export function connectionAddresses(
  billing: JoorBillingAddress[],
  shipping: JoorShippingAddress[],
): { billing: { billing_addresses: JoorBillingAddress[] }; shipping: { shipping_addresses: JoorShippingAddress[] } } {
  return { billing: { billing_addresses: billing }, shipping: { shipping_addresses: shipping } };
}

/** `warehouses[]` on a connection holds warehouse names as set up in JOOR. */
export type JoorConnectionWarehouses = string[];

/** Connections per bulk-connection job (JOOR publishes no maximum). */
export const BULK_CONNECTION_BATCH_SIZE = 500;

/** A finished bulk-connection job lists per-connection results under `connections`. */
export const BULK_JOB_RESULTS_KEY = "connections";

/**
 * Per-connection result status of a bulk job: "success" (in JOOR), "pending" (created or updated, awaiting
 * JOOR's validation — not a failure), "failed" (refused, reason in `message`).
 */
export function bulkConnectionOutcome(status: string | undefined): "synced" | "pending" | "failed" {
  const normalized = (status ?? "").toLowerCase();
  if (normalized === "success" || normalized === "created" || normalized === "updated") return "synced";
  if (normalized === "pending" || normalized === "queued") return "pending";
  return "failed";
}

// ---------------------------------------------------------------- rate limit

/** JOOR's documented header naming the throttled account. [doc] */
export const THROTTLE_ACCOUNT_HEADER = "X-Throttling-Account-Id";
/** Credits left in the window. */
export const THROTTLE_REMAINING_HEADER = "X-Throttling-Credits-Remaining";
/** Seconds (or an HTTP date) until the window resets. */
export const RETRY_AFTER_HEADER = "Retry-After";

/** Milliseconds to wait from a Retry-After value (seconds or HTTP date), or undefined when absent/unreadable. */
export function parseRetryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A request that would take the window past its quota is refused whole (a 5-credit write with 3 credits left
 * is refused), so the budget reserves a call's full cost before sending it.
 */
export const QUOTA_REFUSES_WHOLE_REQUEST = true;

/** Calls to the v4 auth endpoint do not spend API credits. */
export const AUTH_COSTS_CREDITS = false;

// ---------------------------------------------------------------- v4 auth

/** Keycloak's usual refusal of bad credentials or a dead refresh token: `{"error": "invalid_grant", ...}`. */
export function isCredentialRefusal(status: number, body: unknown): boolean {
  if (status !== 400 && status !== 401) return false;
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  return error === "invalid_grant" || error === "invalid_client" || error === "unauthorized_client";
}

/** The merchant-facing reason in a Keycloak error body. */
export function credentialRefusalMessage(body: unknown): string {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const description = typeof fields.error_description === "string" ? fields.error_description : undefined;
  return description ?? (typeof fields.error === "string" ? fields.error : "credentials refused");
}

// ---------------------------------------------------------------- v4 bulk writes

/** Records per v4 bulk request (JOOR publishes no maximum). */
export const V4_BULK_MAX_RECORDS = 100;

/** HTTP status of a v4 request refused whole as malformed. Informational, like V2_ERROR_HTTP_STATUS. */
export const V4_MALFORMED_STATUS = 400;

export interface V4ErrorEntry {
  status: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * A DUPLICATED error's details name the existing record's id as `existing_id`, so the caller can update it.
 * (DUPLICATED itself is documented.)
 */
export function duplicateExistingId(details: Record<string, unknown> | undefined): string | undefined {
  const value = details?.existing_id ?? details?.existing_record_id;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

export type Aligned<D> = { ok: true; data: D } | { ok: false; error: V4ErrorEntry };

export interface AlignKeys<I> {
  /** The identity of an input record (external_id for creates, id for updates…). */
  input: (record: I) => string | undefined;
  /** The same identity read from a `data` item or from an error's `details`. */
  result: (fields: Record<string, unknown>) => string | undefined;
}

/**
 * Matches a v4 bulk reply back to the input records. JOOR documents per-record `errors` but not how they name
 * their record, so, in order of trust:
 * 1. an error's `details.index` (position in the request), else its `details` identity fields;
 * 2. a data item by its identity fields;
 * 3. what is left, in request order: remaining data first, then remaining errors;
 * a record with nothing left is reported as failed (MISSING) rather than guessed as written.
 */
export function alignV4Results<I, D extends Record<string, unknown>>(
  inputs: I[],
  data: D[],
  errors: V4ErrorEntry[],
  keys: AlignKeys<I>,
): Array<Aligned<D>> {
  const out: Array<Aligned<D> | undefined> = new Array(inputs.length).fill(undefined);
  const inputKeys = inputs.map((record) => keys.input(record));
  const freeIndexOf = (key: string | undefined): number =>
    key === undefined ? -1 : inputKeys.findIndex((candidate, index) => candidate === key && out[index] === undefined);

  const leftoverErrors: V4ErrorEntry[] = [];
  for (const error of errors) {
    const index = error.details?.index;
    const byIndex =
      typeof index === "number" && Number.isInteger(index) && index >= 0 && index < inputs.length && out[index] === undefined
        ? index
        : -1;
    const target = byIndex >= 0 ? byIndex : freeIndexOf(keys.result(error.details ?? {}));
    if (target >= 0) out[target] = { ok: false, error };
    else leftoverErrors.push(error);
  }
  const leftoverData: D[] = [];
  for (const item of data) {
    const target = freeIndexOf(keys.result(item));
    if (target >= 0) out[target] = { ok: true, data: item };
    else leftoverData.push(item);
  }
  return out.map((aligned) => {
    if (aligned) return aligned;
    const item = leftoverData.shift();
    if (item !== undefined) return { ok: true, data: item };
    return {
      ok: false,
      error: leftoverErrors.shift() ?? { status: "MISSING", message: "JOOR returned no result for this record" },
    };
  });
}

// ---------------------------------------------------------------- inventory

/** Items per bulk-inventory request (JOOR publishes no maximum). */
export const INVENTORY_BATCH_SIZE = 1000;

/** `sku_count` counts the SKUs that passed; each `inventory_log` entry echoes the item's SKU fields. */
export function inventoryKey(fields: {
  upc?: string;
  style_number?: string;
  color_code?: string;
  size?: string;
  warehouse?: string;
}): string {
  const sku = fields.upc ? `upc:${fields.upc}` : `style:${fields.style_number ?? ""}|${fields.color_code ?? ""}|${fields.size ?? ""}`;
  return `${sku}@${fields.warehouse ?? ""}`;
}

export const INVENTORY_PASS = "pass";

// ---------------------------------------------------------------- orders

/** Reply keys: a page of orders under `orders` (as exported order files show), one order under `order`. */
export const ORDER_LIST_KEY = "orders";
export const ORDER_KEY = "order";

/**
 * `date_start`/`date_end` take a calendar date (YYYY-MM-DD, UTC) and bound the order's modified date; the
 * window is inclusive of whole days, so callers should expect to see orders again at the edges.
 */
export function orderFilterDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The order's own `order_type` code in v2 payloads (not the filter's numbering). Public code shows "3" for
 * pending and "4" for approved; the others are guesses. Unknown codes map to undefined.
 */
const ORDER_TYPE_CODES: Record<string, "NOTES" | "IN_PROGRESS" | "PENDING" | "APPROVED" | "SHIPPED" | "CANCELLED"> = {
  "1": "NOTES",
  "2": "IN_PROGRESS",
  "3": "PENDING",
  "4": "APPROVED",
  "5": "SHIPPED",
  "6": "CANCELLED",
};

export function orderStatusFromType(code: string | undefined): (typeof ORDER_TYPE_CODES)[string] | undefined {
  return code === undefined ? undefined : ORDER_TYPE_CODES[code];
}

/** Orders per page of the export list: JOOR's documented default page size (it publishes no maximum). */
export const ORDER_PAGE_SIZE = 50;

/** `export_description` on an acknowledgement: JOOR publishes no limit, so the reason is kept to one short line. */
export const ORDER_ACK_DESCRIPTION_MAX = 255;

/** What it means that JOOR lists (approved, export_status 5) an order we already hold a record of. */
export type RelistedOrder = "unacknowledged" | "still-failed" | "returned";

/**
 * The v2 order payload carries no export status, so the reason an order is listed again comes from our own last
 * acknowledgement of it:
 * - none yet: JOOR has not been told, so it still lists the order;
 * - FAILED: JOOR keeps failed orders in "not yet exported" (export_status 2) [doc], so they are listed on every
 *   poll until imported;
 * - SUCCESS: the order left the list, so listed again means it was edited or "set to re-export" after import,
 *   both of which show as "modified since last export" (export_status 4) [doc+assumed] — a new export generation.
 */
export function relistedOrder(lastAcknowledgement: "SUCCESS" | "FAILED" | null): RelistedOrder {
  if (lastAcknowledgement === null) return "unacknowledged";
  return lastAcknowledgement === "FAILED" ? "still-failed" : "returned";
}

/**
 * An edit in JOOR moves the order's `date_modified`, so a failed order listed with another value was changed
 * since it failed (the brand may have fixed it) and is tried again. Without the field, a fingerprint of the
 * whole order stands in.
 */
export const ORDER_VERSION_FIELD = "date_modified";

/**
 * v2 order dates come as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or ISO 8601; those without a zone are UTC.
 * Unreadable text is null.
 */
export function parseJoorDate(value: string | undefined): Date | null {
  const text = value?.trim();
  if (!text) return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return null;
  const [, day, time, zone] = match;
  // Date.parse rolls "2027-02-31" over into March: a day that does not exist is unreadable.
  const calendarDay = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(calendarDay) || new Date(calendarDay).toISOString().slice(0, 10) !== day) return null;
  const parsed = Date.parse(`${day}T${time ?? "00:00:00"}${zone ?? "Z"}`);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}
