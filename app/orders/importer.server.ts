/**
 * Imports one queued generation, exactly once:
 * 1. map it (lines, customer, addresses…) — an order that cannot be mapped fails with its reason;
 * 2. commit the row as `creating` (with what the attempt plans), then call orderCreate;
 * 3. commit the outcome on its own: imported (with the follow-ups it owes), failed (Shopify's reason), or queued
 *    again when Shopify's limits refused it. When Shopify's answer is lost, the row stays `creating` and
 *    `recoverCreating` later finds the order by its source identifier instead of creating another.
 */
import type { FlowOptions } from "~/settings/options";
import { legacyId } from "~/records";
import { errorMessage, isTerminal } from "~/sync/errors";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { CustomerResolver } from "./customers.server";
import { matchLine, readOrderLines, upcsToLookUp, type CatalogIndex, type LineMatch } from "./lines";
import { buildOrderInput } from "./mapping";
import { classifyCreateFailure, isShopLevel } from "./outcomes";
import { createOrder, ordersBySourceIdentifier, variantsByBarcodeOrSku, type CreatedOrder } from "./shopify.server";
import { CREATING_SETTLE_MS, ImportStatus } from "./status";
import { readDetails, readPayload, type FollowUp, type ImportDetails, type ImportRow, type ImportStore } from "./store.server";

export interface ImportContext {
  store: ImportStore;
  admin: AdminClient;
  customers: CustomerResolver;
  /** Built on first use: a poll with nothing to import never reads the catalog. */
  catalog(): Promise<CatalogIndex>;
  shopCurrency(): Promise<string>;
  options: Pick<FlowOptions, "orderTags" | "orderInventory" | "writeBackCustomerCode">;
  now(): Date;
}

export type ImportResult =
  | { kind: "imported"; order: CreatedOrder }
  | { kind: "failed"; reason: string }
  /** The row was no longer queued when the attempt began (the merchant or another run moved it). */
  | { kind: "skipped" }
  /** Shopify's rate limits: nothing created, the row is queued again; try no sooner than `retryAfterMs`. */
  | { kind: "limited"; retryAfterMs: number };

function matchedBy(lines: ReadonlyArray<{ match: LineMatch }>): ImportDetails["matchedBy"] {
  const counts = { upc: 0, sku: 0, style: 0 };
  for (const { match } of lines) if (match.ok) counts[match.via] += 1;
  return counts;
}

/** Records a created order with the follow-ups its attempt planned (customer code write-back, replaced order). */
async function recordCreated(
  store: ImportStore,
  row: Pick<ImportRow, "id" | "joorOrderId" | "details">,
  order: CreatedOrder,
  options: ImportContext["options"],
): Promise<void> {
  const details = readDetails(row);
  const attempt = details.attempt;
  const created = attempt?.createsCustomer === true && order.customerGid !== null;
  const followUp: FollowUp = {
    ...(created && options.writeBackCustomerCode && attempt?.connectionId && order.customerGid
      ? { writeBackCode: { connectionId: attempt.connectionId, customerId: legacyId(order.customerGid) } }
      : {}),
    ...(attempt?.replaces ? { markReplaced: { orderGid: attempt.replaces.gid, by: order.name } } : {}),
  };
  await store.recordImported(
    row,
    order,
    { ...details, customer: created ? "created" : details.customer },
    followUp.writeBackCode || followUp.markReplaced ? followUp : null,
  );
}

/**
 * Imports one row. A lookup before orderCreate that Shopify or JOOR refuses for this order alone fails the order
 * with the reason; a transient one (or one about the whole shop) is thrown and the row stays queued.
 */
export async function importRow(row: ImportRow, ctx: ImportContext): Promise<ImportResult> {
  try {
    return await attemptImport(row, ctx);
  } catch (error) {
    if (!isTerminal(error) || isShopLevel(error)) throw error;
    const reason = errorMessage(error);
    // Only a row still queued: past orderCreate, the create's own outcome rules apply.
    if (!(await ctx.store.fail(row, ImportStatus.queued, reason, { warnings: [] }))) throw error;
    return { kind: "failed", reason };
  }
}

async function attemptImport(row: ImportRow, ctx: ImportContext): Promise<ImportResult> {
  const { store } = ctx;
  const order = readPayload(row);
  if (!order) return failBeforeCreate(store, row, "The JOOR order stored for this import cannot be read", { warnings: [] });
  const read = readOrderLines(order.line_items);
  if (!read.ok) return failBeforeCreate(store, row, read.reason, { warnings: [] });

  const index = await ctx.catalog();
  const lookups = upcsToLookUp(read.lines, index);
  const variants = lookups.length ? await variantsByBarcodeOrSku(ctx.admin, lookups) : [];
  const lines = read.lines.map((line) => ({ line, match: matchLine(line, index, variants) }));
  const customer = await ctx.customers.resolve(order);
  const replaces = row.exportGeneration > 0 ? await store.previousShopifyOrder(row.joorOrderId, row.exportGeneration) : null;
  const mapped = buildOrderInput(order, {
    lines,
    customer: customer.choice,
    options: ctx.options,
    shopCurrency: order.order_currency ? null : await ctx.shopCurrency(),
    now: ctx.now(),
    replaces: replaces?.name ?? null,
  });
  const createsCustomer = mapped.ok && mapped.input.customer !== undefined && "toUpsert" in mapped.input.customer;
  const details: ImportDetails = {
    warnings: [...read.warnings, ...(mapped.ok ? mapped.warnings : [])],
    // A created customer is recorded once Shopify has made it.
    customer: customer.choice.kind === "associate" ? customer.choice.source : createsCustomer ? undefined : "none",
    matchedBy: matchedBy(lines),
  };
  if (!mapped.ok) return failBeforeCreate(store, row, mapped.reason, details);

  const attempt = { at: ctx.now().toISOString(), createsCustomer, connectionId: customer.connectionId, replaces };
  const planned = { ...details, attempt };
  if (!(await store.claimForCreate(row, planned))) return { kind: "skipped" };
  let created: CreatedOrder;
  try {
    created = await createOrder(ctx.admin, mapped.input, mapped.inventoryBehaviour);
  } catch (error) {
    const failure = classifyCreateFailure(error);
    switch (failure.kind) {
      case "refused":
        await store.fail(row, ImportStatus.creating, failure.reason, details);
        return { kind: "failed", reason: failure.reason };
      case "limited":
        await store.requeue(row.id, { refused: true });
        return failure;
      case "unsent":
        await store.requeue(row.id, { refused: true });
        throw failure.error;
      case "unknown":
        throw failure.error;
    }
  }
  await recordCreated(store, { ...row, details: JSON.stringify(planned) }, created, ctx.options);
  if (createsCustomer && created.customerGid) ctx.customers.remember(order, created.customerGid);
  return { kind: "imported", order: created };
}

async function failBeforeCreate(store: ImportStore, row: ImportRow, reason: string, details: ImportDetails): Promise<ImportResult> {
  await store.fail(row, ImportStatus.queued, reason, details);
  return { kind: "failed", reason };
}

/** When a `creating` row is old enough to be looked up in Shopify. */
export function settledAt(row: Pick<ImportRow, "details" | "updatedAt">): number {
  const at = Date.parse(readDetails(row).attempt?.at ?? "");
  return (Number.isNaN(at) ? row.updatedAt.getTime() : at) + CREATING_SETTLE_MS;
}

/**
 * Settles a row left `creating`: the Shopify order with its JOOR order id (and not another generation's) is
 * recorded as this generation's; without one, the row is queued for a new attempt.
 */
export async function recoverCreating(
  row: ImportRow,
  ctx: Pick<ImportContext, "store" | "admin" | "options">,
): Promise<"imported" | "queued"> {
  const others = await ctx.store.otherGenerationsOrders(row.joorOrderId, row.exportGeneration);
  const found = (await ordersBySourceIdentifier(ctx.admin, row.joorOrderId)).find((order) => !others.has(order.gid));
  if (!found) {
    await ctx.store.requeue(row.id, { refused: false });
    return "queued";
  }
  await recordCreated(ctx.store, row, found, ctx.options);
  return "imported";
}
