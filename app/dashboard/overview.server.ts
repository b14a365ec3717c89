import { prisma } from "~/db.server";

export interface FlowCounts {
  kind: string;
  counts: Record<string, number>;
}

/** What the dashboard shows for one shop: sync states per kind and status, recent activity, webhook intake. */
export async function loadOverview(shop: string, now = new Date()) {
  const [grouped, activity, deliveriesLastHour, lastDelivery] = await Promise.all([
    prisma.syncState.groupBy({ by: ["kind", "status"], where: { shop }, _count: { _all: true } }),
    prisma.activityEvent.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 10 }),
    prisma.webhookDelivery.count({ where: { shop, receivedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    prisma.webhookDelivery.findFirst({ where: { shop }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true, topic: true } }),
  ]);
  const byKind = new Map<string, Record<string, number>>();
  for (const row of grouped) {
    const counts = byKind.get(row.kind) ?? {};
    counts[row.status] = row._count._all;
    byKind.set(row.kind, counts);
  }
  const flows: FlowCounts[] = [...byKind.entries()].map(([kind, counts]) => ({ kind, counts }));
  return {
    flows,
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
