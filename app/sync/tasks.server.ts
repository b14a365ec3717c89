import { randomUUID } from "node:crypto";
import { Prisma, type ScheduledTask } from "@prisma/client";
import { claimCandidates, skipLocked } from "../db/dialect.server";
import { parseJson, toJsonColumn } from "./json";
import type { TaskPlan } from "./plans";
import type { TaskView } from "./registry";
import type { Db } from "./sync-state.server";

/**
 * ScheduledTask statuses:
 * - scheduled: runs at nextRunAt;  retry: runs at nextRunAt after a transient failure;
 * - waiting: waits for wakeTask (or looks for itself at nextRunAt);
 * - running: leased by a worker;  rerun: running, and another run was asked for meanwhile (wakeTask or
 *   scheduleTask with runAt) — it runs again at nextRunAt instead of settling;
 * - done: a one-off task finished;  failed: terminal error or out of attempts (lastError says why);
 * - paused: the shop uninstalled the app; resumed by resumeShopWork.
 */
const WAITING_TO_RUN = ["scheduled", "retry", "waiting"];
const RUNNING = ["running", "rerun"];

export interface ScheduleTaskInput {
  shop: string;
  kind: string;
  /** Run at this time. Omitted: a new task runs now, an existing one keeps its schedule and status. */
  runAt?: Date;
  /** Periodic tasks run again this long after each run starts; null makes the task one-off. */
  intervalSeconds?: number | null;
  /** Replaces the saved progress (null clears it); omitted keeps it. */
  state?: unknown;
}

/**
 * Creates the task or updates it, idempotently: calling it again (every app load, every settings save) keeps
 * the task's schedule, status and saved progress unless asked to change them. With `runAt` a finished, failed
 * or waiting task is armed again; a running one runs again after the current run.
 */
export async function scheduleTask(db: Db, input: ScheduleTaskInput): Promise<TaskView> {
  const { shop, kind, runAt } = input;
  const state = toJsonColumn(input.state);
  const changes = {
    ...(input.intervalSeconds !== undefined ? { intervalSeconds: input.intervalSeconds } : {}),
    ...(state !== undefined ? { state } : {}),
  };
  const task = await db.scheduledTask.upsert({
    where: { shop_kind: { shop, kind } },
    create: { shop, kind, nextRunAt: runAt ?? new Date(), ...changes },
    update: changes,
  });
  if (!runAt) return toTaskView(task);
  await db.scheduledTask.updateMany({
    where: { id: task.id, status: { in: RUNNING } },
    data: { status: "rerun", nextRunAt: runAt },
  });
  await db.scheduledTask.updateMany({
    where: { id: task.id, status: { notIn: RUNNING } },
    data: { status: "scheduled", nextRunAt: runAt, attempts: 0 },
  });
  return toTaskView(await db.scheduledTask.findUniqueOrThrow({ where: { id: task.id } }));
}

/**
 * The event a waiting task waits for has happened (e.g. a bulk operation finished): run it now. A wake that
 * arrives while the task is still running (before it returned `waiting`) is kept, not lost.
 */
export async function wakeTask(db: Db, shop: string, kind: string, now = new Date()): Promise<boolean> {
  return (await wake(db, Prisma.sql`"shop" = ${shop} AND "kind" = ${kind}`, ["waiting", "scheduled"], now)) > 0;
}

/**
 * A bulk operation finished for the shop (the webhook does not say which task started it): every waiting task
 * of the shop runs now, and a running one runs once more after its current run, in case it started the
 * operation and has not yet said it is waiting. A task woken needlessly finds nothing new in its state.
 */
export async function wakeWaitingTasks(db: Db, shop: string, now = new Date()): Promise<number> {
  return wake(db, Prisma.sql`"shop" = ${shop}`, ["waiting"], now);
}

/**
 * Idle tasks (in `idle` statuses) run now; running ones run once more after their current run. One statement,
 * so a run that ends or starts at the same moment cannot slip between an "idle" and a "running" step: on
 * PostgreSQL an UPDATE that waited for a row lock re-checks its WHERE and recomputes its SET on the row as
 * committed, so a task that has just gone from running to waiting is woken, and one just claimed runs again.
 */
async function wake(db: Db, tasks: Prisma.Sql, idle: string[], now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "ScheduledTask"
    SET "status" = CASE WHEN "status" IN (${Prisma.join(RUNNING)}) THEN 'rerun' ELSE 'scheduled' END,
        "nextRunAt" = ${now},
        "updatedAt" = ${new Date()}
    WHERE ${tasks} AND "status" IN (${Prisma.join([...idle, ...RUNNING])})`;
}

/**
 * The shop is gone: its tasks stop where they are (saved state kept) and show why. Any lease is dropped, so a
 * worker still running one fails its next saveState and its result is ignored.
 */
export async function pauseShopTasks(db: Db, shop: string, reason: string): Promise<number> {
  const result = await db.scheduledTask.updateMany({
    where: { shop, status: { notIn: ["done", "failed", "paused"] } },
    data: { status: "paused", lastError: reason, leaseOwner: null, leaseExpiresAt: null },
  });
  return result.count;
}

/** After a reinstall: paused tasks run now. */
export async function resumeShopTasks(db: Db, shop: string, now = new Date()): Promise<number> {
  const result = await db.scheduledTask.updateMany({
    where: { shop, status: "paused" },
    data: { status: "scheduled", nextRunAt: now, attempts: 0 },
  });
  return result.count;
}

export interface ClaimTaskInput {
  owner: string;
  kinds: string[];
  leaseMs: number;
  now: Date;
}

export interface ClaimedTask {
  token: string;
  task: ScheduledTask;
  /** Status before the claim (the row now says running). */
  previousStatus: string;
}

function claimable(now: Date): Prisma.ScheduledTaskWhereInput {
  return {
    AND: [
      { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: now } }] },
      { OR: [{ status: { in: RUNNING } }, { status: { in: WAITING_TO_RUN }, nextRunAt: { lte: now } }] },
    ],
  };
}

/** Spare candidates looked at per claim, so a race lost to another worker can fall through. */
const SPARE_CANDIDATES = 4;

/**
 * Claims the task that has been due longest (or whose worker died: a running task with an expired lease),
 * skipping uninstalled shops. The handler then resumes from the task's saved state. Run inside a transaction,
 * PostgreSQL locks the picked task until it commits and other claims skip it instead of waiting.
 */
export async function claimTask(db: Db, input: ClaimTaskInput): Promise<ClaimedTask | null> {
  if (input.kinds.length === 0) return null;
  const { now } = input;
  const candidates = await db.$queryRaw<Array<{ id: string; status: string }>>`
    SELECT t."id", t."status" FROM "ScheduledTask" AS t
    WHERE t."kind" IN (${Prisma.join(input.kinds)})
      AND (t."leaseExpiresAt" IS NULL OR t."leaseExpiresAt" <= ${now})
      AND (t."status" IN (${Prisma.join(RUNNING)})
           OR (t."status" IN (${Prisma.join(WAITING_TO_RUN)}) AND t."nextRunAt" <= ${now}))
      AND NOT EXISTS (
        SELECT 1 FROM "ShopSettings" AS s WHERE s."shop" = t."shop" AND s."uninstalledAt" IS NOT NULL)
    ORDER BY t."nextRunAt", t."id"
    LIMIT ${claimCandidates(1, SPARE_CANDIDATES)}
    ${skipLocked()}`;
  for (const candidate of candidates) {
    const token = `${input.owner}/${randomUUID()}`;
    const claimed = await db.scheduledTask.updateMany({
      where: { id: candidate.id, ...claimable(now) },
      data: {
        status: "running",
        leaseOwner: token,
        leaseExpiresAt: new Date(now.getTime() + input.leaseMs),
        lastRunAt: now,
      },
    });
    if (claimed.count === 0) continue;
    const task = await db.scheduledTask.findFirst({ where: { id: candidate.id, leaseOwner: token } });
    if (task) return { token, task, previousStatus: candidate.status };
  }
  return null;
}

/** Persists progress and extends the lease; 0 means the lease was lost. */
export async function saveTaskState(db: Db, token: string, state: unknown, leaseUntil: Date): Promise<number> {
  const result = await db.scheduledTask.updateMany({
    where: { leaseOwner: token },
    data: { state: toJsonColumn(state) ?? null, leaseExpiresAt: leaseUntil },
  });
  return result.count;
}

export async function renewTaskLease(db: Db, token: string, until: Date): Promise<number> {
  const result = await db.scheduledTask.updateMany({ where: { leaseOwner: token }, data: { leaseExpiresAt: until } });
  return result.count;
}

/** Hands an unfinished run back (shutdown): due again at once, no attempt spent, saved state kept. */
export async function releaseTask(db: Db, token: string): Promise<number> {
  const result = await db.scheduledTask.updateMany({
    where: { leaseOwner: token },
    data: { status: "scheduled", leaseOwner: null, leaseExpiresAt: null },
  });
  return result.count;
}

/** "rerun": another run was asked for during this one and is honoured instead of the plan's schedule. */
export type TaskWriteResult = "written" | "rerun" | "lost";

export async function writeTaskPlan(
  db: Db,
  token: string,
  plan: Extract<TaskPlan, { kind: "write" }>,
): Promise<TaskWriteResult> {
  const release = { leaseOwner: null, leaseExpiresAt: null };
  const written = await db.scheduledTask.updateMany({
    where: { leaseOwner: token, status: "running" },
    data: { ...plan.data, ...release },
  });
  if (written.count > 0) return "written";
  const { status: _status, nextRunAt: _nextRunAt, ...rest } = plan.data;
  const rerun = await db.scheduledTask.updateMany({
    where: { leaseOwner: token, status: "rerun" },
    data: { ...rest, status: "scheduled", ...release },
  });
  return rerun.count > 0 ? "rerun" : "lost";
}

export function toTaskView(task: ScheduledTask): TaskView {
  return {
    id: task.id,
    shop: task.shop,
    kind: task.kind,
    status: task.status,
    nextRunAt: task.nextRunAt,
    intervalSeconds: task.intervalSeconds,
    attempts: task.attempts,
    lastRunAt: task.lastRunAt,
    lastError: task.lastError,
    state: parseJson(task.state),
  };
}

export interface TaskProgress extends TaskView {
  /** A worker holds a live lease on it right now. */
  running: boolean;
  /**
   * Read from the saved state by convention: a handler that wants a progress bar saves
   * `{ progress: { done, total } }` (plus whatever it needs to resume).
   */
  progress: { done: number; total: number | null } | null;
}

function progressOf(state: unknown): TaskProgress["progress"] {
  if (typeof state !== "object" || state === null || !("progress" in state)) return null;
  const progress = (state as { progress: unknown }).progress;
  if (typeof progress !== "object" || progress === null) return null;
  const { done, total } = progress as { done?: unknown; total?: unknown };
  if (typeof done !== "number") return null;
  return { done, total: typeof total === "number" ? total : null };
}

/** The shop's tasks (or one kind) for the dashboard: status, schedule, last error and progress. */
export async function taskProgress(db: Db, shop: string, kind?: string, now = new Date()): Promise<TaskProgress[]> {
  const tasks = await db.scheduledTask.findMany({
    where: { shop, ...(kind ? { kind } : {}) },
    orderBy: { kind: "asc" },
  });
  return tasks.map((task) => {
    const view = toTaskView(task);
    return {
      ...view,
      running: RUNNING.includes(task.status) && task.leaseExpiresAt !== null && task.leaseExpiresAt > now,
      progress: progressOf(view.state),
    };
  });
}
