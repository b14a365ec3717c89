/** Starting and stopping the orders poll: with the orders flow, and at the merchant's interval. */
import { TaskKind } from "~/flows/task-kinds";
import type { FlowOptions } from "~/settings/options";
import type { Db } from "~/sync/sync-state.server";
import { scheduleTask } from "~/sync/tasks.server";

/** The poll runs at the merchant's interval, starting at `runAt` (a task already running runs again after). */
export async function armOrdersPoll(db: Db, shop: string, pollMinutes: number, runAt: Date): Promise<void> {
  await scheduleTask(db, { shop, kind: TaskKind.ordersPoll, intervalSeconds: pollMinutes * 60, runAt });
}

/** No more polls: an idle task is done now, a running one becomes one-off and is done after this run. */
export async function stopOrdersPoll(db: Db, shop: string): Promise<void> {
  await db.scheduledTask.updateMany({ where: { shop, kind: TaskKind.ordersPoll }, data: { intervalSeconds: null } });
  await db.scheduledTask.updateMany({
    where: { shop, kind: TaskKind.ordersPoll, status: { notIn: ["running", "rerun"] } },
    data: { status: "done" },
  });
}

interface OrdersSetup {
  /** The orders flow as the engine sees it: on only with the catalog on. */
  ordersOn: boolean;
  pollMinutes: number;
}

export function ordersSetup(flows: { orders: boolean; catalog: boolean }, options: Pick<FlowOptions, "ordersPollMinutes">): OrdersSetup {
  return { ordersOn: flows.orders && flows.catalog, pollMinutes: options.ordersPollMinutes };
}

/** What a settings save means for the poll: start (or restart at the new interval), stop, or nothing. */
export function ordersPollChange(before: OrdersSetup, after: OrdersSetup): "arm" | "stop" | null {
  if (after.ordersOn) return !before.ordersOn || before.pollMinutes !== after.pollMinutes ? "arm" : null;
  return before.ordersOn ? "stop" : null;
}

/** A poll in one of these statuses runs no more until armed again. */
const STOPPED = ["done", "failed"];

/**
 * Applies a settings save to the poll, in the caller's transaction. While orders are on, a poll that stopped (it
 * failed for good, e.g. on credentials the merchant has just corrected) is armed again too.
 */
export async function applyOrdersPollChange(db: Db, shop: string, before: OrdersSetup, after: OrdersSetup, now: Date): Promise<void> {
  const change = ordersPollChange(before, after);
  if (change === "stop") return stopOrdersPoll(db, shop);
  if (!after.ordersOn) return;
  const task = change === "arm" ? null : await db.scheduledTask.findUnique({ where: { shop_kind: { shop, kind: TaskKind.ordersPoll } }, select: { status: true } });
  if (change === "arm" || !task || STOPPED.includes(task.status)) await armOrdersPoll(db, shop, after.pollMinutes, now);
}
