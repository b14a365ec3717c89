import { describe, expect, it } from "vitest";
import { CREDITS_EXHAUSTED } from "../joor/budget";
import { ShopGoneError, SyncError, httpError } from "./errors";
import { backoffMs, decideFailure, type RetryPolicy } from "./retry";

const policy: RetryPolicy = { baseMs: 1_000, factor: 2, capMs: 10_000, maxAttempts: 4 };
const half = () => 0.5;

describe("backoffMs", () => {
  it("draws uniformly below an exponential ceiling that stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 9].map((attempt) => backoffMs(attempt, policy, half))).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
    expect(backoffMs(3, policy, () => 0.999)).toBe(3_996);
  });
});

describe("decideFailure", () => {
  it("retries a transient error with jittered backoff, counting the attempt", () => {
    expect(decideFailure(new Error("socket hang up"), 1, policy, half)).toEqual({
      kind: "retry",
      reason: "socket hang up",
      attempts: 2,
      delayMs: 1_000,
    });
  });

  it("waits at least as long as the remote asked", () => {
    const slowDown = httpError("JOOR", 503, "maintenance", 7_000);
    expect(decideFailure(slowDown, 0, policy, half)).toMatchObject({ kind: "retry", delayMs: 7_000 });
    const short = httpError("JOOR", 503, "maintenance", 100);
    expect(decideFailure(short, 2, policy, half)).toMatchObject({ kind: "retry", delayMs: 2_000 });
  });

  it("gives up after maxAttempts with the last reason", () => {
    expect(decideFailure(httpError("JOOR", 500, "boom"), 3, policy, half)).toEqual({
      kind: "failed",
      reason: "JOOR answered HTTP 500: boom",
      attempts: 4,
    });
  });

  it("fails a terminal error at once, and singles out a shop that is gone", () => {
    expect(decideFailure(httpError("JOOR", 404, "no such style"), 0, policy, half)).toEqual({
      kind: "failed",
      reason: "JOOR answered HTTP 404: no such style",
      attempts: 1,
    });
    expect(decideFailure(new ShopGoneError("a.myshopify.com"), 0, policy, half)).toEqual({
      kind: "shop-gone",
      reason: "The app is not installed on a.myshopify.com",
    });
  });

  it("waits out a rate limit without spending an attempt", () => {
    expect(decideFailure(httpError("JOOR", 429, "slow down", 40_000), 3, policy, half)).toEqual({
      kind: "throttled",
      reason: "JOOR answered HTTP 429: slow down",
      attempts: 3,
      delayMs: 40_000,
    });
    const budget = new SyncError("credits used up", { terminal: false, retryAfterMs: 9_000, code: CREDITS_EXHAUSTED });
    expect(decideFailure(budget, 0, policy, half)).toMatchObject({ kind: "throttled", attempts: 0, delayMs: 9_000 });
    expect(decideFailure(httpError("JOOR", 429, "slow down"), 0, policy, half)).toMatchObject({ delayMs: 1_000 });
  });

  it("never gives up on periodic work, and retries it no later than its next regular run", () => {
    expect(decideFailure(new Error("down"), 10, policy, half, { periodMs: 3_000 })).toEqual({
      kind: "retry",
      reason: "down",
      attempts: 11,
      delayMs: 3_000,
    });
    const later = httpError("JOOR", 503, "maintenance", 60_000);
    expect(decideFailure(later, 10, policy, half, { periodMs: 3_000 })).toMatchObject({ delayMs: 60_000 });
  });
});
