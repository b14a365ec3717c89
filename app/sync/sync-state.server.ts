import { randomUUID } from "node:crypto";
import { Prisma, type SyncState } from "@prisma/client";
import { skipLocked } from "../db/dialect.server";
import { parseJson } from "./json";
import type { RowPlan } from "./plans";
import type { SyncStateView } from "./registry";

/** The Prisma client or a transaction client: intake marks records inside its own transaction. */
export type Db = Prisma.TransactionClient;

/**
 * Statuses the worker picks up once `nextAttemptAt` is due. The others rest until the next change: synced,
 * failed (given up, reason in lastError) and stopped (out of scope).
 */
export const DUE_SYNC_STATUSES = ["dirty", "retry", "throttled", "pending"];

export interface MarkDirtyInput {
  shop: string;
  kind: string;
  gid: string;
  /** The time of the change (default now). */
  at?: Date;
}

/** Rows per INSERT: well below SQLite's bound-parameter limit. */
const MARK_CHUNK = 500;

/**
 * Marks one record as changed: one INSERT … ON CONFLICT statement, cheap enough for webhook intake's
 * transaction. Call `nudgeWorker()` after the transaction commits.
 *
 * - `dirtySeq` goes up on every mark; the worker clears the mark only if it is unchanged since its claim.
 * - A new change is due now, even if the record was backing off after an error or failed for good: the change
 *   may be the fix, and the handler decides (a stopped record becomes dirty too — the handler stops it again
 *   if it is still out of scope). A record that keeps failing still ends in "failed": the attempts of a retry
 *   streak are kept, only a settled record starts counting afresh.
 * - Except a rate limit: a "throttled" record keeps its wait (JOOR said when credits come back, and a burst of
 *   webhooks must not spend the next window's credits before it opens); it simply picks up the change then.
 */
export async function markDirty(db: Db, input: MarkDirtyInput): Promise<void> {
  await markManyDirty(db, { shop: input.shop, kind: input.kind, gids: [input.gid], at: input.at });
}

export interface MarkManyDirtyInput {
  shop: string;
  kind: string;
  gids: string[];
  at?: Date;
}

/** `markDirty` for many records of one shop and kind (backfills, reconcile sweeps), in chunked statements. */
export async function markManyDirty(db: Db, input: MarkManyDirtyInput): Promise<number> {
  const at = input.at ?? new Date();
  // Sorted: concurrent marks of overlapping records then lock rows in the same order (no deadlock on PostgreSQL).
  const gids = [...new Set(input.gids)].sort();
  for (let start = 0; start < gids.length; start += MARK_CHUNK) {
    const rows = gids
      .slice(start, start + MARK_CHUNK)
      .map((gid) => Prisma.sql`(${randomUUID()}, ${input.shop}, ${input.kind}, ${gid}, 1, ${at}, 'dirty', 0, ${at}, ${at}, ${at})`);
    // In an UPDATE SET every right-hand side sees the row as it was before the statement. "SyncState"."x" is the
    // stored row, excluded."x" the one proposed.
    await db.$executeRaw`
      INSERT INTO "SyncState"
        ("id", "shop", "kind", "gid", "dirtySeq", "dirtySince", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("shop", "kind", "gid") DO UPDATE SET
        "dirtySeq" = "SyncState"."dirtySeq" + 1,
        "dirtySince" = COALESCE("SyncState"."dirtySince", excluded."dirtySince"),
        "status" = CASE WHEN "SyncState"."status" = 'throttled' AND "SyncState"."nextAttemptAt" > excluded."nextAttemptAt"
                        THEN 'throttled' ELSE 'dirty' END,
        "nextAttemptAt" = CASE WHEN "SyncState"."status" = 'throttled' AND "SyncState"."nextAttemptAt" > excluded."nextAttemptAt"
                               THEN "SyncState"."nextAttemptAt" ELSE excluded."nextAttemptAt" END,
        "attempts" = CASE WHEN "SyncState"."status" IN ('retry', 'throttled') THEN "SyncState"."attempts" ELSE 0 END,
        "updatedAt" = excluded."updatedAt"`;
  }
  return gids.length;
}

export interface ClaimBatchInput {
  /** Names the worker process; stored with a per-claim token in leaseOwner. */
  owner: string;
  /** Only kinds that have a handler. */
  kinds: string[];
  batchSize: number;
  /** Per kind, instead of `batchSize`. */
  batchSizes?: Readonly<Record<string, number>>;
  leaseMs: number;
  now: Date;
  /** The shop and kind served last: the next claim starts after it, so every shop gets its turn. */
  after?: { shop: string; kind: string };
}

export interface ClaimedBatch {
  /** The lease token: every write for this batch is conditional on still holding it. */
  token: string;
  shop: string;
  kind: string;
  rows: SyncState[];
}

function leaseFree(now: Date): Prisma.SyncStateWhereInput {
  return { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: now } }] };
}

/**
 * The next shop + kind with due work, round-robin after `after`. A pair another worker is already serving is
 * skipped (one JOOR account's credits are better spent by one batch at a time), as are uninstalled shops.
 * Grouping first keeps the lease check per pair, not per row, so a large backlog stays cheap.
 */
async function nextDuePair(
  db: Db,
  kinds: string[],
  now: Date,
  after: { shop: string; kind: string } | undefined,
): Promise<{ shop: string; kind: string } | null> {
  const cursorShop = after?.shop ?? "";
  const cursorKind = after?.kind ?? "";
  const pairs = await db.$queryRaw<Array<{ shop: string; kind: string }>>`
    WITH due AS MATERIALIZED (
      SELECT "shop", "kind" FROM "SyncState"
      WHERE "kind" IN (${Prisma.join(kinds)})
        AND "status" IN (${Prisma.join(DUE_SYNC_STATUSES)})
        AND "nextAttemptAt" <= ${now}
        AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= ${now})
      GROUP BY "shop", "kind"
    )
    SELECT "shop", "kind" FROM due
    WHERE NOT EXISTS (
        SELECT 1 FROM "SyncState" AS l
        WHERE l."leaseExpiresAt" > ${now} AND l."shop" = due."shop" AND l."kind" = due."kind")
      AND NOT EXISTS (
        SELECT 1 FROM "ShopSettings" AS s WHERE s."shop" = due."shop" AND s."uninstalledAt" IS NOT NULL)
    ORDER BY
      CASE WHEN "shop" > ${cursorShop} OR ("shop" = ${cursorShop} AND "kind" > ${cursorKind}) THEN 0 ELSE 1 END,
      "shop", "kind"
    LIMIT 1`;
  return pairs[0] ?? null;
}

/** A claim that lost every row to another worker tries another pair this many times before giving up. */
const CLAIM_TRIES = 3;
/** Ids per `IN (…)` list: Prisma refuses a query with more bound values than SQLite's 999. */
const IDS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * Claims up to `batchSize` due records of ONE shop and kind, oldest due first, under a fresh lease token. The
 * UPDATE takes only rows whose lease is empty or expired, so concurrent workers (threads of one process, or
 * processes on one SQLite file or one PostgreSQL database) never hold the same row, and a killed worker's rows
 * come back once its lease expires. Run inside a transaction, PostgreSQL locks the picked rows until it commits
 * and other claims skip them instead of waiting (`skipLocked`).
 */
export async function claimBatch(db: Db, input: ClaimBatchInput): Promise<ClaimedBatch | null> {
  if (input.kinds.length === 0 || input.batchSize < 1) return null;
  const { now } = input;
  for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
    const pair = await nextDuePair(db, input.kinds, now, input.after);
    if (!pair) return null;
    const due: Prisma.SyncStateWhereInput = {
      shop: pair.shop,
      kind: pair.kind,
      status: { in: DUE_SYNC_STATUSES },
      nextAttemptAt: { lte: now },
      ...leaseFree(now),
    };
    const order: Prisma.SyncStateOrderByWithRelationInput[] = [{ nextAttemptAt: "asc" }, { id: "asc" }];
    const candidates = await db.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "SyncState"
      WHERE "shop" = ${pair.shop} AND "kind" = ${pair.kind}
        AND "status" IN (${Prisma.join(DUE_SYNC_STATUSES)})
        AND "nextAttemptAt" <= ${now}
        AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= ${now})
      ORDER BY "nextAttemptAt", "id"
      LIMIT ${input.batchSizes?.[pair.kind] ?? input.batchSize}
      ${skipLocked()}`;
    const ids = candidates.map((row) => row.id);
    const token = `${input.owner}/${randomUUID()}`;
    const rows: SyncState[] = [];
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      await db.syncState.updateMany({
        where: { id: { in: part }, ...due },
        data: { leaseOwner: token, leaseExpiresAt: new Date(now.getTime() + input.leaseMs) },
      });
      rows.push(...(await db.syncState.findMany({ where: { id: { in: part }, leaseOwner: token }, orderBy: order })));
    }
    if (rows.length > 0) return { token, shop: pair.shop, kind: pair.kind, rows };
  }
  return null;
}

/** Extends the lease of every row still held under `token`; 0 means the lease was lost. */
export async function renewSyncLease(db: Db, token: string, until: Date): Promise<number> {
  const result = await db.syncState.updateMany({ where: { leaseOwner: token }, data: { leaseExpiresAt: until } });
  return result.count;
}

/** Gives rows back untouched (no attempt spent): shutdown, or a shop that is gone. */
export async function releaseSyncLease(db: Db, token: string, ids?: string[]): Promise<number> {
  let released = 0;
  for (const part of ids ? chunks(ids, IDS_PER_STATEMENT) : [undefined]) {
    const result = await db.syncState.updateMany({
      where: { leaseOwner: token, ...(part ? { id: { in: part } } : {}) },
      data: { leaseOwner: null, leaseExpiresAt: null },
    });
    released += result.count;
  }
  return released;
}

/** How a planned outcome landed: settled, kept due because a change arrived mid-sync, or lost with the lease. */
export type WriteResult = "settled" | "changed" | "lost";

/** Writes one record's outcome and releases its lease, only while `token` still holds it. */
export async function writeRowPlan(
  db: Db,
  token: string,
  row: Pick<SyncState, "id" | "dirtySeq">,
  plan: Extract<RowPlan, { kind: "write" }>,
): Promise<WriteResult> {
  const release = { leaseOwner: null, leaseExpiresAt: null };
  const settled = await db.syncState.updateMany({
    where: { id: row.id, leaseOwner: token, dirtySeq: row.dirtySeq },
    data: { ...plan.settled, ...release },
  });
  if (settled.count > 0) return "settled";
  const changed = await db.syncState.updateMany({
    where: { id: row.id, leaseOwner: token },
    data: { ...plan.changed, ...release },
  });
  return changed.count > 0 ? "changed" : "lost";
}

export function toSyncStateView(row: SyncState): SyncStateView {
  return {
    id: row.id,
    gid: row.gid,
    dirtySeq: row.dirtySeq,
    status: row.status,
    attempts: row.attempts,
    contentHash: row.contentHash,
    joorId: row.joorId,
    details: parseJson(row.details),
    lastError: row.lastError,
    lastSyncedAt: row.lastSyncedAt,
  };
}
