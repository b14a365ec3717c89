/**
 * Shared set-up for the client's tests: the fake JOOR under msw (unhandled requests fail the test), one
 * account, a manual clock shared by fake, budget and client, and a client wired to all of it.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createJoorFake, joorMswHandlers, type JoorFake, type JoorFakeOptions } from "../../test/fakes/joor";
import { joorCredentials, manualClock, TEST_JOOR_ACCOUNT, type ManualClock } from "../../test/fakes/joor/harness";
import { clearV4TokenCache } from "./auth.server";
import { MemoryCreditBudget, type CreditBudget } from "./budget";
import { JoorClient, type JoorClientOptions } from "./client.server";
import { SyncError } from "~/sync/errors";

export const ACCOUNT = TEST_JOOR_ACCOUNT.accountId;

/** Call once per test file: starts msw for the file and returns a per-test factory. */
export function joorFakeSuite() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  return {
    server,
    setup(options: { fake?: JoorFakeOptions; client?: Partial<JoorClientOptions>; budget?: CreditBudget } = {}) {
      const clock = manualClock();
      const fake = createJoorFake({ now: clock.now, ...options.fake });
      fake.addAccount(TEST_JOOR_ACCOUNT);
      server.resetHandlers(...joorMswHandlers(fake));
      clearV4TokenCache();
      const budget = options.budget ?? new MemoryCreditBudget({ now: clock.now, sleep: clock.sleep });
      const client = makeClient(clock, budget, options.client);
      return { clock, fake, budget, client };
    },
  };
}

export function makeClient(clock: ManualClock, budget: CreditBudget, overrides: Partial<JoorClientOptions> = {}): JoorClient {
  return new JoorClient({
    environment: "production",
    accountId: ACCOUNT,
    credentials: joorCredentials(),
    budget,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    timeoutMs: 200,
    ...overrides,
  });
}

/** Requests the fake answered, as "METHOD /path". */
export function requests(fake: JoorFake): string[] {
  return fake.calls.map((call) => `${call.method} ${call.path}`);
}

/** The SyncError a call rejects with; fails the test when it resolves or throws something else. */
export async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error("expected a SyncError");
}
