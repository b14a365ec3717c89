/**
 * What the Orders page and the dashboard's Orders card show: reads the database only, so they answer at once
 * whatever JOOR and Shopify are doing.
 */
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { legacyId } from "~/records";
import { taskProgress } from "~/sync/tasks.server";
import type { PollState } from "./poll.server";
import { ImportStatus } from "./status";
import { readDetails, readPayload, type ImportRow } from "./store.server";

/** The page's lists, by the statuses each shows. */
export const ORDER_VIEWS = {
  imported: [ImportStatus.imported],
  failed: [ImportStatus.failed],
  review: [ImportStatus.review],
  waiting: [ImportStatus.queued, ImportStatus.creating],
  all: Object.values(ImportStatus),
} as const satisfies Record<string, readonly string[]>;

export type OrderView = keyof typeof ORDER_VIEWS;

export function isOrderView(value: unknown): value is OrderView {
  return typeof value === "string" && Object.hasOwn(ORDER_VIEWS, value);
}

export const ORDERS_PER_PAGE = 50;

/** A Shopify order as a link into the Shopify admin. */
export function adminOrderLink(gid: string, name: string | null): { name: string; url: string } {
  const id = legacyId(gid);
  return { name: name ?? `Order ${id}`, url: `shopify://admin/orders/${id}` };
}

async function countsByView(shop: string): Promise<Record<OrderView, number>> {
  const grouped = await prisma.orderImport.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  const count = (statuses: readonly string[]) =>
    grouped.filter((group) => statuses.includes(group.status)).reduce((sum, group) => sum + group._count._all, 0);
  return Object.fromEntries(Object.entries(ORDER_VIEWS).map(([view, statuses]) => [view, count(statuses)])) as Record<OrderView, number>;
}

/** The poll task as the merchant reads it. */
async function pollSummary(shop: string, now: Date) {
  const [task] = await taskProgress(prisma, shop, TaskKind.ordersPoll, now);
  if (!task) return null;
  const lastRun = (task.state as Partial<PollState> | null)?.lastRun ?? null;
  return {
    status: task.status,
    running: task.running,
    intervalMinutes: task.intervalSeconds ? Math.round(task.intervalSeconds / 60) : null,
    nextRunAt: task.status === "done" ? null : task.nextRunAt.toISOString(),
    lastRunAt: task.lastRunAt?.toISOString() ?? null,
    lastError: task.lastError,
    lastRun,
  };
}

/** The Orders card on the dashboard: counts per list and the poll's schedule. */
export async function loadOrdersOverview(shop: string, now = new Date()) {
  const [counts, poll] = await Promise.all([countsByView(shop), pollSummary(shop, now)]);
  return { counts, poll };
}

function orderSummary(row: ImportRow) {
  const order = readPayload(row);
  if (!order) return { poNumber: null, retailer: null, lines: 0, total: null, currency: null, modifiedAt: null };
  const computed = order.line_items.reduce((sum, line) => sum + (line?.item_quantity ?? 0) * (line?.item_price ?? 0), 0);
  const total = order.order_total !== undefined && Number.isFinite(order.order_total) ? order.order_total : computed;
  return {
    poNumber: order.customer_purchase_order ?? null,
    retailer: order.customer_name ?? order.company_name ?? order.customer_code ?? null,
    lines: order.line_items.length,
    total: total.toFixed(2),
    currency: order.order_currency ?? null,
    modifiedAt: order.date_modified ?? null,
  };
}

/** For rows of a later generation: the Shopify order an earlier generation became, keyed by JOOR order id. */
async function earlierOrders(shop: string, rows: readonly ImportRow[]): Promise<Map<string, ImportRow[]>> {
  const ids = [...new Set(rows.filter((row) => row.exportGeneration > 0).map((row) => row.joorOrderId))];
  if (ids.length === 0) return new Map();
  const imported = await prisma.orderImport.findMany({
    where: { shop, joorOrderId: { in: ids }, shopifyOrderGid: { not: null } },
    orderBy: { exportGeneration: "desc" },
  });
  const byOrder = new Map<string, ImportRow[]>();
  for (const row of imported) byOrder.set(row.joorOrderId, [...(byOrder.get(row.joorOrderId) ?? []), row]);
  return byOrder;
}

export interface OrdersPageQuery {
  view: OrderView;
  page: number;
}

export async function loadOrdersPage(shop: string, query: OrdersPageQuery, now = new Date()) {
  const statuses = [...ORDER_VIEWS[query.view]];
  const where = { shop, status: { in: statuses } };
  const [overview, total] = await Promise.all([loadOrdersOverview(shop, now), prisma.orderImport.count({ where })]);
  const pageCount = Math.max(1, Math.ceil(total / ORDERS_PER_PAGE));
  const page = Math.min(Math.max(1, Math.floor(query.page) || 1), pageCount);
  const rows = await prisma.orderImport.findMany({
    where,
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    skip: (page - 1) * ORDERS_PER_PAGE,
    take: ORDERS_PER_PAGE,
  });
  const earlier = await earlierOrders(shop, rows);
  return {
    view: query.view,
    page,
    pageCount,
    total,
    ...overview,
    rows: rows.map((row) => {
      const details = readDetails(row);
      const before = earlier.get(row.joorOrderId)?.find((candidate) => candidate.exportGeneration < row.exportGeneration);
      return {
        id: row.id,
        joorOrderId: row.joorOrderId,
        generation: row.exportGeneration,
        status: row.status,
        reason: row.reason,
        warnings: [...details.warnings, ...(details.ackError ? [details.ackError] : [])],
        attempts: row.attempts,
        acknowledged: row.acknowledgedAt !== null,
        shopifyOrder: row.shopifyOrderGid ? adminOrderLink(row.shopifyOrderGid, row.shopifyOrderName) : null,
        earlierOrder: before?.shopifyOrderGid ? adminOrderLink(before.shopifyOrderGid, before.shopifyOrderName) : null,
        updatedAt: row.updatedAt.toISOString(),
        ...orderSummary(row),
      };
    }),
  };
}

export type OrdersPage = Awaited<ReturnType<typeof loadOrdersPage>>;
export type OrdersOverview = Awaited<ReturnType<typeof loadOrdersOverview>>;
