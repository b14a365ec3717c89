/**
 * The credit budget in the JoorBudget table: one row per JOOR account (`${environment}:${accountId}`), shared
 * by every flow and every worker process.
 *
 * Every change is a single conditional UPDATE, atomic on SQLite and PostgreSQL alike (PostgreSQL re-checks
 * the WHERE clause against the row it locks):
 * - the common case adds the cost only while the window is open, has room and is not blocked;
 * - anything else (new window, first use, a 429 block) reads the row, decides with the pure rules in
 *   budget.ts, and writes only if the row still holds what was read (compare-and-set); a lost race re-reads.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { prisma as defaultPrisma } from "~/db.server";
import { log } from "~/logger.server";
import {
  blockedWindow,
  contendedError,
  creditBudgetConfig,
  decideAcquire,
  MAX_ACQUIRE_ROUNDS,
  realSleep,
  usageOf,
  waitOrThrow,
  type BudgetWindow,
  type CreditBudget,
  type CreditBudgetConfig,
  type CreditBudgetOptions,
  type CreditUsage,
  type Sleep,
} from "./budget";
import type { JoorEnvironment } from "./hosts";

export function joorBudgetKey(environment: JoorEnvironment, accountId: string): string {
  return `${environment}:${accountId}`;
}

export interface DbCreditBudgetOptions extends CreditBudgetOptions {
  environment: JoorEnvironment;
  accountId: string;
  prisma?: PrismaClient;
  now?: () => number;
  sleep?: Sleep;
}

interface BudgetRow {
  windowStart: Date;
  creditsUsed: number;
  blockedUntil: Date | null;
}

function toWindow(row: BudgetRow | null): BudgetWindow | null {
  return row
    ? { windowStart: row.windowStart.getTime(), creditsUsed: row.creditsUsed, blockedUntil: row.blockedUntil?.getTime() ?? null }
    : null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export class DbCreditBudget implements CreditBudget {
  readonly config: CreditBudgetConfig;
  readonly account: string;
  private readonly db: PrismaClient;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(options: DbCreditBudgetOptions) {
    this.config = creditBudgetConfig(options);
    this.account = joorBudgetKey(options.environment, options.accountId);
    this.db = options.prisma ?? defaultPrisma;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  async acquire(cost: number, options: { priority?: boolean } = {}): Promise<void> {
    const priority = options.priority ?? false;
    for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
      const now = this.now();
      if (await this.addToOpenWindow(cost, priority, now)) return this.recordSpend(cost, now);
      const current = await this.read();
      const decision = decideAcquire(current, now, cost, priority, this.config);
      if (decision.kind === "take") {
        if (await this.compareAndSet(current, decision.next)) return this.recordSpend(cost, now);
        continue;
      }
      await waitOrThrow(decision, now, this.config, this.sleep);
    }
    throw contendedError();
  }

  async recordThrottle(retryAfterMs?: number): Promise<number> {
    for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
      const now = this.now();
      const current = await this.read();
      const next = blockedWindow(current, now, retryAfterMs, this.config);
      if (await this.compareAndSet(current, next)) return next.blockedUntil! - now;
    }
    throw contendedError();
  }

  /** Adds the credits to this minute's history row; bookkeeping only, so a failure never fails the JOOR call. */
  private async recordSpend(cost: number, now: number): Promise<void> {
    const minute = new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS);
    try {
      await this.db.$executeRaw`
        INSERT INTO "JoorCreditMinute" ("account", "minute", "credits") VALUES (${this.account}, ${minute}, ${cost})
        ON CONFLICT ("account", "minute") DO UPDATE SET "credits" = "JoorCreditMinute"."credits" + excluded."credits"`;
    } catch (error) {
      log.warn("Recording JOOR credit history failed", { account: this.account, error });
    }
  }

  async usage(): Promise<CreditUsage> {
    return usageOf(await this.read(), this.now(), this.config);
  }

  /** The common case in one statement: open window, room for the cost, not blocked. */
  private async addToOpenWindow(cost: number, priority: boolean, now: number): Promise<boolean> {
    const allowance = priority ? this.config.limit : this.config.limit - this.config.priorityReserve;
    const { count } = await this.db.joorBudget.updateMany({
      where: {
        account: this.account,
        windowStart: { gt: new Date(now - this.config.windowMs) },
        creditsUsed: { lte: allowance - cost },
        OR: [{ blockedUntil: null }, { blockedUntil: { lte: new Date(now) } }],
      },
      data: { creditsUsed: { increment: cost } },
    });
    return count === 1;
  }

  private async read(): Promise<BudgetWindow | null> {
    return toWindow(
      await this.db.joorBudget.findUnique({
        where: { account: this.account },
        select: { windowStart: true, creditsUsed: true, blockedUntil: true },
      }),
    );
  }

  /** Writes `next` only if the row still holds `expected` (or, for a first use, does not exist yet). */
  private async compareAndSet(expected: BudgetWindow | null, next: BudgetWindow): Promise<boolean> {
    const data = {
      windowStart: new Date(next.windowStart),
      creditsUsed: next.creditsUsed,
      blockedUntil: next.blockedUntil === null ? null : new Date(next.blockedUntil),
    };
    if (expected === null) {
      try {
        await this.db.joorBudget.create({ data: { account: this.account, ...data } });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    }
    const { count } = await this.db.joorBudget.updateMany({
      where: {
        account: this.account,
        windowStart: new Date(expected.windowStart),
        creditsUsed: expected.creditsUsed,
        blockedUntil: expected.blockedUntil === null ? null : new Date(expected.blockedUntil),
      },
      data,
    });
    return count === 1;
  }
}

const MINUTE_MS = 60_000;

/** Credits taken in each of the last `minutes` minutes (oldest first), for the dashboard's chart. */
export async function readJoorCreditHistory(
  environment: JoorEnvironment,
  accountId: string,
  options: { minutes?: number; now?: number; prisma?: PrismaClient } = {},
): Promise<number[]> {
  const minutes = options.minutes ?? 60;
  const db = options.prisma ?? defaultPrisma;
  const current = Math.floor((options.now ?? Date.now()) / MINUTE_MS) * MINUTE_MS;
  const first = current - (minutes - 1) * MINUTE_MS;
  const rows = await db.joorCreditMinute.findMany({
    where: { account: joorBudgetKey(environment, accountId), minute: { gte: new Date(first) } },
  });
  const history = Array.from({ length: minutes }, () => 0);
  for (const row of rows) {
    const index = Math.round((row.minute.getTime() - first) / MINUTE_MS);
    if (index >= 0 && index < minutes) history[index] += row.credits;
  }
  return history;
}

/** Drops credit history older than `olderThan` (the chart shows an hour). */
export async function pruneJoorCreditHistory(db: PrismaClient | Prisma.TransactionClient, olderThan: Date): Promise<number> {
  const { count } = await db.joorCreditMinute.deleteMany({ where: { minute: { lt: olderThan } } });
  return count;
}

/** Current usage of one JOOR account's window, for the dashboard. */
export function readJoorCreditUsage(
  environment: JoorEnvironment,
  accountId: string,
  options: CreditBudgetOptions & { prisma?: PrismaClient; now?: () => number } = {},
): Promise<CreditUsage> {
  return new DbCreditBudget({ ...options, environment, accountId }).usage();
}
