/**
 * One contending worker process for the multi-process budget test: takes `count` write credits from the
 * shared JoorBudget row and prints how many it was granted.
 */
import { prisma } from "~/db.server";
import { DbCreditBudget } from "../budget.server";

const [accountId, count, start] = process.argv.slice(2);
const budget = new DbCreditBudget({
  environment: "sandbox",
  accountId,
  limit: 100,
  windowSeconds: 600,
  priorityReserve: 0,
  maxWaitMs: 0,
  now: () => Number(start),
});

let granted = 0;
const attempts = Array.from({ length: Number(count) }, () =>
  budget.acquire(5).then(
    () => {
      granted += 1;
    },
    () => undefined,
  ),
);
await Promise.all(attempts);
await prisma.$disconnect();
process.stdout.write(JSON.stringify({ granted }));
