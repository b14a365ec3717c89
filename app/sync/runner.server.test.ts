import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { CREDITS_EXHAUSTED } from "../joor/budget";
import { deferred, engineTestContext, manualClock, resetEngineTables } from "../../test/sync/db";
import { recordActivity } from "./activity.server";
import { ShopGoneError, SyncError, httpError } from "./errors";
import { HandlerRegistry, type SyncHandler, type SyncStateView } from "./registry";
import { engineTransactions, runSyncBatch, type RunContext } from "./runner.server";
import { resumeShopWork } from "./shop-work.server";
import { claimBatch, markDirty, markManyDirty } from "./sync-state.server";

const shop = "alpha.myshopify.com";
const kind = "product";
const gid = (n: number) => `gid://shopify/Product/${n}`;
const clock = manualClock();
const t0 = clock.now();
const at = (ms: number) => new Date(t0.getTime() + ms);

function setup(handler: SyncHandler, overrides: Partial<RunContext> = {}) {
  const registry = new HandlerRegistry();
  registry.registerSyncHandler(kind, handler, { flow: "catalog" });
  const ctx = engineTestContext(registry, clock.now, overrides);
  /** Claims the next batch as `owner` and runs it to the end; null when nothing was due. */
  const runOnce = async (owner = "w1") => {
    const batch = await claimBatch(prisma, {
      owner,
      kinds: registry.syncKinds(),
      batchSize: 50,
      leaseMs: ctx.leaseMs,
      now: ctx.now(),
    });
    return batch ? runSyncBatch(batch, ctx).done : null;
  };
  return { ctx, runOnce };
}

const row = (n: number, s = shop) =>
  prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: s, kind, gid: gid(n) } } });
const events = () => prisma.activityEvent.findMany({ orderBy: [{ createdAt: "asc" }, { recordGid: "asc" }] });

beforeEach(async () => {
  await resetEngineTables();
  clock.set(t0);
});

describe("running a batch", () => {
  it("hands all of a shop's dirty records of one kind to one handler call", async () => {
    await markManyDirty(prisma, { shop, kind, gids: Array.from({ length: 12 }, (_, i) => gid(i)), at: t0 });
    const calls: SyncStateView[][] = [];
    const { runOnce } = setup(async ({ states }) => {
      calls.push(states);
      return states.map((state) => ({ gid: state.gid, status: "synced", contentHash: `h-${state.gid}` }));
    });
    expect(await runOnce()).toEqual({ settled: 12, changed: 0, lost: 0, released: 0 });
    expect(calls).toHaveLength(1);
    expect(calls[0].map((state) => state.gid).sort()).toEqual(Array.from({ length: 12 }, (_, i) => gid(i)).sort());
    expect(await row(3)).toMatchObject({
      status: "synced",
      contentHash: `h-${gid(3)}`,
      lastSyncedAt: t0,
      dirtySince: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
    expect(await runOnce()).toBeNull();
  });

  it("writes each record's own outcome and records failures and stops in Activity", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [1, 2, 3, 4, 5, 6].map(gid), at: t0 });
    // Record 5 is in JOOR, so its stop is news.
    await prisma.syncState.updateMany({ where: { gid: gid(5) }, data: { joorId: "J5" } });
    const { runOnce } = setup(async () => [
      { gid: gid(1), status: "synced", joorId: "J1", details: { skuIds: ["s1"] } },
      { gid: gid(2), status: "pending", reason: "Waiting for JOOR validation", recheckAt: at(90_000), joorId: "J2" },
      { gid: gid(3), status: "unchanged" },
      { gid: gid(4), status: "failed", reason: "No variant has a SKU", label: "Linen shirt" },
      { gid: gid(5), status: "stopped", reason: "Tag JOOR_ENABLED removed" },
    ]);
    await runOnce();
    expect(await row(1)).toMatchObject({ status: "synced", joorId: "J1", details: '{"skuIds":["s1"]}' });
    expect(await row(2)).toMatchObject({
      status: "pending",
      joorId: "J2",
      nextAttemptAt: at(90_000),
      lastError: "Waiting for JOOR validation",
    });
    expect(await row(3)).toMatchObject({ status: "synced", lastSyncedAt: null });
    expect(await row(4)).toMatchObject({ status: "failed", lastError: "No variant has a SKU", attempts: 1 });
    expect(await row(5)).toMatchObject({ status: "stopped", lastError: "Tag JOOR_ENABLED removed" });
    expect(await row(6)).toMatchObject({ status: "retry", attempts: 1, nextAttemptAt: at(500) });
    expect((await events()).map((e) => [e.flow, e.action, e.status, e.recordGid, e.label, e.message])).toEqual([
      ["catalog", "sync", "failed", gid(4), "Linen shirt", "No variant has a SKU"],
      ["catalog", "sync", "stopped", gid(5), null, "Tag JOOR_ENABLED removed"],
      ["catalog", "sync", "retry", gid(6), null, "The sync handler returned no outcome for this record"],
    ]);
  });

  it("keeps a record dirty when it changed during the sync, without losing what the sync learned", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: t0 });
    const seen: SyncStateView[][] = [];
    const { runOnce } = setup(async ({ states }) => {
      seen.push(states);
      if (seen.length === 1) await markDirty(prisma, { shop, kind, gid: gid(1), at: at(10) });
      return states.map((state) => ({ gid: state.gid, status: "synced", joorId: `J-${state.gid}`, contentHash: "v1" }));
    });
    expect(await runOnce()).toMatchObject({ settled: 1, changed: 1 });
    expect(await row(1)).toMatchObject({
      status: "dirty",
      dirtySeq: 2,
      dirtySince: t0,
      joorId: `J-${gid(1)}`,
      contentHash: "v1",
    });
    expect(await row(2)).toMatchObject({ status: "synced", dirtySeq: 1, dirtySince: null });
    clock.set(at(10));
    expect(await runOnce()).toMatchObject({ settled: 1 });
    expect(seen[1].map((state) => [state.gid, state.joorId, state.dirtySeq])).toEqual([[gid(1), `J-${gid(1)}`, 2]]);
    expect(await row(1)).toMatchObject({ status: "synced", dirtySince: null });
  });
});

describe("sharing the process with webhook intake", () => {
  it("runs each engine step in its own transaction, so an intake rollback at that moment cannot undo it", async () => {
    const transact = engineTransactions(prisma);
    const intakeOpen = deferred();
    const rollBack = deferred();
    const intake = prisma
      .$transaction(async (tx) => {
        await tx.webhookDelivery.create({ data: { webhookId: "dup", shop, topic: "PRODUCTS_UPDATE" } });
        intakeOpen.resolve();
        await rollBack.promise;
        throw new Error("duplicate delivery");
      })
      .catch((error: Error) => error.message);
    await intakeOpen.promise;
    // Single-statement writes (create, raw SQL) are the ones that would otherwise run inside intake's transaction.
    const step = transact(async (db) => {
      await recordActivity(db, { shop, flow: "catalog", action: "sync", status: "failed", message: "m" });
      await markDirty(db, { shop, kind, gid: gid(1), at: t0 });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    rollBack.resolve();
    expect(await intake).toBe("duplicate delivery");
    await step;
    expect(await prisma.webhookDelivery.count()).toBe(0);
    expect(await prisma.activityEvent.count()).toBe(1);
    expect(await row(1)).toMatchObject({ status: "dirty", dirtySeq: 1 });
  });

  it("writes a batch's outcomes once an intake transaction open at the same time has rolled back", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: t0 });
    const handlerReached = deferred();
    const handlerGo = deferred();
    const { runOnce } = setup(async () => {
      handlerReached.resolve();
      await handlerGo.promise;
      return [
        { gid: gid(1), status: "synced", joorId: "J1" },
        { gid: gid(2), status: "failed", reason: "JOOR refused the style", joorId: "J2" },
      ];
    });
    const running = runOnce();
    await handlerReached.promise;
    const intakeOpen = deferred();
    const rollBack = deferred();
    // A duplicate delivery: intake's transaction fails on the unique delivery id and rolls back.
    const intake = prisma
      .$transaction(async (tx) => {
        await tx.webhookDelivery.create({ data: { webhookId: "dup", shop, topic: "PRODUCTS_UPDATE" } });
        intakeOpen.resolve();
        await rollBack.promise;
        throw new Error("duplicate delivery");
      })
      .catch((error: Error) => error.message);
    await intakeOpen.promise;
    handlerGo.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));
    rollBack.resolve();
    expect(await intake).toBe("duplicate delivery");
    expect(await running).toMatchObject({ settled: 2 });
    expect(await row(1)).toMatchObject({ status: "synced", joorId: "J1", leaseOwner: null });
    expect(await row(2)).toMatchObject({ status: "failed", joorId: "J2", leaseOwner: null });
    expect((await events()).map((e) => [e.recordGid, e.status])).toEqual([[gid(2), "failed"]]);
  });
});

describe("retries", () => {
  it("backs off exponentially with jitter and gives up after maxAttempts with the last reason", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: t0 });
    let calls = 0;
    const { runOnce } = setup(async () => {
      calls += 1;
      throw new Error(calls < 3 ? "JOOR timed out" : "JOOR reset the connection");
    });
    await runOnce();
    expect(await row(1)).toMatchObject({
      status: "retry",
      attempts: 1,
      nextAttemptAt: at(500),
      lastError: "JOOR timed out",
    });
    clock.set(at(499));
    expect(await runOnce()).toBeNull();
    clock.set(at(500));
    await runOnce();
    expect(await row(2)).toMatchObject({ status: "retry", attempts: 2, nextAttemptAt: at(1_500) });
    clock.set(at(1_500));
    await runOnce();
    expect(await row(1)).toMatchObject({ status: "failed", attempts: 3, lastError: "JOOR reset the connection" });
    expect(await runOnce()).toBeNull();
    // One retry event per record for the streak, then the failure.
    expect((await events()).map((e) => [e.recordGid, e.status, e.message])).toEqual([
      [gid(1), "retry", "JOOR timed out"],
      [gid(2), "retry", "JOOR timed out"],
      [gid(1), "failed", "JOOR reset the connection"],
      [gid(2), "failed", "JOOR reset the connection"],
    ]);
  });

  it("waits at least the remote's Retry-After, and fails a terminal error at once", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: t0 });
    const { runOnce } = setup(async () => [
      { gid: gid(1), status: "retry", error: httpError("JOOR", 503, "maintenance", 30_000) },
      { gid: gid(2), status: "retry", error: httpError("JOOR", 404, "style 77 not found") },
    ]);
    await runOnce();
    expect(await row(1)).toMatchObject({ status: "retry", attempts: 1, nextAttemptAt: at(30_000) });
    expect(await row(2)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "JOOR answered HTTP 404: style 77 not found",
    });
  });

  it("waits out a rate limit without spending attempts, and new changes do not cut the wait short", async () => {
    await markDirty(prisma, { shop, kind, gid: gid(1), at: t0 });
    let calls = 0;
    const { runOnce } = setup(async ({ states }) => {
      calls += 1;
      if (calls === 1) {
        throw new SyncError("JOOR credits used up", {
          terminal: false,
          retryAfterMs: 120_000,
          code: CREDITS_EXHAUSTED,
        });
      }
      return states.map((state) => ({ gid: state.gid, status: "synced" }));
    });
    await runOnce();
    expect(await row(1)).toMatchObject({ status: "throttled", attempts: 0, nextAttemptAt: at(120_000) });
    clock.set(at(1_000));
    await markDirty(prisma, { shop, kind, gid: gid(1), at: clock.now() });
    expect(await runOnce()).toBeNull();
    clock.set(at(120_000));
    await runOnce();
    expect(await row(1)).toMatchObject({ status: "synced", attempts: 0 });
    expect(await events()).toEqual([]);
  });
});

describe("a shop that is gone", () => {
  it("stops all of the shop's work at once, without spending attempts, until it is back", async () => {
    const other = "beta.myshopify.com";
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: t0 });
    await prisma.syncState.update({
      where: { shop_kind_gid: { shop, kind, gid: gid(2) } },
      data: { status: "retry", attempts: 2 },
    });
    await markDirty(prisma, { shop: other, kind, gid: gid(1), at: at(1) });
    await prisma.scheduledTask.create({ data: { shop, kind: "orders-poll", nextRunAt: t0, intervalSeconds: 300 } });
    const shopsSeen: string[] = [];
    let installed = false;
    const { runOnce } = setup(async ({ shop: current, states }) => {
      shopsSeen.push(current);
      if (current === shop && !installed) throw new ShopGoneError(shop);
      return states.map((state) => ({ gid: state.gid, status: "synced" }));
    });
    expect(await runOnce()).toMatchObject({ released: 2, settled: 0 });
    expect(await row(1)).toMatchObject({ status: "dirty", attempts: 0, leaseOwner: null });
    expect(await row(2)).toMatchObject({ status: "retry", attempts: 2, leaseOwner: null });
    expect(await prisma.shopSettings.findUnique({ where: { shop } })).toMatchObject({ uninstalledAt: t0 });
    expect(await prisma.scheduledTask.findFirst({ where: { shop } })).toMatchObject({
      status: "paused",
      lastError: `The app is not installed on ${shop}`,
    });
    clock.set(at(1));
    expect(await runOnce()).toMatchObject({ settled: 1 });
    clock.set(at(3_600_000));
    expect(await runOnce()).toBeNull();
    expect(shopsSeen).toEqual([shop, other]);

    installed = true;
    await prisma.shopSettings.update({ where: { shop }, data: { uninstalledAt: null } });
    await resumeShopWork(prisma, shop, clock.now());
    expect(await prisma.scheduledTask.findFirst({ where: { shop } })).toMatchObject({
      status: "scheduled",
      nextRunAt: clock.now(),
    });
    expect(await runOnce()).toMatchObject({ settled: 2 });
  });
});

describe("leases", () => {
  it("renews the lease while a handler runs longer than the lease", async () => {
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)], at: new Date() });
    const inside = deferred();
    const finish = deferred();
    const { runOnce } = setup(
      async ({ states }) => {
        inside.resolve();
        await finish.promise;
        return states.map((state) => ({ gid: state.gid, status: "synced" }));
      },
      { leaseMs: 90, now: () => new Date() },
    );
    const running = runOnce();
    await inside.promise;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rival = await claimBatch(prisma, {
      owner: "rival",
      kinds: [kind],
      batchSize: 50,
      leaseMs: 90,
      now: new Date(),
    });
    expect(rival).toBeNull();
    finish.resolve();
    expect(await running).toMatchObject({ settled: 2, lost: 0 });
  });

  it("aborts a handler whose lease was taken over, and drops its late results", async () => {
    await markDirty(prisma, { shop, kind, gid: gid(1), at: new Date() });
    const inside = deferred();
    let aborted: unknown = null;
    const { runOnce } = setup(
      async ({ states, signal }) => {
        inside.resolve();
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        aborted = signal.reason;
        return states.map((state) => ({ gid: state.gid, status: "synced", joorId: "stale" }));
      },
      { leaseMs: 60, now: () => new Date() },
    );
    const running = runOnce();
    await inside.promise;
    // Another worker took the record over (as after an expired lease).
    await prisma.syncState.updateMany({
      data: { leaseOwner: "rival/1", leaseExpiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await running).toMatchObject({ settled: 0, changed: 0, lost: 1 });
    expect(aborted).toMatchObject({ name: "LeaseLostError" });
    expect(await row(1)).toMatchObject({ status: "dirty", joorId: null, leaseOwner: "rival/1" });
  });
});

afterAll(() => prisma.$disconnect());
