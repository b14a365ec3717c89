import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import type { TaskContext } from "~/sync/registry";
import { httpError } from "~/sync/errors";
import { taskProgress } from "~/sync/tasks.server";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { connectionsDownloadTask, registerCustomerMatching, startConnectionsDownload, type DownloadState } from "./connections-download.server";
import { MatchReason, type MatchCandidate } from "./matching";

const harness = flowSuite({
  register: (registry, services) => registerCustomerMatching(registry, services, { pageSize: 2, matchBatchSize: 3 }),
});

const OTHER_SHOP = "other-brand.myshopify.com";

async function rows(shop = SHOP) {
  const found = await prisma.joorConnection.findMany({ where: { shop }, orderBy: { connectionId: "asc" } });
  return found.map((row) => ({
    ...row,
    candidates: row.candidates === null ? null : (JSON.parse(row.candidates) as MatchCandidate[]),
  }));
}

const reasons = (candidates: MatchCandidate[] | null) => candidates?.map((c) => `${c.legacyId}:${c.reason}`) ?? null;

describe("customers-connections-download", () => {
  it("downloads every page, links connections coded with a Shopify id and ranks candidates for the rest", async () => {
    const h = harness();
    const byEmail = h.shop.createCustomer({ email: "orders@lumiere.fr", firstName: "Claire", lastName: "Roux" });
    const byCompany = h.shop.createCustomer({
      firstName: "Ola",
      lastName: "Berg",
      addresses: [{ company: "Nordic Goods", city: "Malmö", countryCode: "SE" }],
    });
    const byName = h.shop.createCustomer({ firstName: "Ana", lastName: "López" });
    const coded = h.shop.createCustomer({ email: "coded@shop.com", firstName: "Ida", lastName: "Coded" });
    const lumiere = h.joor.addConnection(JOOR_ACCOUNT, {
      customer_code: "RET-1",
      customer_name: "Maison Lumière",
      customer_contact_name: "Claire Roux",
      customer_contact_email: "ORDERS@Lumiere.fr",
    });
    const nordic = h.joor.addConnection(JOOR_ACCOUNT, {
      customer_name: "Nordic Goods",
      billing: { billing_addresses: [{ address_1: "Storgatan 1", city: "malmö", country: "SE" }] },
    });
    const ana = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Tienda Ana", customer_contact_name: "ana lópez" });
    const linked = h.joor.addConnection(JOOR_ACCOUNT, { customer_code: coded.id, customer_name: "Coded Store" });
    const nobody = h.joor.addConnection(JOOR_ACCOUNT, { customer_code: "999999", customer_name: "Nobody Here" });
    // Another shop's rows are never read or removed.
    await prisma.joorConnection.create({ data: { shop: OTHER_SHOP, connectionId: lumiere, name: "Elsewhere" } });

    await startConnectionsDownload(SHOP);
    await h.drain();

    const stored = new Map((await rows()).map((row) => [row.connectionId, row]));
    expect(stored.size).toBe(5);
    expect(stored.get(linked)).toMatchObject({
      status: "linked",
      linkedGid: `gid://shopify/Customer/${coded.id}`,
      linkSource: "code",
      candidates: null,
    });
    expect(stored.get(linked)?.linkedAt).toBeInstanceOf(Date);
    expect(stored.get(lumiere)).toMatchObject({ status: "unmatched", name: "Maison Lumière", email: "ORDERS@Lumiere.fr" });
    expect(reasons(stored.get(lumiere)!.candidates)).toEqual([`${byEmail.id}:${MatchReason.email}`]);
    expect(reasons(stored.get(nordic)!.candidates)).toEqual([`${byCompany.id}:${MatchReason.companyCity}`]);
    expect(reasons(stored.get(ana)!.candidates)).toEqual([`${byName.id}:${MatchReason.name}`]);
    expect(stored.get(nobody)).toMatchObject({ status: "unmatched", linkedGid: null, candidates: [] });
    expect([...stored.values()].every((row) => row.candidatesAt !== null)).toBe(true);
    expect(await rows(OTHER_SHOP)).toMatchObject([{ name: "Elsewhere", status: "unmatched" }]);

    // Three JOOR pages of two; the progress the UI reads says the work is done.
    const listed = h.joor.calls.filter((call) => call.method === "GET" && call.path === "/v2/connection/");
    expect(listed.map((call) => new URLSearchParams(call.query).get("start_from"))).toEqual(["0", "2", "4"]);
    const [task] = await taskProgress(prisma, SHOP, TaskKind.connectionsDownload);
    expect(task).toMatchObject({ status: "done", progress: { done: 5, total: 5 } });
    expect(task.state).toMatchObject({ phase: "done", fetched: 5, total: 5, linked: 1 });
  });

  it("searches several connections in one Shopify query", async () => {
    const h = harness();
    for (let n = 0; n < 6; n++) h.joor.addConnection(JOOR_ACCOUNT, { customer_name: `Store ${n}`, customer_contact_email: `s${n}@x.com` });
    const before = h.shopify.requests.length;
    await startConnectionsDownload(SHOP);
    await h.drain();
    const graphql = h.shopify.requests.slice(before).filter((request) => request.path.endsWith("/graphql.json"));
    // Six connections matched three at a time: one search query per batch (up to four connections a query),
    // not one per connection or per search. No customer code looks like a Shopify id: no lookup by id.
    expect(graphql).toHaveLength(2);
    expect(await prisma.joorConnection.count({ where: { shop: SHOP, candidatesAt: null } })).toBe(0);
  });

  it("keeps decisions on a new download, searches again, unlinks a changed code and drops connections JOOR no longer has", async () => {
    const h = harness();
    const customer = h.shop.createCustomer({ email: "a@b.com", firstName: "Al", lastName: "Bee" });
    const skipped = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Skip Me", customer_contact_email: "a@b.com" });
    const relinked = h.joor.addConnection(JOOR_ACCOUNT, { customer_code: customer.id, customer_name: "Was Linked" });
    await startConnectionsDownload(SHOP);
    await h.drain();
    await prisma.joorConnection.updateMany({ where: { shop: SHOP, connectionId: skipped }, data: { status: "skipped" } });
    await prisma.joorConnection.create({ data: { shop: SHOP, connectionId: "gone", name: "Deleted in JOOR", fetchedAt: new Date(0) } });
    // Someone changes the linked connection's code in JOOR by hand.
    h.joor.account(JOOR_ACCOUNT).connections.get(relinked)!.customerCode = "MANUAL-7";

    h.clock.advance(60_000);
    await startConnectionsDownload(SHOP);
    await h.drain();

    const stored = new Map((await rows()).map((row) => [row.connectionId, row]));
    expect([...stored.keys()].sort()).toEqual([skipped, relinked].sort());
    expect(stored.get(skipped)).toMatchObject({ status: "skipped" });
    expect(reasons(stored.get(skipped)!.candidates)).toEqual([`${customer.id}:${MatchReason.email}`]);
    // JOOR's code no longer names the customer: the connection is no longer linked.
    expect(stored.get(relinked)).toMatchObject({ status: "unmatched", linkedGid: null, customerCode: "MANUAL-7", linkedAt: null });
  });

  it("does not offer a Shopify customer that another connection's code already links", async () => {
    const h = harness();
    const customer = h.shop.createCustomer({ email: "shared@b.com", firstName: "Sam", lastName: "Shared" });
    h.joor.addConnection(JOOR_ACCOUNT, { customer_code: customer.id, customer_name: "Owner" });
    const other = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Same Email", customer_contact_email: "shared@b.com" });
    await startConnectionsDownload(SHOP);
    await h.drain();
    const row = (await rows()).find((r) => r.connectionId === other);
    expect(row?.candidates).toEqual([]);
  });

  it("resumes from the last saved page after a failure", async () => {
    const h = harness();
    for (let n = 0; n < 5; n++) h.joor.addConnection(JOOR_ACCOUNT, { customer_name: `Store ${n}` });
    let pagesBeforeFailure = 1;
    const flaky: FlowServices = {
      ...h.services,
      async joor(shop) {
        const client = await h.services.joor(shop);
        const list = client.listConnections.bind(client);
        client.listConnections = async (page) => {
          if (pagesBeforeFailure-- <= 0) throw httpError("JOOR", 503, "down");
          return list(page);
        };
        return client;
      },
    };
    const handler = connectionsDownloadTask(flaky, { pageSize: 2 });
    let saved: unknown = null;
    const context = (state: unknown): TaskContext => ({
      shop: SHOP,
      kind: TaskKind.connectionsDownload,
      task: {} as TaskContext["task"],
      state,
      saveState: async (next) => {
        saved = next;
      },
      signal: new AbortController().signal,
    });

    await expect(handler(context(null))).rejects.toThrow(/503/);
    expect(saved).toMatchObject({ phase: "download", startFrom: 2, fetched: 2, progress: { done: 2, total: null } });
    expect(await prisma.joorConnection.count({ where: { shop: SHOP } })).toBe(2);

    pagesBeforeFailure = Infinity;
    await expect(handler(context(saved))).resolves.toEqual({ done: true });
    const starts = h.joor.calls.filter((call) => call.path === "/v2/connection/").map((call) => new URLSearchParams(call.query).get("start_from"));
    expect(starts).toEqual(["0", "2", "4"]);
    expect((saved as DownloadState).phase).toBe("done");
    expect(await prisma.joorConnection.count({ where: { shop: SHOP, candidatesAt: { not: null } } })).toBe(5);
  });

  it("does not start a second download while one is under way", async () => {
    harness();
    const first = await startConnectionsDownload(SHOP);
    const second = await startConnectionsDownload(SHOP);
    expect(second.id).toBe(first.id);
    expect(await prisma.scheduledTask.count({ where: { shop: SHOP, kind: TaskKind.connectionsDownload } })).toBe(1);
  });
});
