import type { Prisma, PrismaClient } from "@prisma/client";
import { prisma as defaultPrisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { startOneOffTask } from "~/flows/full-sync.server";
import { RecordKind } from "~/records";
import { markManyDirty } from "~/sync/sync-state.server";
import { applyOrdersPollChange, ordersSetup } from "~/orders/schedule.server";
import { armReconcileSweep } from "~/reconcile/arm.server";
import { parseSettingsForm, type FlowSwitches, type FormLike, type ParsedSettings } from "./form";
import type { FieldErrors } from "./form-fields";
import type { FlowOptions } from "./options";
import { readStoredSettings } from "./form.server";
import { sealJoorCredentials } from "./settings.server";

export type SaveSettingsResult = { ok: true; startedTasks: TaskKind[] } | { ok: false; errors: FieldErrors };

export interface SaveSettingsOptions {
  prisma?: PrismaClient;
  now?: () => Date;
}

/** The full sync each flow runs when it is switched on or its mapping changes. */
const FULL_SYNC: Partial<Record<keyof FlowSwitches, TaskKind>> = {
  customers: TaskKind.customersBackfill,
  catalog: TaskKind.catalogBackfill,
};

/** Options a flow maps records with: changing one means every record must be looked at again. */
const MAPPING_OPTIONS: Record<"customers" | "catalog" | "inventory", (keyof FlowOptions)[]> = {
  customers: ["customerTags", "customerGroupName", "customerGroupCode", "salesRepCode"],
  catalog: [
    "productTag",
    "collectionTagPrefix",
    "madeToOrderLinesheets",
    "colorOptionNames",
    "sizeOptionNames",
    "missingBarcode",
    "priceTypeId",
    "wholesaleMetafield",
    "wholesalePercentOfRetail",
    "syncDescription",
    "syncPrices",
    "syncImages",
  ],
  inventory: ["inventoryLocationIds", "joorWarehouse"],
};

interface FlowSetup {
  flows: FlowSwitches;
  options: FlowOptions;
}

function mappingChanged(flow: keyof typeof MAPPING_OPTIONS, before: FlowOptions, after: FlowOptions): boolean {
  return MAPPING_OPTIONS[flow].some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

function needsResync(flow: keyof typeof MAPPING_OPTIONS, before: FlowSetup, after: FlowSetup): boolean {
  return after.flows[flow] && (!before.flows[flow] || mappingChanged(flow, before.options, after.options));
}

/** The full syncs to start: for flows switched on, and for flows whose mapping options changed. */
export function fullSyncsToStart(before: FlowSetup, after: FlowSetup): TaskKind[] {
  return (Object.keys(FULL_SYNC) as (keyof typeof FULL_SYNC & keyof typeof MAPPING_OPTIONS)[])
    .filter((flow) => needsResync(flow, before, after))
    .map((flow) => FULL_SYNC[flow]!);
}

/** Stock is sent again when inventory is switched on or its locations or warehouse change. */
export function stockToResend(before: FlowSetup, after: FlowSetup): boolean {
  return needsResync("inventory", before, after);
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
 * credentials together, plus a full sync of every flow switched on or remapped, the orders poll armed at the
 * merchant's interval (or stopped), and the reconcile sweep armed while any flow is on. Nothing is written when
 * any field is invalid.
 */
export async function saveSettingsForm(shop: string, form: FormLike, options: SaveSettingsOptions = {}): Promise<SaveSettingsResult> {
  const db = options.prisma ?? defaultPrisma;
  const now = options.now ?? (() => new Date());
  return db.$transaction(async (tx) => {
    const stored = await readStoredSettings(tx, shop);
    const parsed = parseSettingsForm(form, stored.credentials);
    if (!parsed.ok) return parsed;
    await write(tx, shop, parsed.settings);
    const startedTasks = fullSyncsToStart(stored, parsed.settings);
    for (const kind of startedTasks) await startOneOffTask(tx, shop, kind, now());
    const orders = (setup: FlowSetup) => ordersSetup(setup.flows, setup.options);
    await applyOrdersPollChange(tx, shop, orders(stored), orders(parsed.settings), now());
    if (stockToResend(stored, parsed.settings)) {
      const items = await tx.syncState.findMany({ where: { shop, kind: RecordKind.inventoryItem }, select: { gid: true } });
      await markManyDirty(tx, { shop, kind: RecordKind.inventoryItem, gids: items.map((item) => item.gid), at: now() });
    }
    await armReconcileSweep(tx, shop, now());
    return { ok: true, startedTasks };
  });
}
