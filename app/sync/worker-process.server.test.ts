import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { eventually, resetEngineTables } from "../../test/sync/db";
import { spawnTsx } from "../../test/sync/processes";
import { HandlerRegistry } from "./registry";
import { claimBatch, markManyDirty } from "./sync-state.server";
import { scheduleTask } from "./tasks.server";
import { startWorker } from "./worker.server";
import { workerOptionsFromEnv } from "./worker-process.server";

/**
 * Real processes on the test's SQLite file: a worker killed with SIGKILL mid-work, and workers competing for
 * the same rows. The dead worker's lease is 60 s; the rescuing worker runs on a clock 61 s ahead rather than
 * making the test wait.
 */
const CHILD = "test/sync/child-worker.ts";
const shop = "alpha.myshopify.com";
const gid = (n: number) => `gid://shopify/Product/${n}`;
const pastDeadLease = () => new Date(Date.now() + 61_000);

beforeEach(() => resetEngineTables());

describe("a worker process killed mid-work", () => {
  it("loses no record: once its lease expires another worker syncs each exactly once", async () => {
    const gids = [1, 2, 3, 4, 5].map(gid);
    await markManyDirty(prisma, { shop, kind: "product", gids });
    const doomed = spawnTsx(CHILD, ["hang-batch", "product", "doomed"]);
    const claimed = (await doomed.waitFor(/^@@claimed /)).slice("@@claimed ".length).split(",");
    expect(claimed.sort()).toEqual([...gids].sort());
    doomed.process.kill("SIGKILL");
    expect(await doomed.exited).toMatchObject({ signal: "SIGKILL" });

    const rows = await prisma.syncState.findMany();
    expect(rows.every((row) => row.leaseOwner?.startsWith("doomed/") && row.status === "dirty")).toBe(true);
    const live = await claimBatch(prisma, {
      owner: "eager",
      kinds: ["product"],
      batchSize: 50,
      leaseMs: 1_000,
      now: new Date(),
    });
    expect(live).toBeNull();

    const handled = new Map<string, number>();
    const registry = new HandlerRegistry();
    registry.registerSyncHandler("product", async ({ states }) => {
      for (const state of states) handled.set(state.gid, (handled.get(state.gid) ?? 0) + 1);
      return states.map((state) => ({ gid: state.gid, status: "synced" }));
    });
    const rescuer = startWorker({ registry, owner: "rescuer", now: pastDeadLease, idleMs: 20 });
    try {
      await eventually(async () => (await prisma.syncState.count({ where: { status: "synced" } })) === 5);
    } finally {
      await rescuer.stop();
    }
    expect([...handled.entries()].sort()).toEqual(gids.map((g) => [g, 1]).sort());
    expect(await prisma.syncState.count({ where: { leaseOwner: { not: null } } })).toBe(0);
  });

  it("resumes a killed task from the state it last saved", async () => {
    await scheduleTask(prisma, { shop, kind: "backfill", runAt: new Date() });
    const doomed = spawnTsx(CHILD, ["hang-task", "backfill", "doomed"]);
    await doomed.waitFor(/^@@saved 4$/);
    doomed.process.kill("SIGKILL");
    await doomed.exited;
    expect(await prisma.scheduledTask.findFirst()).toMatchObject({
      status: "running",
      state: '{"done":4,"progress":{"done":4,"total":10}}',
    });

    const resumedFrom: unknown[] = [];
    const steps: number[] = [];
    const registry = new HandlerRegistry();
    registry.registerTaskHandler("backfill", async ({ state, saveState }) => {
      resumedFrom.push(state);
      let done = (state as { done: number }).done;
      while (done < 10) {
        steps.push(++done);
        await saveState({ done, progress: { done, total: 10 } });
      }
      return { done: true };
    });
    const rescuer = startWorker({ registry, owner: "rescuer", now: pastDeadLease, idleMs: 20 });
    try {
      await eventually(async () => (await prisma.scheduledTask.findFirst())?.status === "done");
    } finally {
      await rescuer.stop();
    }
    expect(resumedFrom).toEqual([{ done: 4, progress: { done: 4, total: 10 } }]);
    expect(steps).toEqual([5, 6, 7, 8, 9, 10]);
  });
});

describe("worker processes sharing one database", () => {
  it("never process a record twice, and stop gracefully on SIGTERM", async () => {
    const workers = ["p1", "p2"].map((owner) =>
      spawnTsx(CHILD, ["process", "customer", owner], { CHILD_LEASE_MS: "5000" }),
    );
    await Promise.all(workers.map((worker) => worker.waitFor(/^@@started$/)));
    const shops = ["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"];
    const expected: string[] = [];
    for (const s of shops) {
      const gids = Array.from({ length: 60 }, (_, i) => `gid://shopify/Customer/${i}`);
      await markManyDirty(prisma, { shop: s, kind: "customer", gids });
      expected.push(...gids.map((g) => `${s} ${g}`));
    }
    await eventually(async () => (await prisma.syncState.count({ where: { status: "synced" } })) === 180, 20_000);
    for (const worker of workers) worker.process.kill("SIGTERM");
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    const done = workers.map((worker) =>
      worker.lines.filter((line) => line.startsWith("@@done ")).map((line) => line.slice(7)),
    );
    expect([...done[0], ...done[1]].sort()).toEqual(expected.sort());
    expect(done[0].length).toBeGreaterThan(0);
    expect(done[1].length).toBeGreaterThan(0);
    expect(workers.every((worker) => worker.lines.includes("@@stopped"))).toBe(true);
  });
});

describe("npm run worker", () => {
  it("starts the worker and exits 0 after a graceful stop on SIGTERM", async () => {
    const entry = spawnTsx("app/sync/worker-process.server.ts", [], {
      LOG_LEVEL: "info",
      SYNC_WORKER_NAME: "entry-test",
    });
    await entry.waitFor(/"msg":"Sync worker started".*"owner":"entry-test"/);
    entry.process.kill("SIGTERM");
    expect(await entry.exited).toEqual({ code: 0, signal: null });
    expect(entry.lines.some((line) => line.includes('"msg":"Sync worker stopped"'))).toBe(true);
  });

  it("reads its settings from the environment", () => {
    expect(workerOptionsFromEnv({ SYNC_BATCH_SIZE: "20", SYNC_LEASE_MS: "", SYNC_CONCURRENCY: "4" })).toEqual({
      owner: undefined,
      batchSize: 20,
      leaseMs: undefined,
      idleMs: undefined,
      concurrency: 4,
      shutdownTimeoutMs: undefined,
    });
    expect(() => workerOptionsFromEnv({ SYNC_IDLE_MS: "soon" })).toThrow(
      "SYNC_IDLE_MS must be a positive whole number",
    );
  });
});

afterAll(() => prisma.$disconnect());
