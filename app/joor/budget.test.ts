import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabaseClient, prisma } from "~/db.server";
import { syncError } from "./test-support";
import { manualClock, type ManualClock } from "../../test/fakes/joor/harness";
import {
  blockedWindow,
  creditBudgetConfig,
  CREDITS_EXHAUSTED,
  decideAcquire,
  MemoryCreditBudget,
  type CreditBudget,
} from "./budget";
import { DbCreditBudget, joorBudgetKey, readJoorCreditUsage } from "./budget.server";

const run = promisify(execFile);

const config = creditBudgetConfig({ limit: 100, windowSeconds: 60, priorityReserve: 20, maxWaitMs: 2000 }, {});

describe("decideAcquire", () => {
  const start = 1_000_000;

  it("opens a window at the first request and adds to it while it lasts", () => {
    expect(decideAcquire(null, start, 5, false, config)).toEqual({
      kind: "take",
      next: { windowStart: start, creditsUsed: 5, blockedUntil: null },
    });
    const open = { windowStart: start, creditsUsed: 75, blockedUntil: null };
    expect(decideAcquire(open, start + 59_999, 5, false, config)).toMatchObject({ kind: "take", next: { creditsUsed: 80 } });
    expect(decideAcquire(open, start + 60_000, 5, false, config)).toMatchObject({
      kind: "take",
      next: { windowStart: start + 60_000, creditsUsed: 5 },
    });
  });

  it("keeps the reserve for priority callers and waits for the window end otherwise", () => {
    const nearlyFull = { windowStart: start, creditsUsed: 78, blockedUntil: null };
    expect(decideAcquire(nearlyFull, start + 10, 5, false, config)).toEqual({ kind: "wait", untilMs: start + 60_000, reason: "exhausted" });
    expect(decideAcquire(nearlyFull, start + 10, 1, false, config)).toMatchObject({ kind: "take", next: { creditsUsed: 79 } });
    expect(decideAcquire(nearlyFull, start + 10, 5, true, config)).toMatchObject({ kind: "take", next: { creditsUsed: 83 } });
    const full = { windowStart: start, creditsUsed: 98, blockedUntil: null };
    expect(decideAcquire(full, start + 10, 5, true, config)).toMatchObject({ kind: "wait", reason: "exhausted" });
  });

  it("waits out a block even when the window has room", () => {
    const blocked = { windowStart: start, creditsUsed: 0, blockedUntil: start + 30_000 };
    expect(decideAcquire(blocked, start + 10, 1, true, config)).toEqual({ kind: "wait", untilMs: start + 30_000, reason: "blocked" });
  });
});

describe("blockedWindow", () => {
  it("blocks until JOOR's Retry-After, realigning the window to end then, and never shortens a block", () => {
    const now = 5_000_000;
    const next = blockedWindow({ windowStart: now - 1000, creditsUsed: 10, blockedUntil: null }, now, 7000, config);
    expect(next).toEqual({ windowStart: now + 7000 - 60_000, creditsUsed: 100, blockedUntil: now + 7000 });
    expect(blockedWindow(next, now, 1000, config).blockedUntil).toBe(now + 7000);
    // Without Retry-After: the end of our own window.
    expect(blockedWindow({ windowStart: now - 1000, creditsUsed: 10, blockedUntil: null }, now, undefined, config).blockedUntil).toBe(
      now - 1000 + 60_000,
    );
  });
});

describe("creditBudgetConfig", () => {
  it("reads the environment, lets options win, and refuses a reserve that leaves no room for a write", () => {
    expect(creditBudgetConfig({}, {})).toMatchObject({ limit: 300, windowMs: 300_000, maxWaitMs: 2000 });
    expect(creditBudgetConfig({}, { JOOR_CREDIT_LIMIT: "150", JOOR_CREDIT_WINDOW_SECONDS: "120" })).toMatchObject({
      limit: 150,
      windowMs: 120_000,
    });
    expect(creditBudgetConfig({ limit: 50 }, { JOOR_CREDIT_LIMIT: "150" }).limit).toBe(50);
    expect(() => creditBudgetConfig({ limit: 10, priorityReserve: 8 }, {})).toThrow(/no room/);
    expect(() => creditBudgetConfig({}, { JOOR_CREDIT_LIMIT: "lots" })).toThrow(/positive number/);
  });
});


const budgetKinds: Array<[string, (clock: ManualClock, options?: object) => CreditBudget]> = [
  ["MemoryCreditBudget", (clock, options) => new MemoryCreditBudget({ ...options, limit: 100, windowSeconds: 60, priorityReserve: 20, now: clock.now, sleep: clock.sleep })],
  [
    "DbCreditBudget",
    (clock, options) =>
      new DbCreditBudget({
        ...options,
        environment: "sandbox",
        accountId: "shared",
        limit: 100,
        windowSeconds: 60,
        priorityReserve: 20,
        now: clock.now,
        sleep: clock.sleep,
      }),
  ],
];

describe.each(budgetKinds)("%s", (_name, make) => {
  beforeEach(async () => {
    await prisma.joorBudget.deleteMany();
  });

  it("waits in-call when credits return soon, else throws a transient error with the time to come back", async () => {
    const clock = manualClock();
    const budget = make(clock);
    for (let i = 0; i < 16; i++) await budget.acquire(5);
    expect((await budget.usage()).creditsUsed).toBe(80);

    clock.advance(58_500);
    await budget.acquire(5);
    expect(clock.sleeps).toEqual([1500]);
    expect((await budget.usage()).creditsUsed).toBe(5);

    clock.advance(1000);
    for (let i = 0; i < 15; i++) await budget.acquire(5);
    const error = await syncError(budget.acquire(5));
    expect(error).toMatchObject({ terminal: false, code: CREDITS_EXHAUSTED, retryAfterMs: 59_000 });
    await budget.acquire(5, { priority: true });
    expect((await budget.usage()).creditsUsed).toBe(85);
  });

  it("blocks every caller after a 429 until Retry-After", async () => {
    const clock = manualClock();
    const budget = make(clock);
    await budget.acquire(1);
    expect(await budget.recordThrottle(30_000)).toBe(30_000);
    const usage = await budget.usage();
    expect(usage.blockedUntil?.getTime()).toBe(clock.now() + 30_000);
    expect(await syncError(budget.acquire(1, { priority: true }))).toMatchObject({ retryAfterMs: 30_000, terminal: false });
    clock.advance(30_000);
    await budget.acquire(5);
    expect(await budget.usage()).toMatchObject({ creditsUsed: 5, blockedUntil: null });
  });
});

describe("DbCreditBudget shared between processes", () => {
  const second = createDatabaseClient();

  afterAll(async () => {
    await second.$disconnect();
  });

  beforeEach(async () => {
    await prisma.joorBudget.deleteMany();
  });

  it("shares one row per account between clients on separate connections", async () => {
    const clock = manualClock();
    const options = { environment: "production" as const, accountId: "77", limit: 100, windowSeconds: 60, priorityReserve: 0, now: clock.now, sleep: clock.sleep };
    const first = new DbCreditBudget(options);
    const other = new DbCreditBudget({ ...options, prisma: second });
    await first.acquire(5);
    await other.acquire(5);
    await first.acquire(1);
    expect((await other.usage()).creditsUsed).toBe(11);
    expect(await readJoorCreditUsage("production", "77", { now: clock.now, limit: 100, windowSeconds: 60, priorityReserve: 0 })).toMatchObject({
      creditsUsed: 11,
      limit: 100,
      windowStart: new Date(clock.now()),
      windowEnd: new Date(clock.now() + 60_000),
    });
    await other.recordThrottle(10_000);
    expect(await syncError(first.acquire(1))).toMatchObject({ retryAfterMs: 10_000 });
    expect(await prisma.joorBudget.findUnique({ where: { account: joorBudgetKey("production", "77") } })).toMatchObject({
      blockedUntil: new Date(clock.now() + 10_000),
    });
  });

  it("never hands out more than the window holds under concurrent acquires in one process", async () => {
    const clock = manualClock();
    const options = { environment: "sandbox" as const, accountId: "race", limit: 100, windowSeconds: 60, priorityReserve: 0, maxWaitMs: 0, now: clock.now, sleep: clock.sleep };
    const budgets = [new DbCreditBudget(options), new DbCreditBudget(options)];
    const outcomes = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => budgets[i % 2].acquire(5)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(20);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: CREDITS_EXHAUSTED, terminal: false });
    }
    const row = await prisma.joorBudget.findUnique({ where: { account: joorBudgetKey("sandbox", "race") } });
    expect(row?.creditsUsed).toBe(100);
  });

  it("never hands out more than the window holds to several worker processes on one database", async () => {
    const script = fileURLToPath(new URL("./testdata/budget-contender.ts", import.meta.url));
    const contend = () =>
      run(process.execPath, ["--import", "tsx", script, "processes", "20", String(Date.UTC(2026, 0, 5))], {
        env: { ...process.env },
      }).then(({ stdout }) => (JSON.parse(stdout) as { granted: number }).granted);
    const granted = await Promise.all([contend(), contend(), contend()]);
    expect(granted.reduce((sum, n) => sum + n, 0)).toBe(20);
    const row = await prisma.joorBudget.findUnique({ where: { account: joorBudgetKey("sandbox", "processes") } });
    expect(row?.creditsUsed).toBe(100);
  });
});
