import type { Prisma } from "@prisma/client";
import { toJsonColumn } from "./json";
import type { RecordFacts, SyncOutcome, TaskResult } from "./registry";
import { decideFailure, type Random, type RetryPolicy } from "./retry";

/**
 * Pure decisions: what a handler's outcome (or error) means for the stored row. The DB modules only execute
 * these plans, so every rule here is testable without a database.
 *
 * SyncState.lastError holds the message the merchant should see for the record's current status: the error
 * for retry/failed, the reason for pending/stopped, nothing once synced.
 */

export interface PlanContext {
  now: Date;
  policy: RetryPolicy;
  random: Random;
  /** How long a pending record waits before the handler looks again, when it did not say. */
  pendingRecheckMs: number;
}

/** The parts of a claimed row a plan depends on. */
export interface ClaimedRecord {
  gid: string;
  status: string;
  attempts: number;
  lastError: string | null;
  /** JOOR knew the record (a JOOR id or an accepted payload): going out of scope is news only then. */
  contentHash: string | null;
  joorId: string | null;
}

export type ActivityStatus = "failed" | "retry" | "stopped";

export interface PlannedActivity {
  status: ActivityStatus;
  message: string;
}

export type RowPlan =
  | {
      kind: "write";
      /** Written when no change arrived during the sync: the outcome settles the record. */
      settled: Prisma.SyncStateUpdateManyMutationInput;
      /** Written when a change arrived during the sync: keep what was learned, stay due for another pass. */
      changed: Prisma.SyncStateUpdateManyMutationInput;
      activity: PlannedActivity | null;
    }
  | { kind: "shop-gone"; reason: string };

const WAITING_STATUSES = new Set(["retry", "throttled"]);

function factsData(facts: RecordFacts): Prisma.SyncStateUpdateManyMutationInput {
  const data: Prisma.SyncStateUpdateManyMutationInput = {};
  if (facts.contentHash !== undefined) data.contentHash = facts.contentHash;
  if (facts.joorId !== undefined) data.joorId = facts.joorId;
  if (facts.details !== undefined) data.details = toJsonColumn(facts.details);
  return data;
}

/**
 * When a change lands mid-sync the record goes back to dirty (the mark is not cleared) unless the remote asked
 * us to wait: then the wait stands, and the retry re-reads the record with its latest change anyway.
 */
function changedData(settled: Prisma.SyncStateUpdateManyMutationInput): Prisma.SyncStateUpdateManyMutationInput {
  const { status, nextAttemptAt, attempts, dirtySince: _kept, ...rest } = settled;
  if (typeof status === "string" && WAITING_STATUSES.has(status)) return { ...rest, status, nextAttemptAt, attempts };
  return { ...rest, status: "dirty", attempts: 0 };
}

/**
 * An outcome that repeats what the record already shows (same message, same status, or a re-dirtied record
 * failing the same way) is not recorded again: `products/update` fires on every sale, and Activity must stay
 * readable.
 */
function activityFor(row: ClaimedRecord, status: ActivityStatus, message: string): PlannedActivity | null {
  const repeated = row.lastError === message && (row.status === status || row.status === "dirty");
  return repeated ? null : { status, message };
}

function write(settled: Prisma.SyncStateUpdateManyMutationInput, activity: PlannedActivity | null): RowPlan {
  return { kind: "write", settled, changed: changedData(settled), activity };
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}

export function planSyncOutcome(row: ClaimedRecord, outcome: SyncOutcome | undefined, ctx: PlanContext): RowPlan {
  if (!outcome) {
    return planSyncOutcome(
      row,
      { gid: row.gid, status: "retry", error: new Error("The sync handler returned no outcome for this record") },
      ctx,
    );
  }
  const facts = factsData(outcome);
  const settledClean = { ...facts, attempts: 0, dirtySince: null };
  switch (outcome.status) {
    case "synced":
      return write({ ...settledClean, status: "synced", lastError: null, lastSyncedAt: ctx.now }, null);
    case "unchanged":
      return write({ ...settledClean, status: "synced", lastError: null }, null);
    case "pending":
      return write(
        {
          ...settledClean,
          status: "pending",
          lastError: outcome.reason,
          nextAttemptAt: outcome.recheckAt ?? later(ctx.now, ctx.pendingRecheckMs),
        },
        null,
      );
    case "stopped":
      // A record that never reached JOOR (a retail customer without the tag) stops silently, or Activity
      // would fill with every untagged customer and product the shop edits.
      return write(
        { ...settledClean, status: "stopped", lastError: outcome.reason },
        row.joorId !== null || row.contentHash !== null ? activityFor(row, "stopped", outcome.reason) : null,
      );
    case "failed":
      return write(
        { ...facts, status: "failed", attempts: row.attempts + 1, lastError: outcome.reason },
        activityFor(row, "failed", outcome.reason),
      );
    case "retry": {
      const decision = decideFailure(outcome.error, row.attempts, ctx.policy, ctx.random);
      switch (decision.kind) {
        case "shop-gone":
          return { kind: "shop-gone", reason: decision.reason };
        case "failed":
          return write(
            { ...facts, status: "failed", attempts: decision.attempts, lastError: decision.reason },
            activityFor(row, "failed", decision.reason),
          );
        case "retry":
        case "throttled":
          return write(
            {
              ...facts,
              status: decision.kind,
              attempts: decision.attempts,
              lastError: decision.reason,
              nextAttemptAt: later(ctx.now, decision.delayMs),
            },
            // A rate limit is flow control, not a problem with the record.
            decision.kind === "retry" ? activityFor(row, "retry", decision.reason) : null,
          );
      }
    }
  }
  return planSyncOutcome(
    row,
    { gid: row.gid, status: "retry", error: new Error("The sync handler returned an unknown outcome") },
    ctx,
  );
}

export interface TaskPlanContext {
  now: Date;
  policy: RetryPolicy;
  random: Random;
  /** How long a waiting task waits for its wake-up before it looks for itself. */
  waitTimeoutMs: number;
}

/** The parts of a claimed task a plan depends on. */
export interface ClaimedTaskRecord {
  /** Status before the claim. */
  status: string;
  attempts: number;
  intervalSeconds: number | null;
  lastError: string | null;
  /** When this run started. */
  runStartedAt: Date;
}

export type TaskPlan =
  | { kind: "write"; data: Prisma.ScheduledTaskUpdateManyMutationInput; activity: PlannedActivity | null }
  | { kind: "shop-gone"; reason: string };

export function planTaskResult(task: ClaimedTaskRecord, result: TaskResult, ctx: TaskPlanContext): TaskPlan {
  const clean = { attempts: 0, lastError: null };
  if (typeof result !== "object" || result === null) {
    return planTaskFailure(task, new Error("The task handler returned no result"), ctx);
  }
  if ("done" in result && result.done === true) {
    if (task.intervalSeconds) {
      const nextRunAt = later(task.runStartedAt, task.intervalSeconds * 1000);
      return { kind: "write", data: { ...clean, status: "scheduled", nextRunAt }, activity: null };
    }
    return { kind: "write", data: { ...clean, status: "done" }, activity: null };
  }
  if ("nextRunAt" in result && result.nextRunAt instanceof Date) {
    return { kind: "write", data: { ...clean, status: "scheduled", nextRunAt: result.nextRunAt }, activity: null };
  }
  if ("waiting" in result && result.waiting === true) {
    const nextRunAt = result.until ?? later(ctx.now, ctx.waitTimeoutMs);
    return { kind: "write", data: { ...clean, status: "waiting", nextRunAt }, activity: null };
  }
  return planTaskFailure(task, new Error("The task handler returned an unknown result"), ctx);
}

export function planTaskFailure(task: ClaimedTaskRecord, error: unknown, ctx: TaskPlanContext): TaskPlan {
  const periodMs = task.intervalSeconds ? task.intervalSeconds * 1000 : undefined;
  const decision = decideFailure(error, task.attempts, ctx.policy, ctx.random, { periodMs });
  const activity = (status: ActivityStatus): PlannedActivity | null =>
    task.lastError === decision.reason && task.status === status ? null : { status, message: decision.reason };
  switch (decision.kind) {
    case "shop-gone":
      return { kind: "shop-gone", reason: decision.reason };
    case "failed":
      return {
        kind: "write",
        data: { status: "failed", attempts: decision.attempts, lastError: decision.reason },
        activity: activity("failed"),
      };
    case "retry":
    case "throttled":
      return {
        kind: "write",
        data: {
          status: "retry",
          attempts: decision.attempts,
          lastError: decision.reason,
          nextRunAt: later(ctx.now, decision.delayMs),
        },
        activity: decision.kind === "retry" ? activity("retry") : null,
      };
  }
}
