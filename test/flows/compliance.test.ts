import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ERASED_NOTICE } from "~/compliance/requests";
import { VALIDATION_RECHECK_MS } from "~/customers/decide";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { joorOrderSchema } from "~/joor/schemas";
import { setLogSink } from "~/logger.server";
import { ImportStore } from "~/orders/store.server";
import { action } from "~/routes/webhooks";
import { recordActivity } from "~/sync/activity.server";
import { engineTransactions } from "~/sync/runner.server";
import { scheduleTask } from "~/sync/tasks.server";
import type { CustomerInput, CustomerRecord } from "../fakes/shopify";
import { webhookRequest } from "../fakes/shopify/webhooks";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

const harness = flowSuite({ register: registerCustomerSync });

const SECRET = process.env.SHOPIFY_API_SECRET ?? "";
const SETTLE = { horizonMs: 10 * 60_000 };
const OTHER_SHOP = "other-brand.myshopify.com";

let logs: string[] = [];
let restoreLogs: ReturnType<typeof setLogSink>;
beforeEach(() => {
  logs = [];
  vi.stubEnv("LOG_LEVEL", "info");
  restoreLogs = setLogSink((line) => logs.push(line));
});
afterEach(() => {
  setLogSink(restoreLogs);
  vi.unstubAllEnvs();
});

function deliver(topic: string, payload: unknown, options: { shop?: string; webhookId?: string; hmac?: string } = {}): Promise<Response> {
  const request = webhookRequest({ url: "https://joor-sync.test/webhooks", topic, shop: options.shop ?? SHOP, secret: SECRET, payload, ...options });
  return action({ request, params: {}, context: {} }) as Promise<Response>;
}

const MIRA: CustomerInput = {
  firstName: "Mira",
  lastName: "Okafor",
  email: "mira@okafor-boutique.example",
  phone: "+12125550147",
  tags: ["JOOR_ENABLED"],
  addresses: [{ company: "Okafor Boutique", address1: "12 Mercer St", city: "New York", provinceCode: "NY", zip: "10013", countryCode: "US" }],
};
/** What must be gone from every table once Mira's data is erased. */
const MIRA_TRACES = ["mira@okafor-boutique.example", "Okafor", "Mira", "+12125550147", "Mercer"];

const OTTO: CustomerInput = {
  firstName: "Otto",
  lastName: "Lindqvist",
  email: "otto@lindqvist.example",
  tags: ["JOOR_ENABLED"],
  addresses: [{ company: "Lindqvist AB", address1: "Storgatan 1", city: "Malmö", zip: "21122", countryCode: "SE" }],
};

const gidOf = (customer: CustomerRecord) => `gid://shopify/Customer/${customer.id}`;

interface World {
  h: FlowHarness;
  mira: CustomerRecord;
  otto: CustomerRecord;
  store: ImportStore;
}

function joorOrder(orderId: string, customer: CustomerRecord, input: CustomerInput) {
  return joorOrderSchema.parse({
    order_id: orderId,
    customer_code: customer.id,
    customer_name: input.addresses?.[0]?.company,
    customer_buyer_name: `${input.firstName} ${input.lastName}`,
    billing_email: input.email,
    billing_address_1: input.addresses?.[0]?.address1,
    billing_city: input.addresses?.[0]?.city,
  });
}

/**
 * Two retailers synced by the real customer sync, a JOOR connection linked to each, an unmatched connection
 * listing both as candidates, and order imports made through the orders flow's store: Mira's first order imported,
 * her second refused, one of Otto's queued.
 */
async function world(): Promise<World> {
  const h = harness();
  await h.configure({}, { customers: true });
  const mira = h.shop.createCustomer(MIRA);
  const otto = h.shop.createCustomer(OTTO);
  await h.drain(SETTLE);
  h.joor.validateConnections(JOOR_ACCOUNT);
  h.clock.advance(VALIDATION_RECHECK_MS);
  await h.drain(SETTLE);
  await h.settle();

  for (const [customer, input] of [[mira, MIRA], [otto, OTTO]] as const) {
    const connection = h.joor.connection(JOOR_ACCOUNT, customer.id);
    await prisma.joorConnection.create({
      data: {
        shop: SHOP,
        connectionId: String(connection?.connection_id),
        customerCode: customer.id,
        name: input.addresses?.[0]?.company,
        contactName: `${input.firstName} ${input.lastName}`,
        email: input.email,
        city: input.addresses?.[0]?.city,
        country: input.addresses?.[0]?.countryCode,
        data: JSON.stringify(connection),
        linkedGid: gidOf(customer),
        status: "linked",
        linkSource: "code",
        linkedAt: h.clock.date(),
      },
    });
  }
  const candidate = (customer: CustomerRecord, input: CustomerInput) => ({
    gid: gidOf(customer),
    legacyId: customer.id,
    name: `${input.firstName} ${input.lastName}`,
    email: input.email,
    company: input.addresses?.[0]?.company,
    city: input.addresses?.[0]?.city,
    reason: "name",
    reasons: ["name"],
  });
  await prisma.joorConnection.create({
    data: {
      shop: SHOP,
      connectionId: "9001",
      name: "Boutique Unknown",
      candidates: JSON.stringify([candidate(mira, MIRA), candidate(otto, OTTO)]),
    },
  });

  const store = new ImportStore(SHOP, engineTransactions(prisma));
  await store.addGeneration(joorOrder("J-100", mira, MIRA), "v1", 0, "queued", null);
  const [first] = await store.rowsIn(["queued"]);
  await store.claimForCreate(first, { warnings: ["Mira's line 2 had no UPC"] });
  await store.recordImported(first, { gid: "gid://shopify/Order/501", name: "#1001", customerGid: gidOf(mira) }, { warnings: ["Mira's line 2 had no UPC"] }, null);
  await store.addGeneration(joorOrder("J-101", mira, MIRA), "v1", 0, "queued", null);
  const [second] = await store.rowsIn(["queued"]);
  await store.fail(second, "queued", `No Shopify customer has the email ${MIRA.email}`, { warnings: [] });
  await store.addGeneration(joorOrder("J-200", otto, OTTO), "v1", 0, "queued", null);

  await recordActivity(prisma, {
    shop: SHOP,
    flow: "customers",
    action: "sync",
    status: "retry",
    recordGid: gidOf(mira),
    label: "Mira Okafor",
    message: `JOOR was busy sending ${MIRA.email}`,
    details: { email: MIRA.email },
  });
  return { h, mira, otto, store };
}

async function shopRows() {
  const where = { where: { shop: SHOP } };
  return {
    syncStates: await prisma.syncState.findMany(where),
    connections: await prisma.joorConnection.findMany(where),
    orders: await prisma.orderImport.findMany(where),
    activity: await prisma.activityEvent.findMany(where),
    tasks: await prisma.scheduledTask.findMany(where),
  };
}

function reportsOf(gid: string) {
  return prisma.activityEvent.findMany({ where: { shop: SHOP, flow: "compliance", action: "customers/data_request", recordGid: gid } });
}

describe("customers/data_request", () => {
  it("records a report of everything held about the customer for the merchant, and logs no personal data", async () => {
    const { mira } = await world();
    const payload = {
      shop_id: 1,
      shop_domain: SHOP,
      orders_requested: [501],
      customer: { id: Number(mira.id), email: MIRA.email, phone: MIRA.phone },
      data_request: { id: 9999 },
    };
    logs = [];
    expect((await deliver("customers/data_request", payload, { webhookId: "dr-1" })).status).toBe(200);
    expect((await deliver("customers/data_request", payload, { webhookId: "dr-1" })).status).toBe(200);

    const reports = await reportsOf(gidOf(mira));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: "reported", label: null });
    const report = JSON.parse(reports[0].details ?? "null");
    expect(report).toMatchObject({
      customer: gidOf(mira),
      shopifyDataRequestId: "9999",
      customerSync: { status: "synced", details: { name: "Mira Okafor", email: MIRA.email, company: "Okafor Boutique", city: "New York" } },
      joorConnections: [{ customerCode: mira.id, contactName: "Mira Okafor", email: MIRA.email, asJoorSentIt: { customer_contact_email: MIRA.email } }],
      matchingSuggestions: [{ connectionId: "9001", candidate: { gid: gidOf(mira), email: MIRA.email } }],
    });
    expect(report.orders.map((order: { joorOrderId: string }) => order.joorOrderId)).toEqual(["J-100", "J-101"]);
    expect(report.orders[0]).toMatchObject({ shopifyOrderName: "#1001", joorOrder: { billing_email: MIRA.email } });
    expect(report.activity.map((line: { flow: string; status: string }) => `${line.flow}/${line.status}`).sort()).toEqual([
      "customers/retry",
      "orders/failed",
      "orders/imported",
    ]);

    const logged = logs.join("\n");
    expect(logged).toContain("Customer data request answered");
    for (const trace of MIRA_TRACES) expect(logged).not.toContain(trace);
  });

  it("reports an order Shopify names even when nothing else ties it to the customer", async () => {
    const { otto } = await world();
    await prisma.orderImport.updateMany({ where: { shop: SHOP, joorOrderId: "J-100" }, data: { customerCode: null, customerGid: null } });
    await deliver("customers/data_request", { customer: { id: Number(otto.id) }, orders_requested: [501] });
    const report = JSON.parse((await reportsOf(gidOf(otto)))[0].details ?? "null");
    expect(report.orders.map((order: { joorOrderId: string }) => order.joorOrderId)).toEqual(["J-100", "J-200"]);
  });
});

describe("customers/redact", () => {
  it("erases the customer's personal data everywhere, keeping ids, sync state and order keys", async () => {
    const { h, mira, otto, store } = await world();
    await deliver("customers/data_request", { customer: { id: Number(mira.id) } });
    const before = await shopRows();
    const miraState = before.syncStates.find((row) => row.gid === gidOf(mira))!;

    const response = await deliver("customers/redact", { shop_id: 1, shop_domain: SHOP, customer: { id: Number(mira.id), email: MIRA.email }, orders_to_redact: [501] });
    expect(response.status).toBe(200);

    const after = await shopRows();
    for (const trace of MIRA_TRACES) expect(JSON.stringify(after)).not.toContain(trace);
    expect(after.syncStates.find((row) => row.gid === gidOf(mira))).toMatchObject({
      id: miraState.id,
      status: miraState.status,
      contentHash: miraState.contentHash,
      joorId: miraState.joorId,
      details: null,
    });
    expect(after.connections.find((row) => row.linkedGid === gidOf(mira))).toMatchObject({
      customerCode: mira.id,
      status: "linked",
      name: null,
      contactName: null,
      email: null,
      data: null,
    });
    expect(JSON.parse(after.connections.find((row) => row.connectionId === "9001")?.candidates ?? "[]")).toEqual([
      expect.objectContaining({ gid: gidOf(otto), email: OTTO.email }),
    ]);
    expect(after.orders.map(({ joorOrderId, exportGeneration, status, shopifyOrderGid }) => ({ joorOrderId, exportGeneration, status, shopifyOrderGid }))).toEqual(
      before.orders.map(({ joorOrderId, exportGeneration, status, shopifyOrderGid }) => ({ joorOrderId, exportGeneration, status, shopifyOrderGid })),
    );
    expect(after.orders.find((row) => row.joorOrderId === "J-101")).toMatchObject({ payload: null, customerCode: null, customerGid: null, reason: ERASED_NOTICE });
    expect((await store.generationsOf(["J-100", "J-101"])).size).toBe(2);
    expect(
      after.activity.filter((row) => row.recordGid === gidOf(mira) && row.flow !== "compliance").map(({ label, message, details }) => ({ label, message, details })),
    ).toEqual([{ label: null, message: ERASED_NOTICE, details: null }]);
    expect(after.activity.filter((row) => row.flow === "compliance").map(({ action, status, details }) => ({ action, status, details }))).toEqual(
      expect.arrayContaining([
        { action: "customers/data_request", status: "reported", details: null },
        { action: "customers/redact", status: "erased", details: expect.stringContaining('"orders":2') },
      ]),
    );

    // The other retailer keeps everything.
    const ottoRows = (rows: typeof before) => ({
      state: rows.syncStates.find((row) => row.gid === gidOf(otto)),
      connection: rows.connections.find((row) => row.linkedGid === gidOf(otto)),
      order: rows.orders.find((row) => row.joorOrderId === "J-200"),
    });
    expect(ottoRows(after)).toEqual(ottoRows(before));

    // Syncing stays idempotent: a later change of the same customer sends JOOR nothing it already holds.
    const calls = h.joor.calls.filter((call) => call.method !== "GET").length;
    h.shop.updateCustomer(mira.id, { note: "Prefers early delivery" });
    await h.drain(SETTLE);
    expect(h.joor.calls.filter((call) => call.method !== "GET").length).toBe(calls);
  });

  it("takes the record from a worker still syncing it, so the details cannot come back", async () => {
    const { mira } = await world();
    const lease = { leaseOwner: "worker-1/lease", leaseExpiresAt: new Date(Date.now() + 60_000) };
    await prisma.syncState.updateMany({ where: { shop: SHOP, gid: gidOf(mira) }, data: lease });
    await deliver("customers/redact", { customer: { id: Number(mira.id) } });
    const written = await prisma.syncState.updateMany({ where: { leaseOwner: lease.leaseOwner }, data: { details: JSON.stringify({ email: MIRA.email }) } });
    expect(written.count).toBe(0);
  });

  it("erases nothing on a delivery with a bad signature", async () => {
    const { mira } = await world();
    const before = await shopRows();
    expect((await deliver("customers/redact", { customer: { id: Number(mira.id) } }, { hmac: "bad" })).status).toBe(401);
    expect(await shopRows()).toEqual(before);
  });
});

describe("shop/redact", () => {
  const account = `production:${JOOR_ACCOUNT}`;

  async function seedOtherShop(joorAccountId: string) {
    await prisma.shopSettings.create({ data: { shop: OTHER_SHOP, joorEnvironment: "production", joorAccountId } });
    await prisma.session.create({ data: { id: `offline_${OTHER_SHOP}`, shop: OTHER_SHOP, state: "", accessToken: "t" } });
    await prisma.syncState.create({ data: { shop: OTHER_SHOP, kind: "customer", gid: "gid://shopify/Customer/1" } });
    await scheduleTask(prisma, { shop: OTHER_SHOP, kind: "orders-poll", intervalSeconds: 300 });
    await prisma.orderImport.create({ data: { shop: OTHER_SHOP, joorOrderId: "J-1", status: "imported" } });
    await prisma.joorConnection.create({ data: { shop: OTHER_SHOP, connectionId: "1" } });
    await recordActivity(prisma, { shop: OTHER_SHOP, flow: "orders", action: "import", status: "imported" });
    await prisma.webhookDelivery.create({ data: { webhookId: "other-1", shop: OTHER_SHOP, topic: "PRODUCTS_UPDATE" } });
  }

  async function counts(shop: string) {
    const where = { where: { shop } };
    return {
      sessions: await prisma.session.count(where),
      settings: await prisma.shopSettings.count(where),
      syncStates: await prisma.syncState.count(where),
      tasks: await prisma.scheduledTask.count(where),
      orders: await prisma.orderImport.count(where),
      connections: await prisma.joorConnection.count(where),
      activity: await prisma.activityEvent.count(where),
      deliveries: await prisma.webhookDelivery.count(where),
    };
  }

  it.each([
    ["another shop shares the JOOR account: its credit window stays", JOOR_ACCOUNT, true],
    ["no other shop uses the JOOR account: its credit window goes too", "4242", false],
  ])("erases every row of the shop; %s", async (_name, otherAccount, kept) => {
    const { mira } = await world();
    await deliver("customers/data_request", { customer: { id: Number(mira.id) } });
    await scheduleTask(prisma, { shop: SHOP, kind: "orders-poll", intervalSeconds: 300 });
    await prisma.joorBudget.upsert({ where: { account }, create: { account, windowStart: new Date(), creditsUsed: 3 }, update: {} });
    await prisma.joorCreditMinute.create({ data: { account, minute: new Date(), credits: 3 } });
    await seedOtherShop(otherAccount);
    const other = await counts(OTHER_SHOP);
    const history = { budgets: await prisma.joorBudget.count({ where: { account } }), minutes: await prisma.joorCreditMinute.count({ where: { account } }) };
    expect(history.minutes).toBeGreaterThan(0);
    expect(Object.values(await counts(SHOP)).every((count) => count > 0)).toBe(true);

    expect((await deliver("shop/redact", { shop_id: 1, shop_domain: SHOP }, { webhookId: "redact-1" })).status).toBe(200);

    expect(await counts(SHOP)).toEqual({ sessions: 0, settings: 0, syncStates: 0, tasks: 0, orders: 0, connections: 0, activity: 1, deliveries: 1 });
    expect(await prisma.activityEvent.findFirst({ where: { shop: SHOP } })).toMatchObject({ flow: "compliance", action: "shop/redact", status: "erased", details: null });
    expect(await prisma.webhookDelivery.findFirst({ where: { shop: SHOP } })).toMatchObject({ webhookId: "redact-1" });
    expect({ budgets: await prisma.joorBudget.count({ where: { account } }), minutes: await prisma.joorCreditMinute.count({ where: { account } }) }).toEqual(
      kept ? history : { budgets: 0, minutes: 0 },
    );
    expect(await counts(OTHER_SHOP)).toEqual(other);

    // A redelivery finds the delivery recorded and erases nothing more.
    expect((await deliver("shop/redact", { shop_id: 1, shop_domain: SHOP }, { webhookId: "redact-1" })).status).toBe(200);
    expect(await prisma.activityEvent.count({ where: { shop: SHOP } })).toBe(1);
  });
});
