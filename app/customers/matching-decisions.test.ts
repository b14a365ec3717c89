import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { taskProgress } from "~/sync/tasks.server";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { registerCustomerMatching, startConnectionsDownload } from "./connections-download.server";
import {
  confirmConnection,
  INTERACTIVE_TIMEOUT_MS,
  MATCHING_APPLY_TASK,
  queueBestCandidates,
  queueCreateCustomers,
  queueExactEmailMatches,
} from "./matching-decisions.server";
import { setSkipped } from "./matching-store.server";
import { registerCustomerSync } from "./sync.server";

const harness = flowSuite({
  register(registry, services) {
    registerCustomerMatching(registry, services);
    registerCustomerSync(registry, services);
  },
});

const OTHER_SHOP = "other-brand.myshopify.com";
const gidOf = (id: string) => `gid://shopify/Customer/${id}`;

async function download() {
  await startConnectionsDownload(SHOP);
  await harness().drain();
}

const rowOf = (connectionId: string) =>
  prisma.joorConnection.findUniqueOrThrow({ where: { shop_connectionId: { shop: SHOP, connectionId } } });

const joorCode = (connectionId: string) => harness().joor.account(JOOR_ACCOUNT).connections.get(connectionId)?.customerCode;

describe("confirming a match", () => {
  it("re-keys the JOOR connection, tags the customer, and the customer sync then updates that same connection", async () => {
    const h = harness();
    await h.configure({ customerTags: ["WHOLESALE", "JOOR"] }, { customers: true });
    const customer = h.shop.createCustomer({ email: "buyer@lumiere.fr", firstName: "Claire", lastName: "Roux" });
    const connection = h.joor.addConnection(JOOR_ACCOUNT, {
      customer_code: "TRADESHOW-17",
      customer_name: "Maison Lumière",
      customer_contact_email: "buyer@lumiere.fr",
    });
    await download();
    const row = await rowOf(connection);

    expect(await confirmConnection(SHOP, row.id, gidOf(customer.id))).toEqual({ ok: true });

    expect(joorCode(connection)).toBe(customer.id);
    expect(h.shop.customer(customer.id).tags).toContain("WHOLESALE");
    expect(await rowOf(connection)).toMatchObject({
      status: "linked",
      linkedGid: gidOf(customer.id),
      customerCode: customer.id,
      linkSource: "confirmed",
      lastError: null,
    });
    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "customer", gid: gidOf(customer.id) } },
    });
    expect(state.status).toBe("dirty");

    await h.drain();
    // Still one connection in JOOR: the customer sync upserted by the code the confirm wrote.
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(1);
    expect(h.joor.connection(JOOR_ACCOUNT, customer.id)).toMatchObject({ connection_id: Number(connection) });
  });

  it("shows JOOR's refusal on the row and leaves the customer untagged", async () => {
    const h = harness();
    const customer = h.shop.createCustomer({ email: "x@y.com", firstName: "Xa", lastName: "Yu" });
    const connection = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Xa Yu", customer_contact_email: "x@y.com" });
    await download();
    // Created in JOOR after the download: the app does not know this code is taken.
    h.joor.addConnection(JOOR_ACCOUNT, { customer_code: customer.id, customer_name: "Duplicate" });

    const result = await confirmConnection(SHOP, (await rowOf(connection)).id, gidOf(customer.id));

    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("already used") });
    expect(await rowOf(connection)).toMatchObject({ status: "unmatched", lastError: expect.stringContaining("already used") });
    expect(h.shop.customer(customer.id).tags).toEqual([]);
  });

  it("gives up quickly with a clear message when JOOR does not answer in time", async () => {
    const h = harness();
    const customer = h.shop.createCustomer({ email: "slow@y.com", firstName: "Sl", lastName: "Ow" });
    const connection = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Slow", customer_contact_email: "slow@y.com" });
    await download();
    h.joor.faults.hangNext = 1;

    const result = await confirmConnection(SHOP, (await rowOf(connection)).id, gidOf(customer.id));

    expect(result).toMatchObject({ ok: false, message: expect.stringContaining(`within ${INTERACTIVE_TIMEOUT_MS} ms`) });
    expect((await rowOf(connection)).lastError).toContain(`within ${INTERACTIVE_TIMEOUT_MS} ms`);
    expect(joorCode(connection)).toBeNull();
  });

  it("refuses a customer already linked to another connection, and a row that is not the shop's", async () => {
    const h = harness();
    const customer = h.shop.createCustomer({ email: "owner@y.com", firstName: "Ow", lastName: "Ner" });
    const owner = h.joor.addConnection(JOOR_ACCOUNT, { customer_code: customer.id, customer_name: "Owner" });
    const other = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Other" });
    await download();
    const result = await confirmConnection(SHOP, (await rowOf(other)).id, gidOf(customer.id));
    expect(result).toEqual({ ok: false, message: `This Shopify customer is already linked to JOOR connection ${owner}` });
    expect(joorCode(other)).toBeNull();

    const foreign = await prisma.joorConnection.create({ data: { shop: OTHER_SHOP, connectionId: other, name: "Theirs" } });
    expect(await confirmConnection(SHOP, foreign.id, gidOf(customer.id))).toMatchObject({ ok: false });
    expect(await queueBestCandidates(SHOP, [foreign.id])).toBe(0);
    expect(await queueCreateCustomers(SHOP, [foreign.id])).toBe(0);
    expect(await setSkipped(SHOP, [foreign.id], true)).toBe(0);
    expect(await prisma.joorConnection.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({
      status: "unmatched",
      lastError: null,
      decision: null,
    });
  });
});

describe("confirm all exact-email matches", () => {
  it("queues each unambiguous email match and the task links them with progress", async () => {
    const h = harness();
    const ada = h.shop.createCustomer({ email: "ada@a.com", firstName: "Ada", lastName: "A" });
    const bo = h.shop.createCustomer({ email: "bo@b.com", firstName: "Bo", lastName: "B" });
    const cy = h.shop.createCustomer({ firstName: "Cy", lastName: "Coe" });
    const dee = h.shop.createCustomer({ email: "dee@d.com", firstName: "Dee", lastName: "D" });
    const first = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "A Store", customer_contact_email: "ADA@a.com" });
    const second = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "B Store", customer_contact_email: "bo@b.com" });
    const byName = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "C Store", customer_contact_name: "Cy Coe" });
    const twinOne = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "D One", customer_contact_email: "dee@d.com" });
    const twinTwo = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "D Two", customer_contact_email: "dee@d.com" });
    await download();

    expect(await queueExactEmailMatches(SHOP)).toBe(2);
    expect((await rowOf(first)).status).toBe("queued");
    expect(joorCode(first)).toBeNull();

    await h.drain();

    expect(joorCode(first)).toBe(ada.id);
    expect(joorCode(second)).toBe(bo.id);
    for (const id of [ada.id, bo.id]) expect(h.shop.customer(id).tags).toEqual(["JOOR_ENABLED"]);
    expect(await rowOf(first)).toMatchObject({ status: "linked", linkSource: "confirmed", decision: null });
    for (const open of [byName, twinOne, twinTwo]) expect((await rowOf(open)).status).toBe("unmatched");
    expect(h.shop.customer(cy.id).tags).toEqual([]);
    expect(h.shop.customer(dee.id).tags).toEqual([]);
    const [task] = await taskProgress(prisma, SHOP, MATCHING_APPLY_TASK);
    expect(task).toMatchObject({ status: "done", progress: { done: 2, total: 2 } });
  });

  it("links the chosen connections to their best candidate and leaves those without one", async () => {
    const h = harness();
    const cy = h.shop.createCustomer({ firstName: "Cy", lastName: "Coe" });
    const byName = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "C Store", customer_contact_name: "Cy Coe" });
    const none = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Nobody" });
    await download();
    expect(await queueBestCandidates(SHOP, [(await rowOf(byName)).id, (await rowOf(none)).id])).toBe(1);
    await h.drain();
    expect(joorCode(byName)).toBe(cy.id);
    expect((await rowOf(none)).status).toBe("unmatched");
  });
});

describe("creating a Shopify customer from a connection", () => {
  const record = {
    customer_code: "RET-9",
    customer_name: "Nordic Goods",
    customer_contact_name: "Ola Berg",
    customer_contact_email: "ola@nordic.se",
    billing: { billing_addresses: [{ address_1: "Storgatan 1", city: "Malmö", postal_code: "211 22", country: "SE" }] },
  };

  it("creates the customer untagged, re-keys the connection to it, then tags it", async () => {
    const h = harness();
    await h.configure({}, { customers: true });
    const connection = h.joor.addConnection(JOOR_ACCOUNT, record);
    await download();

    expect(await queueCreateCustomers(SHOP, [(await rowOf(connection)).id])).toBe(1);
    await h.drain();

    const created = [...h.shop.customers.values()];
    expect(created).toHaveLength(1);
    const [customer] = created;
    expect(customer).toMatchObject({ email: "ola@nordic.se", firstName: "Ola", lastName: "Berg", tags: ["JOOR_ENABLED"] });
    expect(customer.addresses[0]).toMatchObject({ company: "Nordic Goods", address1: "Storgatan 1", city: "Malmö", countryCode: "SE" });
    expect(joorCode(connection)).toBe(customer.id);
    expect(await rowOf(connection)).toMatchObject({ status: "linked", linkSource: "created", createdGid: gidOf(customer.id) });
    // Created without the tag: the tag came after JOOR knew the new id, so no second connection was made.
    const topics = h.shop.events.map((event) => event.topic);
    expect(topics.indexOf("customers/create")).toBeLessThan(topics.indexOf("customer.tags_added"));
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(1);
  });

  it("reuses the customer it created when re-keying has to be retried", async () => {
    const h = harness();
    const connection = h.joor.addConnection(JOOR_ACCOUNT, record);
    await download();
    h.joor.faults.match = /^\/v2\/connection\/\d+\/$/;
    h.joor.faults.failNext = 3;

    await queueCreateCustomers(SHOP, [(await rowOf(connection)).id]);
    await h.drain();

    expect(h.shop.customers.size).toBe(1);
    const [customer] = [...h.shop.customers.values()];
    expect(joorCode(connection)).toBe(customer.id);
    expect((await rowOf(connection)).status).toBe("linked");
  });

  it("creates a customer again when the one created earlier has been deleted", async () => {
    const h = harness();
    const connection = h.joor.addConnection(JOOR_ACCOUNT, record);
    await download();
    await prisma.joorConnection.updateMany({ where: { shop: SHOP, connectionId: connection }, data: { createdGid: gidOf("424242") } });

    await queueCreateCustomers(SHOP, [(await rowOf(connection)).id]);
    await h.drain();

    const [customer] = [...h.shop.customers.values()];
    expect(customer.email).toBe("ola@nordic.se");
    expect(joorCode(connection)).toBe(customer.id);
    expect(await rowOf(connection)).toMatchObject({ status: "linked", createdGid: gidOf(customer.id) });
  });

  it("puts Shopify's refusal on the row", async () => {
    const h = harness();
    h.shop.createCustomer({ email: "ola@nordic.se", firstName: "Someone", lastName: "Else" });
    const connection = h.joor.addConnection(JOOR_ACCOUNT, record);
    await download();
    await queueCreateCustomers(SHOP, [(await rowOf(connection)).id]);
    await h.drain();

    expect(h.shop.customers.size).toBe(1);
    expect(await rowOf(connection)).toMatchObject({
      status: "unmatched",
      decision: null,
      lastError: expect.stringContaining("Email has already been taken"),
    });
    expect(joorCode(connection)).toBe("RET-9");
  });
});
