import type { Prisma, PrismaClient } from "@prisma/client";
import { seal } from "~/crypto.server";
import { prisma as defaultPrisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { scheduleTask } from "~/sync/tasks.server";
import { parseSettingsForm, type FlowSwitches, type FormLike, type ParsedSettings } from "./form";
import type { FieldErrors } from "./form-fields";
import { readStoredSettings } from "./form.server";
import { joorCredentialsSchema } from "./joor-credentials";

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

/** A task still on its way keeps its progress; a finished one starts over from the beginning. */
const FINISHED = ["done", "failed"];

async function startFirstSync(tx: Prisma.TransactionClient, shop: string, kind: TaskKind, now: Date): Promise<void> {
  const existing = await tx.scheduledTask.findUnique({ where: { shop_kind: { shop, kind } }, select: { status: true } });
  await scheduleTask(tx, {
    shop,
    kind,
    runAt: now,
    intervalSeconds: null,
    ...(existing && FINISHED.includes(existing.status) ? { state: null } : {}),
  });
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
          // Sealed as saveJoorConnection does: the plaintext never reaches the database.
          joorSecrets: seal(JSON.stringify(joorCredentialsSchema.parse(connection.credentials))),
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
    for (const kind of startedTasks) await startFirstSync(tx, shop, kind, now());
    return { ok: true, startedTasks };
  });
}
