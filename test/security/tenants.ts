/**
 * Two shops' worth of data for the tenant-isolation tests: every table that holds merchant data gets rows for
 * the shop, each carrying the shop's marker in every text a page could show, so a leak is found by searching
 * a response for the other shop's marker. Rows are chosen so that an action ignoring the shop would change
 * them (failed records to retry, open connections to confirm, orders waiting for a decision).
 */
import type { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { joorBudgetKey } from "~/joor/budget.server";
import { MatchReason } from "~/customers/matching";
import { TaskKind } from "~/flows/task-kinds";
import { sealJoorCredentials } from "~/settings/settings.server";
import type { JoorCredentials } from "~/settings/joor-credentials";

export interface Tenant {
  shop: string;
  /** Found in every text the shop's rows carry; never in another shop's response. */
  mark: string;
  /** Numeric ids of the shop's Shopify records start above this. */
  base: number;
  /**
   * The export generation under which the shop imported the JOOR order both shops have; generation 2 of it waits
   * for a decision. Different per shop, so a page joining generations across shops would show the other's.
   */
  sharedImportGeneration: number;
}

/** The ids of the rows an attacker would name in a form post. */
export interface TenantRows {
  /** SyncState: a tagged customer not yet in JOOR whose sync failed (Upload list). */
  customerUpload: string;
  /** SyncState: a customer in JOOR changed since its last sync (Update list, and in the JOOR customer file). */
  customerUpdate: string;
  productFailed: string;
  customerUploadGid: string;
  customerUpdateGid: string;
  productGid: string;
  /** JoorConnection rows: open with an exact-email candidate, skipped, linked. */
  connectionOpen: string;
  connectionSkipped: string;
  connectionLinked: string;
  /** OrderImport rows. */
  orderFailed: string;
  orderReview: string;
}

/** A JOOR order id both shops use: the orders page must join each shop's rows only with its own. */
export const SHARED_JOOR_ORDER_ID = "5005";
/** A Shopify customer gid both shops hold a row for (sync states are unique per shop, not globally). */
export const SHARED_CUSTOMER_GID = "gid://shopify/Customer/424242";

/** Credits the other account used in one recent minute: a number no page would show by chance. */
export const FOREIGN_MINUTE_CREDITS = 7_654_321;
const FOREIGN_BLOCKED_UNTIL = new Date("2031-03-03T03:03:03.000Z");

export function tenantAccount(tenant: Tenant): string {
  return `${tenant.mark}acct`;
}

export function tenantCredentials(tenant: Tenant): JoorCredentials {
  return {
    v2Token: `${tenant.mark}-v2-token`,
    v4: {
      clientId: `${tenant.mark}-client`,
      clientSecret: `${tenant.mark}-client-secret`,
      username: `${tenant.mark}@brand.test`,
      password: `${tenant.mark}-password`,
    },
  };
}

/**
 * Writes the shop's data rows. With `install`, also the session, settings (every flow on, JOOR connected with
 * the shop's own account) and that account's credit history; the harness installs its own shop itself.
 */
export async function seedTenant(tenant: Tenant, { install = false } = {}): Promise<TenantRows> {
  const { shop, mark, base } = tenant;
  const now = new Date();
  const gid = (type: string, offset: number) => `gid://shopify/${type}/${base + offset}`;
  const customer = (name: string) => ({
    name: `${mark} ${name}`,
    email: `${mark}.${name.toLowerCase()}@buyer.test`,
    company: `${mark} Boutique`,
    city: `${mark}ville`,
    country: "FR",
    warnings: [`${mark} warning`],
  });

  const customerUpload = await prisma.syncState.create({
    data: {
      shop,
      kind: "customer",
      gid: gid("Customer", 1),
      status: "failed",
      lastError: `${mark} customer refused`,
      details: JSON.stringify({ ...customer("Upload"), connection: null }),
    },
  });
  const customerUpdate = await prisma.syncState.create({
    data: {
      shop,
      kind: "customer",
      gid: gid("Customer", 2),
      status: "dirty",
      joorId: `${mark}-J2`,
      lastSyncedAt: new Date(now.getTime() - 86_400_000),
      dirtySince: now,
      details: JSON.stringify({
        ...customer("Update"),
        customerCode: String(base + 2),
        connection: {
          customer_code: String(base + 2),
          customer_name: `${mark} Connected`,
          customer_contact_email: `${mark}@connected.test`,
          billing: { billing_addresses: [{ billing_code: String(base + 2), address_1: `${mark} Street`, city: `${mark}ville`, country: "FR" }] },
        },
      }),
    },
  });
  await prisma.syncState.create({
    data: { shop, kind: "customer", gid: SHARED_CUSTOMER_GID, status: "failed", lastError: `${mark} shared customer`, details: JSON.stringify(customer("Shared")) },
  });
  const productFailed = await prisma.syncState.create({
    data: {
      shop,
      kind: "product",
      gid: gid("Product", 3),
      status: "failed",
      joorId: `${mark}-P3`,
      lastError: `${mark} style refused`,
      details: JSON.stringify({ title: `${mark} Shirt`, styleNumber: `${mark}-STYLE`, linesheets: [{ key: "fall", name: `${mark} Fall` }], warnings: [`${mark} style warning`] }),
    },
  });
  await prisma.syncState.create({
    data: { shop, kind: "inventoryItem", gid: gid("InventoryItem", 4), status: "failed", lastError: `${mark} stock refused` },
  });

  await prisma.scheduledTask.createMany({
    data: [
      {
        shop,
        kind: TaskKind.customersBackfill,
        status: "failed",
        lastError: `${mark} backfill failed`,
        state: JSON.stringify({ phase: `${mark}phase`, progress: { done: 3, total: 9 } }),
      },
      { shop, kind: TaskKind.ordersPoll, status: "done", intervalSeconds: 300, lastError: `${mark} poll failed` },
    ],
  });

  await prisma.activityEvent.createMany({
    data: [
      { shop, flow: "customers", action: "sync", status: "failed", recordGid: gid("Customer", 1), label: `${mark} Upload`, message: `${mark} activity` },
      { shop, flow: `${mark}flow`, action: `${mark}action`, status: `${mark}status`, label: `${mark} label`, message: `${mark} other activity` },
    ],
  });
  // Newest of all: a page reading "the last delivery" without the shop would show this one.
  await prisma.webhookDelivery.create({
    data: { webhookId: `${mark}-delivery`, shop, topic: `${mark}_TOPIC`, receivedAt: new Date(now.getTime() + 60_000) },
  });

  const order = (id: string, fields: Record<string, unknown>) =>
    JSON.stringify({ order_id: id, customer_name: `${mark} Retail`, customer_purchase_order: `${mark}-PO`, order_currency: "EUR", line_items: [], ...fields });
  const orderFailed = await prisma.orderImport.create({
    data: { shop, joorOrderId: `${base + 10}`, status: "failed", reason: `${mark} order refused`, payload: order(`${base + 10}`, {}), customerCode: `${mark}-code` },
  });
  await prisma.orderImport.create({
    data: {
      shop,
      joorOrderId: SHARED_JOOR_ORDER_ID,
      exportGeneration: tenant.sharedImportGeneration,
      status: "imported",
      shopifyOrderGid: gid("Order", 11),
      shopifyOrderName: `#${mark}11`,
      payload: order(SHARED_JOOR_ORDER_ID, {}),
      details: JSON.stringify({ warnings: [`${mark} order warning`] }),
    },
  });
  const orderReview = await prisma.orderImport.create({
    data: { shop, joorOrderId: SHARED_JOOR_ORDER_ID, exportGeneration: 2, status: "review", reason: `${mark} came back`, payload: order(SHARED_JOOR_ORDER_ID, {}) },
  });

  const candidates = JSON.stringify([
    {
      gid: gid("Customer", 1),
      legacyId: String(base + 1),
      name: `${mark} Upload`,
      email: `${mark}.upload@buyer.test`,
      company: null,
      city: null,
      reason: MatchReason.email,
      reasons: [MatchReason.email],
    },
  ]);
  const connection = (id: string, extra: Record<string, unknown>) => ({
    shop,
    connectionId: `${mark}-${id}`,
    name: `${mark} Retailer ${id}`,
    contactName: `${mark} Contact`,
    email: `${mark}.upload@buyer.test`,
    city: `${mark}ville`,
    country: "FR",
    data: JSON.stringify({ connection_id: `${mark}-${id}`, customer_name: `${mark} Retailer ${id}` }),
    ...extra,
  });
  const connectionOpen = await prisma.joorConnection.create({ data: connection("C1", { status: "unmatched", candidates, candidatesAt: now }) });
  const connectionSkipped = await prisma.joorConnection.create({ data: connection("C2", { status: "skipped", candidates, candidatesAt: now }) });
  const connectionLinked = await prisma.joorConnection.create({
    data: connection("C3", { status: "linked", customerCode: String(base + 2), linkedGid: gid("Customer", 2), linkSource: "confirmed", linkedAt: now }),
  });
  await prisma.joorConnection.create({
    data: connection("C4", { status: "linked", customerCode: "424242", linkedGid: SHARED_CUSTOMER_GID, linkSource: "confirmed", linkedAt: now }),
  });

  if (install) await installTenant(tenant, now);

  return {
    customerUpload: customerUpload.id,
    customerUpdate: customerUpdate.id,
    productFailed: productFailed.id,
    customerUploadGid: customerUpload.gid,
    customerUpdateGid: customerUpdate.gid,
    productGid: productFailed.gid,
    connectionOpen: connectionOpen.id,
    connectionSkipped: connectionSkipped.id,
    connectionLinked: connectionLinked.id,
    orderFailed: orderFailed.id,
    orderReview: orderReview.id,
  };
}

/** Flow options (stored JSON) naming the shop's marker. */
export function tenantOptions({ mark }: Tenant): string {
  return JSON.stringify({ customerTags: [`${mark}CUST`], productTag: `${mark}TAG`, priceTypeId: `${mark}price`, joorWarehouse: `${mark} Warehouse` });
}

async function installTenant(tenant: Tenant, now: Date): Promise<void> {
  const { shop, mark } = tenant;
  const account = tenantAccount(tenant);
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: `${mark}-shpat`, scope: "read_products" } });
  await prisma.shopSettings.create({
    data: {
      shop,
      joorEnvironment: "production",
      joorAccountId: account,
      joorSecrets: sealJoorCredentials(tenantCredentials(tenant)),
      customersEnabled: true,
      catalogEnabled: true,
      inventoryEnabled: true,
      ordersEnabled: true,
      options: tenantOptions(tenant),
    },
  });
  const key = joorBudgetKey("production", account);
  await prisma.joorBudget.create({ data: { account: key, windowStart: now, creditsUsed: 287, blockedUntil: FOREIGN_BLOCKED_UNTIL } });
  const minute = new Date(Math.floor((now.getTime() - 5 * 60_000) / 60_000) * 60_000);
  await prisma.joorCreditMinute.create({ data: { account: key, minute, credits: FOREIGN_MINUTE_CREDITS } });
}

/** Every row the shop owns (and its JOOR account's credit rows), by table, for before/after comparison. */
export async function snapshotTenant(tenant: Tenant): Promise<Record<Prisma.ModelName, unknown[]>> {
  const where = { shop: tenant.shop };
  const account = { account: joorBudgetKey("production", tenantAccount(tenant)) };
  const [sessions, settings, states, tasks, activity, deliveries, orders, connections, budgets, minutes] = await Promise.all([
    prisma.session.findMany({ where, orderBy: { id: "asc" } }),
    prisma.shopSettings.findMany({ where }),
    prisma.syncState.findMany({ where, orderBy: { id: "asc" } }),
    prisma.scheduledTask.findMany({ where, orderBy: { id: "asc" } }),
    prisma.activityEvent.findMany({ where, orderBy: { id: "asc" } }),
    prisma.webhookDelivery.findMany({ where, orderBy: { webhookId: "asc" } }),
    prisma.orderImport.findMany({ where, orderBy: { id: "asc" } }),
    prisma.joorConnection.findMany({ where, orderBy: { id: "asc" } }),
    prisma.joorBudget.findMany({ where: account }),
    prisma.joorCreditMinute.findMany({ where: account, orderBy: { minute: "asc" } }),
  ]);
  return {
    Session: sessions,
    ShopSettings: settings,
    SyncState: states,
    ScheduledTask: tasks,
    ActivityEvent: activity,
    WebhookDelivery: deliveries,
    OrderImport: orders,
    JoorConnection: connections,
    JoorBudget: budgets,
    JoorCreditMinute: minutes,
  };
}
