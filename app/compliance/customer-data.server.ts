import type { ActivityEvent, JoorConnection, OrderImport, Prisma, SyncState } from "@prisma/client";
import { log } from "~/logger.server";
import { RecordKind } from "~/records";
import { recordActivity } from "~/sync/activity.server";
import { parseJson } from "~/sync/json";
import type { Db } from "~/sync/sync-state.server";
import {
  candidateEntry,
  customerCodes,
  customerDataReport,
  dataCounts,
  ERASED_NOTICE,
  redactedImportDetails,
  withoutCandidate,
  type ComplianceRequest,
  type CustomerData,
} from "./requests";

/**
 * customers/data_request and customers/redact. Both concern one customer's handful of rows, read and written
 * through indexed columns, so they run inside the webhook intake's transaction: the delivery is recorded
 * together with the report or the erasure, or not at all (and Shopify delivers it again).
 */

export const COMPLIANCE_FLOW = "compliance";

/** The label the orders flow gives its Activity lines (app/orders/store.server.ts). */
const orderLabel = (joorOrderId: string) => `JOOR order ${joorOrderId}`;

type CustomerRequest = Extract<ComplianceRequest, { topic: "customers/data_request" | "customers/redact" }>;

/** The rows as stored (with their ids), which the report and the erasure read as CustomerData. */
interface Found extends CustomerData {
  sync: SyncState | null;
  linked: JoorConnection[];
  mentioned: JoorConnection[];
  orders: OrderImport[];
  activity: ActivityEvent[];
}

/**
 * Every row that holds something about the customer: its sync record, the JOOR connections linked to it or
 * listing it as a candidate, the order imports that went to it (by gid, by its JOOR customer codes, or named by
 * Shopify), and the Activity lines about any of those. Earlier compliance lines (a previous report) are part of
 * what an erasure removes, not of what a report reports.
 */
async function findCustomerData(db: Db, shop: string, request: CustomerRequest, withCompliance: boolean): Promise<Found> {
  const gid = request.customerGid;
  const sync = gid ? await db.syncState.findUnique({ where: { shop_kind_gid: { shop, kind: RecordKind.customer, gid } } }) : null;
  const linked = gid
    ? await db.joorConnection.findMany({ where: { shop, OR: [{ linkedGid: gid }, { createdGid: gid }] }, orderBy: { connectionId: "asc" } })
    : [];
  const mentioned = gid
    ? (
        await db.joorConnection.findMany({
          where: { shop, id: { notIn: linked.map((row) => row.id) }, candidates: { contains: `"${gid}"` } },
          orderBy: { connectionId: "asc" },
        })
      ).filter((row) => candidateEntry(row.candidates, gid) !== null)
    : [];

  const codes = gid ? customerCodes(gid, parseJson(sync?.details ?? null), linked.map((row) => row.customerCode)) : [];
  const orderMatches: Prisma.OrderImportWhereInput[] = [
    ...(gid ? [{ customerGid: gid }] : []),
    ...(codes.length ? [{ customerCode: { in: codes } }] : []),
    ...(request.orderGids.length ? [{ shopifyOrderGid: { in: request.orderGids } }] : []),
  ];
  const orders = orderMatches.length
    ? await db.orderImport.findMany({ where: { shop, OR: orderMatches }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })
    : [];

  const recordGids = [...(gid ? [gid] : []), ...orders.flatMap((row) => (row.shopifyOrderGid ? [row.shopifyOrderGid] : []))];
  const activityMatches: Prisma.ActivityEventWhereInput[] = [
    ...(recordGids.length ? [{ recordGid: { in: recordGids } }] : []),
    ...(orders.length ? [{ flow: "orders", label: { in: [...new Set(orders.map((row) => orderLabel(row.joorOrderId)))] } }] : []),
  ];
  const activity = activityMatches.length
    ? await db.activityEvent.findMany({
        where: { shop, OR: activityMatches, ...(withCompliance ? {} : { flow: { not: COMPLIANCE_FLOW } }) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      })
    : [];

  return { sync, linked, mentioned, orders, activity };
}

/**
 * customers/data_request: the report of everything the app holds about the customer is kept as an Activity line
 * (flow "compliance", the report in its details) for the merchant to retrieve and send on, as Shopify expects
 * the app to provide the data to the merchant. The log line carries counts only.
 */
export async function reportCustomerData(
  db: Db,
  shop: string,
  request: Extract<ComplianceRequest, { topic: "customers/data_request" }>,
  now: Date,
): Promise<void> {
  const found = await findCustomerData(db, shop, request, false);
  const counts = dataCounts(found);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  await recordActivity(db, {
    shop,
    flow: COMPLIANCE_FLOW,
    action: request.topic,
    status: "reported",
    recordGid: request.customerGid ?? undefined,
    message: `Shopify asked for the data the app holds about this customer: ${total} record(s), in this line's report`,
    details: customerDataReport(request, found, now),
    at: now,
  });
  log.info("Customer data request answered", { shop, dataRequestId: request.dataRequestId, ...counts });
}

/**
 * customers/redact: the customer's personal data goes from every row that holds it. Ids stay where syncing and
 * order import depend on them: the sync record keeps its gid, JOOR id, content hash and status (a later sync
 * of the same customer sends JOOR nothing twice), linked connections keep their ids and link, and order imports
 * keep their rows and unique keys (shop, JOOR order, export generation), so no order is ever imported twice.
 * A worker holding the customer's record loses its lease, so it cannot write the details back.
 */
export async function redactCustomerData(
  db: Db,
  shop: string,
  request: Extract<ComplianceRequest, { topic: "customers/redact" }>,
  now: Date,
): Promise<void> {
  const found = await findCustomerData(db, shop, request, true);
  const gid = request.customerGid;
  if (found.sync) {
    await db.syncState.updateMany({
      where: { id: found.sync.id, shop },
      data: {
        details: null,
        lastError: found.sync.lastError === null ? null : ERASED_NOTICE,
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
  }
  if (found.linked.length) {
    await db.joorConnection.updateMany({
      where: { shop, id: { in: found.linked.map((row) => row.id) } },
      data: {
        name: null,
        contactName: null,
        email: null,
        city: null,
        country: null,
        data: null,
        candidates: null,
        candidatesAt: null,
        lastError: null,
      },
    });
  }
  if (gid) {
    for (const row of found.mentioned) {
      const kept = withoutCandidate(row.candidates, gid);
      if (kept) await db.joorConnection.updateMany({ where: { shop, id: row.id }, data: { candidates: JSON.stringify(kept) } });
    }
  }
  for (const row of found.orders) {
    await db.orderImport.updateMany({
      where: { shop, id: row.id },
      data: {
        payload: null,
        customerCode: null,
        customerGid: null,
        reason: row.reason === null ? null : ERASED_NOTICE,
        details: redactedImportDetails(row.details),
      },
    });
  }
  if (found.activity.length) {
    await db.activityEvent.updateMany({
      where: { shop, id: { in: found.activity.map((row) => row.id) } },
      data: { label: null, message: ERASED_NOTICE, details: null },
    });
  }
  const counts = dataCounts(found);
  await recordActivity(db, {
    shop,
    flow: COMPLIANCE_FLOW,
    action: request.topic,
    status: "erased",
    recordGid: gid ?? undefined,
    message: "Shopify asked to erase this customer's data: erased from every record that held it",
    details: counts,
    at: now,
  });
  log.info("Customer data erased on Shopify's request", { shop, ...counts });
}
