import { describe, expect, it } from "vitest";
import { httpError } from "./errors";
import { planSyncOutcome, planTaskFailure, planTaskResult, type ClaimedRecord } from "./plans";

const now = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const ctx = {
  now,
  policy: { baseMs: 1_000, factor: 2, capMs: 60_000, maxAttempts: 3 },
  random: () => 0.5,
  pendingRecheckMs: 3_600_000,
};
const row: ClaimedRecord = {
  gid: "gid://shopify/Product/1",
  status: "dirty",
  attempts: 0,
  lastError: null,
  contentHash: "h1",
  joorId: "J1",
};

describe("planSyncOutcome", () => {
  it("settles a synced record, and keeps what it learned but stays dirty when a change came meanwhile", () => {
    const plan = planSyncOutcome(
      row,
      { gid: row.gid, status: "synced", contentHash: "h1", joorId: "J1", details: { skus: [1] } },
      ctx,
    );
    expect(plan).toEqual({
      kind: "write",
      settled: {
        status: "synced",
        contentHash: "h1",
        joorId: "J1",
        details: '{"skus":[1]}',
        attempts: 0,
        dirtySince: null,
        lastError: null,
        lastSyncedAt: now,
      },
      changed: {
        status: "dirty",
        contentHash: "h1",
        joorId: "J1",
        details: '{"skus":[1]}',
        attempts: 0,
        lastError: null,
        lastSyncedAt: now,
      },
      activity: null,
    });
  });

  it("keeps a retry's wait even when a change came meanwhile", () => {
    const plan = planSyncOutcome(
      row,
      { gid: row.gid, status: "retry", error: new Error("timeout"), joorId: "J9" },
      ctx,
    );
    expect(plan).toMatchObject({
      settled: { status: "retry", attempts: 1, nextAttemptAt: at(500), lastError: "timeout", joorId: "J9" },
      changed: { status: "retry", attempts: 1, nextAttemptAt: at(500), lastError: "timeout", joorId: "J9" },
      activity: { status: "retry", message: "timeout" },
    });
  });

  it("re-checks a pending record later, by default after pendingRecheckMs", () => {
    expect(planSyncOutcome(row, { gid: row.gid, status: "pending", reason: "JOOR validation" }, ctx)).toMatchObject({
      settled: { status: "pending", lastError: "JOOR validation", nextAttemptAt: at(3_600_000) },
      activity: null,
    });
    expect(
      planSyncOutcome(row, { gid: row.gid, status: "pending", reason: "bulk job", recheckAt: at(5_000) }, ctx),
    ).toMatchObject({ settled: { nextAttemptAt: at(5_000) } });
  });

  it("retries a record the handler gave no outcome for", () => {
    expect(planSyncOutcome(row, undefined, ctx)).toMatchObject({
      settled: { status: "retry", lastError: "The sync handler returned no outcome for this record" },
    });
  });

  it("records a failure or a stop once, not again when the record repeats it", () => {
    const stopped = { gid: row.gid, status: "stopped" as const, reason: "Tag removed" };
    expect(planSyncOutcome(row, stopped, ctx)).toMatchObject({
      activity: { status: "stopped", message: "Tag removed" },
    });
    expect(planSyncOutcome({ ...row, lastError: "Tag removed" }, stopped, ctx)).toMatchObject({ activity: null });
    // Never in JOOR: going out of scope is not news.
    expect(planSyncOutcome({ ...row, contentHash: null, joorId: null }, stopped, ctx)).toMatchObject({
      settled: { status: "stopped", lastError: "Tag removed" },
      activity: null,
    });
    const error = httpError("JOOR", 500, "boom");
    const streak = { ...row, status: "retry", attempts: 1, lastError: error.message };
    expect(planSyncOutcome(streak, { gid: row.gid, status: "retry", error }, ctx)).toMatchObject({
      settled: { status: "retry", attempts: 2 },
      activity: null,
    });
    expect(planSyncOutcome({ ...streak, attempts: 2 }, { gid: row.gid, status: "retry", error }, ctx)).toMatchObject({
      settled: { status: "failed", attempts: 3, lastError: error.message },
      activity: { status: "failed", message: error.message },
    });
  });

  it("records no activity for a rate limit", () => {
    const throttled = planSyncOutcome(
      row,
      { gid: row.gid, status: "retry", error: httpError("JOOR", 429, "wait", 9_000) },
      ctx,
    );
    expect(throttled).toMatchObject({
      settled: { status: "throttled", attempts: 0, nextAttemptAt: at(9_000) },
      activity: null,
    });
  });
});

describe("task plans", () => {
  const task = { status: "scheduled", attempts: 0, intervalSeconds: null, lastError: null, runStartedAt: at(-10_000) };
  const taskCtx = { now, policy: ctx.policy, random: ctx.random, waitTimeoutMs: 600_000 };

  it("finishes a one-off task and reschedules a periodic one from the start of its run", () => {
    expect(planTaskResult(task, { done: true }, taskCtx)).toMatchObject({ data: { status: "done" } });
    expect(planTaskResult({ ...task, intervalSeconds: 300 }, { done: true }, taskCtx)).toMatchObject({
      data: { status: "scheduled", nextRunAt: at(290_000), attempts: 0, lastError: null },
    });
  });

  it("waits for a wake-up no longer than waitTimeoutMs unless told", () => {
    expect(planTaskResult(task, { waiting: true }, taskCtx)).toMatchObject({
      data: { status: "waiting", nextRunAt: at(600_000) },
    });
    expect(planTaskResult(task, { waiting: true, until: at(1_000) }, taskCtx)).toMatchObject({
      data: { nextRunAt: at(1_000) },
    });
    expect(planTaskResult(task, { nextRunAt: at(42) }, taskCtx)).toMatchObject({
      data: { status: "scheduled", nextRunAt: at(42) },
    });
  });

  it("treats a result it does not understand as a failure", () => {
    expect(planTaskResult(task, {} as never, taskCtx)).toMatchObject({
      data: { status: "retry", lastError: "The task handler returned an unknown result" },
    });
  });

  it("gives up on a one-off task but keeps a periodic one going", () => {
    const tired = { ...task, attempts: 2 };
    expect(planTaskFailure(tired, new Error("down"), taskCtx)).toMatchObject({
      data: { status: "failed", attempts: 3 },
    });
    expect(planTaskFailure({ ...tired, intervalSeconds: 1 }, new Error("down"), taskCtx)).toMatchObject({
      data: { status: "retry", attempts: 3, nextRunAt: at(1_000) },
    });
  });
});
