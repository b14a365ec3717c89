import { loadJoorConnection } from "~/settings/settings.server";
import { SyncError } from "~/sync/errors";
import { DbCreditBudget } from "./budget.server";
import { JoorClient, type JoorClientOptions } from "./client.server";

export type JoorClientOverrides = Partial<Omit<JoorClientOptions, "environment" | "accountId" | "credentials" | "budget">>;

/**
 * The JOOR client for a background job: the shop's account and opened credentials, and the account's shared
 * credit budget row. A shop that has not connected JOOR cannot sync anything until the merchant acts, so that
 * is terminal, with a message the merchant understands.
 */
export async function joorClientFor(shop: string, overrides: JoorClientOverrides = {}): Promise<JoorClient> {
  const connection = await loadJoorConnection(shop);
  if (!connection) {
    throw new SyncError("JOOR is not connected: add the JOOR credentials in Settings", {
      terminal: true,
      code: "JOOR_NOT_CONNECTED",
    });
  }
  const budget = new DbCreditBudget({
    environment: connection.environment,
    accountId: connection.accountId,
    now: overrides.now,
    sleep: overrides.sleep,
  });
  return new JoorClient({ ...overrides, ...connection, budget });
}
