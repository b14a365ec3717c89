/**
 * The merchant's actions on the orders: "Import now", and Retry or a decision on one order. Each only changes
 * rows and wakes the poll: the work itself happens in the task, so a request answers at once.
 */
import { z } from "zod";
import { prisma } from "~/db.server";
import { getShopConfiguration } from "~/settings/settings.server";
import { engineTransactions } from "~/sync/runner.server";
import { nudgeWorker } from "~/sync/worker.server";
import { armOrdersPoll } from "./schedule.server";
import { ImportStatus } from "./status";

export type OrdersActionResult = { ok: true; message: string } | { ok: false; message: string };

/** "Import now": the poll runs at once (and keeps its interval). */
export async function importOrdersNow(shop: string, now = new Date()): Promise<OrdersActionResult> {
  const configuration = await getShopConfiguration(shop);
  if (!configuration?.flows.orders) return { ok: false, message: "Order import is switched off in Settings" };
  await engineTransactions(prisma)((db) => armOrdersPoll(db, shop, configuration.options.ordersPollMinutes, now));
  nudgeWorker();
  return { ok: true, message: "Looking for new JOOR orders now" };
}

/**
 * Moves one of the shop's rows from `from` to `to` and wakes the poll; false when the row is not there or no
 * longer in `from`.
 */
async function moveRow(shop: string, id: string, from: string, data: { status: string; reason?: null; acknowledgedAt?: null }): Promise<boolean> {
  const moved = await engineTransactions(prisma)((db) => db.orderImport.updateMany({ where: { id, shop, status: from }, data }));
  if (moved.count === 0) return false;
  await importOrdersNow(shop);
  return true;
}

/** "Retry" on a failed order: a new attempt of the same generation (JOOR hears the new outcome). */
export async function retryOrderImport(shop: string, id: string): Promise<OrdersActionResult> {
  const moved = await moveRow(shop, id, ImportStatus.failed, { status: ImportStatus.queued, reason: null, acknowledgedAt: null });
  return moved ? { ok: true, message: "The order will be imported again" } : { ok: false, message: "That order is no longer failed" };
}

/** The merchant's decision on an order that came back after import. */
export async function decideReturnedOrder(shop: string, id: string, decision: "import" | "ignore"): Promise<OrdersActionResult> {
  const to = decision === "import" ? ImportStatus.queued : ImportStatus.ignored;
  const moved = await moveRow(shop, id, ImportStatus.review, { status: to, reason: null });
  if (!moved) return { ok: false, message: "That order is no longer waiting for a decision" };
  return { ok: true, message: decision === "import" ? "The order will be imported as a new Shopify order" : "The changes will be ignored" };
}

export const ordersActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("importNow") }),
  z.object({ intent: z.literal("retry"), id: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("importAgain"), id: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("ignore"), id: z.string().min(1).max(64) }),
]);

/** The Orders page's form posts; every action names the shop's own rows only. */
export async function runOrdersAction(shop: string, form: FormData): Promise<OrdersActionResult> {
  const parsed = ordersActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: "That action is not available" };
  const action = parsed.data;
  switch (action.intent) {
    case "importNow":
      return importOrdersNow(shop);
    case "retry":
      return retryOrderImport(shop, action.id);
    case "importAgain":
      return decideReturnedOrder(shop, action.id, "import");
    case "ignore":
      return decideReturnedOrder(shop, action.id, "ignore");
  }
}
