import type { PrismaClient } from "@prisma/client";
import { takeWriteLock } from "../db/dialect.server";
import { log } from "../logger.server";
import { recordActivities, recordActivity, type ActivityInput } from "./activity.server";
import {
  planSyncOutcome,
  planTaskFailure,
  planTaskResult,
  type ClaimedTaskRecord,
  type TaskPlan,
  type TaskPlanContext,
} from "./plans";
import type { HandlerRegistry, SyncOutcome } from "./registry";
import type { Random, RetryPolicy } from "./retry";
import { stopShopWork } from "./shop-work.server";
import {
  releaseSyncLease,
  renewSyncLease,
  toSyncStateView,
  writeRowPlan,
  type ClaimedBatch,
  type Db,
  type WriteResult,
} from "./sync-state.server";
import {
  releaseTask,
  renewTaskLease,
  saveTaskState,
  toTaskView,
  writeTaskPlan,
  type ClaimedTask,
  type TaskWriteResult,
} from "./tasks.server";

/** Runs one engine step against the database; see `engineTransactions`. */
export type Transact = <T>(step: (db: Db) => Promise<T>) => Promise<T>;

/**
 * Every step the engine takes runs in a transaction of its own. With the SQLite driver adapter a process has
 * one connection, and a plain statement issued while another caller's interactive transaction is open (webhook
 * intake's, for one) runs inside it and is undone if that transaction rolls back — a duplicate delivery would
 * silently drop a JOOR id the worker had just written. Transactions take the adapter's lock, so they never
 * interleave; a batch's outcomes also commit together. A transaction client (no $transaction) runs steps as is.
 * Each step takes SQLite's write lock first: a claim reads before it writes, and without the lock any commit
 * by another process in between (intake, under a stream of webhooks) would fail it.
 */
export function engineTransactions(db: Db): Transact {
  if (!("$transaction" in db) || typeof db.$transaction !== "function") return (step) => step(db);
  const client = db as PrismaClient;
  return (step) =>
    client.$transaction(
      async (tx) => {
        await takeWriteLock(tx);
        return step(tx);
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
}

/** Runs claimed work: calls the handler under a renewed lease, then writes what came back. */
export interface RunContext {
  transact: Transact;
  registry: HandlerRegistry;
  leaseMs: number;
  now: () => Date;
  random: Random;
  policy: RetryPolicy;
  pendingRecheckMs: number;
  waitTimeoutMs: number;
}

/** The lease is gone (expired and taken by another worker, or dropped because the shop left). */
export class LeaseLostError extends Error {
  constructor() {
    super("The lease on this work was lost; another worker will redo it");
    this.name = "LeaseLostError";
  }
}

export interface BatchSummary extends Record<WriteResult, number> {
  /** Records handed back untouched because the shop is gone. */
  released: number;
}

export interface RunningUnit {
  kind: "batch" | "task";
  shop: string;
  done: Promise<BatchSummary | TaskWriteResult | "shop-gone">;
  /** Stops waiting for the handler (shutdown): aborts its signal and hands its leases back unspent. */
  abandon(reason: string): Promise<void>;
}

/** Renews the lease a third of the way through each period, so one slow renewal never lets it lapse. */
function keepLease(renew: (until: Date) => Promise<number>, ctx: RunContext, controller: AbortController): () => void {
  const timer = setInterval(() => {
    renew(new Date(ctx.now().getTime() + ctx.leaseMs)).then(
      (count) => {
        if (count === 0) controller.abort(new LeaseLostError());
      },
      (error: unknown) => log.warn("Lease renewal failed", { error }),
    );
  }, Math.max(5, Math.floor(ctx.leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

async function callSyncHandler(batch: ClaimedBatch, ctx: RunContext, signal: AbortSignal): Promise<SyncOutcome[]> {
  const registered = ctx.registry.syncHandler(batch.kind);
  const states = batch.rows.map(toSyncStateView);
  try {
    if (!registered) throw new Error(`No sync handler is registered for "${batch.kind}"`);
    const outcomes = await registered.handler({ shop: batch.shop, kind: batch.kind, states, signal });
    if (!Array.isArray(outcomes)) throw new Error("The sync handler did not return a list of outcomes");
    return outcomes;
  } catch (error) {
    return states.map((state) => ({ gid: state.gid, status: "retry", error }));
  }
}

async function writeSyncOutcomes(batch: ClaimedBatch, outcomes: SyncOutcome[], ctx: RunContext): Promise<BatchSummary> {
  const now = ctx.now();
  const flow = ctx.registry.syncHandler(batch.kind)?.flow ?? batch.kind;
  const planContext = { now, policy: ctx.policy, random: ctx.random, pendingRecheckMs: ctx.pendingRecheckMs };
  const byGid = new Map(outcomes.map((outcome) => [outcome.gid, outcome]));
  // Written in gid order, the order in which markManyDirty locks rows: a process marking some of these records
  // meanwhile then waits for this transaction instead of deadlocking with it on PostgreSQL.
  const byGidOrder = [...batch.rows].sort((a, b) => (a.gid < b.gid ? -1 : a.gid > b.gid ? 1 : 0));
  const plans = byGidOrder.map((row) => {
    const outcome = byGid.get(row.gid);
    return { row, outcome, plan: planSyncOutcome(row, outcome, planContext) };
  });
  const gone = plans.flatMap(({ row, plan }) =>
    plan.kind === "shop-gone" ? [{ id: row.id, reason: plan.reason }] : [],
  );
  const summary = await ctx.transact(async (db) => {
    const written: BatchSummary = { settled: 0, changed: 0, lost: 0, released: 0 };
    const activities: ActivityInput[] = [];
    for (const { row, outcome, plan } of plans) {
      if (plan.kind === "shop-gone") continue;
      const result = await writeRowPlan(db, batch.token, row, plan);
      written[result] += 1;
      // An outcome whose lease was lost (another worker took it, or the shop uninstalled or was redacted) is
      // dropped, and so is its Activity line: it would describe work that did not count.
      if (plan.activity && result !== "lost") {
        activities.push({
          shop: batch.shop,
          flow,
          action: "sync",
          status: plan.activity.status,
          recordGid: row.gid,
          label: outcome?.label,
          message: plan.activity.message,
          at: now,
        });
      }
    }
    if (gone.length > 0) {
      // Handed back untouched: no attempt is spent on a shop that cannot be reached.
      written.released = await releaseSyncLease(
        db,
        batch.token,
        gone.map((record) => record.id),
      );
      await stopShopWork(db, batch.shop, gone[0].reason, now);
    }
    await recordActivities(db, activities);
    return written;
  });
  if (gone.length > 0)
    log.warn("The app is no longer installed; the shop's sync work is stopped", { shop: batch.shop });
  if (summary.lost > 0) log.warn("Sync outcomes dropped: lease lost", { shop: batch.shop, kind: batch.kind });
  return summary;
}

/** Runs one claimed batch: one handler call for all its records, then one write per record. */
export function runSyncBatch(batch: ClaimedBatch, ctx: RunContext): RunningUnit {
  const controller = new AbortController();
  const stopKeeping = keepLease(
    (until) => ctx.transact((db) => renewSyncLease(db, batch.token, until)),
    ctx,
    controller,
  );
  const done = (async () => {
    try {
      const outcomes = await callSyncHandler(batch, ctx, controller.signal);
      stopKeeping();
      return await writeSyncOutcomes(batch, outcomes, ctx);
    } finally {
      stopKeeping();
    }
  })();
  return {
    kind: "batch",
    shop: batch.shop,
    done,
    async abandon(reason) {
      stopKeeping();
      controller.abort(new Error(reason));
      await ctx.transact((db) => releaseSyncLease(db, batch.token));
    },
  };
}

function taskPlanContext(ctx: RunContext): TaskPlanContext {
  return { now: ctx.now(), policy: ctx.policy, random: ctx.random, waitTimeoutMs: ctx.waitTimeoutMs };
}

async function callTaskHandler(claimed: ClaimedTask, ctx: RunContext, controller: AbortController): Promise<TaskPlan> {
  const { task, token } = claimed;
  const record: ClaimedTaskRecord = {
    status: claimed.previousStatus,
    attempts: task.attempts,
    intervalSeconds: task.intervalSeconds,
    lastError: task.lastError,
    runStartedAt: task.lastRunAt ?? ctx.now(),
  };
  const saveState = async (state: unknown): Promise<void> => {
    const leaseUntil = new Date(ctx.now().getTime() + ctx.leaseMs);
    const count = await ctx.transact((db) => saveTaskState(db, token, state, leaseUntil));
    if (count === 0) {
      const lost = new LeaseLostError();
      controller.abort(lost);
      throw lost;
    }
  };
  try {
    const registered = ctx.registry.taskHandler(task.kind);
    if (!registered) throw new Error(`No task handler is registered for "${task.kind}"`);
    const view = toTaskView(task);
    const result = await registered.handler({
      shop: task.shop,
      kind: task.kind,
      task: view,
      state: view.state,
      saveState,
      signal: controller.signal,
    });
    return planTaskResult(record, result, taskPlanContext(ctx));
  } catch (error) {
    return planTaskFailure(record, error, taskPlanContext(ctx));
  }
}

async function writeTaskOutcome(
  claimed: ClaimedTask,
  plan: TaskPlan,
  ctx: RunContext,
): Promise<TaskWriteResult | "shop-gone"> {
  const { task, token } = claimed;
  const now = ctx.now();
  if (plan.kind === "shop-gone") {
    await ctx.transact(async (db) => {
      await releaseTask(db, token);
      await stopShopWork(db, task.shop, plan.reason, now);
    });
    log.warn("The app is no longer installed; the shop's sync work is stopped", { shop: task.shop });
    return "shop-gone";
  }
  const result = await ctx.transact(async (db) => {
    const written = await writeTaskPlan(db, token, plan);
    if (plan.activity) {
      await recordActivity(db, {
        shop: task.shop,
        flow: ctx.registry.taskHandler(task.kind)?.flow ?? task.kind,
        action: task.kind,
        status: plan.activity.status,
        message: plan.activity.message,
        at: now,
      });
    }
    return written;
  });
  if (result === "lost") log.warn("Task result dropped: lease lost", { shop: task.shop, kind: task.kind });
  return result;
}

/** Runs one claimed task; the handler resumes from the task's saved state. */
export function runTask(claimed: ClaimedTask, ctx: RunContext): RunningUnit {
  const controller = new AbortController();
  const stopKeeping = keepLease(
    (until) => ctx.transact((db) => renewTaskLease(db, claimed.token, until)),
    ctx,
    controller,
  );
  const done = (async () => {
    try {
      const plan = await callTaskHandler(claimed, ctx, controller);
      stopKeeping();
      return await writeTaskOutcome(claimed, plan, ctx);
    } finally {
      stopKeeping();
    }
  })();
  return {
    kind: "task",
    shop: claimed.task.shop,
    done,
    async abandon(reason) {
      stopKeeping();
      controller.abort(new Error(reason));
      await ctx.transact((db) => releaseTask(db, claimed.token));
    },
  };
}
