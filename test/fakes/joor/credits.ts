/**
 * JOOR's rate limit, per account: a GET costs 1 credit, a POST/PUT/DELETE 5; 300 credits per fixed 300-second
 * window that starts at the first request (not sliding). [doc]
 */
import type { CreditWindow } from "./state";

export interface CreditSettings {
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_CREDITS: CreditSettings = { limit: 300, windowSeconds: 300 };

export function creditCost(method: string): number {
  return method.toUpperCase() === "GET" ? 1 : 5;
}

export type ChargeResult = { ok: true; remaining: number } | { ok: false; remaining: number; retryAfterSeconds: number };

/**
 * Takes `cost` credits from the account's window. A request that would take the window past its quota is
 * refused whole (a 5-credit write with 3 credits left is refused) [assumed]; refused requests cost nothing
 * [assumed].
 */
export function charge(window: CreditWindow, cost: number, now: number, settings: CreditSettings): ChargeResult {
  const windowMs = settings.windowSeconds * 1000;
  if (window.windowStart === null || now >= window.windowStart + windowMs) {
    window.windowStart = now;
    window.used = 0;
  }
  if (window.used + cost > settings.limit) {
    const resetsAt = window.windowStart + windowMs;
    return {
      ok: false,
      remaining: settings.limit - window.used,
      retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)),
    };
  }
  window.used += cost;
  return { ok: true, remaining: settings.limit - window.used };
}

export interface CreditUsage {
  used: number;
  remaining: number;
  windowStart: number | null;
  windowEnd: number | null;
}

export function creditUsage(window: CreditWindow, now: number, settings: CreditSettings): CreditUsage {
  const windowMs = settings.windowSeconds * 1000;
  if (window.windowStart === null || now >= window.windowStart + windowMs) {
    return { used: 0, remaining: settings.limit, windowStart: null, windowEnd: null };
  }
  return {
    used: window.used,
    remaining: settings.limit - window.used,
    windowStart: window.windowStart,
    windowEnd: window.windowStart + windowMs,
  };
}

/**
 * Rate-limit headers. `X-Throttling-Account-Id` is JOOR's [doc]; `X-Throttling-Credits-Remaining` and
 * `Retry-After` (seconds) are [assumed] — JOOR does not publish its other header names.
 */
export function throttleHeaders(accountId: string, remaining: number, retryAfterSeconds?: number): Headers {
  const headers = new Headers({
    "X-Throttling-Account-Id": accountId,
    "X-Throttling-Credits-Remaining": String(remaining),
  });
  if (retryAfterSeconds !== undefined) headers.set("Retry-After", String(retryAfterSeconds));
  return headers;
}
