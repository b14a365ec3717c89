import type { PrismaClient } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { databaseDialect } from "~/config/database-url";
import { prisma } from "~/db.server";
import { deferred, twoClientsPerSuite } from "../../test/sync/db";
import type { Db } from "./sync-state.server";
import { claimBatch, markManyDirty } from "./sync-state.server";
import { claimTask, scheduleTask } from "./tasks.server";

/**
 * PostgreSQL only (`npm run test:postgres`): claims made in transactions, as the worker makes them, lock the
 * rows they pick and skip rows another open claim holds. Every claim here may wait at most a moment for a lock
 * (lock_timeout), so a claim that queued behind another instead of skipping fails with a lock timeout.
 */
const shop = "alpha.myshopify.com";
const kind = "product";
const t0 = new Date("2026-03-01T12:00:00.000Z");
const gid = (n: number) => `gid://shopify/Product/${n}`;

/** A claim in a transaction of its own that refuses to wait for row locks. */
function inClaimTransaction<T>(db: PrismaClient, step: (tx: Db) => Promise<T>, hold?: Promise<void>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL lock_timeout = '2s'");
    const result = await step(tx);
    await hold;
    return result;
  });
}

describe.runIf(databaseDialect() === "postgresql")("claims on PostgreSQL", () => {
  const secondClient = twoClientsPerSuite();

  it("a batch claim skips the rows another open claim holds instead of waiting for them", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [1, 2, 3, 4, 5, 6].map(gid), at: t0 });
    const release = deferred();
    const claimed = deferred();
    const slow = inClaimTransaction(
      secondClient(),
      async (tx) => {
        const batch = await claimBatch(tx, { owner: "slow", kinds: [kind], batchSize: 3, leaseMs: 60_000, now: t0 });
        claimed.resolve();
        return batch;
      },
      release.promise,
    );
    await claimed.promise;
    // The slow claim has not committed: its rows still look free, but they are locked.
    const fast = await inClaimTransaction(prisma, (tx) =>
      claimBatch(tx, { owner: "fast", kinds: [kind], batchSize: 10, leaseMs: 60_000, now: t0 }),
    );
    release.resolve();
    const held = await slow;
    expect(held!.rows).toHaveLength(3);
    expect(fast!.rows).toHaveLength(3);
    const ids = [...held!.rows, ...fast!.rows].map((row) => row.gid).sort();
    expect(ids).toEqual([1, 2, 3, 4, 5, 6].map(gid).sort());
  });

  it("a task claim skips the task another open claim holds and takes the next one", async () => {
    await scheduleTask(prisma, { shop, kind: "catalog-backfill", runAt: t0 });
    await scheduleTask(prisma, { shop, kind: "customers-backfill", runAt: new Date(t0.getTime() + 1) });
    const kinds = ["catalog-backfill", "customers-backfill"];
    const now = new Date(t0.getTime() + 1_000);
    const release = deferred();
    const claimed = deferred();
    const slow = inClaimTransaction(
      secondClient(),
      async (tx) => {
        const task = await claimTask(tx, { owner: "slow", kinds, leaseMs: 60_000, now });
        claimed.resolve();
        return task;
      },
      release.promise,
    );
    await claimed.promise;
    const fast = await inClaimTransaction(prisma, (tx) => claimTask(tx, { owner: "fast", kinds, leaseMs: 60_000, now }));
    release.resolve();
    expect((await slow)!.task.kind).toBe("catalog-backfill");
    expect(fast!.task.kind).toBe("customers-backfill");
    expect(fast!.previousStatus).toBe("scheduled");
  });

  it("workers claiming side by side in transactions take every row exactly once", async () => {
    const shops = ["a", "b", "c", "d"].map((name) => `${name}.myshopify.com`);
    const expected: string[] = [];
    for (const s of shops) {
      const gids = Array.from({ length: 30 }, (_, i) => gid(i));
      await markManyDirty(prisma, { shop: s, kind, gids, at: t0 });
      expected.push(...gids.map((g) => `${s} ${g}`));
    }
    const claimedBy: Record<string, string[]> = {};
    // Each worker claims a batch, settles it in a step of its own (as the runner does), and goes on until no
    // work is left; a shop served by one worker is skipped by the others until its lease is released.
    const drain = async (db: PrismaClient, owner: string) => {
      claimedBy[owner] = [];
      for (;;) {
        const batch = await inClaimTransaction(db, (tx) =>
          claimBatch(tx, { owner, kinds: [kind], batchSize: 4, leaseMs: 60_000, now: t0 }),
        );
        if (!batch) {
          if ((await db.syncState.count({ where: { status: "dirty", leaseOwner: null } })) === 0) return;
          continue;
        }
        claimedBy[owner].push(...batch.rows.map((row) => `${row.shop} ${row.gid}`));
        await db.syncState.updateMany({
          where: { leaseOwner: batch.token },
          data: { status: "synced", leaseOwner: null, leaseExpiresAt: null },
        });
      }
    };
    await Promise.all([drain(prisma, "w1"), drain(secondClient(), "w2"), drain(prisma, "w3"), drain(secondClient(), "w4")]);
    const all = Object.values(claimedBy).flat();
    expect(all.sort()).toEqual(expected.sort());
    expect(Object.values(claimedBy).filter((rows) => rows.length > 0).length).toBeGreaterThan(1);
  });
});
