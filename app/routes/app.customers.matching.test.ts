import { describe, expect, it } from "vitest";
import { registerCustomerMatching } from "~/customers/connections-download.server";
import { MatchReason } from "~/customers/matching";
import type { MatchingPage } from "~/customers/matching-page.server";
import { prisma } from "~/db.server";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";

const harness = flowSuite({ register: (registry, services) => registerCustomerMatching(registry, services) });

const OTHER_SHOP = "other-brand.myshopify.com";
const gidOf = (id: string) => `gid://shopify/Customer/${id}`;

async function load(query = "") {
  const { loader } = await import("./app.customers.matching");
  const response = await callRoute(loader, adminRequest(`/app/customers/matching${query}`, { shop: SHOP }));
  expect(response.status).toBe(200);
  return response.json() as Promise<MatchingPage & { kind: "page" }>;
}

async function post(form: Record<string, string | string[]>) {
  const { action } = await import("./app.customers.matching");
  const response = await callRoute(action, adminRequest("/app/customers/matching", { shop: SHOP, form }));
  return { status: response.status, body: (await response.json()) as { ok: boolean; message: string } };
}

/** Two retailers in JOOR, one with a same-email Shopify customer; and another shop's rows in the same table. */
async function setUp() {
  const h = harness();
  const ada = h.shop.createCustomer({ email: "ada@lovelace.io", firstName: "Ada", lastName: "Lovelace" });
  const analytical = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Analytical Store", customer_contact_email: "ada@lovelace.io" });
  const unknown = h.joor.addConnection(JOOR_ACCOUNT, { customer_name: "Unknown Boutique" });
  const foreign = await prisma.joorConnection.create({
    data: {
      shop: OTHER_SHOP,
      connectionId: analytical,
      name: "Analytical Store (other shop)",
      email: "ada@lovelace.io",
      candidates: JSON.stringify([{ gid: gidOf(ada.id), legacyId: ada.id, name: "Ada", email: null, company: null, city: null, reason: MatchReason.email, reasons: [MatchReason.email] }]),
      candidatesAt: new Date(),
    },
  });
  expect(await post({ intent: "download" })).toEqual({ status: 200, body: { ok: true, message: "Downloading the JOOR connections." } });
  return { h, ada, analytical, unknown, foreign };
}

describe("/app/customers/matching", () => {
  it("starts the download, shows its progress, then the connections with ranked candidates and reasons", async () => {
    const { h, ada, analytical, unknown } = await setUp();
    const queued = await load();
    expect(queued.download).toMatchObject({ status: "scheduled", phase: null });
    expect(queued.rows).toEqual([]);

    await h.drain();
    const page = await load();
    expect(page.download).toMatchObject({ status: "done", phase: "done", progress: { done: 2, total: 2 } });
    expect(page.counts).toEqual({ open: 2, skipped: 0, linked: 0, emailMatches: 1 });
    expect(page.rows.map((row) => [row.connectionId, row.candidates.map((c) => [c.legacyId, c.reason])])).toEqual([
      [analytical, [[ada.id, MatchReason.email]]],
      [unknown, []],
    ]);
    expect(page.rows[0]).toMatchObject({ name: "Analytical Store", email: "ada@lovelace.io", status: "unmatched", searched: true });
    expect((await load("?q=boutique")).rows.map((row) => row.connectionId)).toEqual([unknown]);
  });

  it("confirms one match inside the request", async () => {
    const { h, ada, analytical } = await setUp();
    await h.drain();
    const [row] = (await load()).rows;

    expect(await post({ intent: "confirm", id: row.id, gid: gidOf(ada.id) })).toMatchObject({ status: 200, body: { ok: true } });

    expect(h.joor.account(JOOR_ACCOUNT).connections.get(analytical)?.customerCode).toBe(ada.id);
    expect(h.shop.customer(ada.id).tags).toEqual(["JOOR_ENABLED"]);
    const linked = await load("?view=linked");
    expect(linked.rows).toMatchObject([{ connectionId: analytical, status: "linked", linkedCustomerId: ada.id, linkSource: "confirmed" }]);
    expect(linked.counts).toMatchObject({ open: 1, linked: 1, emailMatches: 0 });
  });

  it("answers a refused confirm with the reason, also shown on the row", async () => {
    const { h } = await setUp();
    await h.drain();
    const [row] = (await load()).rows;
    const refused = await post({ intent: "confirm", id: row.id, gid: "gid://shopify/Product/1" });
    expect(refused).toEqual({ status: 422, body: { ok: false, message: "Choose a Shopify customer" } });
    expect((await load()).rows[0]).toMatchObject({ id: row.id, status: "unmatched", lastError: "Choose a Shopify customer" });
  });

  it("confirms all exact-email matches as a task, skips and brings back connections", async () => {
    const { h, ada, analytical, unknown } = await setUp();
    await h.drain();
    const rows = (await load()).rows;
    const unknownRow = rows.find((row) => row.connectionId === unknown)!;

    expect((await post({ intent: "confirm-emails" })).body).toEqual({ ok: true, message: "Linking 1 connection by email." });
    expect((await load()).rows.find((row) => row.connectionId === analytical)).toMatchObject({ status: "queued", pending: "confirm" });
    expect((await load()).apply).toMatchObject({ status: "scheduled" });
    await h.drain();
    expect(h.joor.account(JOOR_ACCOUNT).connections.get(analytical)?.customerCode).toBe(ada.id);
    expect((await load()).apply).toMatchObject({ status: "done", progress: { done: 1, total: 1 } });

    expect((await post({ intent: "skip", ids: [unknownRow.id] })).body.message).toBe("Skipped 1 connection.");
    expect((await load("?view=skipped")).rows.map((row) => row.id)).toEqual([unknownRow.id]);
    expect((await post({ intent: "unskip", ids: [unknownRow.id] })).body.message).toBe("1 connection back to decide.");
    expect((await load()).counts).toMatchObject({ open: 1, skipped: 0, linked: 1 });
  });

  it("searches Shopify customers for 'pick another'", async () => {
    const { h, ada } = await setUp();
    h.shop.createCustomer({ email: "grace@hopper.io", firstName: "Grace", lastName: "Hopper" });
    const { loader } = await import("./app.customers.matching");
    const response = await callRoute(loader, adminRequest("/app/customers/matching?customerSearch=Lovelace", { shop: SHOP }));
    expect(await response.json()).toMatchObject({ kind: "search", error: null, customers: [{ gid: gidOf(ada.id), displayName: "Ada Lovelace" }] });
  });

  it("never shows another shop's connections and cannot act on them", async () => {
    const { h, ada, foreign } = await setUp();
    await h.drain();
    const shown = JSON.stringify([await load(), await load("?view=skipped"), await load("?view=linked"), await load("?q=other")]);
    expect(shown).not.toContain(foreign.id);
    expect(shown).not.toContain("other shop");

    expect(await post({ intent: "confirm", id: foreign.id, gid: gidOf(ada.id) })).toMatchObject({ status: 422, body: { ok: false } });
    expect((await post({ intent: "skip", ids: [foreign.id] })).body.message).toBe("Skipped 0 connections.");
    expect((await post({ intent: "create", ids: [foreign.id] })).body.message).toBe("Creating 0 Shopify customers.");
    expect((await post({ intent: "confirm-selected", ids: [foreign.id] })).body.message).toBe("Linking 0 connections to their best match.");
    // Confirm all only touches the signed-in shop's rows (one here).
    expect((await post({ intent: "confirm-emails" })).body.message).toBe("Linking 1 connection by email.");

    expect(await prisma.joorConnection.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({
      status: "unmatched",
      decision: null,
      lastError: null,
      linkedGid: null,
    });
    expect(await prisma.scheduledTask.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });
});
