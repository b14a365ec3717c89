import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { joorBudgetKey } from "~/joor/budget.server";
import { joorCredentials } from "../../test/fakes/joor/harness";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { listJoorPriceTypes, listShopLocations, testJoorConnection, type AdminGraphql } from "./lookups.server";

const harness = flowSuite({ register: () => undefined });

const priceTypeCalls = () => harness().joor.calls.filter((call) => call.path.includes("price_types"));

describe("JOOR price types for the settings page", () => {
  it("lists the account's price types", async () => {
    const h = harness();
    const id = h.joor.addPriceType(JOOR_ACCOUNT, { label: "Retail EUR", currency: "EUR" });
    const result = await listJoorPriceTypes(SHOP);
    expect(result.ok && result.value).toEqual(
      expect.arrayContaining([
        { id: expect.any(String), label: "Wholesale USD · USD" },
        { id, label: "Retail EUR · EUR" },
      ]),
    );
  });

  it("gives up at its deadline when JOOR does not answer", async () => {
    const h = harness();
    h.joor.faults.match = /price_types/;
    h.joor.faults.hangNext = 1;
    const result = await listJoorPriceTypes(SHOP, { timeoutMs: 5_000, deadlineMs: 50 });
    expect(result).toEqual({ ok: false, message: "Could not load JOOR's price types: JOOR did not answer within 50 ms" });
  });

  it("gives up at the request timeout, without retrying", async () => {
    const h = harness();
    h.joor.faults.match = /price_types/;
    h.joor.faults.hangNext = 2;
    const result = await listJoorPriceTypes(SHOP, { timeoutMs: 30, deadlineMs: 5_000 });
    expect(!result.ok && result.message).toMatch(/did not answer GET \/v4\/price_types within 30 ms/);
    expect(priceTypeCalls()).toHaveLength(1);
  });

  it("does not wait for JOOR credits to come back", async () => {
    harness();
    const now = Date.now();
    await prisma.joorBudget.create({
      data: {
        account: joorBudgetKey("production", JOOR_ACCOUNT),
        windowStart: new Date(now - 290_000),
        creditsUsed: 300,
        blockedUntil: new Date(now + 1_000),
      },
    });
    const result = await listJoorPriceTypes(SHOP);
    expect(result).toEqual({
      ok: false,
      message: "Could not load JOOR's price types: The JOOR credit budget for this account is busy right now",
    });
    expect(priceTypeCalls()).toHaveLength(0);
  });

  it("says so when the shop has not connected JOOR", async () => {
    harness();
    const result = await listJoorPriceTypes("unknown-shop.myshopify.com");
    expect(!result.ok && result.message).toMatch(/JOOR is not connected/);
  });
});

describe("testing a JOOR connection", () => {
  const connection = { environment: "production" as const, accountId: JOOR_ACCOUNT, credentials: joorCredentials() };

  it("answers for each API generation", async () => {
    harness();
    expect(await testJoorConnection(connection)).toEqual({ v2: { ok: true }, v4: { ok: true } });
    const wrongToken = await testJoorConnection({ ...connection, credentials: { ...connection.credentials, v2Token: "nope" } });
    expect(wrongToken.v4).toEqual({ ok: true });
    expect(wrongToken.v2.ok).toBe(false);
  });

  it("reports JOOR's silence on both when the deadline passes", async () => {
    const h = harness();
    h.joor.faults.hangNext = 3;
    const result = await testJoorConnection(connection, { timeoutMs: 5_000, deadlineMs: 50 });
    const silent = { ok: false, message: "JOOR did not answer within 50 ms" };
    expect(result).toEqual({ v2: silent, v4: silent });
  });
});

describe("the shop's locations", () => {
  const answering =
    (body: unknown): AdminGraphql =>
    async () =>
      Response.json(body);

  it("lists id and name of each location", async () => {
    const graphql = answering({ data: { locations: { nodes: [{ id: "gid://shopify/Location/1", name: "Store", extra: 1 }] } } });
    expect(await listShopLocations(graphql)).toEqual({ ok: true, value: [{ id: "gid://shopify/Location/1", name: "Store" }] });
  });

  it("turns Shopify errors into a message instead of failing the page", async () => {
    expect(await listShopLocations(answering({ errors: [{ message: "Access denied for locations field" }] }))).toEqual({
      ok: false,
      message: "Shopify did not list the shop's locations",
    });
    const throwing: AdminGraphql = () => Promise.reject(new Error("Shopify is unreachable"));
    expect(await listShopLocations(throwing)).toEqual({
      ok: false,
      message: "Could not read the shop's locations: Shopify is unreachable",
    });
  });
});
