import { z } from "zod";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { RecordKind } from "~/records";
import { ShopifyUserErrors } from "~/shopify/admin-client.server";
import { getBulkOperation, readBulkResults, startBulkQuery } from "~/shopify/bulk.server";
import { SyncError } from "~/sync/errors";
import type { TaskHandler, TaskView } from "~/sync/registry";
import { markManyDirty } from "~/sync/sync-state.server";
import { scheduleTask } from "~/sync/tasks.server";

/**
 * The initial (or a repeated) catalog sync: one bulk operation lists every product carrying the tag, and its
 * result is streamed into the product sync in chunks. Progress is saved after every chunk, so a restarted
 * worker carries on where the last one stopped; a product marked twice only costs an unchanged re-read.
 */

/** Another bulk query runs for the shop (Shopify allows one at a time): look again this much later. */
export const BUSY_RETRY_MS = 30_000;
/** Looked at again this long after starting, should the finish webhook never arrive. */
export const BULK_WAIT_MS = 10 * 60_000;
export const MARK_CHUNK = 250;
/** Bulk operations that fail on Shopify's side are started again this many times. */
export const MAX_RESTARTS = 3;

const stateSchema = z.object({
  operationId: z.string().nullable().catch(null),
  restarts: z.number().int().nonnegative().catch(0),
  finished: z.boolean().catch(false),
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative().nullable() }).catch({ done: 0, total: null }),
});
export type BackfillState = z.infer<typeof stateSchema>;

export function readBackfillState(state: unknown): BackfillState {
  return stateSchema.parse(state !== null && typeof state === "object" ? state : {});
}

/** Shopify's search syntax for one tag, quoted. */
export function tagQuery(tag: string): string {
  return tag.includes("'") ? `tag:"${tag.replace(/"/g, '\\"')}"` : `tag:'${tag}'`;
}

export function backfillQuery(tag: string): string {
  return `{ products(query: ${JSON.stringify(tagQuery(tag))}) { edges { node { id } } } }`;
}

function isBusy(error: unknown): boolean {
  return (
    error instanceof ShopifyUserErrors &&
    error.userErrors.some((userError) => userError.code === "OPERATION_IN_PROGRESS" || userError.code === "LIMIT_REACHED")
  );
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;

export function catalogBackfillHandler(services: FlowServices): TaskHandler {
  return async ({ shop, state, saveState, signal }) => {
    const configuration = await services.configuration(shop);
    let progress = readBackfillState(state);
    if (!configuration.flows.catalog || progress.finished) return { done: true };
    const admin = await services.admin(shop);
    const now = services.now();
    const later = (ms: number) => new Date(now.getTime() + ms);

    if (!progress.operationId) {
      try {
        const operation = await startBulkQuery(admin, backfillQuery(configuration.options.productTag));
        progress = { ...progress, operationId: operation.id };
      } catch (error) {
        if (isBusy(error)) return { nextRunAt: later(BUSY_RETRY_MS) };
        throw error;
      }
      await saveState(progress);
      return { waiting: true, until: later(BULK_WAIT_MS) };
    }

    const operation = await getBulkOperation(admin, progress.operationId);
    const status = operation?.status ?? "EXPIRED";
    if (status === "CREATED" || status === "RUNNING" || status === "CANCELING") return { waiting: true, until: later(BULK_WAIT_MS) };
    if (status !== "COMPLETED" || !operation) {
      if (operation?.errorCode === "ACCESS_DENIED" || progress.restarts >= MAX_RESTARTS) {
        throw new SyncError(`Shopify could not list the tagged products (bulk operation ${status.toLowerCase()})`, {
          terminal: true,
        });
      }
      await saveState({ ...progress, operationId: null, restarts: progress.restarts + 1, progress: { done: 0, total: null } });
      return { nextRunAt: later(BUSY_RETRY_MS) };
    }

    const total = Number(operation.rootObjectCount);
    progress = { ...progress, progress: { done: progress.progress.done, total: Number.isFinite(total) ? total : null } };
    let seen = 0;
    let chunk: string[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const gids = chunk;
      await prisma.$transaction((tx) => markManyDirty(tx, { shop, kind: RecordKind.product, gids, at: now }));
      progress = { ...progress, progress: { ...progress.progress, done: progress.progress.done + gids.length } };
      await saveState(progress);
      chunk = [];
    };
    if (operation.url) {
      for await (const line of readBulkResults(operation.url, { signal })) {
        if (line.__parentId !== undefined || typeof line.id !== "string" || !PRODUCT_GID.test(line.id)) continue;
        seen += 1;
        if (seen <= progress.progress.done) continue;
        chunk.push(line.id);
        if (chunk.length >= MARK_CHUNK) await flush();
      }
      await flush();
    }
    await saveState({ ...progress, finished: true });
    return { done: true };
  };
}

/**
 * Starts the catalog backfill now (from the beginning), e.g. when the merchant switches the catalog on or
 * presses "Sync now". Its progress shows through taskProgress (`progress: { done, total }`).
 */
export async function startCatalogBackfill(shop: string, services: Pick<FlowServices, "now"> = defaultFlowServices): Promise<TaskView> {
  return prisma.$transaction((tx) =>
    scheduleTask(tx, { shop, kind: TaskKind.catalogBackfill, runAt: services.now(), intervalSeconds: null, state: null }),
  );
}
