/**
 * The Customers screen's two lists, read from the customer sync's SyncState rows (kind "customer"):
 * - Upload: tagged customers not yet in JOOR (no JOOR id) and not stopped;
 * - Update: customers in JOOR (JOOR id set) changed since their last sync: waiting (dirty, retry), given up
 *   (failed), or marked dirty after the last successful sync.
 * Every query names the shop. Searching matches name, email and company, ignoring letter case (on SQLite for
 * ASCII letters only).
 */
import { Prisma, type SyncState } from "@prisma/client";
import { prisma } from "~/db.server";
import { jsonText, likeIgnoringCase } from "~/db/dialect.server";
import type { JoorConnectionInput } from "~/joor/types";
import { legacyId, RecordKind } from "~/records";
import { parseJson } from "~/sync/json";
import { markManyDirty } from "~/sync/sync-state.server";
import { nudgeWorker } from "~/sync/worker.server";

export const CUSTOMER_LISTS = ["upload", "update"] as const;
export type CustomerList = (typeof CUSTOMER_LISTS)[number];

export function isCustomerList(value: unknown): value is CustomerList {
  return CUSTOMER_LISTS.includes(value as CustomerList);
}

export const DEFAULT_PAGE_SIZE = 25;

/** One customer as the lists and their CSV files show it. */
export interface CustomerListRow {
  id: string;
  gid: string;
  customerId: string;
  name: string;
  email: string;
  company: string;
  city: string;
  country: string;
  status: string;
  joorId: string | null;
  lastSyncedAt: string | null;
  lastError: string | null;
}

/** What the customer sync remembers about a customer in SyncState.details. */
interface CustomerDetails {
  name?: unknown;
  email?: unknown;
  company?: unknown;
  city?: unknown;
  country?: unknown;
  connection?: unknown;
}

function readDetails(row: Pick<SyncState, "details">): CustomerDetails {
  const details = parseJson(row.details);
  return details !== null && typeof details === "object" ? (details as CustomerDetails) : {};
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

function customerIdOf(gid: string): string {
  try {
    return legacyId(gid);
  } catch {
    return gid;
  }
}

export function toListRow(row: SyncState): CustomerListRow {
  const details = readDetails(row);
  return {
    id: row.id,
    gid: row.gid,
    customerId: customerIdOf(row.gid),
    name: text(details.name),
    email: text(details.email),
    company: text(details.company),
    city: text(details.city),
    country: text(details.country),
    status: row.status,
    joorId: row.joorId,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastError: row.lastError,
  };
}

const detailsField = (key: string) => jsonText(Prisma.sql`"details"`, key);

function listCondition(list: CustomerList): Prisma.Sql {
  if (list === "upload") return Prisma.sql`"joorId" IS NULL`;
  return Prisma.sql`"joorId" IS NOT NULL AND (
    "status" IN ('dirty', 'retry', 'failed')
    OR ("dirtySince" IS NOT NULL AND ("lastSyncedAt" IS NULL OR "dirtySince" > "lastSyncedAt")))`;
}

function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function whereClause(shop: string, list: CustomerList, search?: string): Prisma.Sql {
  const conditions = [
    Prisma.sql`"shop" = ${shop}`,
    Prisma.sql`"kind" = ${RecordKind.customer}`,
    Prisma.sql`"status" <> 'stopped'`,
    listCondition(list),
  ];
  const term = search?.trim();
  if (term) {
    const pattern = likePattern(term);
    conditions.push(
      Prisma.sql`(${Prisma.join(
        ["name", "email", "company"].map((key) => Prisma.sql`${detailsField(key)} ${likeIgnoringCase()} ${pattern} ESCAPE '\\'`),
        " OR ",
      )})`,
    );
  }
  return Prisma.join(conditions, " AND ");
}

async function pageIds(shop: string, list: CustomerList, search: string | undefined, limit: number, offset: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "SyncState" WHERE ${whereClause(shop, list, search)}
    ORDER BY "updatedAt" DESC, "id" LIMIT ${limit} OFFSET ${offset}`;
  return rows.map((row) => row.id);
}

async function rowsByIds(shop: string, ids: string[]): Promise<SyncState[]> {
  const rows = await prisma.syncState.findMany({ where: { shop, id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function countCustomerList(shop: string, list: CustomerList, search?: string): Promise<number> {
  const [{ count }] = await prisma.$queryRaw<Array<{ count: number | bigint }>>`
    SELECT COUNT(*) AS "count" FROM "SyncState" WHERE ${whereClause(shop, list, search)}`;
  return Number(count);
}

export interface CustomerListPage {
  rows: CustomerListRow[];
  total: number;
  page: number;
  pageCount: number;
}

export async function customerListPage(
  shop: string,
  list: CustomerList,
  options: { search?: string; page?: number; pageSize?: number } = {},
): Promise<CustomerListPage> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const total = await countCustomerList(shop, list, options.search);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const ids = await pageIds(shop, list, options.search, pageSize, (page - 1) * pageSize);
  return { rows: (await rowsByIds(shop, ids)).map(toListRow), total, page, pageCount };
}

const EXPORT_CHUNK = 500;

/** Every row of a list, in the screen's order, read in chunks (for the CSV download). */
export async function allCustomerListRows(shop: string, list: CustomerList): Promise<CustomerListRow[]> {
  const rows: CustomerListRow[] = [];
  for (let offset = 0; ; offset += EXPORT_CHUNK) {
    const ids = await pageIds(shop, list, undefined, EXPORT_CHUNK, offset);
    rows.push(...(await rowsByIds(shop, ids)).map(toListRow));
    if (ids.length < EXPORT_CHUNK) return rows;
  }
}

/**
 * "Upload selected" / "Update selected": marks the chosen customers of the list dirty so the worker syncs
 * them now. Ids that are not this shop's customers on that list are ignored. Answers how many were marked.
 */
export async function markListCustomersDirty(shop: string, list: CustomerList, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await prisma.$queryRaw<Array<{ gid: string }>>`
    SELECT "gid" FROM "SyncState" WHERE ${whereClause(shop, list)} AND "id" IN (${Prisma.join(ids)})`;
  if (rows.length === 0) return 0;
  const count = await markManyDirty(prisma, { shop, kind: RecordKind.customer, gids: rows.map((row) => row.gid) });
  nudgeWorker();
  return count;
}

/** A synced customer with the connection last sent to JOOR. */
export interface SyncedConnection {
  gid: string;
  connection: JoorConnectionInput;
}

function asConnection(value: unknown): JoorConnectionInput | null {
  if (value === null || typeof value !== "object") return null;
  const connection = value as Partial<JoorConnectionInput>;
  return typeof connection.customer_code === "string" && typeof connection.customer_name === "string"
    ? (connection as JoorConnectionInput)
    : null;
}

/** The shop's customers that are in JOOR (JOOR id set, not stopped), with their last sent connection, by gid. */
export async function syncedConnections(shop: string): Promise<SyncedConnection[]> {
  const result: SyncedConnection[] = [];
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.syncState.findMany({
      where: { shop, kind: RecordKind.customer, joorId: { not: null }, status: { not: "stopped" }, ...(cursor ? { gid: { gt: cursor } } : {}) },
      orderBy: { gid: "asc" },
      take: EXPORT_CHUNK,
      select: { gid: true, details: true },
    });
    for (const row of rows) {
      const connection = asConnection(readDetails(row).connection);
      if (connection) result.push({ gid: row.gid, connection });
    }
    if (rows.length < EXPORT_CHUNK) return result;
    cursor = rows[rows.length - 1].gid;
  }
}
