/**
 * The orders-poll task: one run per shop every few minutes (the merchant's interval), or at once on "Import
 * now" and after a merchant's decision.
 * 1. Rows left `creating` by a crash are settled (found in Shopify by source identifier, or queued again).
 * 2. JOOR's approved, not-yet-exported-or-modified orders are read, read-only, through every page, before
 *    anything is acknowledged (an acknowledgement takes an order off the list and would shift the pages).
 * 3. Each listed order is matched with its generations (new → queued; back after import → waiting for the
 *    merchant; failed and changed since → queued again).
 * 4. Queued generations JOOR still lists are imported one by one; Shopify's rate limits end the run early and
 *    the rest wait for the next run, queued.
 * 5. Follow-ups (customer code write-back, marking a replaced order), then 6. one acknowledgement per order.
 */
import { prisma } from "~/db.server";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import { ORDER_ACK_DESCRIPTION_MAX, ORDER_PAGE_SIZE, V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import type { JoorClient } from "~/joor/client.server";
import type { JoorOrder } from "~/joor/schemas";
import { RecordKind } from "~/records";
import type { FlowOptions } from "~/settings/options";
import type { AdminClient } from "~/shopify/admin-client.server";
import { ShopGoneError, errorMessage, isTerminal } from "~/sync/errors";
import { parseJson } from "~/sync/json";
import type { HandlerRegistry, TaskContext, TaskHandler, TaskResult } from "~/sync/registry";
import { engineTransactions } from "~/sync/runner.server";
import { CustomerResolver } from "./customers.server";
import { listingAction, orderVersion, uniqueOrders } from "./generations";
import { importRow, recoverCreating, settledAt, type ImportContext } from "./importer.server";
import { buildCatalogIndex, type CatalogIndex } from "./lines";
import { markOrderReplaced, shopCurrency } from "./shopify.server";
import { acknowledgementFor, ImportStatus, REPLACED_TAG } from "./status";
import { ImportStore, readFollowUp, type FollowUp, type ImportRow } from "./store.server";

export const ORDERS_FLOW = "orders";

export interface OrdersPollSettings {
  /** Orders per JOOR page (one GET, one credit). */
  pageSize: number;
  /** Imports between progress saves (each also renews the task's lease). */
  progressEvery: number;
}

export const ORDERS_POLL_DEFAULTS: OrdersPollSettings = { pageSize: ORDER_PAGE_SIZE, progressEvery: 10 };

/** The task's saved state: the progress bar, and what the last run did. */
export interface PollState {
  progress: { done: number; total: number };
  lastRun: { at: string; listed: number; imported: number; failed: number; waiting: number };
}

/** Reads every page of the export list, read-only. */
async function listApprovedOrders(joor: JoorClient, pageSize: number): Promise<JoorOrder[]> {
  const orders: JoorOrder[] = [];
  let startFrom = 0;
  for (;;) {
    const page = await joor.listOrders({ startFrom, count: pageSize });
    orders.push(...page.orders);
    if (page.nextStart === null || page.orders.length + page.skipped === 0 || page.nextStart <= startFrom) return orders;
    startFrom = page.nextStart;
  }
}

async function readCatalog(shop: string): Promise<CatalogIndex> {
  const states = await engineTransactions(prisma)((db) =>
    db.syncState.findMany({ where: { shop, kind: RecordKind.product, details: { not: null } }, select: { gid: true, details: true } }),
  );
  return buildCatalogIndex(states.map((state) => ({ gid: state.gid, details: parseJson(state.details) })));
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => (value ??= load());
}

function ackDescription(row: ImportRow): string {
  const text =
    row.status === ImportStatus.imported
      ? `Imported as Shopify order ${row.shopifyOrderName ?? row.shopifyOrderGid ?? ""}`.trim()
      : row.status === ImportStatus.ignored
        ? "Changed after import; the merchant kept the Shopify order imported before"
        : (row.reason ?? "Not imported");
  return text.length > ORDER_ACK_DESCRIPTION_MAX ? `${text.slice(0, ORDER_ACK_DESCRIPTION_MAX - 1)}…` : text;
}

/** A per-record refusal JOOR may not repeat: anything but a record it returned no result for. */
const RETRIED_ACK_STATUSES = new Set(["MISSING"]);

class OrdersPoll {
  private wakeAt: number | null = null;
  private readonly store: ImportStore;

  constructor(
    private readonly context: TaskContext,
    private readonly services: FlowServices,
    private readonly options: FlowOptions,
    private readonly settings: OrdersPollSettings,
    private readonly admin: AdminClient,
    private readonly joor: JoorClient,
  ) {
    this.store = new ImportStore(context.shop, engineTransactions(prisma));
  }

  private wake(at: number): void {
    this.wakeAt = this.wakeAt === null ? at : Math.min(this.wakeAt, at);
  }

  private now(): Date {
    return this.services.now();
  }

  async run(): Promise<TaskResult> {
    const importContext: ImportContext = {
      store: this.store,
      admin: this.admin,
      customers: new CustomerResolver({
        admin: this.admin,
        joor: this.joor,
        createCustomers: this.options.createOrderCustomers,
        earlierCustomer: (code) => this.store.earlierCustomer(code),
      }),
      catalog: once(() => readCatalog(this.context.shop)),
      shopCurrency: once(() => shopCurrency(this.admin)),
      options: this.options,
      now: () => this.now(),
    };
    await this.recover(importContext);
    const listed = uniqueOrders(await listApprovedOrders(this.joor, this.settings.pageSize));
    await this.applyListing(listed);

    let failure: unknown = null;
    const counts = { imported: 0, failed: 0 };
    const listedIds = new Set(listed.map((order) => order.order_id));
    const queued = (await this.store.rowsIn([ImportStatus.queued])).filter((row) => listedIds.has(row.joorOrderId));
    for (const [done, row] of queued.entries()) {
      if (this.context.signal.aborted) {
        this.wake(this.now().getTime());
        break;
      }
      if (done > 0 && done % this.settings.progressEvery === 0) {
        await this.context.saveState({ ...this.previous(), progress: { done, total: queued.length } });
      }
      try {
        const result = await importRow(row, importContext);
        if (result.kind === "limited") {
          this.wake(this.now().getTime() + result.retryAfterMs);
          break;
        }
        if (result.kind === "imported") counts.imported += 1;
        if (result.kind === "failed") counts.failed += 1;
      } catch (error) {
        failure = error;
        break;
      }
    }
    if (failure === null) failure = await this.capture(() => this.runFollowUps());
    // Outcomes already recorded are told to JOOR even when the run stops early.
    const acknowledgeFailure = await this.capture(() => this.acknowledge());
    failure ??= acknowledgeFailure;
    const state: PollState = {
      progress: { done: counts.imported + counts.failed, total: queued.length },
      lastRun: { at: this.now().toISOString(), listed: listed.length, ...counts, waiting: await this.store.countIn([ImportStatus.review]) },
    };
    await this.context.saveState(state);
    if (failure !== null) throw failure;
    return this.wakeAt === null ? { done: true } : { nextRunAt: new Date(this.wakeAt) };
  }

  /** The last run's summary stays on show while this one saves its progress. */
  private previous(): Partial<PollState> {
    const saved = this.context.state as Partial<PollState> | null;
    return saved?.lastRun ? { lastRun: saved.lastRun } : {};
  }

  private async capture(step: () => Promise<void>): Promise<unknown> {
    try {
      await step();
      return null;
    } catch (error) {
      return error;
    }
  }

  private async recover(ctx: ImportContext): Promise<void> {
    for (const row of await this.store.rowsIn([ImportStatus.creating])) {
      const settled = settledAt(row);
      if (settled > this.now().getTime()) this.wake(settled);
      else await recoverCreating(row, ctx);
    }
  }

  private async applyListing(listed: readonly JoorOrder[]): Promise<void> {
    const generations = await this.store.generationsOf(listed.map((order) => order.order_id));
    for (const order of listed) {
      const version = orderVersion(order);
      const action = listingAction(version, generations.get(order.order_id) ?? []);
      switch (action.kind) {
        case "create":
          await this.store.addGeneration(order, version, 0, ImportStatus.queued, null);
          break;
        case "refresh":
          await this.store.updateListed(action.rowId, order, version, [ImportStatus.queued, ImportStatus.review], false);
          break;
        case "retry":
          await this.store.updateListed(action.rowId, order, version, [ImportStatus.failed], true);
          break;
        case "returned":
          await this.store.addGeneration(order, version, action.generation, ImportStatus.review, "Changed or set to re-export in JOOR after it was imported");
          break;
        case "none":
          break;
      }
    }
  }

  /** One follow-up at a time, saved as it goes; a transient failure stops here and is tried again next run. */
  private async runFollowUps(): Promise<void> {
    for (const row of await this.store.withFollowUps()) {
      const remaining: FollowUp = { ...readFollowUp(row) };
      const warnings: string[] = [];
      const attempt = async (key: keyof FollowUp, label: string, run: () => Promise<unknown>) => {
        if (!remaining[key]) return;
        try {
          await run();
        } catch (error) {
          if (error instanceof ShopGoneError || !isTerminal(error)) {
            await this.store.setFollowUp(row, remaining, warnings.join("; ") || undefined);
            throw error;
          }
          warnings.push(`${label}: ${errorMessage(error)}`);
        }
        delete remaining[key];
      };
      const { writeBackCode, markReplaced } = remaining;
      await attempt("writeBackCode", "The customer code could not be written back to JOOR", () =>
        this.joor.rekeyConnection(writeBackCode!.connectionId, writeBackCode!.customerId),
      );
      await attempt("markReplaced", "The replaced Shopify order could not be marked", () =>
        markOrderReplaced(
          this.admin,
          markReplaced!.orderGid,
          REPLACED_TAG,
          `Replaced by Shopify order ${markReplaced!.by}: the JOOR order changed after it was imported.`,
        ),
      );
      await this.store.setFollowUp(row, remaining, warnings.join("; ") || undefined);
    }
  }

  /** Tells JOOR each outcome once: per JOOR order its latest generation, in bulk. */
  private async acknowledge(): Promise<void> {
    const byOrder = new Map<string, ImportRow[]>();
    for (const row of await this.store.unacknowledged()) byOrder.set(row.joorOrderId, [...(byOrder.get(row.joorOrderId) ?? []), row]);
    const owed = [...byOrder.values()].flatMap((rows) => {
      const latest = rows.reduce((a, b) => (b.exportGeneration > a.exportGeneration ? b : a));
      const status = acknowledgementFor(latest.status);
      return status ? [{ rows, ack: { id: latest.joorOrderId, export_status: status, export_description: ackDescription(latest) } }] : [];
    });
    for (let start = 0; start < owed.length; start += V4_BULK_MAX_RECORDS) {
      const batch = owed.slice(start, start + V4_BULK_MAX_RECORDS);
      const results = await this.joor.acknowledgeOrders(batch.map((entry) => entry.ack));
      const at = this.now();
      for (const [index, { rows }] of batch.entries()) {
        const result = results[index];
        if (!result || (!result.ok && RETRIED_ACK_STATUSES.has(result.status))) continue;
        const refusal = result.ok ? undefined : `JOOR refused the acknowledgement: ${result.message || result.status}`;
        for (const row of rows) await this.store.markAcknowledged(row, at, refusal);
      }
    }
  }
}

export function ordersPollHandler(services: FlowServices, settings: OrdersPollSettings = ORDERS_POLL_DEFAULTS): TaskHandler {
  return async (context) => {
    const configuration = await services.configuration(context.shop);
    if (!configuration.flows.orders) return { done: true };
    const [admin, joor] = await Promise.all([services.admin(context.shop), services.joor(context.shop)]);
    return new OrdersPoll(context, services, configuration.options, settings, admin, joor).run();
  };
}

/** Registers the orders flow: the orders-poll task. */
export function registerOrderImport(
  registry: HandlerRegistry,
  services: FlowServices = defaultFlowServices,
  settings: OrdersPollSettings = ORDERS_POLL_DEFAULTS,
): void {
  registry.registerTaskHandler(TaskKind.ordersPoll, ordersPollHandler(services, settings), { flow: ORDERS_FLOW });
}
