import { readStyleSkus } from "~/catalog/identity";
import { prisma } from "~/db.server";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { INVENTORY_BATCH_SIZE } from "~/joor/assumptions";
import type { InventoryUpdateResult } from "~/joor/client.server";
import { log } from "~/logger.server";
import { RecordKind } from "~/records";
import { parseJson } from "~/sync/json";
import type { HandlerRegistry, SyncHandlerContext, SyncOutcome, SyncStateView } from "~/sync/registry";
import { readInventoryItems } from "./items.server";
import {
  inventoryOffReason,
  joorInventoryItem,
  planItem,
  type InventoryItemReading,
  type StockDecision,
  type StockPayload,
  type StyleState,
} from "./stock";

/**
 * The inventory flow: each dirty inventory item's available stock, summed over the merchant's locations, is
 * written to JOOR by UPC when it differs from what JOOR last accepted. A batch costs one Shopify read (plus
 * level pages for items stocked at many locations), one database read and at most one JOOR write (per 1,000
 * changed SKUs), however many webhooks marked its items.
 */

export const INVENTORY_FLOW = "inventory";

/** The catalog's knowledge of each product, in one query: its SKU map and whether it is still synced. */
async function loadStyles(shop: string, productGids: string[]): Promise<Map<string, StyleState>> {
  const rows = await prisma.syncState.findMany({
    where: { shop, kind: RecordKind.product, gid: { in: [...new Set(productGids)] } },
    select: { gid: true, status: true, details: true },
  });
  return new Map(rows.map((row) => [row.gid, { stopped: row.status === "stopped", style: readStyleSkus(parseJson(row.details)) }]));
}

type Send = StockDecision & { state: SyncStateView };

function facts(reading: InventoryItemReading, payload: StockPayload) {
  return {
    label: reading.label,
    details: { variantId: reading.variantId, productGid: reading.productGid, ...payload },
  };
}

async function syncInventoryBatch(services: FlowServices, context: SyncHandlerContext): Promise<SyncOutcome[]> {
  const { shop, states, signal } = context;
  const configuration = await services.configuration(shop);
  const off = inventoryOffReason(configuration.flows);
  if (off) return states.map((state) => ({ gid: state.gid, status: "stopped", reason: off }));

  const readings = await readInventoryItems(await services.admin(shop), states.map((state) => state.gid));
  const styles = await loadStyles(
    shop,
    [...readings.values()].flatMap((reading) => (reading ? [reading.productGid] : [])),
  );

  const outcomes: SyncOutcome[] = [];
  const sends: Send[] = [];
  for (const state of states) {
    const reading = readings.get(state.gid) ?? null;
    const plan = planItem({
      reading,
      style: reading ? styles.get(reading.productGid) : undefined,
      options: configuration.options,
      contentHash: state.contentHash,
    });
    if (plan.action === "stop") {
      outcomes.push({ gid: state.gid, status: "stopped", reason: plan.reason, ...(reading && { label: reading.label }) });
    } else if (plan.action === "unchanged") {
      outcomes.push({ gid: state.gid, status: "unchanged", contentHash: plan.hash, ...facts(plan.reading, plan.payload) });
    } else {
      sends.push({ state, reading: plan.reading, payload: plan.payload, hash: plan.hash });
    }
  }
  if (sends.length === 0) return outcomes;

  signal.throwIfAborted();
  let result: InventoryUpdateResult;
  try {
    const joor = await services.joor(shop);
    result = await joor.updateInventory(sends.map((send) => joorInventoryItem(send.payload)));
  } catch (error) {
    return [...outcomes, ...sends.map((send): SyncOutcome => ({ gid: send.state.gid, status: "retry", error }))];
  }
  let failed = 0;
  sends.forEach((send, index) => {
    const item = result.items[index];
    if (item?.ok) {
      outcomes.push({ gid: send.state.gid, status: "synced", contentHash: send.hash, ...facts(send.reading, send.payload) });
    } else {
      failed += 1;
      outcomes.push({
        gid: send.state.gid,
        status: "failed",
        reason: item?.message || "JOOR refused the stock update",
        label: send.reading.label,
      });
    }
  });
  log.info("Stock sent to JOOR", { shop, sent: sends.length, failed });
  return outcomes;
}

/** Registers the inventory flow's sync handler (records of kind "inventoryItem"). */
export function registerInventorySync(registry: HandlerRegistry, services: FlowServices = defaultFlowServices): void {
  // A batch is one bulk-inventory call: as many items as JOOR takes in one.
  registry.registerSyncHandler(RecordKind.inventoryItem, (context) => syncInventoryBatch(services, context), {
    flow: INVENTORY_FLOW,
    batchSize: INVENTORY_BATCH_SIZE,
  });
}
