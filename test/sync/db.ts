import { afterAll, beforeEach } from "vitest";
import type { HandlerRegistry } from "~/sync/registry";
import { engineTransactions, type RunContext } from "~/sync/runner.server";
import type { PrismaClient } from "@prisma/client";
import { createDatabaseClient, prisma } from "~/db.server";

/**
 * A second client on the test's database: its own connection, as another worker process would have, so
 * claims from the two really compete for the same rows.
 */
export function openSecondClient(): PrismaClient {
  return createDatabaseClient();
}

/**
 * For a suite whose tests race two connections: empties the engine tables before each test and returns the
 * second client (opened once, closed with the default one after the suite).
 */
export function twoClientsPerSuite(): () => PrismaClient {
  let second: PrismaClient | undefined;
  beforeEach(async () => {
    await resetEngineTables();
    second ??= openSecondClient();
  });
  afterAll(async () => {
    await second?.$disconnect();
    await prisma.$disconnect();
  });
  return () => {
    if (!second) throw new Error("The second client opens before each test");
    return second;
  };
}

/** Empties the tables the sync engine reads and writes (one test file shares one database). */
export async function resetEngineTables(db: PrismaClient = prisma): Promise<void> {
  await db.syncState.deleteMany();
  await db.scheduledTask.deleteMany();
  await db.activityEvent.deleteMany();
  await db.shopSettings.deleteMany();
  await db.webhookDelivery.deleteMany();
}

/** A clock tests move by hand. */
export function manualClock(start = new Date("2026-03-01T12:00:00.000Z")) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at: Date) => {
      current = at.getTime();
    },
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** A promise the test resolves when it chooses (a handler that is "still running"). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `check` until it returns a value (real time; for work done by other processes or the worker loop). */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("Condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Delay = (method: string) => Promise<void>;

/**
 * The same client, but every query first waits for `delay` — random pauses make concurrent claims interleave
 * at every step instead of running back to back, and a gate can hold one worker between two statements.
 */
export function withDelays(db: PrismaClient, delay: Delay): PrismaClient {
  const wrapModel = (model: object, name: string) =>
    new Proxy(model, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          await delay(`${name}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapped: PrismaClient = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "$transaction") {
        return (step: (tx: PrismaClient) => Promise<unknown>, options?: object) =>
          target.$transaction((tx) => step(withDelays(tx as PrismaClient, delay)), options);
      }
      if (prop === "$queryRaw" || prop === "$executeRaw") {
        return async (...args: unknown[]) => {
          await delay(String(prop));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (typeof prop === "string" && !prop.startsWith("$") && typeof value === "object" && value !== null) {
        return wrapModel(value, prop);
      }
      return value;
    },
  });
  return wrapped;
}

export const randomPause: Delay = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));

/** The engine's run context as the engine tests use it: fixed randomness, short backoffs, a clock they move. */
export function engineTestContext(registry: HandlerRegistry, now: () => Date, overrides: Partial<RunContext> = {}): RunContext {
  return {
    transact: engineTransactions(prisma),
    registry,
    leaseMs: 60_000,
    now,
    random: () => 0.5,
    policy: { baseMs: 1_000, factor: 2, capMs: 60_000, maxAttempts: 3 },
    pendingRecheckMs: 3_600_000,
    waitTimeoutMs: 3_600_000,
    ...overrides,
  };
}
