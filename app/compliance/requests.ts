/**
 * Pure parts of Shopify's mandatory compliance webhooks: what each request asks for, the report of what the
 * app holds about a customer, and how stored values are stripped of personal data. The app keeps ids (Shopify
 * gids, JOOR connection ids and customer codes, order keys) where they keep syncing and order import
 * idempotent; names, emails, addresses, free text and JOOR's copies of records go.
 */
import { legacyId, shopifyGid } from "~/records";
import { parseJson } from "~/sync/json";

export type ComplianceTopic = "customers/data_request" | "customers/redact" | "shop/redact";

export type ComplianceRequest =
  | {
      topic: "customers/data_request";
      customerGid: string | null;
      /** Shopify orders the request names (gids). */
      orderGids: string[];
      /** Shopify's id of the request, quoted back in the report. */
      dataRequestId: string | null;
    }
  | { topic: "customers/redact"; customerGid: string | null; orderGids: string[] }
  | { topic: "shop/redact" };

/** Shown in place of erased text, so the merchant sees why a line or record is empty. */
export const ERASED_NOTICE = "Erased at the customer's request";

function isId(value: unknown): value is string | number {
  return (typeof value === "number" && Number.isSafeInteger(value) && value > 0) || (typeof value === "string" && /^\d+$/.test(value));
}

function orderGids(value: unknown): string[] {
  return Array.isArray(value) ? [...new Set(value.filter(isId).map((id) => shopifyGid("Order", String(id))))] : [];
}

/**
 * The request a compliance webhook carries. The customer comes from the intake's hint (already validated); the
 * orders from `orders_requested` / `orders_to_redact`, whose ids may arrive as strings when they exceed 2^53.
 */
export function complianceRequest(topic: ComplianceTopic, customerGid: string | undefined, body: unknown): ComplianceRequest {
  const payload = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  switch (topic) {
    case "customers/data_request": {
      const request = payload.data_request as Record<string, unknown> | undefined;
      return {
        topic,
        customerGid: customerGid ?? null,
        orderGids: orderGids(payload.orders_requested),
        dataRequestId: isId(request?.id) ? String(request.id) : null,
      };
    }
    case "customers/redact":
      return { topic, customerGid: customerGid ?? null, orderGids: orderGids(payload.orders_to_redact) };
    case "shop/redact":
      return { topic };
  }
}

/**
 * The JOOR customer codes the customer is known by: its numeric id (the code the customer sync gives it), the
 * code its sync details recorded, and the codes of JOOR connections linked to it.
 */
export function customerCodes(customerGid: string, syncDetails: unknown, connectionCodes: ReadonlyArray<string | null>): string[] {
  const recorded = (syncDetails as { customerCode?: unknown } | null)?.customerCode;
  const codes = [legacyId(customerGid), typeof recorded === "string" ? recorded : null, ...connectionCodes];
  return [...new Set(codes.filter((code): code is string => typeof code === "string" && code.length > 0))];
}

/** A stored candidate list without the given customer; null when the customer was not in it. */
export function withoutCandidate(candidates: string | null, customerGid: string): unknown[] | null {
  const parsed = parseJson(candidates);
  if (!Array.isArray(parsed)) return null;
  const kept = parsed.filter((candidate) => (candidate as { gid?: unknown } | null)?.gid !== customerGid);
  return kept.length === parsed.length ? null : kept;
}

/** The customer's entry in a stored candidate list, if any. */
export function candidateEntry(candidates: string | null, customerGid: string): unknown {
  const parsed = parseJson(candidates);
  return Array.isArray(parsed) ? (parsed.find((candidate) => (candidate as { gid?: unknown } | null)?.gid === customerGid) ?? null) : null;
}

/**
 * An order import's details without free text: the warnings and JOOR's refusal messages may quote the
 * retailer's names and addresses. What the importer needs to finish or recover an order (how the customer and
 * lines were matched, the attempt it made) stays.
 */
export function redactedImportDetails(details: string | null): string | null {
  const parsed = parseJson(details);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return details === null ? null : JSON.stringify({ warnings: [] });
  const { warnings: _warnings, ackError: _ackError, ...kept } = parsed as Record<string, unknown>;
  return JSON.stringify({ ...kept, warnings: [] });
}

// ---------------------------------------------------------------- the data report

type Stamp = Date | null;

export interface SyncRow {
  kind: string;
  gid: string;
  status: string;
  joorId: string | null;
  details: string | null;
  lastError: string | null;
  lastSyncedAt: Stamp;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConnectionRow {
  connectionId: string;
  customerCode: string | null;
  name: string | null;
  contactName: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  linkedGid: string | null;
  createdGid: string | null;
  status: string;
  linkSource: string | null;
  linkedAt: Stamp;
  fetchedAt: Date;
  data: string | null;
  candidates: string | null;
  lastError: string | null;
}

export interface OrderRow {
  joorOrderId: string;
  exportGeneration: number;
  status: string;
  shopifyOrderGid: string | null;
  shopifyOrderName: string | null;
  customerCode: string | null;
  customerGid: string | null;
  reason: string | null;
  payload: string | null;
  details: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ActivityRow {
  flow: string;
  action: string;
  status: string;
  recordGid: string | null;
  label: string | null;
  message: string | null;
  details: string | null;
  createdAt: Date;
}

export interface CustomerData {
  sync: SyncRow | null;
  /** JOOR connections linked to the customer (or created from it). */
  linked: ConnectionRow[];
  /** Other JOOR connections listing the customer as a possible match. */
  mentioned: ConnectionRow[];
  orders: OrderRow[];
  activity: ActivityRow[];
}

const iso = (value: Stamp) => value?.toISOString() ?? null;

/** Everything the app holds about one customer, as plain JSON for the merchant to hand over. */
export function customerDataReport(request: Extract<ComplianceRequest, { topic: "customers/data_request" }>, data: CustomerData, now: Date) {
  const { customerGid } = request;
  return {
    customer: customerGid,
    shopifyDataRequestId: request.dataRequestId,
    generatedAt: now.toISOString(),
    customerSync: data.sync && {
      status: data.sync.status,
      joorConnectionId: data.sync.joorId,
      details: parseJson(data.sync.details),
      lastMessage: data.sync.lastError,
      lastSyncedAt: iso(data.sync.lastSyncedAt),
      firstSeenAt: iso(data.sync.createdAt),
      updatedAt: iso(data.sync.updatedAt),
    },
    joorConnections: data.linked.map((row) => ({
      connectionId: row.connectionId,
      customerCode: row.customerCode,
      name: row.name,
      contactName: row.contactName,
      email: row.email,
      city: row.city,
      country: row.country,
      status: row.status,
      linkSource: row.linkSource,
      linkedAt: iso(row.linkedAt),
      downloadedAt: iso(row.fetchedAt),
      asJoorSentIt: parseJson(row.data),
      lastMessage: row.lastError,
    })),
    matchingSuggestions: customerGid
      ? data.mentioned.map((row) => ({ connectionId: row.connectionId, candidate: candidateEntry(row.candidates, customerGid) }))
      : [],
    orders: data.orders.map((row) => ({
      joorOrderId: row.joorOrderId,
      exportGeneration: row.exportGeneration,
      status: row.status,
      shopifyOrder: row.shopifyOrderGid,
      shopifyOrderName: row.shopifyOrderName,
      customerCode: row.customerCode,
      customer: row.customerGid,
      reason: row.reason,
      joorOrder: parseJson(row.payload),
      details: parseJson(row.details),
      firstListedAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    })),
    activity: data.activity.map((row) => ({
      at: iso(row.createdAt),
      flow: row.flow,
      action: row.action,
      status: row.status,
      record: row.recordGid,
      label: row.label,
      message: row.message,
      details: parseJson(row.details),
    })),
  };
}

export type CustomerDataReport = ReturnType<typeof customerDataReport>;

/** How many records of each kind a report or an erasure covered: for Activity and logs, no personal data. */
export function dataCounts(data: CustomerData) {
  return {
    syncRecords: data.sync ? 1 : 0,
    joorConnections: data.linked.length,
    matchingSuggestions: data.mentioned.length,
    orders: data.orders.length,
    activity: data.activity.length,
  };
}
