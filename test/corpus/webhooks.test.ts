/**
 * Malformed webhooks through the real route: each is answered with a clear status and one log line naming
 * what was wrong, and records nothing (so Shopify's redelivery of a fixed delivery is still applied). Bodies
 * are the files in ./webhooks; only the huge ones are generated here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { setLogSink, type LogSink } from "~/logger.server";
import { action } from "~/routes/webhooks";
import { MAX_WEBHOOK_BYTES } from "~/webhooks/intake.server";
import { webhookRequest } from "../fakes/shopify/webhooks";

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), "webhooks");
const SHOP = "corpus-brand.myshopify.com";
const URL = "https://joor-sync.test/webhooks";
const SECRET = process.env.SHOPIFY_API_SECRET ?? "";

const sample = (file: string) => readFileSync(path.join(CORPUS, file), "utf8");
const call = (request: Request) => action({ request, params: {}, context: {} }) as Promise<Response>;

interface Delivery {
  topic: string;
  body: string;
  /** Sign with this secret instead of the app's. */
  secret?: string;
  hmac?: string;
  webhookId?: string;
  /** Headers left out. */
  drop?: string[];
}

function deliveryRequest({ topic, body, secret = SECRET, hmac, webhookId, drop = [] }: Delivery): Request {
  const request = webhookRequest({ url: URL, topic, shop: SHOP, secret, body, hmac, webhookId });
  const headers = new Headers(request.headers);
  for (const name of drop) headers.delete(name);
  return new Request(URL, { method: "POST", headers, body });
}

/** A signature made for one body, sent with another (the body was changed on the way). */
function tampered(): Request {
  const original = sample("product-update.json");
  const signed = webhookRequest({ url: URL, topic: "products/update", shop: SHOP, secret: SECRET, body: original });
  return new Request(URL, { method: "POST", headers: signed.headers, body: original.replace("7301", "7302") });
}

/** A signed JSON body of exactly `bytes` bytes, padded with `fill` (one or more bytes per character). */
function sizedBody(bytes: number, fill: string): string {
  const frame = (padding: string) => `{"id":7303,"title":"${padding}"}`;
  const room = bytes - Buffer.byteLength(frame(""));
  const unit = Buffer.byteLength(fill);
  return frame(fill.repeat(Math.floor(room / unit)) + "a".repeat(room % unit));
}

/** A body sent without a length that never ends; counts how much of it was read. */
function endlessRequest(): { request: Request; pulled: () => number } {
  const chunk = new TextEncoder().encode(`{"id":7304,"title":"${"a".repeat(64 * 1024)}`);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const headers = new Headers(webhookRequest({ url: URL, topic: "products/update", shop: SHOP, secret: SECRET, body: "{}" }).headers);
  const request = new Request(URL, { method: "POST", headers, body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

interface RefusedCase {
  name: string;
  request: () => Request;
  status: number;
  /** The log line's message, and what its fields say was wrong. */
  log: RegExp;
  fields?: Record<string, unknown>;
}

const productUpdate = (body: string, extra: Partial<Delivery> = {}) => () => deliveryRequest({ topic: "products/update", body, ...extra });

const REFUSED: RefusedCase[] = [
  { name: "an HMAC that is not the body's", request: productUpdate(sample("product-update.json"), { hmac: "AAAA" }), status: 401, log: /HMAC invalid/ },
  { name: "a body signed with another secret", request: productUpdate(sample("product-update.json"), { secret: "guessed-secret" }), status: 401, log: /HMAC invalid/ },
  { name: "a body changed after signing", request: tampered, status: 401, log: /HMAC invalid/ },
  ...["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"].map(
    (header): RefusedCase => ({
      name: `no ${header} header`,
      request: productUpdate(sample("product-update.json"), { drop: [header] }),
      status: 400,
      log: /Webhook refused/,
      fields: { missingHeaders: [header.toLowerCase()] },
    }),
  ),
  { name: "a body that is not JSON", request: productUpdate(sample("not-json.txt")), status: 400, log: /not valid JSON/ },
  { name: "truncated JSON", request: productUpdate(sample("truncated.json")), status: 400, log: /not valid JSON/ },
  { name: "an empty body", request: productUpdate(sample("empty.txt")), status: 400, log: /Webhook refused/ },
  ...[
    ["null", "null.json", /the body is not a JSON object/],
    ["a list", "array.json", /the body is not a JSON object/],
    ["a string", "string.json", /the body is not a JSON object/],
    ["no record id", "missing-id.json", /no Product id in "id"/],
    ["an id in exponent form", "id-exponent.json", /no Product id in "id"/],
    ["a negative id", "id-negative.json", /no Product id in "id"/],
    ["a zero id", "id-zero.json", /no Product id in "id"/],
    ["an id with letters", "id-text.json", /no Product id in "id"/],
    ["a fractional id beyond 2^53", "id-fraction.json", /no Product id in "id"/],
    ["the GID of another type", "id-wrong-gid.json", /no Product id in "id"/],
  ].map(
    ([what, file, reason]): RefusedCase => ({
      name: `a payload that is ${what as string}`,
      request: productUpdate(sample(file as string)),
      status: 400,
      log: /Webhook payload malformed/,
      fields: { reason: expect.stringMatching(reason as RegExp) },
    }),
  ),
  {
    name: "a bulk operation webhook naming something else",
    request: () => deliveryRequest({ topic: "bulk_operations/finish", body: sample("bulk-finish-wrong-gid.json") }),
    status: 400,
    log: /Webhook payload malformed/,
    fields: { reason: expect.stringMatching(/"admin_graphql_api_id" is not a BulkOperation GID/) },
  },
  {
    name: "granted scopes that are not a list",
    request: () => deliveryRequest({ topic: "app/scopes_update", body: sample("scopes-not-a-list.json") }),
    status: 400,
    log: /Webhook payload malformed/,
    fields: { reason: expect.stringMatching(/"current" must be a list of scopes/) },
  },
  {
    name: "a topic the app does not subscribe to",
    request: () => deliveryRequest({ topic: "orders/create", body: sample("product-update.json") }),
    status: 400,
    log: /Webhook payload malformed/,
    fields: { reason: "Unknown webhook topic ORDERS_CREATE" },
  },
  {
    name: "a body declared larger than the limit",
    request: () => {
      const request = deliveryRequest({ topic: "products/update", body: sample("product-update.json") });
      const headers = new Headers(request.headers);
      headers.set("Content-Length", String(MAX_WEBHOOK_BYTES + 1));
      return new Request(URL, { method: "POST", headers, body: sample("product-update.json") });
    },
    status: 413,
    log: /too large/,
  },
  { name: "a signed body one byte over the limit", request: productUpdate(sizedBody(MAX_WEBHOOK_BYTES + 1, "a")), status: 413, log: /too large/ },
  {
    name: "a body over the limit in bytes though not in characters",
    request: productUpdate(sizedBody(MAX_WEBHOOK_BYTES + 3, "é")),
    status: 413,
    log: /too large/,
  },
];

let lines: string[] = [];
let previous: LogSink;
beforeEach(() => {
  lines = [];
  vi.stubEnv("LOG_LEVEL", "warn");
  previous = setLogSink((line) => lines.push(line));
});
afterEach(() => {
  setLogSink(previous);
  vi.unstubAllEnvs();
});

/** How many rows each table that a delivery could write holds. */
async function tableCounts() {
  return {
    deliveries: await prisma.webhookDelivery.count(),
    states: await prisma.syncState.count(),
    tasks: await prisma.scheduledTask.count(),
    activity: await prisma.activityEvent.count(),
    settings: await prisma.shopSettings.count(),
    sessions: await prisma.session.count(),
  };
}

function logEntries(): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("malformed webhooks", () => {
  it.each(REFUSED)("$name: $status with a log line, nothing recorded", async ({ request, status, log, fields }) => {
    const before = await tableCounts();
    const response = await call(request());
    expect(response.status).toBe(status);
    expect(logEntries()).toEqual([expect.objectContaining({ level: "warn", status, msg: expect.stringMatching(log), ...fields })]);
    expect(await tableCounts()).toEqual(before);
  });

  it("stops reading an endless body without a length at the limit", async () => {
    const before = await tableCounts();
    const { request, pulled } = endlessRequest();
    expect((await call(request)).status).toBe(413);
    // The stream may have queued a chunk or two ahead of the reader, never the whole body.
    expect(pulled()).toBeLessThan(MAX_WEBHOOK_BYTES + 3 * 64 * 1024);
    expect(logEntries()).toEqual([expect.objectContaining({ status: 413, msg: "Webhook body too large" })]);
    expect(await tableCounts()).toEqual(before);
  });

  it("accepts a body exactly at the limit", async () => {
    const response = await call(deliveryRequest({ topic: "products/update", body: sizedBody(MAX_WEBHOOK_BYTES, "é"), webhookId: "at-limit" }));
    expect(response.status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "at-limit" } })).toBe(1);
  });

  it("applies a redelivery of a refused delivery once it arrives intact", async () => {
    const refused = await call(deliveryRequest({ topic: "products/update", body: sample("truncated.json"), webhookId: "redelivered" }));
    expect(refused.status).toBe(400);
    const intact = await call(deliveryRequest({ topic: "products/update", body: sample("product-update.json"), webhookId: "redelivered" }));
    expect(intact.status).toBe(200);
    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "product", gid: "gid://shopify/Product/7301" } },
    });
    expect(state.status).toBe("dirty");
  });
});

describe("numeric ids beyond 2^53", () => {
  it.each([
    ["products/delete", "product-delete-beyond-2-53.json", "product", "gid://shopify/Product/9007199254740993123"],
    ["customers/delete", "product-delete-beyond-2-53.json", "customer", "gid://shopify/Customer/9007199254740993123"],
    ["inventory_levels/update", "inventory-level-beyond-2-53.json", "inventoryItem", "gid://shopify/InventoryItem/18014398509481985"],
  ])("%s (%s) marks the record with its exact id", async (topic, file, kind, gid) => {
    expect((await call(deliveryRequest({ topic, body: sample(file) }))).status).toBe(200);
    // Read as a JavaScript number, the id would have been rounded to another record's.
    const rounded = gid.replace(/\d+$/, (id) => BigInt(Number(id)).toString());
    expect(rounded).not.toBe(gid);
    expect(await prisma.syncState.count({ where: { shop: SHOP, kind, gid } })).toBe(1);
    expect(await prisma.syncState.count({ where: { shop: SHOP, kind, gid: rounded } })).toBe(0);
  });
});
