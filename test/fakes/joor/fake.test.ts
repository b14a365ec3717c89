import { describe, expect, it } from "vitest";
import { serveLocally } from "../http";
import { manualClock, TEST_JOOR_ACCOUNT } from "./harness";
import { createJoorFake, type JoorFakeOptions } from "./index";

const API = "https://api.jooraccess.com";
const V2_AUTH = `OAuth2 ${Buffer.from(TEST_JOOR_ACCOUNT.v2Token).toString("base64")}`;

function setup(options: JoorFakeOptions = {}) {
  const clock = manualClock();
  const fake = createJoorFake({ now: clock.now, ...options });
  fake.addAccount(TEST_JOOR_ACCOUNT);
  const v2 = (path: string, init: RequestInit = {}) =>
    fake.handler(new Request(`${API}${path}`, { ...init, headers: { authorization: V2_AUTH, ...init.headers } }));
  const v2Json = async (path: string, init: RequestInit = {}) => {
    const response = await v2(path, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  };
  const login = async () => {
    const response = await fake.handler(
      new Request("https://atlas.jooraccess.com/auth/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "password",
          client_id: TEST_JOOR_ACCOUNT.v4.clientId,
          client_secret: TEST_JOOR_ACCOUNT.v4.clientSecret,
          username: TEST_JOOR_ACCOUNT.v4.username,
          password: TEST_JOOR_ACCOUNT.v4.password,
        }),
      }),
    );
    return (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
  };
  return { clock, fake, v2, v2Json, login };
}

const orderIds = (body: Record<string, unknown>) => (body.orders as Array<{ order_id: number }>).map((o) => String(o.order_id));

describe("credits", () => {
  it("charges 1 per GET and 5 per write in a fixed window that starts at the first request", async () => {
    const { clock, fake, v2 } = setup({ credits: { limit: 12, windowSeconds: 60 } });
    clock.advance(10_000);
    expect((await v2("/v2/order/?sync=0")).status).toBe(200);
    const write = await v2("/v2/bulk-connection", {
      method: "POST",
      body: JSON.stringify({ bulk_connections: { connection: [{ customer_code: "1", customer_name: "A" }] } }),
    });
    expect(write.status).toBe(200);
    expect(write.headers.get("X-Throttling-Credits-Remaining")).toBe("6");
    expect(fake.creditUsage(TEST_JOOR_ACCOUNT.accountId)).toMatchObject({ used: 6, remaining: 6 });

    clock.advance(20_000);
    expect((await v2("/v2/bulk-connection", { method: "POST", body: "{}" })).status).toBe(400);
    // 1 credit left: a write is refused whole and costs nothing, a GET still fits.
    const refused = await v2("/v2/bulk-connection", { method: "POST", body: "{}" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("X-Throttling-Account-Id")).toBe(TEST_JOOR_ACCOUNT.accountId);
    expect(refused.headers.get("X-Throttling-Credits-Remaining")).toBe("1");
    // The window opened at the first request (t=10 s) and ends 60 s later: 40 s from now (t=30 s).
    expect(refused.headers.get("Retry-After")).toBe("40");
    expect((await v2("/v2/order/?sync=0")).status).toBe(200);
    expect((await v2("/v2/order/?sync=0")).status).toBe(429);
    expect(fake.calls.slice(-2).map((call) => call.credits)).toEqual([1, 0]);

    clock.advance(39_999);
    expect((await v2("/v2/order/?sync=0")).status).toBe(429);
    clock.advance(1);
    expect((await v2("/v2/order/?sync=0")).status).toBe(200);
    expect(fake.creditUsage(TEST_JOOR_ACCOUNT.accountId)).toMatchObject({ used: 1, windowStart: clock.now() });
  });

  it("keeps one window per account", async () => {
    const { fake, v2 } = setup({ credits: { limit: 2, windowSeconds: 60 } });
    const other = { ...TEST_JOOR_ACCOUNT, accountId: "other", v2Token: "other-token" };
    fake.addAccount(other);
    await v2("/v2/order/?sync=0");
    await v2("/v2/order/?sync=0");
    expect((await v2("/v2/order/?sync=0")).status).toBe(429);
    const response = await fake.handler(
      new Request(`${API}/v2/order/?sync=0`, { headers: { authorization: `OAuth2 ${Buffer.from("other-token").toString("base64")}` } }),
    );
    expect(response.status).toBe(200);
  });
});

describe("order export status", () => {
  function seedOrders(fake: ReturnType<typeof setup>["fake"]) {
    const account = TEST_JOOR_ACCOUNT.accountId;
    const fresh = fake.addOrder(account, { status: "APPROVED" });
    const failed = fake.addOrder(account, { status: "APPROVED" });
    const exported = fake.addOrder(account, { status: "APPROVED" });
    const modified = fake.addOrder(account, { status: "APPROVED" });
    const pending = fake.addOrder(account, { status: "PENDING" });
    return { account, fresh, failed, exported, modified, pending };
  }

  async function acknowledge(setupResult: ReturnType<typeof setup>, acks: Array<{ id: string; export_status: string }>) {
    const token = await setupResult.login();
    const response = await setupResult.fake.handler(
      new Request(`${API}/v4/orders/bulk_update?account=${TEST_JOOR_ACCOUNT.accountId}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
        body: JSON.stringify(acks),
      }),
    );
    return (await response.json()) as { data: unknown[]; errors: Array<{ status: string; details: { index: number } }> };
  }

  it("filters by export_status 1–7 as documented", async () => {
    const context = setup();
    const { fake, v2Json } = context;
    const ids = seedOrders(fake);
    const reply = await acknowledge(context, [
      { id: ids.failed, export_status: "FAILED" },
      { id: ids.exported, export_status: "SUCCESS" },
      { id: ids.modified, export_status: "SUCCESS" },
      { id: "999999", export_status: "SUCCESS" },
    ]);
    expect(reply.data).toHaveLength(3);
    expect(reply.errors).toEqual([expect.objectContaining({ status: "NOT_FOUND", details: expect.objectContaining({ index: 3 }) })]);
    fake.modifyOrder(ids.account, ids.modified, { fields: { order_comments: "changed" } });

    const expected: Record<number, string[]> = {
      1: [ids.fresh, ids.failed, ids.exported, ids.modified],
      2: [ids.fresh, ids.failed],
      3: [ids.exported, ids.modified],
      4: [ids.modified],
      5: [ids.fresh, ids.failed, ids.modified],
      6: [ids.fresh],
      7: [ids.fresh, ids.modified],
    };
    for (const [status, want] of Object.entries(expected)) {
      const { body } = await v2Json(`/v2/order/?sync=0&order_type=6&export_status=${status}`);
      expect(orderIds(body), `export_status=${status}`).toEqual(want);
    }
    const all = await v2Json("/v2/order/?sync=0&order_type=8&export_status=1");
    expect(orderIds(all.body)).toContain(ids.pending);
  });

  it("sync=1 hands an order out once and marks it exported; sync=0 changes nothing", async () => {
    const { fake, v2Json } = setup();
    const { account, fresh } = seedOrders(fake);
    await v2Json("/v2/order/?sync=0&order_type=6&export_status=2");
    expect(fake.orderExport(account, fresh).state).toBe("never");

    const first = await v2Json("/v2/order/?sync=1&order_type=6&export_status=1");
    expect(orderIds(first.body)).toHaveLength(4);
    expect(fake.orderExport(account, fresh).state).toBe("exported");
    const second = await v2Json("/v2/order/?sync=1&order_type=6&export_status=1");
    expect(orderIds(second.body)).toEqual([]);

    // Set to re-export: shows as modified since export, and sync=1 hands it out again.
    fake.setOrderToReExport(account, fresh);
    expect(orderIds((await v2Json("/v2/order/?sync=0&order_type=6&export_status=4")).body)).toEqual([fresh]);
    expect(orderIds((await v2Json("/v2/order/?sync=1&order_type=6&export_status=1")).body)).toEqual([fresh]);
    // Leaving sync out means sync=1 [assumed], which also marks.
    fake.setOrderToReExport(account, fresh);
    await v2Json("/v2/order/?order_type=6&export_status=4");
    expect(fake.orderExport(account, fresh).modifiedSinceExport).toBe(false);
  });

  it("pages with start_from/count and filters by customer and modified date", async () => {
    const { clock, fake, v2Json } = setup();
    const account = TEST_JOOR_ACCOUNT.accountId;
    const ids = [1, 2, 3, 4, 5].map((n) => fake.addOrder(account, { status: "APPROVED", fields: { customer_code: n % 2 ? "odd" : "even" } }));
    clock.advance(2 * 24 * 3600_000);
    fake.modifyOrder(account, ids[4], { fields: { order_comments: "late change" } });

    const page1 = await v2Json("/v2/order/?sync=0&order_type=6&export_status=1&count=2");
    expect(page1.body).toMatchObject({ start_from: 0, next_start: 2, count: 2 });
    const page3 = await v2Json("/v2/order/?sync=0&order_type=6&export_status=1&count=2&start_from=4");
    expect(page3.body).toMatchObject({ next_start: null, count: 1 });
    expect(orderIds((await v2Json("/v2/order/?sync=0&customer_code=even")).body)).toEqual([ids[1], ids[3]]);
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    expect(orderIds((await v2Json(`/v2/order/?sync=0&date_start=${today}`)).body)).toEqual([ids[4]]);
  });

  it("serves JOOR's loose types: ids and some numbers as numbers, totals and prices as strings", async () => {
    const { fake, v2Json } = setup();
    const id = fake.addOrder(TEST_JOOR_ACCOUNT.accountId, {
      status: "APPROVED",
      lines: [{ item_upc: "0001", item_quantity: 2, item_price: 10.5, item_retail_price: 25 }],
    });
    const { body } = await v2Json(`/v2/order/${id}`);
    expect(body.order).toMatchObject({
      order_id: Number(id),
      order_type: "4",
      order_total: "21.00",
      date_ship_start: "",
      line_items: [{ item_upc: "0001", item_quantity: "2", item_price: "10.50", item_retail_price: 25 }],
    });
    expect((await v2Json("/v2/order/123456789")).status).toBe(404);
  });
});

describe("bulk connections", () => {
  it("moves a job queued → started → finished and upserts by customer_code with per-record results", async () => {
    const { fake, v2Json } = setup({ bulkConnectionPolls: 2 });
    const account = TEST_JOOR_ACCOUNT.accountId;
    fake.addConnection(account, { customer_code: "100", customer_name: "Existing" });
    const submitted = await v2Json("/v2/bulk-connection", {
      method: "PUT",
      body: JSON.stringify({
        bulk_connections: {
          connection: [
            { customer_code: "100", customer_name: "Existing, renamed" },
            { customer_code: "200", customer_name: "New store" },
            { customer_code: "300", customer_name: "x".repeat(101) },
            { customer_code: "4".repeat(51), customer_name: "Long code" },
            { customer_name: "No code" },
          ],
        },
      }),
    });
    expect(submitted.body).toMatchObject({ status: "queued", response: { code: 0 } });
    const jobId = submitted.body.bulk_connections_job_id as string;
    expect(fake.connection(account, "200")).toBeUndefined();

    expect((await v2Json(`/v2/bulk-connection/${jobId}`)).body).toMatchObject({ status: "started", connections: [] });
    const finished = await v2Json(`/v2/bulk-connection/${jobId}`);
    expect(finished.body.status).toBe("finished");
    expect((finished.body.connections as Array<{ status: string }>).map((result) => result.status)).toEqual([
      "success",
      "pending",
      "failed",
      "failed",
      "failed",
    ]);
    expect(fake.connection(account, "100")).toMatchObject({ customer_name: "Existing, renamed", connection_status: "connected" });
    expect(fake.connection(account, "200")).toMatchObject({ connection_status: "pending" });
    expect(fake.validateConnections(account)).toBe(1);
    expect(fake.connection(account, "200")).toMatchObject({ connection_status: "connected" });
  });
});

describe("catalog and inventory", () => {
  it("refuses SKUs that leave holes in the color × size grid", async () => {
    const { fake, login } = setup();
    const token = await login();
    const { productId } = fake.seedProduct(TEST_JOOR_ACCOUNT.accountId, { name: "Tee" });
    const sku = (color: string, size: string) => ({
      product_id: productId,
      external_id: `${color}-${size}`,
      trait_values: [
        { trait_name: "Color", value: color },
        { trait_name: "Size", value: size },
      ],
    });
    const send = async (records: unknown[]) =>
      (await (
        await fake.handler(
          new Request(`${API}/v4/skus/bulk_create?account=${TEST_JOOR_ACCOUNT.accountId}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token.access_token}` },
            body: JSON.stringify(records),
          }),
        )
      ).json()) as { data: unknown[]; errors: Array<{ message: string }> };
    const partial = await send([sku("Red", "S"), sku("Red", "M"), sku("Blue", "S")]);
    expect(partial.data).toHaveLength(0);
    expect(partial.errors[0].message).toContain("Blue/M");
    const full = await send([sku("Red", "S"), sku("Red", "M"), sku("Blue", "S"), { ...sku("Blue", "M"), status: "INACTIVE" }]);
    expect(full.data).toHaveLength(4);
  });

  it("counts overwrite=1 and clears the whole inventory with it", async () => {
    const { fake, v2Json } = setup();
    const account = TEST_JOOR_ACCOUNT.accountId;
    fake.seedProduct(account, { name: "Tee", skus: [{ color: "Red", size: "S", upc: "111" }, { color: "Red", size: "M", upc: "222" }] });
    const push = (items: unknown[], query = "") =>
      v2Json(`/v2/bulk-inventory${query}`, { method: "POST", body: JSON.stringify({ inventory_items: { inventory_item: items } }) });
    await push([{ upc: "111", warehouse: "Default", inventory: 4 }, { upc: "222", warehouse: "Default", inventory: 9 }]);
    const reply = await push([{ upc: "111", warehouse: "Default", inventory: 1 }], "?overwrite=1");
    expect(reply.body.sku_count).toBe(1);
    expect(fake.account(account).overwriteRequests).toBe(1);
    expect(fake.stockOf(account, "222")).toEqual({});
    expect(fake.stockOf(account, "111")).toEqual({ "Default|": { inventory: 1, inventory_date: null, made_to_order: false } });
  });
});

describe("v4 auth", () => {
  it("needs a live token for the named account and rotates refresh tokens", async () => {
    const { clock, fake, login } = setup({ tokens: { accessTtlSeconds: 60 } });
    const token = await login();
    const get = (query: string, bearer = token.access_token) =>
      fake.handler(new Request(`${API}/v4/price_types${query}`, { headers: { authorization: `Bearer ${bearer}` } }));
    expect((await get(`?account=${TEST_JOOR_ACCOUNT.accountId}`)).status).toBe(200);
    expect((await get("")).status).toBe(400);
    expect((await get("?account=someone-else")).status).toBe(403);
    clock.advance(60_000);
    expect((await get(`?account=${TEST_JOOR_ACCOUNT.accountId}`)).status).toBe(401);

    const refresh = (refreshToken: string) =>
      fake.handler(
        new Request("https://atlas.jooraccess.com/auth/", {
          method: "POST",
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            client_id: TEST_JOOR_ACCOUNT.v4.clientId,
            client_secret: TEST_JOOR_ACCOUNT.v4.clientSecret,
          }),
        }),
      );
    const refreshed = await refresh(token.refresh_token);
    expect(refreshed.status).toBe(200);
    const reused = await refresh(token.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("faults", () => {
  it("draws the same fault sequence from the same seed", async () => {
    const run = async () => {
      const { v2 } = setup({ seed: 42, faults: { errorRate: 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await v2("/v2/order/?sync=0")).status);
      return { statuses };
    };
    const first = await run();
    expect(first.statuses).toContain(503);
    expect(first.statuses).toContain(200);
    expect((await run()).statuses).toEqual(first.statuses);
  });

  it("holds a hanging request until the caller aborts it", async () => {
    const { fake, v2 } = setup({ faults: { hangNext: 1 } });
    const controller = new AbortController();
    const pending = v2("/v2/order/?sync=0", { signal: controller.signal });
    controller.abort();
    expect((await pending).status).toBe(504);
    expect(fake.calls[0]).toMatchObject({ status: 504, credits: 0 });
  });
});

describe("local server", () => {
  it("serves the same handler over HTTP on one port", async () => {
    const { fake } = setup();
    fake.addConnection(TEST_JOOR_ACCOUNT.accountId, { customer_code: "55", customer_name: "Local" });
    const server = await serveLocally(fake.handler);
    try {
      const response = await fetch(`${server.url}/v2/connection/customer_code/55/`, { headers: { authorization: V2_AUTH } });
      expect(await response.json()).toMatchObject({ connection: { customer_name: "Local" } });
    } finally {
      await server.close();
    }
  });
});
