/**
 * "Sync all customers": one Shopify bulk operation lists every customer carrying a customer tag, and each is
 * marked dirty for the customer sync. The task starts the operation, waits for its finish webhook, then
 * streams the result in chunks, saving its place after each so a killed process resumes where it stopped.
 */
import { prisma } from "~/db.server";
import type { FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import { RecordKind } from "~/records";
import { ShopifyUserErrors, type AdminClient } from "~/shopify/admin-client.server";
import { getBulkOperation, readBulkResults, startBulkQuery, type BulkLine } from "~/shopify/bulk.server";
import { SyncError } from "~/sync/errors";
import type { TaskContext, TaskResult, TaskView } from "~/sync/registry";
import { markManyDirty } from "~/sync/sync-state.server";
import { scheduleTask, toTaskView } from "~/sync/tasks.server";
import { nudgeWorker } from "~/sync/worker.server";
import { customersBulkQuery, readBackfillState, type BackfillState } from "./backfill";

/** Customers marked per statement and saved step. */
export const BACKFILL_CHUNK = 100;
/** Looks at the operation this long after starting it, in case its finish webhook never comes. */
export const BULK_WAIT_MS = 10 * 60_000;
/** Another bulk operation of the shop is running: try again this much later. */
export const BULK_BUSY_RETRY_MS = 30_000;

const STILL_RUNNING = new Set(["CREATED", "RUNNING", "CANCELING"]);
const BUSY_CODES = new Set(["OPERATION_IN_PROGRESS", "LIMIT_REACHED"]);
/** Statuses of a download whose signed link has expired. */
const EXPIRED_LINK = new Set([403, 404, 410]);

/** Task statuses in which a started backfill is still under way. */
const UNDER_WAY = new Set(["scheduled", "retry", "waiting", "running", "rerun"]);

function isBusy(error: unknown): boolean {
  return error instanceof ShopifyUserErrors && error.userErrors.some((entry) => entry.code && BUSY_CODES.has(entry.code));
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}

async function start(context: TaskContext, admin: AdminClient, tags: string[], now: Date): Promise<TaskResult> {
  let operationId: string;
  try {
    operationId = (await startBulkQuery(admin, customersBulkQuery(tags))).id;
  } catch (error) {
    if (isBusy(error)) return { nextRunAt: later(now, BULK_BUSY_RETRY_MS) };
    throw error;
  }
  const state: BackfillState = { phase: "running", operationId, processed: 0, url: null, progress: { done: 0, total: null } };
  await context.saveState(state);
  return { waiting: true, until: later(now, BULK_WAIT_MS) };
}

/** Marks the result's customers dirty from where the last run stopped. */
async function read(context: TaskContext, state: Extract<BackfillState, { phase: "reading" }>, services: FlowServices) {
  let progress = state;
  let chunk: string[] = [];
  let line = 0;
  const flush = async () => {
    await prisma.$transaction((db) =>
      markManyDirty(db, { shop: context.shop, kind: RecordKind.customer, gids: chunk, at: services.now() }),
    );
    progress = { ...progress, processed: line, progress: { ...progress.progress, done: progress.progress.done + chunk.length } };
    chunk = [];
    await context.saveState(progress);
    nudgeWorker();
  };
  try {
    for await (const object of readBulkResults<BulkLine>(state.url, { signal: context.signal })) {
      line += 1;
      if (line <= state.processed) continue;
      if (typeof object.id === "string" && !object.__parentId && object.id.startsWith("gid://shopify/Customer/")) {
        chunk.push(object.id);
      }
      if (chunk.length >= BACKFILL_CHUNK) await flush();
    }
  } catch (error) {
    if (!(error instanceof SyncError && error.status !== undefined && EXPIRED_LINK.has(error.status))) throw error;
    await context.saveState(null);
    throw new SyncError("The bulk result link has expired; the customer backfill starts again", { terminal: false, cause: error });
  }
  if (chunk.length > 0) await flush();
  await context.saveState({ ...progress, phase: "done", processed: line });
}

export async function runCustomersBackfill(context: TaskContext, services: FlowServices): Promise<TaskResult> {
  const saved = readBackfillState(context.state);
  if (saved?.phase === "done") return { done: true };
  const configuration = await services.configuration(context.shop);
  if (!configuration.flows.customers) {
    throw new SyncError("Customer sync is off: switch it on to sync all customers", { terminal: true });
  }
  const admin = await services.admin(context.shop);
  const now = services.now();
  if (!saved) return start(context, admin, configuration.options.customerTags, now);

  let state = saved;
  if (state.phase === "running") {
    const operation = await getBulkOperation(admin, state.operationId);
    if (operation && STILL_RUNNING.has(operation.status)) return { waiting: true, until: later(now, BULK_WAIT_MS) };
    if (operation?.status !== "COMPLETED") {
      // Start over on the next attempt; a denied query will not succeed by trying again.
      await context.saveState(null);
      const how = operation ? `ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}` : "is gone";
      throw new SyncError(`Shopify's bulk operation for the customer backfill ${how}`, {
        terminal: operation?.errorCode === "ACCESS_DENIED",
        code: "BULK_OPERATION_FAILED",
      });
    }
    const total = Number(operation.rootObjectCount);
    const progress = { done: 0, total: Number.isFinite(total) ? total : null };
    if (!operation.url) {
      await context.saveState({ phase: "done", operationId: state.operationId, processed: 0, url: null, progress });
      return { done: true };
    }
    state = { phase: "reading", operationId: state.operationId, processed: 0, url: operation.url, progress };
    await context.saveState(state);
  }
  await read(context, state, services);
  return { done: true };
}

/**
 * The "Sync all customers" button: starts a backfill now, unless one is already under way (then that one is
 * answered as it is).
 */
export async function startCustomersBackfill(shop: string, now = new Date()): Promise<TaskView> {
  const task = await prisma.$transaction(async (db) => {
    const existing = await db.scheduledTask.findUnique({ where: { shop_kind: { shop, kind: TaskKind.customersBackfill } } });
    if (existing && UNDER_WAY.has(existing.status) && existing.state !== null) return toTaskView(existing);
    return scheduleTask(db, { shop, kind: TaskKind.customersBackfill, runAt: now, intervalSeconds: null, state: null });
  });
  nudgeWorker();
  return task;
}
