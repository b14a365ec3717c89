/**
 * Orders: v2 export by polling (`GET /v2/order/` with order_type / export_status / sync filters) and the v4
 * export acknowledgement (`POST /v4/orders/bulk_update`).
 */
import { bulkWrite, fail, type RecordOutcome } from "./bulk";
import { v2Page, type RouteContext } from "./context";
import { v2Error, v2Ok } from "./responses";
import { nextId, type FakeAccount, type FakeOrder, type FakeOrderExport, type FakeOrderLine, type FakeOrderStatus, type FakeState, type JsonRecord } from "./state";

type StatusFilter = (status: FakeOrderStatus) => boolean;
type ExportFilter = (exported: FakeOrderExport) => boolean;

/** order_type filter values. [doc] */
const ORDER_TYPES: Record<number, StatusFilter> = {
  1: (s) => s === "NOTES",
  2: (s) => s === "APPROVED" || s === "SHIPPED",
  3: (s) => s === "PENDING",
  4: (s) => s !== "CANCELLED",
  5: (s) => s === "CANCELLED",
  6: (s) => s === "APPROVED",
  7: (s) => s === "SHIPPED",
  8: () => true,
};

const notYetExported: ExportFilter = (e) => e.state !== "exported";
const modifiedSinceExport: ExportFilter = (e) => e.state === "exported" && e.modifiedSinceExport;
const neverExported: ExportFilter = (e) => e.state === "never";

/** export_status filter values. [doc] */
const EXPORT_STATUSES: Record<number, ExportFilter> = {
  1: () => true,
  2: notYetExported,
  3: (e) => e.state === "exported",
  4: modifiedSinceExport,
  5: (e) => notYetExported(e) || modifiedSinceExport(e),
  6: neverExported,
  7: (e) => neverExported(e) || modifiedSinceExport(e),
};

/**
 * [assumed] The order's own `order_type` in v2 payloads is a code string with a name beside it; public code
 * shows "3" for pending and "4" for approved, the other codes are our guess.
 */
const ORDER_TYPE_CODES: Record<FakeOrderStatus, { code: string; name: string }> = {
  NOTES: { code: "1", name: "Notes" },
  IN_PROGRESS: { code: "2", name: "In Progress" },
  PENDING: { code: "3", name: "Pending" },
  APPROVED: { code: "4", name: "Approved" },
  SHIPPED: { code: "5", name: "Shipped" },
  CANCELLED: { code: "6", name: "Cancelled" },
};

function iso(ms: number | null): string {
  return ms === null ? "" : new Date(ms).toISOString();
}

/**
 * The v2 order payload. Real JOOR mixes types, so the fake does too: `order_id` and `item_retail_price` are
 * numbers, `order_total`, `item_price` and `item_quantity` strings; absent values are empty strings.
 */
export function renderOrder(order: FakeOrder): JsonRecord {
  const total = order.lines.reduce((sum, line) => sum + line.item_quantity * line.item_price, 0);
  const type = ORDER_TYPE_CODES[order.status];
  return {
    order_id: Number(order.id),
    order_type: type.code,
    order_type_name: type.name,
    order_currency: "USD",
    order_total: total.toFixed(2),
    order_comments: "",
    date_ship_start: "",
    date_ship_end: "",
    ...order.fields,
    date_created: iso(order.createdAt),
    date_approved: iso(order.approvedAt),
    date_modified: iso(order.modifiedAt),
    line_items: order.lines.map((line) => ({
      item_number: "",
      item_name: "",
      item_color: "",
      item_color_code: "",
      item_size: "",
      item_upc: "",
      item_comment: "",
      ...line,
      item_quantity: String(line.item_quantity),
      item_price: line.item_price.toFixed(2),
      ...(line.item_retail_price !== undefined ? { item_retail_price: line.item_retail_price } : {}),
    })),
  };
}

export interface SeedOrder {
  status?: FakeOrderStatus;
  /** v2 fields: customer_code, customer_name, customer_purchase_order, shipping_*, billing_*, … */
  fields?: JsonRecord;
  lines?: FakeOrderLine[];
}

export function insertOrder(state: FakeState, account: FakeAccount, seed: SeedOrder, now: number): FakeOrder {
  const status = seed.status ?? "PENDING";
  const order: FakeOrder = {
    id: nextId(state),
    status,
    fields: { ...seed.fields },
    lines: (seed.lines ?? []).map((line) => ({ ...line })),
    createdAt: now,
    approvedAt: status === "APPROVED" || status === "SHIPPED" ? now : null,
    modifiedAt: now,
    version: 1,
    export: { state: "never", modifiedSinceExport: false, syncedVersion: null },
  };
  account.orders.set(order.id, order);
  return order;
}

/** Any change in JOOR: an exported order now shows as modified since its last export. */
export function touchOrder(order: FakeOrder, now: number): void {
  order.modifiedAt = now;
  order.version += 1;
  if (order.export.state === "exported") order.export.modifiedSinceExport = true;
}

export function markExported(order: FakeOrder, state: FakeOrderExport["state"], description?: string): void {
  order.export.state = state;
  order.export.modifiedSinceExport = false;
  order.export.description = description;
}

/** `date_start`/`date_end` bound the modified date; a bare date covers the whole (UTC) day [assumed]. */
function dateBound(raw: string | null, end: boolean): number | null | "invalid" {
  if (raw === null || raw.trim() === "") return null;
  const value = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T${end ? "23:59:59.999" : "00:00:00.000"}Z`) : Date.parse(raw);
  return Number.isNaN(value) ? "invalid" : value;
}

function filterCode(url: URL, name: string, fallback: number, table: Record<number, unknown>): number | null {
  const raw = url.searchParams.get(name);
  const value = raw === null || raw === "" ? fallback : Number(raw);
  return value in table ? value : null;
}

function listOrders(ctx: RouteContext): Response {
  const { account, url } = ctx;
  // [assumed] defaults when a filter is left out: all types, all export states, and sync=1 (the dangerous
  // one), so a client that forgets sync=0 is caught.
  const orderType = filterCode(url, "order_type", 8, ORDER_TYPES);
  const exportStatus = filterCode(url, "export_status", 1, EXPORT_STATUSES);
  const syncParam = url.searchParams.get("sync") ?? "1";
  if (orderType === null) return v2Error(400, 1001, "order_type must be 1–8");
  if (exportStatus === null) return v2Error(400, 1001, "export_status must be 1–7");
  if (syncParam !== "0" && syncParam !== "1") return v2Error(400, 1001, "sync must be 0 or 1");
  const from = dateBound(url.searchParams.get("date_start"), false);
  const to = dateBound(url.searchParams.get("date_end"), true);
  if (from === "invalid" || to === "invalid") return v2Error(400, 1001, "date_start/date_end must be dates");
  const customerCode = url.searchParams.get("customer_code");
  const sync = syncParam === "1";

  const matching = [...account.orders.values()]
    .filter((order) => ORDER_TYPES[orderType](order.status))
    .filter((order) => EXPORT_STATUSES[exportStatus](order.export))
    .filter((order) => from === null || order.modifiedAt >= from)
    .filter((order) => to === null || order.modifiedAt <= to)
    .filter((order) => !customerCode || order.fields.customer_code === customerCode)
    // sync=1 returns only orders not handed out before (in their current version). [doc]
    .filter((order) => !sync || order.export.syncedVersion !== order.version)
    .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
  const { page, ...paging } = v2Page(matching, url);
  const orders = page.map(renderOrder);
  if (sync) {
    // sync=1 marks the orders exported at read time. [doc]
    for (const order of page) {
      order.export.syncedVersion = order.version;
      markExported(order, "exported");
    }
  }
  // [assumed] the list key is `orders` (public code reads `orders` from exported order files).
  return v2Ok({ ...paging, orders });
}

export function orderRoute(ctx: RouteContext): Response | null {
  if (ctx.request.method !== "GET") return null;
  const [, id] = ctx.segments;
  if (id === undefined) return listOrders(ctx);
  const order = ctx.account.orders.get(id);
  // [assumed] a single order comes under `order`.
  return order ? v2Ok({ order: renderOrder(order) }) : v2Error(404, 1004, `No order ${id}`);
}

function acknowledge(account: FakeAccount, record: JsonRecord): RecordOutcome {
  const id = typeof record.id === "number" || typeof record.id === "string" ? String(record.id) : "";
  const order = account.orders.get(id);
  if (!order) return fail("NOT_FOUND", `No order ${id}`);
  const status = record.export_status;
  if (status !== "SUCCESS" && status !== "FAILED") return fail("INVALID", "export_status must be SUCCESS or FAILED");
  const description = typeof record.export_description === "string" ? record.export_description : undefined;
  // FAILED keeps the order in export_status 2 ("never or failed"), SUCCESS takes it out. [doc]
  markExported(order, status === "SUCCESS" ? "exported" : "failed", description);
  return { ok: true, data: { id, export_status: status, export_description: description ?? "" } };
}

export async function orderAckRoute(ctx: RouteContext): Promise<Response | null> {
  if (ctx.request.method !== "POST" || ctx.segments[1] !== "bulk_update") return null;
  return bulkWrite(ctx, (record) => acknowledge(ctx.account, record));
}
