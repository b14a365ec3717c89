import type { Prisma, PrismaClient } from "@prisma/client";
import { open } from "~/crypto.server";
import { log } from "~/logger.server";
import { errorMessage } from "~/sync/errors";
import { formValuesFrom, parseConnectionForm, savedSecretsOf, type ConnectionParseResult, type FormLike, type StoredSettings } from "./form";
import { joorCredentialsSchema } from "./joor-credentials";
import { flowOptionsSchema } from "./options";
import { toConfiguration } from "./settings.server";

type Db = PrismaClient | Prisma.TransactionClient;

export interface StoredSettingsRead extends StoredSettings {
  /** Credentials are stored but cannot be opened (e.g. the key that sealed them is gone): enter them again. */
  credentialsUnreadable: boolean;
}

/**
 * The shop's settings with its JOOR credentials opened, for the settings form. Server side only: the page
 * gets settingsPageView of this, never the credentials.
 */
export async function readStoredSettings(db: Db, shop: string): Promise<StoredSettingsRead> {
  const row = await db.shopSettings.findUnique({ where: { shop } });
  if (!row) {
    return {
      environment: "sandbox",
      accountId: "",
      credentials: null,
      credentialsUnreadable: false,
      flows: { customers: false, catalog: false, inventory: false, orders: false },
      options: flowOptionsSchema.parse({}),
    };
  }
  const { flows, options } = toConfiguration(row);
  let credentials: StoredSettings["credentials"] = null;
  let credentialsUnreadable = false;
  if (row.joorSecrets) {
    try {
      credentials = joorCredentialsSchema.parse(JSON.parse(open(row.joorSecrets)));
    } catch (error) {
      credentialsUnreadable = true;
      // A JSON error quotes the text it read, which would be the secrets: name the kind of failure only.
      const reason = error instanceof SyntaxError ? "not JSON" : errorMessage(error);
      log.warn("Stored JOOR credentials could not be opened", { shop, reason });
    }
  }
  return {
    environment: row.joorEnvironment === "production" ? "production" : "sandbox",
    accountId: row.joorAccountId ?? "",
    credentials,
    credentialsUnreadable,
    flows,
    options,
  };
}

/** What the page is given: the form's values with every secret empty, and which secrets are saved. */
export function settingsPageView(stored: StoredSettingsRead) {
  return {
    values: formValuesFrom(stored),
    savedSecrets: savedSecretsOf(stored.credentials),
    credentialsUnreadable: stored.credentialsUnreadable,
  };
}

/** The connection "Test connection" tries: the posted connection fields over the stored credentials. */
export async function connectionToTest(db: Db, shop: string, form: FormLike): Promise<ConnectionParseResult> {
  const stored = await readStoredSettings(db, shop);
  return parseConnectionForm(form, stored.credentials);
}
