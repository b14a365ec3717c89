import type { Db } from "~/sync/sync-state.server";
import { scheduleTask } from "~/sync/tasks.server";
import type { TaskKind } from "./task-kinds";

/** A task still on its way keeps its progress; a finished one starts over from the beginning. */
const FINISHED = ["done", "failed"];

/**
 * Starts (or re-arms) a one-off task such as a flow's full sync: asking twice never runs it twice, and a run
 * in progress is not thrown back to the start.
 */
export async function startOneOffTask(db: Db, shop: string, kind: TaskKind, now = new Date()): Promise<void> {
  const existing = await db.scheduledTask.findUnique({ where: { shop_kind: { shop, kind } }, select: { status: true } });
  await scheduleTask(db, {
    shop,
    kind,
    runAt: now,
    intervalSeconds: null,
    ...(existing && FINISHED.includes(existing.status) ? { state: null } : {}),
  });
}
