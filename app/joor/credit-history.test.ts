import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { manualClock } from "../../test/fakes/joor/harness";
import { DbCreditBudget, pruneJoorCreditHistory, readJoorCreditHistory } from "./budget.server";

const MINUTE = 60_000;

beforeEach(async () => {
  await prisma.joorBudget.deleteMany();
  await prisma.joorCreditMinute.deleteMany();
});

describe("JOOR credit history", () => {
  it("adds every granted acquire to its minute, per account, and reads the last hour oldest first", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 22, 10, 0, 30));
    const budget = new DbCreditBudget({ environment: "production", accountId: "1", now: clock.now, sleep: clock.sleep });
    const other = new DbCreditBudget({ environment: "production", accountId: "2", now: clock.now, sleep: clock.sleep });
    await budget.acquire(5);
    await budget.acquire(1, { priority: true });
    await other.acquire(5);
    clock.advance(2 * MINUTE);
    await budget.acquire(5);

    const history = await readJoorCreditHistory("production", "1", { now: clock.now() });
    expect(history).toHaveLength(60);
    expect(history.slice(-3)).toEqual([6, 0, 5]);
    expect(history.reduce((a, b) => a + b, 0)).toBe(11);
    expect((await readJoorCreditHistory("production", "2", { now: clock.now() })).at(-3)).toBe(5);
    // An hour later the chart has moved on.
    expect((await readJoorCreditHistory("production", "1", { now: clock.now() + 60 * MINUTE })).every((v) => v === 0)).toBe(true);
  });

  it("prunes minutes older than asked", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 22, 10, 0, 0));
    const budget = new DbCreditBudget({ environment: "sandbox", accountId: "1", now: clock.now, sleep: clock.sleep });
    await budget.acquire(5);
    clock.advance(10 * MINUTE);
    await budget.acquire(5);
    expect(await pruneJoorCreditHistory(prisma, new Date(clock.now() - 5 * MINUTE))).toBe(1);
    expect(await prisma.joorCreditMinute.count()).toBe(1);
  });
});
