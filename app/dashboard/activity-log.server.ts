import { z } from "zod";
import { prisma } from "~/db.server";
import { containsIgnoringCase } from "~/db/dialect.server";

export const ACTIVITY_PAGE_SIZE = 25;

/** Filters from the Activity page's query string; anything unreadable falls back to "all". */
export const activityFilterSchema = z.object({
  flow: z.string().trim().max(40).catch(""),
  status: z.string().trim().max(40).catch(""),
  record: z.string().trim().max(200).catch(""),
  /** The createdAt/id of the last event on the previous page (keyset pagination stays fast on big logs). */
  before: z.string().trim().max(100).catch(""),
});

export type ActivityFilter = z.infer<typeof activityFilterSchema>;

export function readActivityFilter(params: URLSearchParams): ActivityFilter {
  return activityFilterSchema.parse({
    flow: params.get("flow") ?? "",
    status: params.get("status") ?? "",
    record: params.get("record") ?? "",
    before: params.get("before") ?? "",
  });
}

function cursorOf(before: string): { createdAt: Date; id: string } | null {
  const [at, id] = before.split("_");
  const createdAt = new Date(at ?? "");
  return id && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : null;
}

/** One page of the shop's activity, newest first, with the cursor of the next page. */
export async function loadActivityPage(shop: string, filter: ActivityFilter) {
  const cursor = cursorOf(filter.before);
  const events = await prisma.activityEvent.findMany({
    where: {
      shop,
      ...(filter.flow ? { flow: filter.flow } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      // Two OR groups, so they are ANDed (spread side by side, the second would replace the first).
      AND: [
        filter.record
          ? { OR: [{ recordGid: containsIgnoringCase(filter.record) }, { label: containsIgnoringCase(filter.record) }] }
          : {},
        cursor
          ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
          : {},
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: ACTIVITY_PAGE_SIZE + 1,
  });
  const page = events.slice(0, ACTIVITY_PAGE_SIZE);
  const last = page[page.length - 1];
  const [flows, statuses] = await Promise.all([
    prisma.activityEvent.findMany({ where: { shop }, distinct: ["flow"], select: { flow: true } }),
    prisma.activityEvent.findMany({ where: { shop }, distinct: ["status"], select: { status: true } }),
  ]);
  return {
    events: page.map((event) => ({
      id: event.id,
      createdAt: event.createdAt.toISOString(),
      flow: event.flow,
      action: event.action,
      status: event.status,
      record: event.label ?? event.recordGid ?? "",
      recordGid: event.recordGid,
      message: event.message ?? "",
    })),
    nextBefore: events.length > ACTIVITY_PAGE_SIZE && last ? `${last.createdAt.toISOString()}_${last.id}` : null,
    flows: flows.map((row) => row.flow).sort(),
    statuses: statuses.map((row) => row.status).sort(),
  };
}
