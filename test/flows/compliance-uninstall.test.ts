import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { markInstalled } from "~/shops.server";
import { engineTransactions, runSyncBatch, runTask, type RunContext } from "~/sync/runner.server";
import { claimBatch } from "~/sync/sync-state.server";
import { claimTask, scheduleTask } from "~/sync/tasks.server";
import { flowSuite, SHOP, type FlowHarness } from "./harness";

/** Runs in the middle of a handler: the shop uninstalls the app while a worker holds its work. */
let midway: (() => Promise<void>) | null = null;

const harness = flowSuite({
  register(registry) {
    registry.registerSyncHandler("customer", async ({ states }) => {
      await midway?.();
      return states.map((state) => ({ gid: state.gid, status: "synced" as const, contentHash: "sent", details: { email: "late@example.com" } }));
    });
    registry.registerTaskHandler(TaskKind.customersBackfill, async ({ saveState }) => {
      await midway?.();
      await saveState({ progress: { done: 1, total: 2 } });
      return { done: true };
    });
  },
});

function runContext(h: FlowHarness): RunContext {
  return {
    transact: engineTransactions(prisma),
    registry: h.registry,
    leaseMs: 120_000,
    now: h.clock.date,
    random: () => 0.5,
    policy: { baseMs: 1_000, factor: 2, capMs: 300_000, maxAttempts: 8 },
    pendingRecheckMs: 3_600_000,
    waitTimeoutMs: 3_600_000,
  };
}

/** Shopify's app/uninstalled, through the signed intake. */
function uninstallMidway(h: FlowHarness): void {
  midway = async () => {
    h.shopify.uninstall(SHOP);
    await h.settle();
  };
}

function claimCustomers(ctx: RunContext) {
  return ctx.transact((db) => claimBatch(db, { owner: "worker-1", kinds: ["customer"], batchSize: 50, leaseMs: ctx.leaseMs, now: ctx.now() }));
}

describe("app/uninstalled stops the shop's work at once", () => {
  it("a batch a worker claimed before the uninstall writes nothing after it, and runs again after a reinstall", async () => {
    const h = harness();
    const ctx = runContext(h);
    h.shop.createCustomer({ email: "a@example.com" });
    h.shop.createCustomer({ email: "b@example.com" });
    await h.settle();
    const batch = await claimCustomers(ctx);
    expect(batch?.rows).toHaveLength(2);

    uninstallMidway(h);
    expect(await runSyncBatch(batch!, ctx).done).toEqual({ settled: 0, changed: 0, lost: 2, released: 0 });

    const rows = await prisma.syncState.findMany({ where: { shop: SHOP } });
    expect(rows.map(({ status, details, contentHash, leaseOwner, lastSyncedAt }) => ({ status, details, contentHash, leaseOwner, lastSyncedAt }))).toEqual([
      { status: "dirty", details: null, contentHash: null, leaseOwner: null, lastSyncedAt: null },
      { status: "dirty", details: null, contentHash: null, leaseOwner: null, lastSyncedAt: null },
    ]);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await claimCustomers(ctx)).toBeNull();

    midway = null;
    await markInstalled(SHOP, "read_customers");
    const again = await claimCustomers(ctx);
    expect(await runSyncBatch(again!, ctx).done).toMatchObject({ settled: 2, lost: 0 });
    expect(await prisma.syncState.count({ where: { shop: SHOP, status: "synced" } })).toBe(2);
  });

  it("a task a worker is running cannot save progress or settle after the uninstall", async () => {
    const h = harness();
    const ctx = runContext(h);
    await scheduleTask(prisma, { shop: SHOP, kind: TaskKind.customersBackfill });
    const claimed = await ctx.transact((db) =>
      claimTask(db, { owner: "worker-1", kinds: [TaskKind.customersBackfill], leaseMs: ctx.leaseMs, now: ctx.now() }),
    );

    uninstallMidway(h);
    expect(await runTask(claimed!, ctx).done).toBe("lost");

    expect(await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.customersBackfill } } })).toMatchObject({
      status: "paused",
      state: null,
      leaseOwner: null,
      lastError: "The app was uninstalled",
    });
    midway = null;
  });
});
