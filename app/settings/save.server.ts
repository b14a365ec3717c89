import type { Prisma, PrismaClient } from "@prisma/client";
import { prisma as defaultPrisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { startOneOffTask } from "~/flows/full-sync.server";
import { parseSettingsForm, type FlowSwitches, type FormLike, type ParsedSettings } from "./form";
import type { FieldErrors } from "./form-fields";
import { readStoredSettings } from "./form.server";
import { sealJoorCredentials } from "./settings.server";

export type SaveSettingsResult = { ok: true; startedTasks: TaskKind[] } | { ok: false; errors: FieldErrors };

export interface SaveSettingsOptions {
  prisma?: PrismaClient;
  now?: () => Date;
}

/** The first sync each flow starts when it is switched on (inventory and orders have none of their own). */
const FIRST_SYNC: Partial<Record<keyof FlowSwitches, TaskKind>> = {
  customers: TaskKind.customersBackfill,
  catalog: TaskKind.catalogBackfill,
};

/** The tasks to start for flows that were off and are now on. */
export function firstSyncsToStart(before: FlowSwitches, after: FlowSwitches): TaskKind[] {
  return (Object.keys(FIRST_SYNC) as (keyof FlowSwitches)[])
    .filter((flow) => after[flow] && !before[flow])
    .map((flow) => FIRST_SYNC[flow]!);
}

async function write(tx: Prisma.TransactionClient, shop: string, settings: ParsedSettings): Promise<void> {
  const { connection, flows, options } = settings;
  const data = {
    options: JSON.stringify(options),
    customersEnabled: flows.customers,
    catalogEnabled: flows.catalog,
    inventoryEnabled: flows.inventory,
    ordersEnabled: flows.orders,
    ...(connection
      ? {
          joorEnvironment: connection.environment,
          joorAccountId: connection.accountId,
          joorSecrets: sealJoorCredentials(connection.credentials),
        }
      : {}),
  };
  await tx.shopSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/**
 * Validates a settings post and saves it in one transaction: options, flow switches and the sealed JOOR
 * credentials together, plus the first sync of every flow switched on. Nothing is written when any field is
 * invalid.
 */
export async function saveSettingsForm(shop: string, form: FormLike, options: SaveSettingsOptions = {}): Promise<SaveSettingsResult> {
  const db = options.prisma ?? defaultPrisma;
  const now = options.now ?? (() => new Date());
  return db.$transaction(async (tx) => {
    const stored = await readStoredSettings(tx, shop);
    const parsed = parseSettingsForm(form, stored.credentials);
    if (!parsed.ok) return parsed;
    await write(tx, shop, parsed.settings);
    const startedTasks = firstSyncsToStart(stored.flows, parsed.settings.flows);
    for (const kind of startedTasks) await startOneOffTask(tx, shop, kind, now());
    return { ok: true, startedTasks };
  });
}
