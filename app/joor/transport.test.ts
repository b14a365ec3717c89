import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { setLogSink } from "~/logger.server";
import { joorCredentials, TEST_JOOR_ACCOUNT } from "../../test/fakes/joor/harness";
import { v2AuthorizationHeader } from "./auth.server";
import { CREDITS_EXHAUSTED } from "./budget";
import { JOOR_TIMEOUT } from "./http.server";
import { ACCOUNT, makeClient, requests, joorFakeSuite, syncError } from "./test-support";
import { JOOR_BAD_RESPONSE, JOOR_REFUSED, JOOR_THROTTLED } from "./transport.server";

const joor = joorFakeSuite();
const API = "https://api.jooraccess.com";


describe("rate limit", () => {
  it("turns a 429 into a transient error with JOOR's Retry-After and blocks the budget for every caller", async () => {
    const { fake, clock, budget, client } = joor.setup({ fake: { credits: { limit: 6, windowSeconds: 120 } } });
    await client.createProducts([{ name: "A" }]);
    clock.advance(20_000);
    const throttled = await syncError(client.createProducts([{ name: "B" }]));
    expect(throttled).toMatchObject({ terminal: false, status: 429, code: JOOR_THROTTLED, retryAfterMs: 100_000 });
    expect((await budget.usage()).blockedUntil?.getTime()).toBe(clock.now() + 100_000);

    const callsBefore = fake.calls.length;
    const other = makeClient(clock, budget);
    expect(await syncError(other.listOrders())).toMatchObject({ code: CREDITS_EXHAUSTED, retryAfterMs: 100_000 });
    expect(fake.calls.length).toBe(callsBefore);

    clock.advance(100_000);
    expect((await client.createProducts([{ name: "B" }]))[0].ok).toBe(true);
  });
});

describe("server errors and timeouts", () => {
  it("retries 5xx inside the call with growing backoff, taking credits per attempt", async () => {
    const { fake, clock, budget, client } = joor.setup({ fake: { faults: { failNext: 2 } } });
    const page = await client.listOrders();
    expect(page.orders).toEqual([]);
    expect(fake.calls.map((call) => call.status)).toEqual([503, 503, 200]);
    // Backoff ceilings 250 ms then 500 ms; half of each is fixed and half jittered (random() = 0.5 here).
    expect(clock.sleeps).toEqual([188, 375]);
    expect((await budget.usage()).creditsUsed).toBe(3);
  });

  it("gives up after the last attempt with a transient error naming JOOR's page", async () => {
    const { fake, client } = joor.setup({ fake: { faults: { failNext: 3 } } });
    const error = await syncError(client.listOrders());
    expect(error).toMatchObject({ terminal: false, status: 503 });
    expect(error.message).toContain('HTML page ("503 Service Unavailable")');
    expect(fake.calls).toHaveLength(3);
  });

  it("times out a request JOOR never answers, retries it, and reports a transient timeout at the end", async () => {
    const { fake, client } = joor.setup({ fake: { faults: { hangNext: 1 } }, client: { timeoutMs: 50 } });
    expect((await client.listPriceTypes()).length).toBe(1);
    expect(fake.calls.filter((call) => call.path === "/v4/price_types").map((call) => call.status)).toEqual([200]);

    fake.faults.hangNext = 3;
    const error = await syncError(client.listPriceTypes());
    expect(error).toMatchObject({ terminal: false, code: JOOR_TIMEOUT });
    expect(error.message).toContain("within 50 ms");
  });

  it("survives a seeded mix of errors and timeouts", async () => {
    const { fake, client } = joor.setup({
      fake: { seed: 7, faults: { errorRate: 0.3, timeoutRate: 0.2 } },
      client: { timeoutMs: 30, retry: { attempts: 6 } },
    });
    fake.addConnection(ACCOUNT, { customer_code: "9", customer_name: "Steady" });
    for (let i = 0; i < 5; i++) expect(await client.getConnectionByCode("9")).toMatchObject({ customer_name: "Steady" });
    expect(fake.calls.some((call) => call.status === 503)).toBe(true);
    expect(fake.calls.some((call) => call.status === 504)).toBe(true);
  });
});

describe("auth failures", () => {
  it("logs in again once when JOOR answers 401 to a v4 call", async () => {
    const { fake, client } = joor.setup();
    await client.listPriceTypes();
    fake.expireAccessTokens();
    await client.listPriceTypes();
    expect(requests(fake)).toEqual(["POST /auth/", "GET /v4/price_types", "GET /v4/price_types", "POST /auth/", "GET /v4/price_types"]);
  });

  it("treats a refused v2 token, a lost v4 login and a forbidden account as terminal", async () => {
    const { fake, clock, budget, client } = joor.setup();
    const badToken = makeClient(clock, budget, { credentials: { ...joorCredentials(), v2Token: "revoked" } });
    expect(await syncError(badToken.listOrders())).toMatchObject({ terminal: true, status: 401 });

    await client.listPriceTypes();
    fake.account(ACCOUNT).v4.password = "changed-in-joor";
    fake.expireAccessTokens();
    const lost = await syncError(client.listPriceTypes());
    expect(lost).toMatchObject({ terminal: true, code: "JOOR_INVALID_CREDENTIALS" });

    fake.account(ACCOUNT).v4.password = TEST_JOOR_ACCOUNT.v4.password;
    const otherAccount = makeClient(clock, budget, { accountId: "someone-else" });
    const forbidden = await syncError(otherAccount.listPriceTypes());
    expect(forbidden).toMatchObject({ terminal: true, status: 403 });
  });
});

describe("malformed replies", () => {
  it("reports an HTML page, truncated JSON or wrong types as a clear transient error", async () => {
    const { client } = joor.setup();
    joor.server.use(
      http.get(`${API}/v2/order/`, () => new HttpResponse("<html><head><title>Maintenance</title></head></html>", { headers: { "content-type": "text/html" } }), {
        once: true,
      }),
      http.get(`${API}/v2/order/`, () => new HttpResponse('{"response": {"code": 0}, "orders": [{"order_id": 1', { headers: { "content-type": "application/json" } }), {
        once: true,
      }),
      http.get(`${API}/v2/connection/`, () => HttpResponse.json({ response: { code: 0 }, connections: [{ connection_id: { nested: true } }] }), {
        once: true,
      }),
      http.get(`${API}/v2/connection/`, () => HttpResponse.json({ response: { code: "0" }, connections: "oops" }), { once: true }),
    );
    const html = await syncError(client.listOrders());
    expect(html).toMatchObject({ terminal: false, code: JOOR_BAD_RESPONSE });
    expect(html.message).toContain('HTML page ("Maintenance")');
    expect((await syncError(client.listOrders())).message).toContain("truncated or invalid JSON");
    expect((await syncError(client.listConnections())).message).toContain("connections.0.connection_id");
    expect((await syncError(client.listConnections())).message).toContain("connections");
  });

  it("keeps the rest of a page of orders when one order has wrong types or no id", async () => {
    const { client } = joor.setup();
    joor.server.use(
      http.get(`${API}/v2/order/`, () =>
        HttpResponse.json({ response: { code: "0" }, orders: [{ order_id: { nested: true } }, { order_id: 5, order_total: "oops" }] }),
      ),
    );
    const page = await client.listOrders();
    expect(page.skipped).toBe(1);
    expect(page.orders).toEqual([expect.objectContaining({ order_id: "5", order_total: undefined })]);
  });

  it("reports v2 `response.code != 0` as refused with JOOR's comment, even on HTTP 200", async () => {
    const { client } = joor.setup();
    joor.server.use(
      http.get(`${API}/v2/connection/`, () => HttpResponse.json({ response: { code: 17, comment: "Brand is suspended", log_id: "x" } })),
    );
    const error = await syncError(client.listConnections());
    expect(error).toMatchObject({ terminal: true, code: JOOR_REFUSED });
    expect(error.message).toContain("Brand is suspended");
  });

  it("reads a 404 as 'no such record' only when JOOR says so in a v2 envelope", async () => {
    const { client } = joor.setup();
    expect(await client.getConnectionByCode("nobody")).toBeNull();
    joor.server.use(http.get(`${API}/v2/connection/customer_code/:code/`, () => new HttpResponse("Not Found", { status: 404 })));
    const error = await syncError(client.getConnectionByCode("nobody"));
    expect(error).toMatchObject({ terminal: true, status: 404 });
    expect(error.message).toContain('"Not Found"');
  });

  it("reports a v4 data item without an id as unreadable", async () => {
    const { client } = joor.setup();
    joor.server.use(http.post(`${API}/v4/products/bulk_create`, () => HttpResponse.json({ data: [{ name: "no id" }], errors: null })));
    expect(await syncError(client.createProducts([{ name: "no id" }]))).toMatchObject({ code: JOOR_BAD_RESPONSE });
  });

  it("accepts JOOR's inconsistencies: string codes, numeric ids, null lists, empty strings", async () => {
    const { client } = joor.setup();
    joor.server.use(
      http.get(`${API}/v2/order/`, () =>
        HttpResponse.json({
          response: { code: "0", comment: "", log_id: 12 },
          start_from: "0",
          next_start: "",
          count: "1",
          orders: [{ order_id: 88, order_total: "10.50", customer_code: 6123, shipping_city: "", line_items: null, surprise: { kept: true } }],
        }),
      ),
    );
    const page = await client.listOrders();
    expect(page.nextStart).toBeNull();
    expect(page.orders[0]).toMatchObject({ order_id: "88", order_total: 10.5, customer_code: "6123", line_items: [], surprise: { kept: true } });
    expect(page.orders[0].shipping_city).toBeUndefined();
  });
});

describe("secrets", () => {
  it("never writes credentials or tokens to the log, even while retrying and re-authenticating", async () => {
    const { fake, client } = joor.setup({ fake: { faults: { failNext: 2, match: /^\/(auth|v4)/ }, credits: { limit: 2, windowSeconds: 60 } } });
    const lines: string[] = [];
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "debug";
    const previous = setLogSink((line) => lines.push(line));
    try {
      await client.listPriceTypes();
      fake.expireAccessTokens();
      await client.listPriceTypes();
      await syncError(client.listPriceTypes());
    } finally {
      setLogSink(previous);
      process.env.LOG_LEVEL = level;
    }
    expect(lines.some((line) => line.includes("retrying"))).toBe(true);
    expect(lines.some((line) => line.includes("rate limit"))).toBe(true);
    const issued = [...fake.state.accessTokens.keys(), ...fake.state.refreshTokens.keys()];
    const secrets = [
      TEST_JOOR_ACCOUNT.v2Token,
      v2AuthorizationHeader(TEST_JOOR_ACCOUNT.v2Token),
      TEST_JOOR_ACCOUNT.v4.clientSecret,
      TEST_JOOR_ACCOUNT.v4.password,
      ...issued,
    ];
    for (const secret of secrets) expect(lines.join("\n")).not.toContain(secret);
  });
});
