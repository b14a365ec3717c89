import { TaskKind } from "~/flows/task-kinds";
import type { Db } from "~/sync/sync-state.server";
import { scheduleTask } from "~/sync/tasks.server";
import { armedState, RECONCILE_INTERVAL_MINUTES, sweepNeeded } from "./sweep";

/** A sweep in one of these statuses runs no more until armed again. */
const STOPPED = ["done", "failed"];

/**
 * Arms the shop's sweep when any flow that syncs records is on, idempotently: called on every settings save and
 * every install, it leaves a sweep that is scheduled, running or paused (uninstalled) as it is. A new sweep first
 * runs one interval from now and looks at everything changed from now on; one that had stopped runs now, from
 * its saved mark. Returns whether the shop has a sweep.
 */
export async function armReconcileSweep(db: Db, shop: string, now = new Date()): Promise<boolean> {
  const settings = await db.shopSettings.findUnique({
    where: { shop },
    select: { customersEnabled: true, catalogEnabled: true, inventoryEnabled: true },
  });
  if (!settings || !sweepNeeded(settings)) return false;
  const kind = TaskKind.reconcileSweep;
  const intervalSeconds = RECONCILE_INTERVAL_MINUTES * 60;
  const existing = await db.scheduledTask.findUnique({ where: { shop_kind: { shop, kind } }, select: { status: true } });
  if (!existing) {
    await scheduleTask(db, { shop, kind, intervalSeconds, runAt: new Date(now.getTime() + intervalSeconds * 1000), state: armedState(now) });
  } else if (STOPPED.includes(existing.status)) {
    await scheduleTask(db, { shop, kind, intervalSeconds, runAt: now });
  }
  return true;
}
