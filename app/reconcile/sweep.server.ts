import { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { jsonText } from "~/db/dialect.server";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import { log } from "~/logger.server";
import { RecordKind } from "~/records";
import type { FlowOptions } from "~/settings/options";
import type { AdminClient, PageInfo } from "~/shopify/admin-client.server";
import { SyncError } from "~/sync/errors";
import type { HandlerRegistry, TaskContext, TaskHandler, TaskResult } from "~/sync/registry";
import { markManyDirty, type Db } from "~/sync/sync-state.server";
import { nudgeWorker } from "~/sync/worker.server";
import {
  addCounts,
  currentPhase,
  customerWanted,
  finishedState,
  highWaterMark,
  nextPhase,
  productWanted,
  readSweepState,
  recordsToMark,
  startRun,
  SWEEP_PAGE_SIZE,
  sweepParts,
  updatedSinceQuery,
  type FoundRecord,
  type SweepCounts,
  type SweepParts,
  type SweepPhase,
} from "./sweep";

/**
 * The reconcile sweep task: every few minutes, per shop, Shopify's customers and products updated since the
 * last sweep are listed (paged, through the throttle-aware Admin client) and marked dirty, together with the
 * inventory items of those products. A webhook Shopify never delivered is caught here; a record whose webhook
 * did arrive is only re-read by its handler, which finds it unchanged and calls JOOR for nothing.
 */

export const RECONCILE_FLOW = "reconcile";

const CUSTOMERS_QUERY = `query ReconcileCustomers($query: String!, $first: Int!, $after: String) {
  customers(first: $first, after: $after, query: $query) {
    nodes { id tags }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PRODUCTS_QUERY = `query ReconcileProducts($query: String!, $first: Int!, $after: String) {
  products(first: $first, after: $after, query: $query) {
    nodes { id tags }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  nodes: FoundRecord[];
  pageInfo: PageInfo;
}

async function readPage(admin: AdminClient, phase: SweepPhase, since: string, after: string | null): Promise<Page> {
  const variables = { query: updatedSinceQuery(since), first: SWEEP_PAGE_SIZE, after };
  if (phase === "customers") return (await admin.request<{ customers: Page }>(CUSTOMERS_QUERY, variables)).customers;
  return (await admin.request<{ products: Page }>(PRODUCTS_QUERY, variables)).products;
}

/** Records of the kind the app syncs and has not stopped. */
async function liveRecords(db: Db, shop: string, kind: string, gids: string[]): Promise<Set<string>> {
  const rows = await db.syncState.findMany({
    where: { shop, kind, gid: { in: gids }, status: { not: "stopped" } },
    select: { gid: true },
  });
  return new Set(rows.map((row) => row.gid));
}

/** The inventory items the inventory sync knows for these products (it records each item's product). */
async function inventoryItemsOf(db: Db, shop: string, productGids: string[]): Promise<string[]> {
  if (productGids.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ gid: string }>>`
    SELECT "gid" FROM "SyncState"
    WHERE "shop" = ${shop} AND "kind" = ${RecordKind.inventoryItem}
      AND ${jsonText(Prisma.sql`"details"`, "productGid")} IN (${Prisma.join(productGids)})`;
  return rows.map((row) => row.gid);
}

interface MarkInput {
  shop: string;
  phase: SweepPhase;
  found: FoundRecord[];
  parts: SweepParts;
  options: FlowOptions;
  at: Date;
}

/** Marks one page's records in a transaction of its own, like every engine step. */
async function markFound(input: MarkInput): Promise<Partial<SweepCounts>> {
  const { shop, phase, found, parts, options, at } = input;
  if (found.length === 0) return {};
  const ids = found.map((record) => record.id);
  return prisma.$transaction(async (tx) => {
    if (phase === "customers") {
      const live = await liveRecords(tx, shop, RecordKind.customer, ids);
      const gids = recordsToMark(found, (tags) => customerWanted(tags, options.customerTags), live);
      return { customers: await markManyDirty(tx, { shop, kind: RecordKind.customer, gids, at }) };
    }
    const live = await liveRecords(tx, shop, RecordKind.product, ids);
    const products = recordsToMark(found, (tags) => productWanted(tags, options.productTag), live);
    const items = parts.inventory ? await inventoryItemsOf(tx, shop, products) : [];
    return {
      products: await markManyDirty(tx, { shop, kind: RecordKind.product, gids: products, at }),
      inventoryItems: await markManyDirty(tx, { shop, kind: RecordKind.inventoryItem, gids: items, at }),
    };
  });
}

async function sweep(services: FlowServices, context: TaskContext): Promise<TaskResult> {
  const { shop, signal } = context;
  const configuration = await services.configuration(shop);
  const parts = sweepParts(configuration.flows);
  const state = readSweepState(context.state);
  let run = state.run ?? startRun(state, parts, services.now());
  if (!run) {
    // Nothing to look at: the mark moves on, so a flow switched on later does not sweep the time it was off.
    await context.saveState({ ...state, since: highWaterMark(services.now()) });
    return { done: true };
  }

  let phase = currentPhase(run, parts);
  let admin: AdminClient | null = null;
  while (phase) {
    signal.throwIfAborted();
    admin ??= await services.admin(shop);
    const page = await readPage(admin, phase, run.since, run.after);
    const marked = await markFound({ shop, phase, found: page.nodes, parts, options: configuration.options, at: services.now() });
    const { hasNextPage, endCursor } = page.pageInfo;
    if (hasNextPage && (!endCursor || endCursor === run.after)) {
      throw new SyncError(`Shopify returned no new cursor for the ${phase} sweep`, { terminal: true });
    }
    const next = hasNextPage ? phase : nextPhase(phase, parts);
    run = { ...run, phase: next ?? phase, after: hasNextPage ? endCursor : null, marked: addCounts(run.marked, marked) };
    phase = next;
    if (phase) await context.saveState({ ...state, run });
  }

  const finished = finishedState(run, services.now());
  await context.saveState(finished);
  const { customers, products, inventoryItems } = run.marked;
  if (customers + products + inventoryItems > 0) {
    log.info("Reconcile sweep marked records changed in Shopify", { shop, customers, products, inventoryItems });
    nudgeWorker();
  }
  return { done: true };
}

export function reconcileSweepHandler(services: FlowServices = defaultFlowServices): TaskHandler {
  return (context) => sweep(services, context);
}

/** Registers the periodic reconcile sweep (task kind `reconcile-sweep`). */
export function registerReconcileSweep(registry: HandlerRegistry, services: FlowServices = defaultFlowServices): void {
  registry.registerTaskHandler(TaskKind.reconcileSweep, reconcileSweepHandler(services), { flow: RECONCILE_FLOW });
}
