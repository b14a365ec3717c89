import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { serveLocally, type LocalServer } from "../http";
import { stringifyPayload, JsonInteger } from "./json";
import { createWebhookSender, signWebhookBody, webhookRequest, type WebhookEvent } from "./webhooks";

const SECRET = "test-api-secret";

interface Seen {
  headers: Headers;
  body: string;
  url: string;
}

function recorder(status: (n: number) => number = () => 200) {
  const seen: Seen[] = [];
  const target = async (request: Request) => {
    seen.push({ headers: request.headers, body: await request.text(), url: request.url });
    return new Response(null, { status: status(seen.length) });
  };
  return { seen, target };
}

const event = (n: number): WebhookEvent => ({
  topic: "products/update",
  shop: "hooks.myshopify.com",
  payload: { id: new JsonInteger(String(9007199254740993n + BigInt(n))), title: `Product ${n}` },
});

let local: LocalServer | null = null;
afterEach(async () => {
  await local?.close();
  local = null;
});

describe("webhook sender", () => {
  it("signs the raw body with the app secret and sends Shopify's headers", async () => {
    const { seen, target } = recorder();
    const sender = createWebhookSender({ secret: SECRET, target });
    await sender.send({ ...event(0), triggeredAt: "2026-03-01T12:00:00.000Z" });
    expect(seen).toHaveLength(1);
    const [{ headers, body }] = seen;
    expect(headers.get("x-shopify-hmac-sha256")).toBe(createHmac("sha256", SECRET).update(body, "utf8").digest("base64"));
    expect(headers.get("x-shopify-topic")).toBe("products/update");
    expect(headers.get("x-shopify-shop-domain")).toBe("hooks.myshopify.com");
    expect(headers.get("x-shopify-api-version")).toBe("2026-10");
    expect(headers.get("x-shopify-triggered-at")).toBe("2026-03-01T12:00:00.000Z");
    expect(headers.get("x-shopify-webhook-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get("x-shopify-event-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Ids above 2^53 are written as bare JSON numbers, as Shopify writes them.
    expect(body).toBe('{"id":9007199254740993,"title":"Product 0"}');
  });

  it("builds signed requests for route tests, and signs bytes and strings alike", async () => {
    const body = stringifyPayload({ customerId: "gid://shopify/Customer/1", tags: ["JOOR"], occurredAt: "now" });
    const request = webhookRequest({
      url: "https://app.test/webhooks",
      topic: "customer.tags_added",
      shop: "hooks.myshopify.com",
      secret: SECRET,
      body,
    });
    expect(await request.text()).toBe(body);
    expect(request.headers.get("x-shopify-hmac-sha256")).toBe(signWebhookBody(new TextEncoder().encode(body), SECRET));
    expect(request.headers.get("x-shopify-topic")).toBe("customer.tags_added");
  });

  it("redelivers the same delivery under the same webhook id", async () => {
    const { seen, target } = recorder();
    const sender = createWebhookSender({ secret: SECRET, target, duplicateSameId: 1 });
    const records = await sender.send(event(1));
    expect(records.map((r) => r.kind)).toEqual(["original", "same-id-duplicate"]);
    const ids = seen.map((s) => s.headers.get("x-shopify-webhook-id"));
    const events = seen.map((s) => s.headers.get("x-shopify-event-id"));
    expect(new Set(ids).size).toBe(1);
    expect(new Set(events).size).toBe(1);
    expect(seen[0].body).toBe(seen[1].body);
  });

  it("delivers the same event again under a new webhook id", async () => {
    const { seen, target } = recorder();
    const sender = createWebhookSender({ secret: SECRET, target, duplicateNewId: 1 });
    await sender.send(event(2));
    expect(seen).toHaveLength(2);
    expect(seen[0].headers.get("x-shopify-webhook-id")).not.toBe(seen[1].headers.get("x-shopify-webhook-id"));
    expect(seen[0].headers.get("x-shopify-event-id")).toBe(seen[1].headers.get("x-shopify-event-id"));
  });

  it("reorders a batch reproducibly for a seed", async () => {
    const titlesFor = async (seed: number) => {
      const { seen, target } = recorder();
      await createWebhookSender({ secret: SECRET, target, reorder: true, seed }).sendBatch(
        Array.from({ length: 30 }, (_, n) => event(n)),
      );
      return seen.map((s) => (JSON.parse(s.body) as { title: string }).title);
    };
    const inOrder = Array.from({ length: 30 }, (_, n) => `Product ${n}`);
    const first = await titlesFor(7);
    expect(first).not.toEqual(inOrder);
    expect([...first].sort()).toEqual([...inOrder].sort());
    expect(await titlesFor(7)).toEqual(first);
    expect(await titlesFor(8)).not.toEqual(first);
  });

  it("waits the configured delay and retries failed deliveries under the same webhook id", async () => {
    const { seen, target } = recorder((n) => (n === 1 ? 500 : 200));
    const waits: number[] = [];
    const sender = createWebhookSender({
      secret: SECRET,
      target,
      delayMs: { min: 100, max: 200 },
      retries: 3,
      retryDelayMs: 1000,
      sleep: async (ms) => void waits.push(ms),
    });
    const records = await sender.send(event(3));
    expect(records.map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(seen.map((s) => s.headers.get("x-shopify-webhook-id"))).size).toBe(1);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBe(1000);
  });

  it("gives up on a target that does not answer in time", async () => {
    const sender = createWebhookSender({ secret: SECRET, target: () => new Promise<Response>(() => {}), timeoutMs: 20 });
    const [record] = await sender.send(event(4));
    expect(record.status).toBeNull();
    expect(record.error).toContain("no answer within 20 ms");
  });

  it("posts to a base URL with a path per topic", async () => {
    const { seen, target } = recorder();
    local = await serveLocally(target);
    const sender = createWebhookSender({
      secret: SECRET,
      target: { baseUrl: local.url, path: (topic) => `/webhooks/${topic.replace(/[/.]/g, "_")}` },
    });
    await sender.send({ topic: "customer.tags_removed", shop: "hooks.myshopify.com", payload: { tags: ["A"] } });
    expect(new URL(seen[0].url).pathname).toBe("/webhooks/customer_tags_removed");
    expect(seen[0].headers.get("x-shopify-hmac-sha256")).toBe(signWebhookBody(seen[0].body, SECRET));
  });

  it("is accepted by the app's authenticate.webhook", async () => {
    const { authenticate } = await import("~/shopify.server");
    const { seen, target } = recorder();
    await createWebhookSender({ secret: SECRET, target }).send({
      topic: "customer.tags_added",
      shop: "hooks.myshopify.com",
      payload: { customerId: "gid://shopify/Customer/1", tags: ["JOOR"], occurredAt: "2026-03-01T12:00:00Z" },
    });
    const request = new Request("https://joor-sync.test/webhooks", {
      method: "POST",
      headers: seen[0].headers,
      body: seen[0].body,
    });
    const context = await authenticate.webhook(request);
    expect(context).toMatchObject({
      shop: "hooks.myshopify.com",
      topic: "CUSTOMER_TAGS_ADDED",
      webhookId: seen[0].headers.get("x-shopify-webhook-id"),
      payload: { tags: ["JOOR"] },
    });

    const forged = new Request("https://joor-sync.test/webhooks", {
      method: "POST",
      headers: { ...Object.fromEntries(seen[0].headers), "x-shopify-hmac-sha256": signWebhookBody(seen[0].body, "wrong") },
      body: seen[0].body,
    });
    const rejected = await authenticate.webhook(forged).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(Response);
    expect((rejected as Response).status).toBe(401);
  });
});
