import { z } from "zod";
import { prisma } from "~/db.server";
import { startOneOffTask } from "~/flows/full-sync.server";
import { importOrdersNow } from "~/orders/actions.server";
import { engineTransactions } from "~/sync/runner.server";
import { markDirty } from "~/sync/sync-state.server";
import { nudgeWorker } from "~/sync/worker.server";
import { DASHBOARD_FLOWS } from "./overview.server";

const flowKeys = DASHBOARD_FLOWS.map((flow) => flow.key) as [string, ...string[]];

export const dashboardActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), id: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("syncNow"), flow: z.enum(flowKeys) }),
  z.object({ intent: z.literal("importOrders") }),
]);

export type DashboardActionResult = { ok: true; message: string } | { ok: false; message: string };

/** Retry one failed record, start a flow's full sync, or poll JOOR's orders now; each only queues work for the worker. */
export async function runDashboardAction(shop: string, form: FormData, now = new Date()): Promise<DashboardActionResult> {
  const parsed = dashboardActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: "That action is not available" };
  const action = parsed.data;
  const transact = engineTransactions(prisma);
  if (action.intent === "importOrders") return importOrdersNow(shop, now);

  if (action.intent === "retry") {
    const state = await prisma.syncState.findFirst({ where: { id: action.id, shop } });
    if (!state) return { ok: false, message: "That record is no longer there" };
    await transact((db) => markDirty(db, { shop, kind: state.kind, gid: state.gid, at: now }));
    nudgeWorker();
    return { ok: true, message: "Queued to sync again" };
  }

  const flow = DASHBOARD_FLOWS.find((candidate) => candidate.key === action.flow)!;
  await transact((db) => startOneOffTask(db, shop, flow.syncTask, now));
  nudgeWorker();
  return { ok: true, message: `${flow.title}: full sync started` };
}
