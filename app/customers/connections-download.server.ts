/**
 * "Download JOOR connections": the customers-connections-download task. It pages through JOOR's connection
 * list into JoorConnection rows (saving its position after every page, so a restart resumes there), drops
 * rows JOOR no longer lists, then matches every row against Shopify: a connection whose customer code is an
 * existing Shopify customer's numeric id is linked; every other one gets its ranked candidates.
 */
import { prisma } from "~/db.server";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { HandlerRegistry, TaskHandler, TaskView } from "~/sync/registry";
import { scheduleTask, toTaskView } from "~/sync/tasks.server";
import { nudgeWorker } from "~/sync/worker.server";
import { candidateSearches, codeAsCustomerId, linkOutcome, rankCandidates, type ShopifyCustomerFacts } from "./matching";
import { registerMatchingDecisions } from "./matching-decisions.server";
import { customersByIds, runCandidateSearches, SEARCH_CONNECTIONS_PER_QUERY } from "./matching-search.server";
import {
  countNeedingMatch,
  customerIdsLinkedElsewhere,
  removeStaleConnections,
  rowFacts,
  rowsNeedingMatch,
  storeConnections,
  writeMatches,
  type ConnectionRow,
  type MatchWrite,
} from "./matching-store.server";

export interface DownloadOptions {
  /** Connections per JOOR page (one GET, one credit). */
  pageSize: number;
  /** Pages, and match batches, per task run before it yields to other work; the next run continues at once. */
  pagesPerRun: number;
  matchBatchesPerRun: number;
  /** Rows matched per batch: one Shopify lookup by id, then one search query per few rows. */
  matchBatchSize: number;
}

export const DOWNLOAD_DEFAULTS: DownloadOptions = { pageSize: 100, pagesPerRun: 20, matchBatchesPerRun: 10, matchBatchSize: 20 };

/** The task's saved progress; `progress` is what the UI shows. */
export interface DownloadState {
  phase: "download" | "match" | "done";
  /** When this download started: rows not seen since were dropped by JOOR. */
  startedAt: string;
  startFrom: number;
  fetched: number;
  /** JOOR's list does not say how many connections there are. */
  total?: number;
  matched: number;
  toMatch: number;
  linked: number;
  progress: { done: number; total: number | null };
}

function freshState(now: Date): DownloadState {
  return {
    phase: "download",
    startedAt: now.toISOString(),
    startFrom: 0,
    fetched: 0,
    matched: 0,
    toMatch: 0,
    linked: 0,
    progress: { done: 0, total: null },
  };
}

function resume(state: unknown, now: Date): DownloadState {
  const saved = state as Partial<DownloadState> | null;
  if (!saved || (saved.phase !== "download" && saved.phase !== "match") || typeof saved.startedAt !== "string") {
    return freshState(now);
  }
  return { ...freshState(now), ...saved } as DownloadState;
}

async function matchBatch(admin: AdminClient, shop: string, rows: ConnectionRow[], now: Date): Promise<{ linked: number }> {
  const facts = rows.map(rowFacts);
  const byId = await customersByIds(admin, [...new Set(facts.map((f) => codeAsCustomerId(f.customerCode)).filter((id): id is string => id !== null))]);
  const customerOf = (index: number) => {
    const code = codeAsCustomerId(facts[index].customerCode);
    return code ? (byId.get(code) ?? null) : null;
  };

  const unlinked = rows.map((_, index) => index).filter((index) => customerOf(index) === null);
  const found = new Map<number, ShopifyCustomerFacts[]>();
  for (let start = 0; start < unlinked.length; start += SEARCH_CONNECTIONS_PER_QUERY) {
    const group = unlinked.slice(start, start + SEARCH_CONNECTIONS_PER_QUERY);
    const results = await runCandidateSearches(admin, group.map((index) => candidateSearches(facts[index])));
    group.forEach((index, position) => found.set(index, results[position]));
  }
  const candidateIds = [...found.values()].flat().map((customer) => customer.legacyId);
  const linkedElsewhere = await customerIdsLinkedElsewhere(shop, candidateIds);

  let linked = 0;
  const writes: MatchWrite[] = rows.map((row, index) => {
    const customer = customerOf(index);
    const outcome = linkOutcome(row, customer);
    if (outcome.status === "linked") {
      linked += 1;
      const same = row.status === "linked" && row.linkedGid === outcome.linkedGid;
      return { id: row.id, ...outcome, linkedAt: same ? row.linkedAt : now, candidates: null };
    }
    // A customer code held by another row links that customer there; this row's own code does not count.
    const exclude = new Set([...linkedElsewhere].filter(([, connectionId]) => connectionId !== row.connectionId).map(([id]) => id));
    return { id: row.id, ...outcome, linkedAt: null, candidates: rankCandidates(facts[index], found.get(index) ?? [], { exclude }) };
  });
  await writeMatches(shop, writes, now);
  return { linked };
}

export function connectionsDownloadTask(services: FlowServices, options: Partial<DownloadOptions> = {}): TaskHandler {
  const { pageSize, pagesPerRun, matchBatchesPerRun, matchBatchSize } = { ...DOWNLOAD_DEFAULTS, ...options };
  return async ({ shop, state: saved, saveState, signal }) => {
    let state = resume(saved, services.now());
    if (state.phase === "download") {
      const joor = await services.joor(shop);
      for (let pages = 0; pages < pagesPerRun; pages++) {
        if (signal.aborted) return { nextRunAt: services.now() };
        const page = await joor.listConnections({ startFrom: state.startFrom, count: pageSize });
        await storeConnections(shop, page.connections, services.now());
        const fetched = state.fetched + page.connections.length;
        const finished = page.nextStart === null || page.connections.length === 0;
        state = {
          ...state,
          startFrom: page.nextStart ?? state.startFrom + page.connections.length,
          fetched,
          ...(finished ? { total: fetched } : {}),
          progress: { done: fetched, total: finished ? fetched : null },
        };
        if (finished) {
          await removeStaleConnections(shop, new Date(state.startedAt));
          const toMatch = await countNeedingMatch(shop);
          state = { ...state, phase: "match", toMatch, progress: { done: 0, total: toMatch } };
        }
        await saveState(state);
        if (finished) break;
      }
      if (state.phase === "download") return { nextRunAt: services.now() };
    }

    const admin = await services.admin(shop);
    for (let batches = 0; batches < matchBatchesPerRun; batches++) {
      if (signal.aborted) return { nextRunAt: services.now() };
      const rows = await rowsNeedingMatch(shop, matchBatchSize);
      if (rows.length === 0) {
        await saveState({ ...state, phase: "done", progress: { done: state.matched, total: state.matched } });
        return { done: true };
      }
      const { linked } = await matchBatch(admin, shop, rows, services.now());
      const matched = state.matched + rows.length;
      state = { ...state, matched, linked: state.linked + linked, progress: { done: matched, total: Math.max(state.toMatch, matched) } };
      await saveState(state);
    }
    return { nextRunAt: services.now() };
  };
}

const IN_PROGRESS = ["scheduled", "retry", "running", "rerun", "waiting"];

/**
 * Starts a download of the shop's JOOR connections, unless one is already under way (then that one is
 * answered). Progress: `taskProgress(prisma, shop, TaskKind.connectionsDownload)`.
 */
export async function startConnectionsDownload(shop: string): Promise<TaskView> {
  const task = await prisma.scheduledTask.findUnique({ where: { shop_kind: { shop, kind: TaskKind.connectionsDownload } } });
  if (task && IN_PROGRESS.includes(task.status)) return toTaskView(task);
  const view = await scheduleTask(prisma, { shop, kind: TaskKind.connectionsDownload, runAt: new Date(), intervalSeconds: null, state: null });
  nudgeWorker();
  return view;
}

/** Registers the connections download and the task that applies queued matching decisions. */
export function registerCustomerMatching(
  registry: HandlerRegistry,
  services: FlowServices = defaultFlowServices,
  options: Partial<DownloadOptions> = {},
): void {
  registry.registerTaskHandler(TaskKind.connectionsDownload, connectionsDownloadTask(services, options), { flow: "customers" });
  registerMatchingDecisions(registry, services);
}
