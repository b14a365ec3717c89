import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import { V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import type { JoorPriceType } from "~/joor/schemas";
import { RecordKind } from "~/records";
import type { HandlerRegistry } from "~/sync/registry";
import { catalogBackfillHandler } from "./backfill.server";
import { LINESHEET_KIND } from "./conventions";
import { linesheetSyncHandler } from "./linesheet-sync.server";
import { productSyncHandler } from "./product-sync.server";

export const CATALOG_FLOW = "catalog";

/** Registers the catalog flow: products → styles, linesheets → collections, and the catalog backfill. */
export function registerCatalogSync(registry: HandlerRegistry, services: FlowServices = defaultFlowServices): void {
  // A batch of styles shares each bulk call: one product call for as many styles as JOOR takes in one.
  registry.registerSyncHandler(RecordKind.product, productSyncHandler(services), { flow: CATALOG_FLOW, batchSize: V4_BULK_MAX_RECORDS });
  registry.registerSyncHandler(LINESHEET_KIND, linesheetSyncHandler(services), { flow: CATALOG_FLOW });
  registry.registerTaskHandler(TaskKind.catalogBackfill, catalogBackfillHandler(services), { flow: CATALOG_FLOW });
}

/** JOOR's price types for the settings page (one GET, 1 credit). */
export async function joorPriceTypes(shop: string, services: Pick<FlowServices, "joor"> = defaultFlowServices): Promise<JoorPriceType[]> {
  return (await services.joor(shop)).listPriceTypes();
}
