/**
 * The JoorConnection rows behind the matching screen. Every function takes the shop and names it in every
 * query: a row id from a form is only ever looked up together with the signed-in shop.
 */
import type { JoorConnection as ConnectionRow, Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { joorConnectionSchema, type JoorConnection } from "~/joor/schemas";
import { parseJson } from "~/sync/json";
import { connectionFacts, type ConnectionFacts, type MatchCandidate } from "./matching";

export type { ConnectionRow };

export const ConnectionStatus = {
  unmatched: "unmatched",
  queued: "queued",
  linked: "linked",
  skipped: "skipped",
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** Rows a merchant may still decide on (confirm, create, skip). */
export const OPEN_STATUSES: string[] = [ConnectionStatus.unmatched, ConnectionStatus.skipped];

export type Decision = { action: "confirm"; gid: string } | { action: "create" };

/** The connection as downloaded; a row whose data cannot be read still has its id. */
export function readConnection(row: Pick<ConnectionRow, "data" | "connectionId">): JoorConnection {
  const parsed = joorConnectionSchema.safeParse(parseJson(row.data));
  return parsed.success ? parsed.data : { connection_id: row.connectionId };
}

export function rowFacts(row: Pick<ConnectionRow, "data" | "connectionId">): ConnectionFacts {
  return connectionFacts(readConnection(row));
}

export function readCandidates(row: Pick<ConnectionRow, "candidates">): MatchCandidate[] {
  const parsed = parseJson(row.candidates);
  return Array.isArray(parsed) ? (parsed as MatchCandidate[]) : [];
}

export function readDecision(row: Pick<ConnectionRow, "decision">): Decision | null {
  const parsed = parseJson(row.decision) as Partial<Decision> | null;
  if (parsed?.action === "create") return { action: "create" };
  if (parsed?.action === "confirm" && typeof parsed.gid === "string") return { action: "confirm", gid: parsed.gid };
  return null;
}

/**
 * Stores one downloaded page. Every row not waiting for a decision to be applied is searched again (Shopify's
 * customers may have changed since the last download); a skipped row stays skipped.
 */
export async function storeConnections(shop: string, connections: JoorConnection[], fetchedAt: Date): Promise<void> {
  await prisma.$transaction(
    connections.map((connection) => {
      const facts = connectionFacts(connection);
      const fields = {
        customerCode: facts.customerCode,
        name: facts.name,
        contactName: facts.contactName,
        email: facts.email,
        city: facts.cities[0] ?? null,
        country: facts.country,
        data: JSON.stringify(connection),
        fetchedAt,
      };
      return prisma.joorConnection.upsert({
        where: { shop_connectionId: { shop, connectionId: facts.connectionId } },
        create: { shop, connectionId: facts.connectionId, ...fields },
        update: fields,
      });
    }),
  );
  await prisma.joorConnection.updateMany({
    where: {
      shop,
      connectionId: { in: connections.map((connection) => connection.connection_id) },
      status: { not: ConnectionStatus.queued },
    },
    data: { candidatesAt: null },
  });
}

/** Connections JOOR no longer lists (not seen by the download that started at `since`). */
export async function removeStaleConnections(shop: string, since: Date): Promise<number> {
  const { count } = await prisma.joorConnection.deleteMany({ where: { shop, fetchedAt: { lt: since } } });
  return count;
}

const NEEDS_MATCHING = (shop: string): Prisma.JoorConnectionWhereInput => ({
  shop,
  candidatesAt: null,
  status: { not: ConnectionStatus.queued },
});

export function countNeedingMatch(shop: string): Promise<number> {
  return prisma.joorConnection.count({ where: NEEDS_MATCHING(shop) });
}

export function rowsNeedingMatch(shop: string, take: number): Promise<ConnectionRow[]> {
  return prisma.joorConnection.findMany({ where: NEEDS_MATCHING(shop), orderBy: { id: "asc" }, take });
}

/** Numeric ids of Shopify customers that other connections' codes already point at. */
export async function customerIdsLinkedElsewhere(shop: string, legacyIds: string[], exceptRowIds: string[] = []): Promise<Map<string, string>> {
  if (legacyIds.length === 0) return new Map();
  const rows = await prisma.joorConnection.findMany({
    where: { shop, customerCode: { in: [...new Set(legacyIds)] }, id: { notIn: exceptRowIds } },
    select: { customerCode: true, connectionId: true },
  });
  return new Map(rows.map((row) => [row.customerCode!, row.connectionId]));
}

export interface MatchWrite {
  id: string;
  status: string;
  linkedGid: string | null;
  linkSource: string | null;
  linkedAt: Date | null;
  candidates: MatchCandidate[] | null;
}

export async function writeMatches(shop: string, writes: MatchWrite[], at: Date): Promise<void> {
  await prisma.$transaction(
    writes.map((write) =>
      prisma.joorConnection.updateMany({
        where: { id: write.id, shop, status: { not: ConnectionStatus.queued } },
        data: {
          status: write.status,
          linkedGid: write.linkedGid,
          linkSource: write.linkSource,
          linkedAt: write.linkedAt,
          candidates: write.candidates ? JSON.stringify(write.candidates) : null,
          candidatesAt: at,
        },
      }),
    ),
  );
}

export function findRow(shop: string, id: string): Promise<ConnectionRow | null> {
  return prisma.joorConnection.findFirst({ where: { id, shop } });
}

/** Records the link the merchant made (or the app made for them). */
export async function recordLink(shop: string, id: string, link: { gid: string; legacyId: string; source: string; at: Date }): Promise<void> {
  await prisma.joorConnection.updateMany({
    where: { id, shop },
    data: {
      status: ConnectionStatus.linked,
      linkedGid: link.gid,
      customerCode: link.legacyId,
      linkSource: link.source,
      linkedAt: link.at,
      decision: null,
      lastError: null,
    },
  });
}

/** A decision could not be applied: the row goes back to the merchant with the reason. */
export async function recordFailure(shop: string, id: string, message: string): Promise<void> {
  await prisma.joorConnection.updateMany({
    where: { id, shop },
    data: { status: ConnectionStatus.unmatched, decision: null, lastError: message },
  });
}

export async function recordCreatedCustomer(shop: string, id: string, gid: string): Promise<void> {
  await prisma.joorConnection.updateMany({ where: { id, shop }, data: { createdGid: gid } });
}

/** Queues decisions on open rows of the shop; answers how many were queued. */
export async function queueDecisions(shop: string, decisions: Array<{ id: string; decision: Decision }>): Promise<number> {
  const results = await prisma.$transaction(
    decisions.map(({ id, decision }) =>
      prisma.joorConnection.updateMany({
        where: { id, shop, status: { in: OPEN_STATUSES } },
        data: { status: ConnectionStatus.queued, decision: JSON.stringify(decision), lastError: null },
      }),
    ),
  );
  return results.reduce((sum, result) => sum + result.count, 0);
}

export async function setSkipped(shop: string, ids: string[], skipped: boolean): Promise<number> {
  const { count } = await prisma.joorConnection.updateMany({
    where: { id: { in: ids }, shop, status: skipped ? ConnectionStatus.unmatched : ConnectionStatus.skipped },
    data: { status: skipped ? ConnectionStatus.skipped : ConnectionStatus.unmatched, lastError: null },
  });
  return count;
}

export function queuedRows(shop: string, take: number): Promise<ConnectionRow[]> {
  return prisma.joorConnection.findMany({ where: { shop, status: ConnectionStatus.queued }, orderBy: { id: "asc" }, take });
}

export function countQueued(shop: string): Promise<number> {
  return prisma.joorConnection.count({ where: { shop, status: ConnectionStatus.queued } });
}
