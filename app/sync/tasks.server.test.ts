import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { deferred, engineTestContext, manualClock, resetEngineTables } from "../../test/sync/db";
import { ShopGoneError, httpError } from "./errors";
import { HandlerRegistry, type TaskContext, type TaskHandler } from "./registry";
import { runTask } from "./runner.server";
import { claimTask, scheduleTask, taskProgress, wakeTask, wakeWaitingTasks } from "./tasks.server";

const shop = "alpha.myshopify.com";
const kind = "catalog-backfill";
const clock = manualClock();
const t0 = clock.now();
const at = (ms: number) => new Date(t0.getTime() + ms);

function setup(handler: TaskHandler) {
  const registry = new HandlerRegistry();
  registry.registerTaskHandler(kind, handler, { flow: "catalog" });
  const ctx = engineTestContext(registry, clock.now, { waitTimeoutMs: 600_000 });
  /** Claims the next due task as `owner` and runs it to the end; null when none was due. */
  const runOnce = async (owner = "w1") => {
    const claimed = await claimTask(prisma, {
      owner,
      kinds: registry.taskKinds(),
      leaseMs: ctx.leaseMs,
      now: clock.now(),
    });
    return claimed ? runTask(claimed, ctx).done : null;
  };
  return { ctx, runOnce };
}

const task = () => prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop, kind } } });

beforeEach(async () => {
  await resetEngineTables();
  clock.set(t0);
});

describe("scheduleTask", () => {
  it("is an idempotent upsert that keeps the schedule and saved state unless asked", async () => {
    await Promise.all(
      [1, 2, 3].map(() =>
        scheduleTask(prisma, { shop, kind, runAt: t0, intervalSeconds: 300, state: { cursor: "a" } }),
      ),
    );
    expect(await prisma.scheduledTask.count()).toBe(1);
    await prisma.scheduledTask.update({
      where: { shop_kind: { shop, kind } },
      data: { nextRunAt: at(300_000), lastError: "x" },
    });
    const again = await scheduleTask(prisma, { shop, kind, intervalSeconds: 600 });
    expect(again).toMatchObject({
      status: "scheduled",
      nextRunAt: at(300_000),
      intervalSeconds: 600,
      state: { cursor: "a" },
    });
    await scheduleTask(prisma, { shop, kind, state: null });
    expect(await task()).toMatchObject({ state: null });
  });

  it("arms a finished or failed task again when given a time", async () => {
    await prisma.scheduledTask.create({
      data: { shop, kind, status: "failed", attempts: 3, nextRunAt: t0, state: '{"page":9}' },
    });
    const armed = await scheduleTask(prisma, { shop, kind, runAt: at(5_000) });
    expect(armed).toMatchObject({ status: "scheduled", attempts: 0, nextRunAt: at(5_000), state: { page: 9 } });
  });
});

describe("running tasks", () => {
  it("runs a periodic task again an interval after each run started, keeping its state between runs", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0, intervalSeconds: 60 });
    const states: unknown[] = [];
    const { runOnce } = setup(async ({ state, saveState }) => {
      states.push(state);
      await saveState({ lastPolledAt: clock.now().toISOString() });
      return { done: true };
    });
    expect(await runOnce()).toBe("written");
    expect(await task()).toMatchObject({ status: "scheduled", nextRunAt: at(60_000), lastRunAt: t0, leaseOwner: null });
    clock.set(at(59_999));
    expect(await runOnce()).toBeNull();
    clock.set(at(60_000));
    expect(await runOnce()).toBe("written");
    expect(states).toEqual([null, { lastPolledAt: t0.toISOString() }]);
    expect(await task()).toMatchObject({ nextRunAt: at(120_000) });
  });

  it("waits for wakeTask, then resumes from its saved state", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    const { runOnce } = setup(async ({ state, saveState }) => {
      if (state === null) {
        await saveState({ bulkOperation: "gid://shopify/BulkOperation/1" });
        return { waiting: true };
      }
      return { done: true };
    });
    await runOnce();
    expect(await task()).toMatchObject({ status: "waiting", nextRunAt: at(600_000) });
    clock.set(at(5_000));
    expect(await runOnce()).toBeNull();
    expect(await wakeTask(prisma, shop, kind, clock.now())).toBe(true);
    expect(await runOnce()).toBe("written");
    expect(await task()).toMatchObject({ status: "done", state: '{"bulkOperation":"gid://shopify/BulkOperation/1"}' });
  });

  it("does not lose a wake-up that arrives before the task says it is waiting", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    let runs = 0;
    const { runOnce } = setup(async () => {
      runs += 1;
      if (runs === 1) {
        // The bulk operation finished so fast that its webhook beats the handler's return.
        expect(await wakeWaitingTasks(prisma, shop, at(10))).toBe(1);
        return { waiting: true };
      }
      return { done: true };
    });
    expect(await runOnce()).toBe("rerun");
    expect(await task()).toMatchObject({ status: "scheduled", nextRunAt: at(10) });
    clock.set(at(10));
    await runOnce();
    expect(runs).toBe(2);
    expect(await task()).toMatchObject({ status: "done" });
  });

  it("resumes from the saved state after the lease of a stuck run expires, and ignores the stuck run", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    const stuck = deferred();
    const firstSaved = deferred();
    const seen: Array<{ owner: string; state: unknown }> = [];
    let firstContext: TaskContext | undefined;
    const { ctx, runOnce } = setup(async (context) => {
      const owner = context.task.lastRunAt!.getTime() === t0.getTime() ? "first" : "second";
      seen.push({ owner, state: context.state });
      let done = (context.state as { done?: number } | null)?.done ?? 0;
      if (owner === "first") {
        firstContext = context;
        await context.saveState({ done: 2 });
        firstSaved.resolve();
        await stuck.promise;
        return { done: true };
      }
      while (done < 5) await context.saveState({ done: ++done });
      return { done: true };
    });
    const first = runOnce("first");
    await firstSaved.promise;
    clock.set(at(ctx.leaseMs - 1));
    expect(await runOnce("second")).toBeNull();
    clock.set(at(ctx.leaseMs));
    expect(await runOnce("second")).toBe("written");
    await expect(firstContext!.saveState({ done: 3 })).rejects.toThrow("lease on this work was lost");
    stuck.resolve();
    expect(await first).toBe("lost");
    expect(seen).toEqual([
      { owner: "first", state: null },
      { owner: "second", state: { done: 2 } },
    ]);
    expect(await task()).toMatchObject({ status: "done", state: '{"done":5}' });
  });

  it("retries a failed run with backoff, fails a terminal error, and records both", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    let runs = 0;
    const { runOnce } = setup(async () => {
      runs += 1;
      throw runs === 1 ? new Error("Shopify timed out") : httpError("JOOR", 401, "bad credentials");
    });
    await runOnce();
    expect(await task()).toMatchObject({
      status: "retry",
      attempts: 1,
      nextRunAt: at(500),
      lastError: "Shopify timed out",
    });
    clock.set(at(500));
    await runOnce();
    expect(await task()).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: "JOOR answered HTTP 401: bad credentials",
    });
    clock.set(at(3_600_000));
    expect(await runOnce()).toBeNull();
    const events = await prisma.activityEvent.findMany({ orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.flow, e.action, e.status, e.message])).toEqual([
      ["catalog", kind, "retry", "Shopify timed out"],
      ["catalog", kind, "failed", "JOOR answered HTTP 401: bad credentials"],
    ]);
  });

  it("pauses the shop's tasks when the shop is gone", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    await scheduleTask(prisma, { shop, kind: "orders-poll", runAt: at(60_000), intervalSeconds: 300 });
    const { runOnce } = setup(async () => {
      throw new ShopGoneError(shop);
    });
    expect(await runOnce()).toBe("shop-gone");
    const tasks = await prisma.scheduledTask.findMany({ orderBy: { kind: "asc" } });
    expect(tasks.map((t) => [t.kind, t.status, t.attempts, t.leaseOwner])).toEqual([
      [kind, "paused", 0, null],
      ["orders-poll", "paused", 0, null],
    ]);
    expect(await prisma.shopSettings.findUnique({ where: { shop } })).toMatchObject({ uninstalledAt: t0 });
  });
});

describe("taskProgress", () => {
  it("shows each task's status and the progress its handler saved", async () => {
    await scheduleTask(prisma, { shop, kind, runAt: t0 });
    await scheduleTask(prisma, { shop, kind: "orders-poll", runAt: at(300_000), intervalSeconds: 300 });
    const inside = deferred();
    const finish = deferred();
    const { runOnce } = setup(async ({ saveState }) => {
      await saveState({ cursor: "abc", progress: { done: 40, total: 250 } });
      inside.resolve();
      await finish.promise;
      return { nextRunAt: at(1_000) };
    });
    const running = runOnce();
    await inside.promise;
    const during = await taskProgress(prisma, shop, undefined, clock.now());
    expect(during.map((t) => [t.kind, t.status, t.running, t.progress])).toEqual([
      [kind, "running", true, { done: 40, total: 250 }],
      ["orders-poll", "scheduled", false, null],
    ]);
    finish.resolve();
    await running;
    const [after] = await taskProgress(prisma, shop, kind, clock.now());
    expect(after).toMatchObject({
      status: "scheduled",
      running: false,
      nextRunAt: at(1_000),
      state: { cursor: "abc", progress: { done: 40, total: 250 } },
    });
  });
});

afterAll(() => prisma.$disconnect());
