/** What the matching screen shows: the shop's downloaded connections by view, and the two tasks' progress. */
import type { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { containsIgnoringCase } from "~/db/dialect.server";
import { TaskKind } from "~/flows/task-kinds";
import { legacyId } from "~/records";
import { taskProgress, type TaskProgress } from "~/sync/tasks.server";
import { MatchReason, type MatchCandidate } from "./matching";
import { MATCHING_APPLY_TASK } from "./matching-decisions.server";
import { ConnectionStatus, readCandidates, readDecision, type ConnectionRow } from "./matching-store.server";
import type { MatchingView } from "./matching-views";

const VIEW_STATUSES: Record<MatchingView, string[]> = {
  open: [ConnectionStatus.unmatched, ConnectionStatus.queued],
  skipped: [ConnectionStatus.skipped],
  linked: [ConnectionStatus.linked],
};

export const MATCHING_PAGE_SIZE = 20;

export interface ConnectionView {
  id: string;
  connectionId: string;
  customerCode: string | null;
  name: string;
  contactName: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  status: string;
  /** The queued decision's action while it waits to be applied. */
  pending: "confirm" | "create" | null;
  lastError: string | null;
  candidates: MatchCandidate[];
  /** Whether Shopify has been searched for this connection yet. */
  searched: boolean;
  linkedCustomerId: string | null;
  linkSource: string | null;
}

function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    connectionId: row.connectionId,
    customerCode: row.customerCode,
    name: row.name ?? row.contactName ?? `Connection ${row.connectionId}`,
    contactName: row.contactName,
    email: row.email,
    city: row.city,
    country: row.country,
    status: row.status,
    pending: row.status === ConnectionStatus.queued ? (readDecision(row)?.action ?? null) : null,
    lastError: row.lastError,
    candidates: readCandidates(row),
    searched: row.candidatesAt !== null,
    linkedCustomerId: row.linkedGid ? legacyId(row.linkedGid) : null,
    linkSource: row.linkSource,
  };
}

export interface TaskSummary {
  status: string;
  running: boolean;
  phase: string | null;
  progress: TaskProgress["progress"];
  lastError: string | null;
  lastRunAt: string | null;
}

function summary(task: TaskProgress | undefined): TaskSummary | null {
  if (!task) return null;
  const phase = (task.state as { phase?: unknown } | null)?.phase;
  return {
    status: task.status,
    running: task.running,
    phase: typeof phase === "string" ? phase : null,
    progress: task.progress,
    lastError: task.lastError,
    lastRunAt: task.lastRunAt?.toISOString() ?? null,
  };
}

export interface MatchingPage {
  view: MatchingView;
  search: string;
  rows: ConnectionView[];
  total: number;
  page: number;
  pageCount: number;
  /** emailMatches: open connections with a same-email candidate (the strongest reason, so always their best). */
  counts: Record<MatchingView, number> & { emailMatches: number };
  download: TaskSummary | null;
  apply: TaskSummary | null;
}

export async function loadMatchingPage(
  shop: string,
  options: { view?: MatchingView; search?: string; page?: number } = {},
): Promise<MatchingPage> {
  const view = options.view ?? "open";
  const search = options.search?.trim() ?? "";
  const where: Prisma.JoorConnectionWhereInput = {
    shop,
    status: { in: VIEW_STATUSES[view] },
    ...(search
      ? {
          OR: [
            { name: containsIgnoringCase(search) },
            { contactName: containsIgnoringCase(search) },
            { email: containsIgnoringCase(search) },
            { customerCode: search },
          ],
        }
      : {}),
  };
  const [total, grouped, emailMatches, tasks] = await Promise.all([
    prisma.joorConnection.count({ where }),
    prisma.joorConnection.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    prisma.joorConnection.count({
      where: { shop, status: ConnectionStatus.unmatched, candidates: { contains: `"reason":"${MatchReason.email}"` } },
    }),
    taskProgress(prisma, shop),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / MATCHING_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const rows = await prisma.joorConnection.findMany({
    where,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    skip: (page - 1) * MATCHING_PAGE_SIZE,
    take: MATCHING_PAGE_SIZE,
  });
  const count = (statuses: string[]) => grouped.filter((g) => statuses.includes(g.status)).reduce((sum, g) => sum + g._count._all, 0);
  return {
    view,
    search,
    rows: rows.map(toView),
    total,
    page,
    pageCount,
    counts: { open: count(VIEW_STATUSES.open), skipped: count(VIEW_STATUSES.skipped), linked: count(VIEW_STATUSES.linked), emailMatches },
    download: summary(tasks.find((task) => task.kind === TaskKind.connectionsDownload)),
    apply: summary(tasks.find((task) => task.kind === MATCHING_APPLY_TASK)),
  };
}
