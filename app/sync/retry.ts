import { CREDITS_EXHAUSTED } from "../joor/budget";
import { ShopGoneError, SyncError, errorMessage } from "./errors";

/** How failed work is retried. Times in milliseconds. */
export interface RetryPolicy {
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  factor: number;
  /** No delay grows beyond this. */
  capMs: number;
  /** Failed attempts of one change before it is given up as failed. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 30_000,
  factor: 2,
  capMs: 60 * 60_000,
  maxAttempts: 8,
};

/** A source of uniform numbers in [0, 1); injectable so tests know the exact delays. */
export type Random = () => number;

/**
 * Full jitter: a uniform delay below the exponential ceiling, so records that failed together (one JOOR call
 * for a whole batch) do not all come back at the same instant.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: Random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Codes of rate-limit errors that carry no HTTP status: JOOR's own credit budget refusing a call before it is
 * sent, and Shopify's GraphQL cost throttling.
 */
const THROTTLE_CODES = new Set([CREDITS_EXHAUSTED, "THROTTLED"]);

/** A rate limit says nothing about the record: it must wait, but the wait costs it no attempt. */
export function isThrottle(error: unknown): error is SyncError {
  if (!(error instanceof SyncError) || error.terminal) return false;
  return error.status === 429 || (error.code !== undefined && THROTTLE_CODES.has(error.code));
}

export type FailureDecision =
  | { kind: "shop-gone"; reason: string }
  | { kind: "failed"; reason: string; attempts: number }
  | { kind: "retry"; reason: string; attempts: number; delayMs: number }
  | { kind: "throttled"; reason: string; attempts: number; delayMs: number };

export interface FailureOptions {
  /**
   * Set for periodic work: it never gives up on transient errors, and a retry never waits longer than the
   * next regular run would (the remote's Retry-After still wins).
   */
  periodMs?: number;
}

/** What to do after `error`, given how many attempts of the same work had already failed. */
export function decideFailure(
  error: unknown,
  previousAttempts: number,
  policy: RetryPolicy,
  random: Random,
  options: FailureOptions = {},
): FailureDecision {
  const reason = errorMessage(error);
  if (error instanceof ShopGoneError) return { kind: "shop-gone", reason };
  const attempts = previousAttempts + 1;
  if (error instanceof SyncError && error.terminal) return { kind: "failed", reason, attempts };
  if (isThrottle(error)) {
    return { kind: "throttled", reason, attempts: previousAttempts, delayMs: error.retryAfterMs ?? policy.baseMs };
  }
  if (options.periodMs === undefined && attempts >= policy.maxAttempts) return { kind: "failed", reason, attempts };
  const jittered = backoffMs(attempts, policy, random);
  const bounded = options.periodMs === undefined ? jittered : Math.min(jittered, options.periodMs);
  const floor = error instanceof SyncError ? error.retryAfterMs ?? 0 : 0;
  return { kind: "retry", reason, attempts, delayMs: Math.max(bounded, floor) };
}
