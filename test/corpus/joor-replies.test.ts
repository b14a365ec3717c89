/**
 * Malformed JOOR replies (the files in ./joor) through the real client against msw: each call fails with a
 * SyncError whose message names what was wrong, transient when trying again may help (a garbled page, a
 * server error) and terminal when it cannot (refused credentials, JOOR's own refusal). Orders are the
 * exception by design: one unreadable order is left out of its page, the rest are read.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { JOOR_INVALID_CREDENTIALS } from "~/joor/auth.server";
import type { JoorClient } from "~/joor/client.server";
import { joorFakeSuite, syncError } from "~/joor/test-support";
import { JOOR_BAD_RESPONSE, JOOR_REFUSED } from "~/joor/transport.server";

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), "joor");
const API = "https://api.jooraccess.com";
const AUTH = "https://atlas.jooraccess.com/auth/";
const CONTENT_TYPES: Record<string, string> = { ".html": "text/html", ".json": "application/json", ".txt": "text/plain" };

const joor = joorFakeSuite();

/** The client call that meets the reply, and where JOOR gives it. */
interface Endpoint {
  method: "get" | "post";
  url: string;
  call: (client: JoorClient) => Promise<unknown>;
}

const ENDPOINTS = {
  orders: { method: "get", url: `${API}/v2/order/`, call: (client) => client.listOrders() },
  connections: { method: "get", url: `${API}/v2/connection/`, call: (client) => client.listConnections() },
  submitConnections: {
    method: "post",
    url: `${API}/v2/bulk-connection`,
    call: (client) => client.submitConnections([{ customer_code: "77", customer_name: "Nord Boutique" }]),
  },
  inventory: {
    method: "post",
    url: `${API}/v2/bulk-inventory`,
    call: (client) => client.updateInventory([{ warehouse: "Default", inventory: 3, upc: "990000000001" }]),
  },
  priceTypes: { method: "get", url: `${API}/v4/price_types`, call: (client) => client.listPriceTypes() },
  createProducts: {
    method: "post",
    url: `${API}/v4/products/bulk_create`,
    call: (client) => client.createProducts([{ name: "No Id Shirt", external_id: "7301" }]),
  },
  /** The v4 login, met by any v4 call. */
  login: { method: "post", url: AUTH, call: (client) => client.listPriceTypes() },
} satisfies Record<string, Endpoint>;

interface ReplyCase {
  file: string;
  at: keyof typeof ENDPOINTS;
  status?: number;
  terminal: boolean;
  /** The SyncError's HTTP status, when it carries one. */
  errorStatus?: number;
  code?: string;
  message: RegExp;
}

const CASES: ReplyCase[] = [
  // Pages and bodies that are not JOOR's JSON.
  { file: "maintenance.html", at: "orders", terminal: false, code: JOOR_BAD_RESPONSE, message: /unreadable reply to GET \/v2\/order\/: an HTML page \("Maintenance"\)/ },
  { file: "bad-gateway.html", at: "priceTypes", status: 502, terminal: false, errorStatus: 502, message: /HTTP 502: an HTML page \("502 Bad Gateway"\) \(GET \/v4\/price_types\)/ },
  { file: "unauthorized.html", at: "connections", status: 401, terminal: true, errorStatus: 401, message: /HTTP 401: an HTML page \("401 Authorization Required"\)/ },
  { file: "truncated-orders.json", at: "orders", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v2\/order\/: truncated or invalid JSON/ },
  { file: "empty.txt", at: "inventory", terminal: false, code: JOOR_BAD_RESPONSE, message: /POST \/v2\/bulk-inventory: an empty body/ },
  { file: "proxy-error.txt", at: "orders", status: 503, terminal: false, errorStatus: 503, message: /HTTP 503: "upstream connect error/ },
  // v2 envelopes with fields missing or of the wrong type.
  { file: "v2-no-envelope.json", at: "orders", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v2\/order\/: response: / },
  { file: "v2-code-not-a-number.json", at: "orders", terminal: false, code: JOOR_BAD_RESPONSE, message: /response\.code: / },
  { file: "v2-orders-not-a-list.json", at: "orders", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v2\/order\/: orders: / },
  { file: "v2-connection-without-id.json", at: "connections", terminal: false, code: JOOR_BAD_RESPONSE, message: /connections\.0\.connection_id: / },
  { file: "v2-bulk-job-without-id.json", at: "submitConnections", terminal: false, code: JOOR_BAD_RESPONSE, message: /POST \/v2\/bulk-connection: bulk_connections_job_id: / },
  { file: "v2-inventory-count-not-a-number.json", at: "inventory", terminal: false, code: JOOR_BAD_RESPONSE, message: /sku_count: / },
  // JOOR's own errors in a v2 envelope.
  { file: "v2-refused.json", at: "connections", terminal: true, code: JOOR_REFUSED, message: /JOOR refused GET \/v2\/connection\/: Brand is suspended/ },
  { file: "v2-server-error.json", at: "orders", status: 500, terminal: false, errorStatus: 500, message: /HTTP 500: Internal error, please try again later/ },
  { file: "v2-invalid-token.json", at: "orders", status: 401, terminal: true, errorStatus: 401, message: /HTTP 401: Invalid or missing API token/ },
  // v4 envelopes.
  { file: "v4-data-not-a-list.json", at: "priceTypes", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v4\/price_types: data: / },
  { file: "v4-errors-not-a-list.json", at: "priceTypes", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v4\/price_types: errors: / },
  { file: "v4-product-without-id.json", at: "createProducts", terminal: false, code: JOOR_BAD_RESPONSE, message: /POST \/v4\/products\/bulk_create: id: / },
  { file: "v4-price-type-id-not-an-id.json", at: "priceTypes", terminal: false, code: JOOR_BAD_RESPONSE, message: /GET \/v4\/price_types: id: / },
  { file: "v4-unauthorized.json", at: "priceTypes", status: 401, terminal: true, errorStatus: 401, message: /HTTP 401: UNAUTHORIZED: Access token expired/ },
  { file: "v4-forbidden.json", at: "priceTypes", status: 403, terminal: true, errorStatus: 403, message: /HTTP 403: FORBIDDEN: No access to account 4711/ },
  { file: "v4-server-error.json", at: "priceTypes", status: 500, terminal: false, errorStatus: 500, message: /HTTP 500: INTERNAL_ERROR: Something went wrong/ },
  // The v4 login.
  { file: "auth-token-missing.json", at: "login", terminal: false, message: /login service sent an unreadable reply: "access_token" is missing or invalid/ },
  { file: "maintenance.html", at: "login", terminal: false, message: /login service sent an unreadable reply: the body is not JSON/ },
  { file: "bad-gateway.html", at: "login", status: 502, terminal: false, errorStatus: 502, message: /login service answered HTTP 502/ },
  { file: "auth-invalid-client.json", at: "login", status: 401, terminal: true, code: JOOR_INVALID_CREDENTIALS, message: /JOOR refused the v4 login: Invalid client or Invalid client credentials/ },
];

function serve(file: string, at: keyof typeof ENDPOINTS, status = 200): void {
  const body = readFileSync(path.join(CORPUS, file), "utf8");
  const { method, url } = ENDPOINTS[at];
  const contentType = CONTENT_TYPES[path.extname(file)] ?? "text/plain";
  joor.server.use(http[method](url, () => new HttpResponse(body, { status, headers: { "content-type": contentType } })));
}

describe("malformed JOOR replies", () => {
  it.each(CASES)("$file from $at ($status): a clear error", async ({ file, at, status, terminal, errorStatus, code, message }) => {
    const { client } = joor.setup();
    serve(file, at, status);
    const error = await syncError(ENDPOINTS[at].call(client));
    expect(error.message).toMatch(message);
    expect(error.terminal).toBe(terminal);
    if (errorStatus !== undefined) expect(error.status).toBe(errorStatus);
    if (code !== undefined) expect(error.code).toBe(code);
  });

  it("reads a page of orders with odd fields: odd values read as absent, an order without an id is left out", async () => {
    const { client } = joor.setup();
    serve("v2-orders-odd-fields.json", "orders");
    const page = await client.listOrders();
    expect(page.skipped).toBe(1);
    expect(page.orders).toEqual([
      expect.objectContaining({
        order_id: "501",
        order_total: undefined,
        order_comments: undefined,
        line_items: [expect.objectContaining({ item_upc: "990000000001", item_quantity: undefined, item_price: 12.5 })],
      }),
      expect.objectContaining({ order_id: "502", order_total: 40, line_items: [] }),
    ]);
  });
});
