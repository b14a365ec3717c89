import type { FlowServices } from "~/flows/services.server";
import { RecordKind, shopifyGid } from "~/records";
import { SyncError } from "~/sync/errors";
import type { SyncHandler, SyncOutcome, SyncStateView } from "~/sync/registry";
import { linesheetGid, LINESHEET_KIND, type LinesheetRef } from "./conventions";
import { readStyleDetails, type StoredCell, type StyleDetails } from "./details";
import { contentHash } from "~/flows/content-hash";
import { hasTag } from "./identity";
import { mapStyle, type StyleMemory, type StylePlan } from "./mapping";
import { addFollowUp, followUps, markFollowUps, type FollowUps } from "./marks.server";
import { readCatalogProducts } from "./product-read.server";
import { readSizeFor, wholesaleField, type CatalogProduct } from "./shopify-product";
import { newStyleJob, writeStyles, type JoorSource, type StyleJob } from "./writer.server";

/**
 * The product handler: one GraphQL read for the batch, the mapping per product, the batch's JOOR writes, then
 * the follow-ups (linesheets the styles joined or left, stock of SKUs that are new or changed).
 */

function memoryOf(details: StyleDetails): StyleMemory {
  return { colorCodes: details.colorCodes, cells: details.cells.map(({ color, size }) => ({ color, size })) };
}

function keysOf(refs: LinesheetRef[]): Set<string> {
  return new Set(refs.map((ref) => ref.key));
}

/** Linesheets joined or left (all of them when the style's JOOR product changed): the collections to rebuild. */
function markLinesheetChanges(marks: FollowUps, before: LinesheetRef[], after: LinesheetRef[], productChanged = false): boolean {
  const was = keysOf(before);
  const now = keysOf(after);
  const changed = [...new Set([...was, ...now])].filter((key) => productChanged || was.has(key) !== now.has(key));
  for (const key of changed) addFollowUp(marks, LINESHEET_KIND, linesheetGid(key));
  return changed.length > 0;
}

/** Stock to (re)send: SKUs that are new, changed UPC or SKU, or whose made-to-order state changed. */
function markStockChanges(marks: FollowUps, product: CatalogProduct, before: StyleDetails, after: StyleDetails): void {
  const madeToOrderChanged = before.madeToOrder !== after.madeToOrder;
  for (const variant of product.variants) {
    if (!variant.inventoryItemId) continue;
    const was = before.skus[variant.id];
    const now = after.skus[variant.id];
    const changed =
      was?.skuId !== now?.skuId || was?.upc !== now?.upc || (madeToOrderChanged && (was !== undefined || now !== undefined));
    if (changed) addFollowUp(marks, RecordKind.inventoryItem, shopifyGid("InventoryItem", variant.inventoryItemId));
  }
}

function storedInPlanOrder(job: StyleJob): StoredCell[] {
  const planned = new Set(job.plan.cells.map((cell) => cell.key));
  return [
    ...job.plan.cells.flatMap((cell) => job.cells.get(cell.key) ?? []),
    ...[...job.cells.values()].filter((cell) => !planned.has(cell.key)),
  ];
}

function pricesHash(job: StyleJob, previous: StyleDetails): string | null {
  const prices = job.plan.prices;
  if (!prices) return previous.hashes.prices;
  const sent = prices.items.map((price) => {
    const skuId = job.cells.get(price.cellKey)?.skuId;
    return skuId && job.prices[skuId]?.hash === price.hash ? [skuId, price.hash] : null;
  });
  return sent.every((entry) => entry !== null) ? contentHash([prices.priceTypeId, sent]) : null;
}

function styleDetails(job: StyleJob, product: CatalogProduct, previous: StyleDetails): StyleDetails {
  const { plan } = job;
  const cells = storedInPlanOrder(job);
  const skus: StyleDetails["skus"] = {};
  for (const cell of cells) if (cell.variantId && cell.upc) skus[cell.variantId] = { skuId: cell.skuId, upc: cell.upc };
  const skusComplete = plan.cells.every((cell) => job.cells.get(cell.key)?.hash === cell.hash);
  return {
    skus,
    madeToOrder: plan.madeToOrder,
    title: product.title,
    productId: job.productId,
    styleNumber: plan.styleNumber,
    colorCodes: plan.colorCodes,
    cells,
    priceTypeId: job.priceTypeId,
    prices: job.prices,
    // A style only sits on linesheets once JOOR has it.
    linesheets: job.productId ? plan.linesheets : [],
    hashes: {
      product: job.productHash,
      skus: skusComplete && job.productId ? plan.skusHash : null,
      prices: pricesHash(job, previous),
      images: job.imagesHash,
      linesheets: job.productId ? plan.linesheetsHash : null,
    },
    shape: { variants: product.variants.length, media: product.media.length },
    skuErrors: Object.fromEntries([...job.errors].map(([key, error]) => [key, error.message])),
    unansweredSkus: [...job.unanswered],
    warnings: plan.warnings,
  };
}

function refusedReason(job: StyleJob): string {
  const messages = [...job.errors.values()].map((error) => error.message);
  const shown = messages.slice(0, 3).join("; ");
  return `JOOR refused ${messages.length} record(s) of this style: ${shown}${messages.length > 3 ? "; …" : ""}`;
}

function styleOutcome(job: StyleJob, product: CatalogProduct, previous: StyleDetails, marks: FollowUps): SyncOutcome {
  const details = styleDetails(job, product, previous);
  const productChanged = previous.productId !== null && previous.productId !== job.productId;
  const linesheetsChanged = markLinesheetChanges(marks, previous.linesheets, details.linesheets, productChanged);
  markStockChanges(marks, product, previous, details);
  const facts = { gid: job.gid, joorId: job.productId, details, label: product.title };
  if (job.failure) return { ...facts, status: "retry", error: job.failure };
  if (job.errors.size > 0) {
    const reason = refusedReason(job);
    const transient = [...job.errors.values()].some((error) => error.transient);
    return transient
      ? { ...facts, status: "retry", error: new SyncError(reason, { terminal: false }) }
      : { ...facts, status: "failed", reason };
  }
  const changed = job.wrote || linesheetsChanged || previous.madeToOrder !== details.madeToOrder;
  return { ...facts, contentHash: contentHash(details.hashes), status: changed ? "synced" : "unchanged" };
}

/** Untagged or deleted: the style stays in JOOR (with its SKUs), off its linesheets. */
function outOfScope(state: SyncStateView, previous: StyleDetails, reason: string, label: string | null, marks: FollowUps): SyncOutcome {
  const left = markLinesheetChanges(marks, previous.linesheets, []);
  return {
    gid: state.gid,
    status: "stopped",
    reason,
    ...(left ? { details: { ...previous, linesheets: [], hashes: { ...previous.hashes, linesheets: null } } } : {}),
    ...(label ? { label } : {}),
  };
}

interface Planned {
  job: StyleJob;
  product: CatalogProduct;
  previous: StyleDetails;
}

export function productSyncHandler(services: FlowServices): SyncHandler {
  return async ({ shop, states, signal }) => {
    const configuration = await services.configuration(shop);
    if (!configuration.flows.catalog) {
      return states.map((state) => ({ gid: state.gid, status: "stopped", reason: "The catalog sync is switched off" }));
    }
    const { options } = configuration;
    const admin = await services.admin(shop);
    const products = await readCatalogProducts(
      admin,
      states.map((state) => ({ gid: state.gid, size: readSizeFor(readStyleDetails(state.details).shape) })),
      wholesaleField(options.wholesaleMetafield),
      signal,
    );

    const marks = followUps(shop);
    const outcomes: SyncOutcome[] = [];
    const planned: Planned[] = [];
    for (const state of states) {
      const before = readStyleDetails(state.details);
      const product = products.get(state.gid) ?? null;
      const staysInJoor = before.productId !== null || state.joorId !== null ? ": the style stays in JOOR, off its linesheets" : "";
      if (!product) {
        outcomes.push(outOfScope(state, before, `Deleted in Shopify${staysInJoor}`, before.title, marks));
        continue;
      }
      if (!hasTag(product.tags, options.productTag)) {
        const reason = staysInJoor ? `No longer tagged ${options.productTag}${staysInJoor}` : `Not tagged ${options.productTag}`;
        outcomes.push(outOfScope(state, before, reason, product.title, marks));
        continue;
      }
      const plan: StylePlan = mapStyle(product, options, memoryOf(before));
      if (plan.blocked) {
        outcomes.push({
          gid: state.gid,
          status: "failed",
          reason: plan.blocked,
          details: { ...before, title: product.title, warnings: plan.warnings },
          label: product.title,
        });
        continue;
      }
      planned.push({ job: newStyleJob(state.gid, plan, before, state.joorId), product, previous: before });
    }

    let client: ReturnType<FlowServices["joor"]> | null = null;
    const joor: JoorSource = () => (client ??= services.joor(shop));
    await writeStyles(
      planned.map((entry) => entry.job),
      joor,
      signal,
    );
    for (const { job, product, previous: before } of planned) outcomes.push(styleOutcome(job, product, before, marks));
    await markFollowUps(marks, services.now());
    return outcomes;
  };
}
