import { describe, expect, it } from "vitest";
import { REASONS, VALIDATION_RECHECK_MS } from "~/customers/decide";
import { LINK_METAFIELD_KEY, LINK_METAFIELD_NAMESPACE } from "~/customers/link";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import type { FlowOptions } from "~/settings/options";
import type { CustomerInput, CustomerRecord } from "../fakes/shopify";
import { emitCustomerUpdatesOnMetafieldWrites } from "../fakes/shopify/customer-metafield-webhooks";
import type { MetafieldSetInput } from "../fakes/shopify/shop";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

const harness = flowSuite({ register: registerCustomerSync });

/** Far enough to see bulk jobs through and retries out, short of the hourly validation recheck. */
const SETTLE = { horizonMs: 10 * 60_000 };
/** Only what is due now: a submitted job is not polled yet. */
const NOW_ONLY = { horizonMs: 1_000 };

interface Setup {
  h: FlowHarness;
  metafieldWrites: MetafieldSetInput[];
}

async function setup(options: Partial<FlowOptions> = {}, customersOn = true): Promise<Setup> {
  const h = harness();
  await h.configure({ customerTags: ["JOOR_ENABLED", "WHOLESALE"], ...options }, { customers: customersOn });
  return { h, metafieldWrites: emitCustomerUpdatesOnMetafieldWrites(h.shop) };
}

const gidOf = (customer: CustomerRecord) => `gid://shopify/Customer/${customer.id}`;

function stateOf(customer: CustomerRecord) {
  return prisma.syncState.findUniqueOrThrow({
    where: { shop_kind_gid: { shop: SHOP, kind: "customer", gid: gidOf(customer) } },
  });
}

async function detailsOf(customer: CustomerRecord): Promise<Record<string, unknown>> {
  return JSON.parse((await stateOf(customer)).details ?? "null") as Record<string, unknown>;
}

/** POST/PUT/DELETE calls to JOOR's connection endpoints. */
function joorWrites(h: FlowHarness, kind?: "bulk" | "delete") {
  return h.joor.calls.filter(
    (call) =>
      call.method !== "GET" &&
      (kind === "bulk" ? call.path.startsWith("/v2/bulk-connection") : kind === "delete" ? call.method === "DELETE" : call.path.startsWith("/v2/")),
  );
}

/** Reads of single connections (validation checks). */
function connectionReads(h: FlowHarness): number {
  return h.joor.calls.filter((call) => call.method === "GET" && call.path.startsWith("/v2/connection/")).length;
}

function linkOf(h: FlowHarness, customer: CustomerRecord): Record<string, unknown> | null {
  const metafield = h.shop.metafield(gidOf(customer), LINK_METAFIELD_NAMESPACE, LINK_METAFIELD_KEY);
  return metafield ? (JSON.parse(metafield.value) as Record<string, unknown>) : null;
}

const boutique: CustomerInput = {
  firstName: "Mira",
  lastName: "Okafor",
  email: "mira@okafor-boutique.example",
  phone: "+12125550147",
  tags: ["JOOR_ENABLED"],
  addresses: [
    { company: "Okafor Boutique", address1: "12 Mercer St", city: "New York", provinceCode: "NY", zip: "10013", countryCode: "US" },
    { address1: "400 Dock Rd", address2: "Unit 5", city: "Newark", provinceCode: "NJ", zip: "07105", countryCode: "US", phone: "+19735550111" },
  ],
};

describe("customer sync", () => {
  it("creates the connection with the mapped fields, waits for validation, then marks it synced", async () => {
    const { h, metafieldWrites } = await setup({ customerGroupName: "Boutiques", salesRepCode: "REP-7" });
    const customer = h.shop.createCustomer(boutique);
    const [store, dock] = customer.addresses.map((address) => address.id);

    await h.drain(SETTLE);

    const connection = h.joor.connection(JOOR_ACCOUNT, customer.id);
    expect(connection).toEqual({
      connection_id: expect.any(Number),
      customer_code: customer.id,
      customer_name: "Okafor Boutique",
      customer_contact_name: "Mira Okafor",
      customer_contact_email: "mira@okafor-boutique.example",
      customer_group_name: "Boutiques",
      sales_rep_code: "REP-7",
      connection_status: "pending",
      billing: {
        billing_addresses: [
          { billing_code: store, address_1: "12 Mercer St", city: "New York", state: "NY", postal_code: "10013", country: "US", phone: "+12125550147" },
        ],
      },
      shipping: {
        shipping_addresses: [
          { shipping_code: store, address_1: "12 Mercer St", city: "New York", state: "NY", postal_code: "10013", country: "US", phone: "+12125550147" },
          { shipping_code: dock, address_1: "400 Dock Rd", address_2: "Unit 5", city: "Newark", state: "NJ", postal_code: "07105", country: "US", phone: "+19735550111" },
        ],
      },
    });
    const connectionId = String(connection?.connection_id);

    const pending = await stateOf(customer);
    expect(pending).toMatchObject({ status: "pending", lastError: REASONS.pendingValidation, joorId: connectionId });
    expect(pending.contentHash).toMatch(/^[0-9a-f]{32}$/);
    const { connection_id: _id, connection_status: _status, ...sent } = connection ?? {};
    expect(await detailsOf(customer)).toEqual({
      name: "Mira Okafor",
      email: "mira@okafor-boutique.example",
      company: "Okafor Boutique",
      city: "New York",
      country: "US",
      customerCode: customer.id,
      connection: sent,
      warnings: [],
      validation: "pending",
      checkedAt: expect.any(String),
      job: null,
      metafieldHash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(linkOf(h, customer)).toEqual({
      status: "pending_validation",
      customerCode: customer.id,
      connectionId,
      syncedAt: expect.any(String),
    });
    expect(joorWrites(h)).toHaveLength(1);
    // The metafield write came back as customers/update: seen as unchanged, without asking JOOR again.
    expect(metafieldWrites).toHaveLength(1);
    expect(h.shop.events.filter((event) => event.topic === "customers/update")).toHaveLength(1);
    expect(connectionReads(h)).toBe(0);

    h.joor.validateConnections(JOOR_ACCOUNT);
    h.clock.advance(VALIDATION_RECHECK_MS);
    await h.drain(SETTLE);

    const synced = await stateOf(customer);
    expect(synced).toMatchObject({ status: "synced", joorId: connectionId, lastError: null });
    expect(synced.lastSyncedAt).not.toBeNull();
    expect(await detailsOf(customer)).toMatchObject({ validation: "validated", job: null });
    expect(linkOf(h, customer)).toMatchObject({ status: "synced", connectionId });
    expect(metafieldWrites).toHaveLength(2);
    expect(joorWrites(h)).toHaveLength(1);
    expect(connectionReads(h)).toBe(1);
  });

  it("writes nothing again for an update that changes nothing JOOR holds", async () => {
    const { h, metafieldWrites } = await setup();
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);
    h.joor.validateConnections(JOOR_ACCOUNT);
    h.clock.advance(VALIDATION_RECHECK_MS);
    await h.drain(SETTLE);
    const calls = h.joor.calls.length;
    const writes = metafieldWrites.length;

    h.shop.updateCustomer(customer.id, { note: "Prefers early delivery" });
    h.shop.addCustomerTags(customer.id, ["VIP"]);
    await h.drain(SETTLE);

    expect((await stateOf(customer)).status).toBe("synced");
    expect(h.joor.calls.length).toBe(calls);
    expect(metafieldWrites.length).toBe(writes);
  });

  it("records JOOR's reason when its job refuses a customer, and sends it again once changed", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer(boutique);
    await h.drain(NOW_ONLY);
    // JOOR's data checks are stricter than Shopify's: stand in for one by spoiling the queued record.
    for (const job of h.joor.account(JOOR_ACCOUNT).bulkJobs.values()) {
      job.records = job.records.map((record) => ({ ...(record as object), customer_contact_email: "mira at okafor" }));
    }
    await h.drain(SETTLE);

    expect(await stateOf(customer)).toMatchObject({
      status: "failed",
      lastError: "customer_contact_email is not a valid email address",
      joorId: null,
    });
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toBeUndefined();
    expect(linkOf(h, customer)).toBeNull();
    const activity = await prisma.activityEvent.findMany({ where: { shop: SHOP, recordGid: gidOf(customer) } });
    expect(activity).toEqual([
      expect.objectContaining({ flow: "customers", status: "failed", label: "Mira Okafor", message: "customer_contact_email is not a valid email address" }),
    ]);

    h.shop.updateCustomer(customer.id, { lastName: "Okafor-Reyes" });
    await h.drain(SETTLE);
    expect((await stateOf(customer)).status).toBe("pending");
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ customer_contact_name: "Mira Okafor-Reyes" });
    expect(joorWrites(h, "bulk")).toHaveLength(2);
  });

  it("sends the customer again when JOOR has forgotten its job", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer(boutique);
    await h.drain(NOW_ONLY);
    h.joor.account(JOOR_ACCOUNT).bulkJobs.clear();
    await h.drain(SETTLE);

    expect(joorWrites(h, "bulk")).toHaveLength(2);
    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.pendingValidation });
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ customer_name: "Okafor Boutique" });
  });

  it("fails a customer JOOR could not name, with the reason", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer({ phone: "+12125550199", tags: ["WHOLESALE"] });
    await h.drain(SETTLE);
    expect(await stateOf(customer)).toMatchObject({ status: "failed", lastError: expect.stringContaining("JOOR needs a customer name") });
    expect(joorWrites(h)).toHaveLength(0);
  });

  it("ends with one connection holding the latest data despite duplicate and reordered webhooks", async () => {
    const { h } = await setup();
    h.webhooks({ duplicateSameId: 0.5, duplicateNewId: 0.5, reorder: true, delayMs: { min: 0, max: 15 } });
    const customer = h.shop.createCustomer(boutique);
    h.shop.updateCustomer(customer.id, { firstName: "Amira" });
    h.shop.updateCustomer(customer.id, { addresses: [{ company: "Okafor & Co", address1: "1 Canal St", city: "Boston", countryCode: "US" }] });
    await h.drain(SETTLE);

    expect(joorWrites(h)).toHaveLength(1);
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(1);
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({
      customer_name: "Okafor & Co",
      customer_contact_name: "Amira Okafor",
      billing: { billing_addresses: [expect.objectContaining({ address_1: "1 Canal St", city: "Boston" })] },
    });
  });

  it("sends a change made while JOOR's job runs once that job is recorded, and only the latest", async () => {
    const { h } = await setup();
    h.webhooks({ duplicateSameId: 0.5, duplicateNewId: 0.5, reorder: true, delayMs: { min: 0, max: 15 } });
    const customer = h.shop.createCustomer(boutique);
    await h.drain(NOW_ONLY);
    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.sent });

    h.shop.updateCustomer(customer.id, { firstName: "Amira" });
    h.shop.updateCustomer(customer.id, { lastName: "Reyes" });
    await h.drain(NOW_ONLY);
    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.waitingForJob });
    expect(joorWrites(h)).toHaveLength(1);

    await h.drain(SETTLE);
    expect(joorWrites(h)).toHaveLength(2);
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(1);
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ customer_contact_name: "Amira Reyes" });
    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.pendingValidation });
    expect(await detailsOf(customer)).toMatchObject({ name: "Amira Reyes", connection: expect.objectContaining({ customer_contact_name: "Amira Reyes" }) });
  });

  it("leaves an untagged customer alone until the tag is added", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer({ ...boutique, tags: ["retail"] });
    await h.drain(SETTLE);
    expect(await stateOf(customer)).toMatchObject({ status: "stopped", lastError: REASONS.notTagged });
    expect(await detailsOf(customer)).toMatchObject({ name: "Mira Okafor", email: boutique.email, connection: null });
    expect(h.joor.calls).toHaveLength(0);

    h.shop.addCustomerTags(customer.id, ["wholesale"]);
    await h.drain(SETTLE);
    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.pendingValidation });
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ customer_name: "Okafor Boutique" });
  });

  it("stops syncing when the tag is removed and keeps the connection in JOOR", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);
    const connectionId = (await stateOf(customer)).joorId;

    h.shop.removeCustomerTags(customer.id, ["JOOR_ENABLED"]);
    h.shop.updateCustomer(customer.id, { firstName: "Changed" });
    await h.drain(SETTLE);

    expect(await stateOf(customer)).toMatchObject({ status: "stopped", lastError: REASONS.tagRemoved, joorId: connectionId });
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ customer_contact_name: "Mira Okafor" });
    expect(joorWrites(h)).toHaveLength(1);
    expect(linkOf(h, customer)).toMatchObject({ status: "stopped", connectionId });
  });

  it("removes the connection from JOOR on untag when the merchant chose so, once", async () => {
    const { h } = await setup({ removeConnectionOnUntag: true });
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);

    h.shop.removeCustomerTags(customer.id, ["JOOR_ENABLED"]);
    await h.drain(SETTLE);

    expect(await stateOf(customer)).toMatchObject({
      status: "stopped",
      lastError: REASONS.tagRemovedAndDeleted,
      joorId: null,
      contentHash: null,
    });
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toBeUndefined();
    // The link's own customers/update came back and found nothing more to remove.
    expect(joorWrites(h, "delete")).toHaveLength(1);
    expect(linkOf(h, customer)).toMatchObject({ status: "stopped", connectionId: null });

    h.shop.addCustomerTags(customer.id, ["JOOR_ENABLED"]);
    await h.drain(SETTLE);
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ connection_status: "pending" });
    expect(linkOf(h, customer)).toMatchObject({ status: "pending_validation" });
  });

  it("does not ask JOOR to remove a connection it never had", async () => {
    const { h } = await setup({ removeConnectionOnUntag: true });
    const customer = h.shop.createCustomer({ ...boutique, tags: [] });
    await h.drain(SETTLE);
    expect(await stateOf(customer)).toMatchObject({ status: "stopped", lastError: REASONS.notTagged });
    expect(h.joor.calls).toHaveLength(0);
  });

  it("stops a customer deleted in Shopify", async () => {
    const { h } = await setup();
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);
    const calls = h.joor.calls.length;

    h.shop.deleteCustomer(customer.id);
    await h.drain(SETTLE);

    expect(await stateOf(customer)).toMatchObject({ status: "stopped", lastError: REASONS.deleted });
    expect(await detailsOf(customer)).toMatchObject({ name: "Mira Okafor", company: "Okafor Boutique" });
    expect(h.joor.calls.length).toBe(calls);
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toBeDefined();
  });

  it("stops every customer while the flow is off, without calling JOOR", async () => {
    const { h } = await setup({}, false);
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);
    expect(await stateOf(customer)).toMatchObject({ status: "stopped", lastError: REASONS.flowOff });
    expect(await detailsOf(customer)).toMatchObject({ name: "Mira Okafor", connection: null });
    expect(h.joor.calls).toHaveLength(0);
  });

  it("sends a whole batch of changed customers in one JOOR job", async () => {
    const { h } = await setup();
    const customers = Array.from({ length: 12 }, (_, index) =>
      h.shop.createCustomer({ firstName: `Buyer ${index}`, email: `buyer${index}@stores.example`, tags: ["WHOLESALE"] }),
    );
    await h.drain(SETTLE);

    expect(joorWrites(h, "bulk")).toHaveLength(1);
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(12);
    for (const customer of customers) expect((await stateOf(customer)).status).toBe("pending");
  });

  it("retries through JOOR outages and still writes once", async () => {
    const { h } = await setup();
    h.joor.faults.errorRate = 0.5;
    const customer = h.shop.createCustomer(boutique);
    await h.drain(SETTLE);
    h.joor.faults.errorRate = 0;
    await h.drain(SETTLE);
    expect(h.joor.calls.filter((call) => call.status === 503).length).toBeGreaterThan(0);

    expect(await stateOf(customer)).toMatchObject({ status: "pending", lastError: REASONS.pendingValidation });
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(1);
    expect(linkOf(h, customer)).toMatchObject({ status: "pending_validation" });
  });
});
