import { describe, expect, it } from "vitest";
import { TEST_JOOR_ACCOUNT } from "./harness";
import { createJoorFake } from "./index";
import { withReplyFaults, type ReplyFaults } from "./reply-faults";

const API = "https://api.jooraccess.com";
const ACCOUNT = TEST_JOOR_ACCOUNT.accountId;

/** Hands out the given draws in order, then 0.99 (no fault). */
function draws(...values: number[]): () => number {
  return () => values.shift() ?? 0.99;
}

async function setup(faults: Partial<ReplyFaults>, random: () => number) {
  const fake = createJoorFake();
  fake.addAccount(TEST_JOOR_ACCOUNT);
  const sleeps: Array<{ ms: number; products: number }> = [];
  const wrapped = withReplyFaults(fake.handler, {
    faults: { partialRate: 0, lateRate: 0, lateMs: 4_000, throttleRate: 0, retryAfterSeconds: 2, ...faults },
    random,
    sleep: async (ms) => {
      sleeps.push({ ms, products: fake.account(ACCOUNT).products.size });
    },
  });
  const login = await fake.handler(
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
  const { access_token: token } = (await login.json()) as { access_token: string };
  const post = async (path: string, records: unknown[]) => {
    const response = await wrapped.handler(
      new Request(`${API}${path}?account=${ACCOUNT}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(records),
      }),
    );
    return { status: response.status, headers: response.headers, body: (await response.json()) as { data: Array<Record<string, unknown>>; errors: Array<Record<string, unknown>> } };
  };
  const products = () => [...fake.account(ACCOUNT).products.values()].map((product) => product.external_id);
  return { fake, post, products, counts: wrapped.counts, sleeps };
}

const styles = (...ids: string[]) => ids.map((id) => ({ name: `Style ${id}`, external_id: id }));

describe("partial replies", () => {
  it("applies every record but answers for the first ones only", async () => {
    // fault drawn, 2 of 4 answered, applied all the same
    const { post, products, counts } = await setup({ partialRate: 0.5 }, draws(0.1, 0.5, 0.2));
    const reply = await post("/v4/products/bulk_create", styles("a", "b", "c", "d"));

    expect(reply.status).toBe(200);
    expect(reply.body.data.map((product) => product.external_id)).toEqual(["a", "b"]);
    expect(reply.body.errors).toEqual([]);
    expect(products()).toEqual(["a", "b", "c", "d"]);
    expect(counts).toEqual({ partial: 1, late: 0, throttled: 0 });
  });

  it("or stops part-way: the unanswered records were never applied", async () => {
    const { post, products } = await setup({ partialRate: 0.5 }, draws(0.1, 0.5, 0.9));
    const reply = await post("/v4/products/bulk_create", styles("a", "b", "c", "d"));

    expect(reply.body.data.map((product) => product.external_id)).toEqual(["a", "b"]);
    expect(products()).toEqual(["a", "b"]);
  });

  it("keeps a refused record's error when it is among the records answered", async () => {
    const { post } = await setup({ partialRate: 0.5 }, draws(0.99, 0.1, 0.7, 0.2));
    await post("/v4/products/bulk_create", styles("b"));
    const reply = await post("/v4/products/bulk_create", styles("a", "b", "c"));

    expect(reply.body.data.map((product) => product.external_id)).toEqual(["a"]);
    expect(reply.body.errors).toEqual([expect.objectContaining({ status: "DUPLICATED", details: expect.objectContaining({ index: 1 }) })]);
  });

  it("applies a SKU creation whole, since JOOR checks the grid per request", async () => {
    const { fake, post } = await setup({ partialRate: 0.5 }, draws(0.99, 0.1, 0.0, 0.9));
    const [product] = (await post("/v4/products/bulk_create", styles("p"))).body.data;
    const sku = (size: string) => ({
      product_id: product.id,
      external_id: `p-${size}`,
      trait_values: [
        { trait_name: "Color", value: "Red" },
        { trait_name: "Size", value: size },
      ],
    });
    const reply = await post("/v4/skus/bulk_create", [sku("S"), sku("M")]);

    expect(reply.body).toEqual({ data: [], errors: [] });
    expect([...fake.account(ACCOUNT).skus.values()].map((entry) => entry.external_id)).toEqual(["p-S", "p-M"]);
  });

  it("answers a refused first record and leaves the applied one after it unanswered", async () => {
    const { post, products, counts } = await setup({ partialRate: 0.5 }, draws(0.1, 0.5, 0.2));
    const reply = await post("/v4/products/bulk_create", [{ name: "No external id", unknown_field: 1 }, ...styles("a")]);

    expect(reply.body.data).toEqual([]);
    expect(reply.body.errors).toEqual([expect.objectContaining({ status: "INVALID", details: expect.objectContaining({ index: 0 }) })]);
    expect(products()).toEqual(["a"]);
    expect(counts.partial).toBe(1);
  });
});

describe("late replies", () => {
  it("applies the write, then holds the reply past the client's patience", async () => {
    const { post, products, counts, sleeps } = await setup({ lateRate: 0.5 }, draws(0.1));
    const reply = await post("/v4/products/bulk_create", styles("a"));

    expect(reply.status).toBe(200);
    expect(sleeps).toEqual([{ ms: 4_000, products: 1 }]);
    expect(products()).toEqual(["a"]);
    expect(counts).toEqual({ partial: 0, late: 1, throttled: 0 });
  });
});

describe("unforeseen rate limits", () => {
  it("answers 429 with a short Retry-After, applying nothing and spending no credit", async () => {
    const { fake, post, products, counts } = await setup({ throttleRate: 0.5 }, draws(0.1));
    const reply = await post("/v4/products/bulk_create", styles("a"));

    expect(reply.status).toBe(429);
    expect(reply.headers.get("Retry-After")).toBe("2");
    expect(products()).toEqual([]);
    expect(fake.creditUsage(ACCOUNT).used).toBe(0);
    expect(counts).toEqual({ partial: 0, late: 0, throttled: 1 });
  });
});
