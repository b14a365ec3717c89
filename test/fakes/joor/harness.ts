/**
 * Test helpers around the fake JOOR: a ready-made account with both credential sets, and a manual clock
 * whose `sleep` moves time forward instead of waiting, shared by the fake, the client and the budget.
 */
import type { JoorCredentials } from "~/joor/auth.server";
import type { FakeAccountInput } from "./state";

export const TEST_JOOR_ACCOUNT: FakeAccountInput = {
  accountId: "4711",
  v2Token: "v2-token-4711",
  v4: { clientId: "joor-sync", clientSecret: "client-secret-4711", username: "brand@example.com", password: "password-4711" },
};

export function joorCredentials(account: FakeAccountInput = TEST_JOOR_ACCOUNT): JoorCredentials {
  return { v2Token: account.v2Token, v4: { ...account.v4 } };
}

export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
  /** Advances the clock by `ms` and resolves at once; every requested sleep is recorded. */
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
}

export function manualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): ManualClock {
  let current = start;
  const sleeps: number[] = [];
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      current += ms;
    },
    sleeps,
  };
}
