/**
 * JOOR's credit window, as the app keeps it: per JOOR account, a fixed window (default 300 credits per 300 s)
 * that starts at the first request; a GET costs 1 credit, a write 5. Every call takes its credits before it is
 * sent. Order polling passes `priority`, so other flows cannot spend the last `priorityReserve` credits.
 *
 * The decisions are pure functions here; `MemoryCreditBudget` holds a window in memory (tests, one process)
 * and `DbCreditBudget` (budget.server.ts) keeps it in the JoorBudget table, shared by every process.
 */
import { SyncError } from "~/sync/errors";

export const GET_CREDITS = 1;
export const WRITE_CREDITS = 5;

export function creditCost(method: string): number {
  return method.toUpperCase() === "GET" ? GET_CREDITS : WRITE_CREDITS;
}

export const CREDITS_EXHAUSTED = "JOOR_CREDITS_EXHAUSTED";

export interface CreditBudgetConfig {
  limit: number;
  windowMs: number;
  /** Credits only priority callers (order polling) may spend. */
  priorityReserve: number;
  /** Wait for credits in-call only when they come back within this long; otherwise throw and let the engine reschedule. */
  maxWaitMs: number;
}

export interface CreditBudgetOptions {
  limit?: number;
  windowSeconds?: number;
  priorityReserve?: number;
  maxWaitMs?: number;
}

function positiveNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected a positive number, got "${raw}"`);
  return value;
}

/** Options win over the environment (`JOOR_CREDIT_LIMIT`, `JOOR_CREDIT_WINDOW_SECONDS`), which win over defaults. */
export function creditBudgetConfig(options: CreditBudgetOptions = {}, env: Record<string, string | undefined> = process.env): CreditBudgetConfig {
  const limit = options.limit ?? positiveNumber(env.JOOR_CREDIT_LIMIT) ?? 300;
  const windowSeconds = options.windowSeconds ?? positiveNumber(env.JOOR_CREDIT_WINDOW_SECONDS) ?? 300;
  const priorityReserve = options.priorityReserve ?? Math.min(30, Math.floor(limit / 10));
  const config = { limit, windowMs: windowSeconds * 1000, priorityReserve, maxWaitMs: options.maxWaitMs ?? 2000 };
  if (config.limit - config.priorityReserve < WRITE_CREDITS || config.priorityReserve < 0) {
    throw new Error(`A JOOR credit limit of ${limit} with a reserve of ${priorityReserve} leaves no room for a write`);
  }
  return config;
}

/** One account's window. Times are epoch milliseconds. */
export interface BudgetWindow {
  windowStart: number;
  creditsUsed: number;
  blockedUntil: number | null;
}

export type AcquireDecision =
  | { kind: "take"; next: BudgetWindow }
  | { kind: "wait"; untilMs: number; reason: "blocked" | "exhausted" };

export function decideAcquire(
  current: BudgetWindow | null,
  now: number,
  cost: number,
  priority: boolean,
  config: CreditBudgetConfig,
): AcquireDecision {
  if (current?.blockedUntil != null && current.blockedUntil > now) {
    return { kind: "wait", untilMs: current.blockedUntil, reason: "blocked" };
  }
  if (current === null || now >= current.windowStart + config.windowMs) {
    return { kind: "take", next: { windowStart: now, creditsUsed: cost, blockedUntil: null } };
  }
  const allowance = priority ? config.limit : config.limit - config.priorityReserve;
  if (current.creditsUsed + cost <= allowance) {
    return { kind: "take", next: { windowStart: current.windowStart, creditsUsed: current.creditsUsed + cost, blockedUntil: null } };
  }
  return { kind: "wait", untilMs: current.windowStart + config.windowMs, reason: "exhausted" };
}

/**
 * JOOR answered 429. Nobody spends until JOOR's window resets: at `now + retryAfterMs` when JOOR said, else at
 * the end of our window (or a whole window from now when ours has ended). Our window is realigned to end at
 * the same moment, so the next one starts fresh together with JOOR's. A later block already recorded is kept.
 */
export function blockedWindow(
  current: BudgetWindow | null,
  now: number,
  retryAfterMs: number | undefined,
  config: CreditBudgetConfig,
): BudgetWindow {
  const ownEnd = current && current.windowStart + config.windowMs > now ? current.windowStart + config.windowMs : now + config.windowMs;
  const until = Math.max(retryAfterMs !== undefined ? now + retryAfterMs : ownEnd, current?.blockedUntil ?? 0);
  return { windowStart: until - config.windowMs, creditsUsed: config.limit, blockedUntil: until };
}

export interface CreditUsage {
  creditsUsed: number;
  limit: number;
  priorityReserve: number;
  windowStart: Date | null;
  windowEnd: Date | null;
  blockedUntil: Date | null;
}

export function usageOf(current: BudgetWindow | null, now: number, config: CreditBudgetConfig): CreditUsage {
  const active = current !== null && now < current.windowStart + config.windowMs;
  const blocked = current?.blockedUntil != null && current.blockedUntil > now;
  return {
    creditsUsed: active ? current.creditsUsed : 0,
    limit: config.limit,
    priorityReserve: config.priorityReserve,
    windowStart: active ? new Date(current.windowStart) : null,
    windowEnd: active ? new Date(current.windowStart + config.windowMs) : null,
    blockedUntil: blocked ? new Date(current.blockedUntil!) : null,
  };
}

/** What a JOOR client needs from a budget; the DB budget and the in-memory one both implement it. */
export interface CreditBudget {
  /** Takes `cost` credits, waiting briefly if they come back soon, else throwing a transient SyncError. */
  acquire(cost: number, options?: { priority?: boolean }): Promise<void>;
  /** Records a 429 from JOOR; returns how long every caller now waits, in ms. */
  recordThrottle(retryAfterMs?: number): Promise<number>;
  usage(): Promise<CreditUsage>;
}

export type Sleep = (ms: number) => Promise<void>;

/** Rounds of wait-and-retry inside one acquire before giving up (a stuck clock or heavy contention). */
export const MAX_ACQUIRE_ROUNDS = 50;

export function contendedError(): SyncError {
  return new SyncError("The JOOR credit budget is busy; trying again shortly", {
    terminal: false,
    retryAfterMs: 1000,
    code: CREDITS_EXHAUSTED,
  });
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps through a short wait; a long one becomes a transient error carrying when to come back. */
export async function waitOrThrow(
  decision: Extract<AcquireDecision, { kind: "wait" }>,
  now: number,
  config: CreditBudgetConfig,
  sleep: Sleep,
): Promise<void> {
  const waitMs = Math.max(0, decision.untilMs - now);
  if (waitMs <= config.maxWaitMs) {
    await sleep(waitMs);
    return;
  }
  const when = new Date(decision.untilMs).toISOString();
  const message =
    decision.reason === "blocked"
      ? `JOOR asked the app to pause (rate limit) until ${when}`
      : `The JOOR credit budget for this account is used up until ${when}`;
  throw new SyncError(message, { terminal: false, retryAfterMs: waitMs, code: CREDITS_EXHAUSTED });
}

/** A budget held in this process only: for tests and single-process tools. */
export class MemoryCreditBudget implements CreditBudget {
  readonly config: CreditBudgetConfig;
  private window: BudgetWindow | null = null;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(options: CreditBudgetOptions & { now?: () => number; sleep?: Sleep } = {}) {
    this.config = creditBudgetConfig(options);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  async acquire(cost: number, options: { priority?: boolean } = {}): Promise<void> {
    for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
      const now = this.now();
      const decision = decideAcquire(this.window, now, cost, options.priority ?? false, this.config);
      if (decision.kind === "take") {
        this.window = decision.next;
        return;
      }
      await waitOrThrow(decision, now, this.config, this.sleep);
    }
    throw contendedError();
  }

  async recordThrottle(retryAfterMs?: number): Promise<number> {
    const now = this.now();
    this.window = blockedWindow(this.window, now, retryAfterMs, this.config);
    return this.window.blockedUntil! - now;
  }

  async usage(): Promise<CreditUsage> {
    return usageOf(this.window, this.now(), this.config);
  }
}
