import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { setLogSink } from "~/logger.server";
import { deferred, eventually, resetEngineTables, withDelays } from "../../test/sync/db";
import { HandlerRegistry, type SyncHandler } from "./registry";
import { markDirty, markManyDirty } from "./sync-state.server";
import { scheduleTask } from "./tasks.server";
import { currentWorkerStatus, kindBatchSizes, nudgeWorker, startWorker, type WorkerHandle, type WorkerOptions } from "./worker.server";

const shop = "alpha.myshopify.com";
const kind = "customer";
const gid = (n: number) => `gid://shopify/Customer/${n}`;
const synced: SyncHandler = async ({ states }) => states.map((state) => ({ gid: state.gid, status: "synced" }));

let workers: WorkerHandle[] = [];
function start(registry: HandlerRegistry, options: WorkerOptions = {}): WorkerHandle {
  // A long idle sleep: anything processed quickly was woken by a nudge or found by a busy loop, not a poll.
  const worker = startWorker({ registry, owner: `test-${workers.length}`, idleMs: 60_000, leaseMs: 5_000, ...options });
  workers.push(worker);
  return worker;
}
const countStatus = (status: string) => prisma.syncState.count({ where: { status } });

beforeEach(() => resetEngineTables());
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
});

describe("the worker loop", () => {
  it("wakes on nudgeWorker instead of waiting out its idle sleep, and reports its status", async () => {
    const registry = new HandlerRegistry();
    registry.registerSyncHandler(kind, synced);
    const worker = start(registry, { owner: "web-1" });
    await eventually(async () => worker.status().lastTickAt);
    await markDirty(prisma, { shop, kind, gid: gid(1) });
    nudgeWorker();
    await eventually(async () => (await countStatus("synced")) === 1);
    expect(worker.status()).toMatchObject({ running: true, owner: "web-1", batchesProcessed: 1, lastError: null });
    expect(currentWorkerStatus()).toMatchObject({ owner: "web-1", running: true });
    await worker.stop();
    expect(worker.status().running).toBe(false);
    expect(currentWorkerStatus()).toBeNull();
  });

  it("keeps claiming while work is due: a backlog larger than a batch, plus tasks, from one nudge", async () => {
    const registry = new HandlerRegistry();
    const batchSizes: number[] = [];
    registry.registerSyncHandler(kind, async (context) => {
      batchSizes.push(context.states.length);
      return synced(context);
    });
    registry.registerTaskHandler("reconcile", async () => ({ done: true }));
    await markManyDirty(prisma, { shop, kind, gids: Array.from({ length: 25 }, (_, i) => gid(i)) });
    await scheduleTask(prisma, { shop, kind: "reconcile", runAt: new Date() });
    const worker = start(registry, { batchSize: 10 });
    await eventually(async () => (await countStatus("synced")) === 25 && worker.status().tasksProcessed === 1);
    expect(batchSizes).toEqual([10, 10, 5]);
    expect(await prisma.scheduledTask.findFirst()).toMatchObject({ status: "done" });
  });

  it("claims each kind's own batch size, within a batch size configured for the worker", async () => {
    const sizes = async (options: WorkerOptions) => {
      await resetEngineTables();
      const registry = new HandlerRegistry();
      const seen: Record<string, number[]> = { customer: [], product: [] };
      const record: SyncHandler = async (context) => {
        seen[context.kind].push(context.states.length);
        return synced(context);
      };
      registry.registerSyncHandler("customer", record, { batchSize: 4 });
      registry.registerSyncHandler("product", record);
      await markManyDirty(prisma, { shop, kind: "customer", gids: Array.from({ length: 10 }, (_, i) => gid(i)) });
      await markManyDirty(prisma, { shop, kind: "product", gids: Array.from({ length: 7 }, (_, i) => `gid://shopify/Product/${i}`) });
      const worker = start(registry, options);
      await eventually(async () => (await countStatus("synced")) === 17);
      await worker.stop();
      return seen;
    };
    expect(await sizes({})).toEqual({ customer: [4, 4, 2], product: [7] });
    expect(await sizes({ batchSize: 3 })).toEqual({ customer: [3, 3, 3, 1], product: [3, 3, 1] });
  });

  it("leaves kinds without a handler dirty and visible", async () => {
    const registry = new HandlerRegistry();
    registry.registerSyncHandler(kind, synced);
    await markDirty(prisma, { shop, kind: "inventoryItem", gid: "gid://shopify/InventoryItem/1" });
    await markDirty(prisma, { shop, kind, gid: gid(1) });
    start(registry);
    await eventually(async () => (await countStatus("synced")) === 1);
    expect(await prisma.syncState.findFirst({ where: { kind: "inventoryItem" } })).toMatchObject({
      status: "dirty",
      leaseOwner: null,
    });
  });

  it("survives a failing claim, reports it, and carries on", async () => {
    const registry = new HandlerRegistry();
    registry.registerSyncHandler(kind, synced);
    const logged: string[] = [];
    const previousSink = setLogSink((line) => logged.push(line));
    let failures = 1;
    const flaky = withDelays(prisma, async (method) => {
      if (method === "$queryRaw" && failures-- > 0) throw new Error("database is locked");
    });
    await markDirty(prisma, { shop, kind, gid: gid(1) });
    const worker = start(registry, { db: flaky, idleMs: 10 });
    try {
      await eventually(async () => (await countStatus("synced")) === 1);
    } finally {
      setLogSink(previousSink);
    }
    expect(worker.status().lastError).toMatchObject({ message: "database is locked" });
    expect(logged.some((line) => line.includes("The sync worker loop failed"))).toBe(true);
  });

  it("prunes old webhook deliveries as housekeeping", async () => {
    const now = Date.now();
    await prisma.webhookDelivery.createMany({
      data: [
        { webhookId: "old", shop, topic: "CUSTOMERS_UPDATE", receivedAt: new Date(now - 8 * 86_400_000) },
        { webhookId: "recent", shop, topic: "CUSTOMERS_UPDATE", receivedAt: new Date(now - 86_400_000) },
      ],
    });
    start(new HandlerRegistry());
    await eventually(async () => (await prisma.webhookDelivery.count()) === 1);
    expect(await prisma.webhookDelivery.findFirst()).toMatchObject({ webhookId: "recent" });
  });
});

describe("graceful shutdown", () => {
  it("stops claiming, waits for the running batch, and leaves unstarted work unclaimed", async () => {
    const registry = new HandlerRegistry();
    const inside = deferred();
    const release = deferred();
    const order: string[] = [];
    registry.registerSyncHandler(kind, async (context) => {
      order.push(`handler ${context.shop}`);
      inside.resolve();
      await release.promise;
      order.push("handler finished");
      return synced(context);
    });
    await markDirty(prisma, { shop: "a.myshopify.com", kind, gid: gid(1) });
    await markDirty(prisma, { shop: "b.myshopify.com", kind, gid: gid(2) });
    const worker = start(registry, { concurrency: 1 });
    await inside.promise;
    const stopped = worker.stop().then(() => order.push("stopped"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    release.resolve();
    await stopped;
    expect(order).toEqual(["handler a.myshopify.com", "handler finished", "stopped"]);
    expect(
      await prisma.syncState.findMany({
        orderBy: { shop: "asc" },
        select: { shop: true, status: true, leaseOwner: true },
      }),
    ).toEqual([
      { shop: "a.myshopify.com", status: "synced", leaseOwner: null },
      { shop: "b.myshopify.com", status: "dirty", leaseOwner: null },
    ]);
  });

  it("hands back work claimed while stopping without starting it", async () => {
    const registry = new HandlerRegistry();
    const handled: string[] = [];
    registry.registerSyncHandler(kind, async (context) => {
      handled.push(...context.states.map((state) => state.gid));
      return synced(context);
    });
    const claiming = deferred();
    const gate = deferred();
    // The worker is held inside its claim (right before the UPDATE that takes the rows) while stop() arrives.
    const held = withDelays(prisma, async (method) => {
      if (method === "syncState.updateMany") {
        claiming.resolve();
        await gate.promise;
      }
    });
    await markDirty(prisma, { shop, kind, gid: gid(1) });
    const worker = start(registry, { db: held });
    await claiming.promise;
    const stopped = worker.stop();
    gate.resolve();
    await stopped;
    expect(handled).toEqual([]);
    expect(await prisma.syncState.findFirst()).toMatchObject({
      status: "dirty",
      attempts: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  });

  it("hands back the leases of work that does not finish in time, without spending attempts", async () => {
    const registry = new HandlerRegistry();
    const inside = deferred();
    let abortReason: unknown = null;
    registry.registerSyncHandler(kind, async ({ signal }) => {
      signal.addEventListener("abort", () => {
        abortReason = signal.reason;
      });
      inside.resolve();
      return new Promise(() => {});
    });
    registry.registerTaskHandler("backfill", async ({ saveState }) => {
      await saveState({ page: 3 });
      return new Promise(() => {});
    });
    await markManyDirty(prisma, { shop, kind, gids: [gid(1), gid(2)] });
    await scheduleTask(prisma, { shop, kind: "backfill", runAt: new Date() });
    const worker = start(registry, { concurrency: 2, shutdownTimeoutMs: 50 });
    await inside.promise;
    await eventually(async () => (await prisma.scheduledTask.findFirst())?.state === '{"page":3}');
    await worker.stop();
    expect(abortReason).toMatchObject({ message: "The worker stopped before this work finished" });
    expect(await prisma.syncState.findMany({ select: { status: true, attempts: true, leaseOwner: true } })).toEqual([
      { status: "dirty", attempts: 0, leaseOwner: null },
      { status: "dirty", attempts: 0, leaseOwner: null },
    ]);
    expect(await prisma.scheduledTask.findFirst()).toMatchObject({
      status: "scheduled",
      leaseOwner: null,
      state: '{"page":3}',
    });

    const next = new HandlerRegistry();
    next.registerSyncHandler(kind, synced);
    const resumedFrom: unknown[] = [];
    next.registerTaskHandler("backfill", async ({ state }) => {
      resumedFrom.push(state);
      return { done: true };
    });
    start(next);
    await eventually(async () => (await countStatus("synced")) === 2 && resumedFrom.length === 1);
    expect(resumedFrom).toEqual([{ page: 3 }]);
  });
});

afterAll(() => prisma.$disconnect());

describe("kindBatchSizes", () => {
  it("keeps each kind's own size unless the worker's configured size is smaller", () => {
    expect(kindBatchSizes({ customer: 500, inventoryItem: 1_000 }, undefined)).toEqual({ customer: 500, inventoryItem: 1_000 });
    expect(kindBatchSizes({ customer: 500, product: 5 }, 10)).toEqual({ customer: 10, product: 5 });
  });

  it("refuses to register a batch size below one", () => {
    expect(() => new HandlerRegistry().registerSyncHandler(kind, synced, { batchSize: 0 })).toThrow(/batch size/);
  });
});
