import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { deferred, openSecondClient, randomPause, resetEngineTables, withDelays } from "../../test/sync/db";
import { claimBatch, markDirty, markManyDirty, releaseSyncLease } from "./sync-state.server";

const shop = "alpha.myshopify.com";
const kind = "product";
const t0 = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const gid = (n: number) => `gid://shopify/Product/${n}`;
const claim = (owner: string, now: Date, extra: Partial<Parameters<typeof claimBatch>[1]> = {}) =>
  claimBatch(prisma, { owner, kinds: [kind], batchSize: 50, leaseMs: 60_000, now, ...extra });
const row = (g: string, s = shop) =>
  prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: s, kind, gid: g } } });

beforeEach(() => resetEngineTables());

describe("markDirty", () => {
  it("creates the record dirty, and every further mark only bumps its sequence", async () => {
    await markDirty(prisma, { shop, kind, gid: gid(1), at: t0 });
    await markDirty(prisma, { shop, kind, gid: gid(1), at: at(5_000) });
    await markDirty(prisma, { shop, kind, gid: gid(1), at: at(9_000) });
    expect(await prisma.syncState.count()).toBe(1);
    expect(await row(gid(1))).toMatchObject({
      status: "dirty",
      dirtySeq: 3,
      dirtySince: t0,
      nextAttemptAt: at(9_000),
      attempts: 0,
    });
  });

  it("runs inside the caller's transaction and rolls back with it", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.webhookDelivery.create({ data: { webhookId: "w1", shop, topic: "PRODUCTS_UPDATE" } });
        await markDirty(tx, { shop, kind, gid: gid(1), at: t0 });
        throw new Error("intake failed");
      }),
    ).rejects.toThrow("intake failed");
    expect(await prisma.syncState.count()).toBe(0);
    await prisma.$transaction(async (tx) => {
      await tx.webhookDelivery.create({ data: { webhookId: "w2", shop, topic: "PRODUCTS_UPDATE" } });
      await markDirty(tx, { shop, kind, gid: gid(1), at: t0 });
    });
    expect(await row(gid(1))).toMatchObject({ status: "dirty", dirtySeq: 1 });
  });

  it("makes a settled record due now, keeping what is known about it", async () => {
    await prisma.syncState.createMany({
      data: [
        { shop, kind, gid: gid(1), status: "synced", contentHash: "h", joorId: "J1", nextAttemptAt: t0 },
        { shop, kind, gid: gid(2), status: "failed", attempts: 8, lastError: "gave up", nextAttemptAt: t0 },
        { shop, kind, gid: gid(3), status: "stopped", lastError: "untagged", nextAttemptAt: t0 },
      ],
    });
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2), gid(3)], at: at(1_000) });
    for (const n of [1, 2, 3]) {
      expect(await row(gid(n))).toMatchObject({ status: "dirty", attempts: 0, nextAttemptAt: at(1_000), dirtySeq: 1 });
    }
    expect(await row(gid(1))).toMatchObject({ contentHash: "h", joorId: "J1" });
  });

  it("brings a backoff forward but keeps the retry streak's attempts", async () => {
    await prisma.syncState.create({
      data: { shop, kind, gid: gid(1), status: "retry", attempts: 3, nextAttemptAt: at(3_600_000) },
    });
    await markDirty(prisma, { shop, kind, gid: gid(1), at: at(1_000) });
    expect(await row(gid(1))).toMatchObject({ status: "dirty", attempts: 3, nextAttemptAt: at(1_000) });
  });

  it("keeps a rate limit's wait, and only that", async () => {
    await prisma.syncState.createMany({
      data: [
        { shop, kind, gid: gid(1), status: "throttled", attempts: 1, nextAttemptAt: at(120_000) },
        { shop, kind, gid: gid(2), status: "throttled", attempts: 1, nextAttemptAt: at(-1) },
      ],
    });
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: at(1_000) });
    expect(await row(gid(1))).toMatchObject({
      status: "throttled",
      attempts: 1,
      nextAttemptAt: at(120_000),
      dirtySeq: 1,
    });
    expect(await row(gid(2))).toMatchObject({ status: "dirty", nextAttemptAt: at(1_000) });
  });
});

describe("markManyDirty", () => {
  it("marks large sets in chunks, once per distinct record", async () => {
    const gids = Array.from({ length: 1_203 }, (_, i) => gid(i));
    await markDirty(prisma, { shop, kind, gid: gid(7), at: t0 });
    expect(await markManyDirty(prisma, { shop, kind, gids: [...gids, gid(7)], at: t0 })).toBe(1_203);
    expect(await prisma.syncState.count({ where: { shop, kind, status: "dirty" } })).toBe(1_203);
    expect(await row(gid(7))).toMatchObject({ dirtySeq: 2 });
    expect(await row(gid(8))).toMatchObject({ dirtySeq: 1 });
  });
});

describe("claimBatch", () => {
  it("claims one shop and kind's due records, oldest first, up to the batch size", async () => {
    for (let n = 0; n < 30; n++) await markDirty(prisma, { shop, kind, gid: gid(n), at: at(-n * 1_000) });
    const batch = await claim("w1", t0, { batchSize: 25 });
    expect(batch).toMatchObject({ shop, kind });
    expect(batch!.rows.map((r) => r.gid)).toEqual(Array.from({ length: 25 }, (_, i) => gid(29 - i)));
    const leased = await prisma.syncState.findMany({ where: { leaseOwner: batch!.token } });
    expect(leased).toHaveLength(25);
    expect(leased.every((r) => r.leaseExpiresAt!.getTime() === at(60_000).getTime())).toBe(true);
    expect(batch!.token.startsWith("w1/")).toBe(true);
  });

  it("takes a kind's own batch size, even more rows than one statement may name, and hands them all back", async () => {
    const gids = Array.from({ length: 1_200 }, (_, n) => gid(n));
    await markManyDirty(prisma, { shop, kind, gids, at: t0 });
    await markDirty(prisma, { shop, kind: "customer", gid: "gid://shopify/Customer/1", at: t0 });
    const batch = await claim("w1", t0, { batchSize: 2, batchSizes: { [kind]: 1_100 } });
    expect(batch).toMatchObject({ shop, kind });
    expect(batch!.rows).toHaveLength(1_100);
    expect(new Set(batch!.rows.map((r) => r.id)).size).toBe(1_100);
    expect(await prisma.syncState.count({ where: { leaseOwner: batch!.token } })).toBe(1_100);
    expect(await releaseSyncLease(prisma, batch!.token, batch!.rows.map((r) => r.id))).toBe(1_100);
    expect(await prisma.syncState.count({ where: { leaseOwner: { not: null } } })).toBe(0);
    expect((await claim("w2", t0, { batchSize: 2, kinds: ["customer"], batchSizes: { [kind]: 1_100 } }))!.rows).toHaveLength(1);
  });

  it("leaves a shop and kind another worker is serving alone until that lease expires", async () => {
    for (let n = 0; n < 10; n++) await markDirty(prisma, { shop, kind, gid: gid(n), at: t0 });
    const first = await claim("w1", t0, { batchSize: 4 });
    expect(first!.rows).toHaveLength(4);
    expect(await claim("w2", at(1_000))).toBeNull();
    const reclaimed = await claim("w2", at(60_000));
    expect(reclaimed!.rows).toHaveLength(10);
    expect(reclaimed!.rows.map((r) => r.gid)).toEqual(expect.arrayContaining(first!.rows.map((r) => r.gid)));
  });

  it("takes only due records of kinds it was asked for, and skips uninstalled shops", async () => {
    await markDirty(prisma, { shop, kind: "customer", gid: "gid://shopify/Customer/1", at: t0 });
    await prisma.syncState.createMany({
      data: [
        { shop, kind, gid: gid(1), status: "retry", nextAttemptAt: at(5_000) },
        { shop, kind, gid: gid(2), status: "synced", nextAttemptAt: t0 },
        { shop, kind, gid: gid(3), status: "failed", nextAttemptAt: t0 },
        { shop, kind, gid: gid(4), status: "stopped", nextAttemptAt: t0 },
        { shop, kind, gid: gid(5), status: "pending", nextAttemptAt: at(3_000) },
        { shop: "gone.myshopify.com", kind, gid: gid(6), status: "dirty", nextAttemptAt: t0 },
      ],
    });
    await prisma.shopSettings.create({ data: { shop: "gone.myshopify.com", uninstalledAt: t0 } });
    expect(await claim("w1", t0)).toBeNull();
    expect((await claim("w1", at(3_000)))!.rows.map((r) => r.gid)).toEqual([gid(5)]);
    expect(await claim("w1", at(5_000))).toBeNull(); // gid(5)'s lease keeps the pair busy
    expect((await claim("w1", at(70_000)))!.rows.map((r) => r.gid)).toEqual([gid(5), gid(1)]);
  });

  it("serves shops in turn, however large one shop's backlog", async () => {
    const shops = ["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"];
    await markManyDirty(prisma, {
      shop: shops[0],
      kind,
      gids: Array.from({ length: 100 }, (_, i) => gid(i)),
      at: at(-60_000),
    });
    await markDirty(prisma, { shop: shops[1], kind, gid: gid(1), at: t0 });
    await markDirty(prisma, { shop: shops[2], kind, gid: gid(1), at: t0 });
    const served: string[] = [];
    let after: { shop: string; kind: string } | undefined;
    for (let i = 0; i < 4; i++) {
      const batch = await claim(`w${i}`, t0, { batchSize: 10, after });
      served.push(batch!.shop);
      after = { shop: batch!.shop, kind: batch!.kind };
      await prisma.syncState.updateMany({
        where: { leaseOwner: batch!.token },
        data: { status: "synced", leaseOwner: null, leaseExpiresAt: null },
      });
    }
    expect(served).toEqual([shops[0], shops[1], shops[2], shops[0]]);
  });

  it("never gives one record to two workers claiming at the same time on separate connections", async () => {
    const second = openSecondClient();
    try {
      const shops = ["a.myshopify.com", "b.myshopify.com"];
      for (const s of shops) {
        await markManyDirty(prisma, { shop: s, kind, gids: Array.from({ length: 150 }, (_, i) => gid(i)), at: t0 });
      }
      const claimed: Record<string, string[]> = {};
      // Each worker claims, then finishes its batch, until nothing is left; random pauses between statements
      // make the four interleave at every step.
      const drain = async (db: typeof prisma, owner: string) => {
        claimed[owner] = [];
        for (;;) {
          const batch = await claimBatch(db, { owner, kinds: [kind], batchSize: 4, leaseMs: 60_000, now: at(1_000) });
          if (!batch) {
            if ((await db.syncState.count({ where: { status: "dirty" } })) === 0) return;
            continue;
          }
          claimed[owner].push(...batch.rows.map((r) => r.id));
          await db.syncState.updateMany({
            where: { leaseOwner: batch.token },
            data: { status: "synced", leaseOwner: null, leaseExpiresAt: null },
          });
        }
      };
      await Promise.all([
        drain(withDelays(prisma, randomPause), "w1"),
        drain(withDelays(second, randomPause), "w2"),
        drain(withDelays(prisma, randomPause), "w3"),
        drain(withDelays(second, randomPause), "w4"),
      ]);
      const all = Object.values(claimed).flat();
      expect(all).toHaveLength(300);
      expect(new Set(all).size).toBe(300);
      expect(Object.values(claimed).filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    } finally {
      await second.$disconnect();
    }
  });

  it("a worker that chose rows another has just claimed takes none of them", async () => {
    const second = openSecondClient();
    try {
      for (let n = 0; n < 5; n++) await markDirty(prisma, { shop, kind, gid: gid(n), at: t0 });
      const gate = deferred();
      const reachedUpdate = deferred();
      // The slow worker has picked its candidates and stops right before its UPDATE.
      const slow = withDelays(second, async (method) => {
        if (method === "syncState.updateMany") {
          reachedUpdate.resolve();
          await gate.promise;
        }
      });
      const slowClaim = claimBatch(slow, { owner: "slow", kinds: [kind], batchSize: 5, leaseMs: 60_000, now: at(1) });
      await reachedUpdate.promise;
      const fast = await claim("fast", at(1));
      expect(fast!.rows).toHaveLength(5);
      gate.resolve();
      expect(await slowClaim).toBeNull();
      expect(await prisma.syncState.count({ where: { leaseOwner: fast!.token } })).toBe(5);
    } finally {
      await second.$disconnect();
    }
  });
});

afterAll(() => prisma.$disconnect());
