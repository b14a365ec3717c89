import { describe, expect, it } from "vitest";
import { databaseDialect } from "~/config/database-url";
import { prisma } from "~/db.server";
import { deferred, engineTestContext, eventually, twoClientsPerSuite, withDelays } from "../../test/sync/db";
import { HandlerRegistry } from "./registry";
import { engineTransactions, runSyncBatch } from "./runner.server";
import { claimBatch, markManyDirty, type Db } from "./sync-state.server";
import { claimTask, scheduleTask, wakeWaitingTasks, writeTaskPlan } from "./tasks.server";

/**
 * PostgreSQL only (`npm run test:postgres`): engine writes racing writes of other processes on the same rows.
 * SQLite runs one write transaction at a time; PostgreSQL runs them side by side, with row locks, and an
 * UPDATE that waited for a lock re-checks its WHERE against the row as the other transaction committed it.
 * - A worker writing a batch's outcomes locks the rows in the order every multi-record mark does (by gid), so
 *   another process marking some of the same records (a catalog handler's follow-ups, a reconcile sweep, a
 *   settings save) waits for it instead of deadlocking with it.
 * - A wake (a bulk operation's webhook) that comes while a task's run ends or starts is kept.
 */
const shop = "alpha.myshopify.com";
const kind = "inventoryItem";
const taskKind = "catalog-backfill";
const t0 = new Date("2026-03-01T12:00:00.000Z");
const gid = (n: number) => `gid://shopify/InventoryItem/${n}`;

/** Backends of this database waiting for a row lock held by another transaction. */
async function waitingForLocks(): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ waiting: number }>>`
    SELECT count(*)::int AS "waiting" FROM pg_stat_activity
    WHERE "datname" = current_database() AND "wait_event_type" = 'Lock'`;
  return row.waiting;
}

/** Settles to a value either way, so a failure is asserted on rather than left unhandled meanwhile. */
function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe.runIf(databaseDialect() === "postgresql")("engine writes racing other processes on PostgreSQL", () => {
  const secondClient = twoClientsPerSuite();

  it("a batch's outcomes and a mark of the same records made meanwhile both commit", async () => {
    // Claimed oldest due first: record 2 before record 1, the reverse of gid order.
    await markManyDirty(prisma, { shop, kind, gids: [gid(2)], at: t0 });
    await markManyDirty(prisma, { shop, kind, gids: [gid(1)], at: new Date(t0.getTime() + 1) });
    const registry = new HandlerRegistry();
    registry.registerSyncHandler(kind, async ({ states }) => states.map((state) => ({ gid: state.gid, status: "synced" })), {
      flow: "inventory",
    });
    const now = new Date(t0.getTime() + 1_000);
    const batch = await claimBatch(prisma, { owner: "w1", kinds: [kind], batchSize: 10, leaseMs: 60_000, now });
    expect(batch!.rows.map((row) => row.gid)).toEqual([gid(2), gid(1)]);

    // The worker's outcome transaction stops after its first row write until the mark is queued behind it.
    const firstWritten = deferred();
    const go = deferred();
    let rowWrites = 0;
    const gated = withDelays(prisma, async (method) => {
      if (method !== "syncState.updateMany") return;
      rowWrites += 1;
      if (rowWrites === 2) {
        firstWritten.resolve();
        await go.promise;
      }
    });
    const ctx = engineTestContext(registry, () => now, { transact: engineTransactions(gated) });
    const written = runSyncBatch(batch!, ctx).done;
    await firstWritten.promise;
    const marked = settled(secondClient().$transaction((tx) => markManyDirty(tx, { shop, kind, gids: [gid(1), gid(2)], at: now })));
    await eventually(async () => (await waitingForLocks()) > 0);
    go.resolve();

    expect(await written).toEqual({ settled: 2, changed: 0, lost: 0, released: 0 });
    expect(await marked).toEqual({ value: 2 });
    const rows = await prisma.syncState.findMany({ where: { shop, kind }, orderBy: { gid: "asc" } });
    expect(rows.map((row) => [row.gid, row.status, row.dirtySeq, row.leaseOwner])).toEqual([
      [gid(1), "dirty", 2, null],
      [gid(2), "dirty", 2, null],
    ]);
  });

  /** Runs `step` in a transaction on the second client that commits only once `commit` resolves. */
  function heldOpen(step: (tx: Db) => Promise<unknown>) {
    const done = deferred();
    const commit = deferred();
    const transaction = secondClient().$transaction(async (tx) => {
      await step(tx);
      done.resolve();
      await commit.promise;
    });
    return { done: done.promise, commit: commit.resolve, transaction };
  }

  /** A bulk operation's webhook wakes the shop's tasks while `other` holds the task's row; then it commits. */
  async function wakeMeanwhile(other: ReturnType<typeof heldOpen>, now: Date) {
    await other.done;
    const woken = settled(prisma.$transaction((tx) => wakeWaitingTasks(tx, shop, now)));
    await eventually(async () => (await waitingForLocks()) > 0);
    other.commit();
    await other.transaction;
    return woken;
  }

  it("a wake that comes while a run is ending in a wait runs the task again", async () => {
    await scheduleTask(prisma, { shop, kind: taskKind, runAt: t0 });
    const now = new Date(t0.getTime() + 1_000);
    const claimed = await claimTask(prisma, { owner: "w1", kinds: [taskKind], leaseMs: 60_000, now });
    const later = new Date(now.getTime() + 600_000);
    const ending = heldOpen((tx) => writeTaskPlan(tx, claimed!.token, { kind: "write", data: { status: "waiting", nextRunAt: later }, activity: null }));

    expect(await wakeMeanwhile(ending, now)).toEqual({ value: 1 });
    expect(await prisma.scheduledTask.findFirstOrThrow({ where: { shop, kind: taskKind } })).toMatchObject({
      status: "scheduled",
      nextRunAt: now,
      leaseOwner: null,
    });
  });

  it("a wake that comes while a waiting task is being claimed runs it again after this run", async () => {
    await scheduleTask(prisma, { shop, kind: taskKind, runAt: t0 });
    await prisma.scheduledTask.updateMany({ where: { shop, kind: taskKind }, data: { status: "waiting" } });
    const now = new Date(t0.getTime() + 1_000);
    const claiming = heldOpen((tx) => claimTask(tx, { owner: "w1", kinds: [taskKind], leaseMs: 60_000, now }));

    expect(await wakeMeanwhile(claiming, now)).toEqual({ value: 1 });
    expect(await prisma.scheduledTask.findFirstOrThrow({ where: { shop, kind: taskKind } })).toMatchObject({
      status: "rerun",
      nextRunAt: now,
    });
  });
});
