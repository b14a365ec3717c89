/**
 * When the app has caught up, read from its own database: nothing due or leased, no task left to run, an
 * orders poll that ran after the last approval, every order import settled and told to JOOR. A customer
 * waiting for JOOR's data team is settled: JOOR holds its data, and the app only looks again in an hour. A
 * periodic task waiting for its next turn is settled too. Only the kinds the app's worker handles count.
 */
import type { PrismaClient } from "@prisma/client";
import { TaskKind } from "~/flows/task-kinds";

/** Work due within this long still counts as outstanding (JOOR job checks, linesheet waits). */
const SOON_MS = 5 * 60_000;

export interface HandledKinds {
  sync: string[];
  task: string[];
}

/** What the app still has to do; empty when it is quiet. `since`: the orders poll must have run after it. */
export async function outstandingWork(prisma: PrismaClient, shop: string, since: Date, kinds: HandledKinds): Promise<string[]> {
  const now = new Date();
  const soon = new Date(now.getTime() + SOON_MS);
  const [records, leased, tasks, poll, imports] = await Promise.all([
    prisma.syncState.groupBy({
      by: ["kind", "status"],
      where: {
        shop,
        kind: { in: kinds.sync },
        OR: [{ status: { in: ["dirty", "retry", "throttled"] } }, { status: "pending", nextAttemptAt: { lte: soon } }],
      },
      _count: true,
    }),
    prisma.syncState.count({ where: { shop, leaseExpiresAt: { gt: now } } }),
    prisma.scheduledTask.findMany({
      where: {
        shop,
        kind: { in: kinds.task.filter((kind) => kind !== TaskKind.ordersPoll) },
        OR: [
          { status: { in: ["retry", "running", "rerun"] } },
          { status: { in: ["scheduled", "waiting"] }, OR: [{ intervalSeconds: null }, { nextRunAt: { lte: now } }] },
        ],
      },
      select: { kind: true, status: true },
    }),
    prisma.scheduledTask.findUnique({ where: { shop_kind: { shop, kind: TaskKind.ordersPoll } }, select: { status: true, state: true } }),
    prisma.orderImport.groupBy({
      by: ["status"],
      where: { shop, OR: [{ status: { in: ["queued", "creating"] } }, { acknowledgedAt: null, status: { in: ["imported", "failed", "ignored"] } }] },
      _count: true,
    }),
  ]);
  const reasons = records.map((group) => `${group._count} ${group.kind} record(s) ${group.status}`);
  if (leased > 0) reasons.push(`${leased} record(s) held by a worker`);
  reasons.push(...tasks.map((task) => `task ${task.kind} ${task.status}`));
  const lastPoll = poll?.state ? (JSON.parse(poll.state) as { lastRun?: { at?: string } }).lastRun?.at : undefined;
  if (!poll || ["running", "rerun"].includes(poll.status) || !lastPoll || Date.parse(lastPoll) < since.getTime()) {
    reasons.push(`orders poll not yet run since ${since.toISOString()}`);
  }
  reasons.push(...imports.map((group) => `${group._count} order import(s) ${group.status} or not yet told to JOOR`));
  return reasons;
}

/** What the app gave up on, with its reasons: the likely cause of anything the check finds lost. */
export async function givenUp(prisma: PrismaClient, shop: string): Promise<string[]> {
  const [records, imports, tasks] = await Promise.all([
    prisma.syncState.findMany({ where: { shop, status: "failed" }, select: { kind: true, gid: true, lastError: true } }),
    prisma.orderImport.findMany({ where: { shop, status: { in: ["failed", "review"] } }, select: { joorOrderId: true, status: true, reason: true } }),
    prisma.scheduledTask.findMany({ where: { shop, status: "failed" }, select: { kind: true, lastError: true } }),
  ]);
  return [
    ...records.map((record) => `${record.kind} ${record.gid} failed: ${record.lastError ?? "no reason"}`),
    ...imports.map((row) => `JOOR order ${row.joorOrderId} ${row.status}: ${row.reason ?? "no reason"}`),
    ...tasks.map((task) => `task ${task.kind} failed: ${task.lastError ?? "no reason"}`),
  ];
}
