import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { readJoorCreditHistory, readJoorCreditUsage } from "~/joor/budget.server";
import { loadOrdersOverview } from "~/orders/page.server";
import { RecordKind } from "~/records";
import { getShopConfiguration } from "~/settings/settings.server";
import { parseJson } from "~/sync/json";
import { taskProgress, type TaskProgress } from "~/sync/tasks.server";

/** The flows the dashboard shows: which record kinds and tasks belong to each. */
export const DASHBOARD_FLOWS = [
  {
    key: "customers",
    title: "Customers",
    kinds: [RecordKind.customer],
    tasks: [TaskKind.customersBackfill, TaskKind.connectionsDownload, TaskKind.customersMatchingApply],
    syncTask: TaskKind.customersBackfill,
  },
  {
    key: "catalog",
    title: "Catalog",
    kinds: [RecordKind.product, "linesheet"],
    tasks: [TaskKind.catalogBackfill],
    syncTask: TaskKind.catalogBackfill,
  },
  { key: "inventory", title: "Inventory", kinds: [RecordKind.inventoryItem], tasks: [], syncTask: TaskKind.catalogBackfill },
] as const;

export type DashboardFlowKey = (typeof DASHBOARD_FLOWS)[number]["key"];

/** Statuses grouped the way a merchant reads them. */
const STATUS_GROUPS: Record<string, "synced" | "pending" | "failed" | "stopped"> = {
  synced: "synced",
  dirty: "pending",
  retry: "pending",
  throttled: "pending",
  pending: "pending",
  failed: "failed",
  stopped: "stopped",
};

const TASK_TITLES: Record<string, string> = {
  [TaskKind.customersBackfill]: "Syncing all tagged customers",
  [TaskKind.connectionsDownload]: "Downloading JOOR connections",
  [TaskKind.customersMatchingApply]: "Linking matched JOOR customers",
  [TaskKind.catalogBackfill]: "Syncing all tagged products",
};

function labelOf(details: unknown, gid: string): string {
  if (details && typeof details === "object") {
    const record = details as Record<string, unknown>;
    for (const key of ["label", "title", "name", "email"]) {
      const value = record[key];
      if (typeof value === "string" && value.trim()) return value;
    }
  }
  return gid.split("/").pop() ?? gid;
}

function taskSummary(task: TaskProgress) {
  return {
    kind: task.kind,
    title: TASK_TITLES[task.kind] ?? task.kind,
    status: task.status,
    running: task.running,
    progress: task.progress,
    nextRunAt: task.nextRunAt.toISOString(),
    lastRunAt: task.lastRunAt?.toISOString() ?? null,
    lastError: task.lastError,
  };
}

/** The JOOR account's current window and the credits of each of the last 60 minutes. */
async function readCredits(settings: { joorEnvironment: string; joorAccountId: string | null } | null, now: Date) {
  if (!settings?.joorAccountId) return null;
  const environment = settings.joorEnvironment === "production" ? "production" : "sandbox";
  const [usage, lastHour] = await Promise.all([
    readJoorCreditUsage(environment, settings.joorAccountId, { now: () => now.getTime() }),
    readJoorCreditHistory(environment, settings.joorAccountId, { now: now.getTime() }),
  ]);
  return { ...usage, lastHour };
}

/** What the dashboard shows for one shop. Reads only the database: it answers fast whatever JOOR is doing. */
export async function loadOverview(shop: string, now = new Date()) {
  const configuration = await getShopConfiguration(shop);
  const settings = await prisma.shopSettings.findUnique({
    where: { shop },
    select: { joorEnvironment: true, joorAccountId: true },
  });
  const [grouped, lastSynced, failures, tasks, activity, deliveriesLastHour, lastDelivery, credits, orders] = await Promise.all([
    prisma.syncState.groupBy({ by: ["kind", "status"], where: { shop }, _count: { _all: true } }),
    prisma.syncState.groupBy({ by: ["kind"], where: { shop }, _max: { lastSyncedAt: true } }),
    prisma.syncState.findMany({
      where: { shop, status: "failed" },
      orderBy: { updatedAt: "desc" },
      take: 20,
      select: { id: true, kind: true, gid: true, lastError: true, details: true, updatedAt: true },
    }),
    taskProgress(prisma, shop, undefined, now),
    prisma.activityEvent.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 10 }),
    prisma.webhookDelivery.count({ where: { shop, receivedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    prisma.webhookDelivery.findFirst({ where: { shop }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true, topic: true } }),
    readCredits(settings, now),
    loadOrdersOverview(shop, now),
  ]);

  const flows = DASHBOARD_FLOWS.map((flow) => {
    const kinds: readonly string[] = flow.kinds;
    const counts = { synced: 0, pending: 0, failed: 0, stopped: 0 };
    for (const row of grouped) {
      if (!kinds.includes(row.kind)) continue;
      counts[STATUS_GROUPS[row.status] ?? "pending"] += row._count._all;
    }
    const last = lastSynced
      .filter((row) => kinds.includes(row.kind))
      .map((row) => row._max.lastSyncedAt?.getTime() ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    const flowTasks = tasks.filter((task) => (flow.tasks as readonly string[]).includes(task.kind));
    return {
      key: flow.key,
      title: flow.title,
      enabled: configuration?.flows[flow.key] ?? false,
      counts,
      lastSyncedAt: last ? new Date(last).toISOString() : null,
      tasks: flowTasks.map(taskSummary),
      failures: failures
        .filter((row) => kinds.includes(row.kind))
        .slice(0, 5)
        .map((row) => ({
          id: row.id,
          label: labelOf(parseJson(row.details), row.gid),
          reason: row.lastError ?? "",
          at: row.updatedAt.toISOString(),
        })),
    };
  });

  return {
    joorConnected: configuration?.joorConnected ?? false,
    flows,
    orders: { enabled: configuration?.flows.orders ?? false, ...orders },
    credits: credits && {
      used: credits.creditsUsed,
      limit: credits.limit,
      windowEnd: credits.windowEnd?.toISOString() ?? null,
      blockedUntil: credits.blockedUntil?.toISOString() ?? null,
      lastHour: credits.lastHour,
    },
    activity: activity.map((event) => ({
      id: event.id,
      flow: event.flow,
      action: event.action,
      status: event.status,
      label: event.label ?? event.recordGid ?? "",
      message: event.message ?? "",
      createdAt: event.createdAt.toISOString(),
    })),
    deliveriesLastHour,
    lastDelivery: lastDelivery ? { topic: lastDelivery.topic, at: lastDelivery.receivedAt.toISOString() } : null,
  };
}

export type Overview = Awaited<ReturnType<typeof loadOverview>>;
