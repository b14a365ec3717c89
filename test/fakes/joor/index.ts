/**
 * Fake JOOR: one fetch-style handler serving the v2 and v4 APIs and the v4 auth endpoint over in-memory state,
 * following ../../../../shared/docs/joor-api.md. Mount it under msw at JOOR's four origins
 * (`joorMswHandlers`) or serve it on one local port (`serveLocally(fake.handler)` from test/fakes/http.ts).
 *
 * Behaviour the contract marks [assumed] is marked the same way where it is implemented.
 */
import type { HttpHandler } from "msw";
import { mswHandlersFor, type FetchHandler } from "../http";
import { authenticateV2, authenticateV4, handleTokenRequest, type AuthOutcome } from "./auth";
import { catalogRoute, seedProduct, type SeedProduct } from "./catalog";
import { bulkConnectionRoute, connectionRoute, finishAllJobs, insertConnection, renderConnection } from "./connections";
import type { FakeLimits, FakeSettings, RouteContext } from "./context";
import { charge, creditCost, creditUsage, DEFAULT_CREDITS, throttleHeaders, type CreditSettings, type CreditUsage } from "./credits";
import { delay, hang, NO_FAULTS, pickFault, seededRandom, SERVICE_UNAVAILABLE_PAGE, type JoorFaults } from "./faults";
import { bulkInventoryRoute } from "./inventory";
import { insertOrder, orderAckRoute, orderRoute, renderOrder, touchOrder, type SeedOrder } from "./orders";
import { v2Error, v4Error } from "./responses";
import {
  connectionByCode,
  createState,
  newAccount,
  nextId,
  skuByUpc,
  type FakeAccount,
  type FakeAccountInput,
  type FakeOrderExport,
  type FakeStock,
  type FakeState,
  type JsonRecord,
} from "./state";

export type { FakeAccount, FakeAccountInput, FakeState, JsonRecord } from "./state";
export type { JoorFaults } from "./faults";
export type { SeedOrder } from "./orders";
export type { SeedProduct, SeedSku } from "./catalog";
export type { CreditUsage } from "./credits";
export { stockKey } from "./inventory";

/** Production and sandbox API hosts, and their v4 auth hosts. [doc] */
export const JOOR_ORIGINS = [
  "https://api.jooraccess.com",
  "https://apisandbox.jooraccess.com",
  "https://atlas.jooraccess.com",
  "https://atlas-sandbox.jooraccess.com",
] as const;

export interface JoorFakeOptions {
  /** Clock for credit windows, token expiry and order dates (default Date.now). */
  now?: () => number;
  /** Seed of the fault RNG. */
  seed?: number;
  credits?: Partial<CreditSettings>;
  tokens?: { accessTtlSeconds?: number; refreshTtlSeconds?: number };
  bulkConnectionPolls?: number;
  limits?: Partial<FakeLimits>;
  faults?: Partial<JoorFaults>;
  enforceSkuGrid?: boolean;
}

export interface FakeCall {
  method: string;
  path: string;
  /** The query string, with its leading "?" (empty when none). */
  query: string;
  account: string | null;
  /** 503 for an injected error, 504 for a request that was made to hang. */
  status: number;
  /** Credits the request took from the account's window (0 when refused or not charged). */
  credits: number;
  time: number;
}

export interface JoorFake {
  handler: FetchHandler;
  state: FakeState;
  settings: FakeSettings;
  /** Mutable: change fields between requests to switch faults on and off. */
  faults: JoorFaults;
  calls: FakeCall[];
  addAccount(input: FakeAccountInput): FakeAccount;
  account(accountId: string): FakeAccount;
  /** Seeds a connection as if entered in JOOR; validated unless `pendingValidation`. Returns its id. */
  addConnection(accountId: string, record: JsonRecord, options?: { pendingValidation?: boolean }): string;
  /** The connection's v2 payload, by customer code. */
  connection(accountId: string, customerCode: string): JsonRecord | undefined;
  /** JOOR's data team accepts pending connections (all, or the given ids); returns how many. */
  validateConnections(accountId: string, connectionIds?: string[]): number;
  finishBulkJobs(accountId: string): void;
  seedProduct(accountId: string, seed: SeedProduct): { productId: string; skuIds: string[] };
  addPriceType(accountId: string, priceType: { label: string; currency: string }): string;
  /** Stock of the SKU with this UPC, keyed "warehouse|date" ("" date = available now). */
  stockOf(accountId: string, upc: string): Record<string, FakeStock>;
  addOrder(accountId: string, seed?: SeedOrder): string;
  approveOrder(accountId: string, orderId: string): void;
  /** Edits an order in JOOR (fields, lines, status); an exported order then shows as modified since export. */
  modifyOrder(accountId: string, orderId: string, changes: SeedOrder): void;
  /** JOOR's "Set to re-export". */
  setOrderToReExport(accountId: string, orderId: string): void;
  orderExport(accountId: string, orderId: string): FakeOrderExport;
  orderPayload(accountId: string, orderId: string): JsonRecord;
  creditUsage(accountId: string): CreditUsage;
  /** Makes every issued v4 access token expire now. */
  expireAccessTokens(): void;
}

function settingsFrom(options: JoorFakeOptions): FakeSettings {
  return {
    credits: { ...DEFAULT_CREDITS, ...options.credits },
    tokens: {
      accessTtlSeconds: options.tokens?.accessTtlSeconds ?? 36_000,
      refreshTtlSeconds: options.tokens?.refreshTtlSeconds ?? 90 * 24 * 3600,
    },
    bulkConnectionPolls: options.bulkConnectionPolls ?? 2,
    limits: { v4BulkMax: 100, inventoryBatchMax: 1000, connectionBatchMax: 500, ...options.limits },
    enforceSkuGrid: options.enforceSkuGrid ?? true,
  };
}

function withHeaders(response: Response, headers: Headers): Response {
  const merged = new Headers(response.headers);
  headers.forEach((value, name) => merged.set(name, value));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

type Router = (ctx: RouteContext) => Promise<Response | null> | Response | null;

const V2_ROUTES: Record<string, Router> = {
  connection: connectionRoute,
  "bulk-connection": bulkConnectionRoute,
  "bulk-inventory": bulkInventoryRoute,
  order: orderRoute,
};

const V4_ROUTES: Record<string, Router> = {
  products: catalogRoute,
  skus: catalogRoute,
  prices: catalogRoute,
  price_types: catalogRoute,
  collections: catalogRoute,
  assets: catalogRoute,
  orders: orderAckRoute,
};

export function createJoorFake(options: JoorFakeOptions = {}): JoorFake {
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? 1);
  const settings = settingsFrom(options);
  const state = createState();
  const faults: JoorFaults = { ...NO_FAULTS, ...options.faults };
  const calls: FakeCall[] = [];

  const account = (accountId: string): FakeAccount => {
    const found = state.accounts.get(accountId);
    if (!found) throw new Error(`The fake JOOR has no account ${accountId}`);
    return found;
  };
  const order = (accountId: string, orderId: string) => {
    const found = account(accountId).orders.get(orderId);
    if (!found) throw new Error(`The fake JOOR has no order ${orderId} in account ${accountId}`);
    return found;
  };

  async function api(request: Request, url: URL, call: FakeCall): Promise<Response> {
    const [, version, ...segments] = url.pathname.replace(/\/+$/, "").split("/");
    const v2 = version === "v2";
    const auth: AuthOutcome = v2 ? authenticateV2(request, state) : authenticateV4(request, url, state, now());
    if ("response" in auth) {
      call.account = auth.accountId ?? null;
      return auth.response;
    }
    const accountId = auth.account.accountId;
    call.account = accountId;
    const cost = creditCost(request.method);
    const charged = charge(auth.account.credits, cost, now(), settings.credits);
    if (!charged.ok) {
      const headers = throttleHeaders(accountId, charged.remaining, charged.retryAfterSeconds);
      return v2
        ? v2Error(429, 429, "Rate limit exceeded", headers)
        : v4Error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded", headers);
    }
    call.credits = cost;
    const ctx: RouteContext = { state, account: auth.account, request, url, segments, now: now(), settings };
    const route = (v2 ? V2_ROUTES : V4_ROUTES)[segments[0] ?? ""];
    // An unknown path gets the web server's bare 404, not an API envelope.
    const response =
      (route ? await route(ctx) : null) ?? new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } });
    return withHeaders(response, throttleHeaders(accountId, charged.remaining));
  }

  async function respond(request: Request, url: URL, call: FakeCall): Promise<Response> {
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    const fault = pickFault(faults, url.pathname, random);
    if (fault === "error") {
      return new Response(SERVICE_UNAVAILABLE_PAGE, { status: 503, headers: { "content-type": "text/html" } });
    }
    if (fault === "timeout") {
      await hang(request.signal, faults.hangMs);
      return new Response("Gateway Timeout", { status: 504, headers: { "content-type": "text/plain" } });
    }
    if (/^\/auth\/?$/.test(url.pathname)) {
      const outcome = await handleTokenRequest(request, state, now(), settings.tokens);
      call.account = outcome.accountId ?? null;
      return outcome.response;
    }
    if (/^\/v[24]\//.test(url.pathname)) return api(request, url, call);
    return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } });
  }

  const handler: FetchHandler = async (request) => {
    const url = new URL(request.url);
    const call: FakeCall = {
      method: request.method,
      path: url.pathname,
      query: url.search,
      account: null,
      status: 0,
      credits: 0,
      time: now(),
    };
    let response: Response;
    try {
      response = await respond(request, url, call);
    } catch (error) {
      response = Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 500 });
    }
    call.status = response.status;
    calls.push(call);
    return response;
  };

  return {
    handler,
    state,
    settings,
    faults,
    calls,
    addAccount(input) {
      if (state.accounts.has(input.accountId)) throw new Error(`Account ${input.accountId} exists already`);
      const created = newAccount(input);
      state.accounts.set(created.accountId, created);
      const priceTypeId = nextId(state);
      created.priceTypes.set(priceTypeId, { id: priceTypeId, label: "Wholesale USD", currency: "USD" });
      return created;
    },
    account,
    addConnection(accountId, record, seedOptions) {
      return insertConnection(state, account(accountId), record, seedOptions?.pendingValidation ?? false).connectionId;
    },
    connection(accountId, customerCode) {
      const found = connectionByCode(account(accountId), customerCode);
      return found ? renderConnection(found) : undefined;
    },
    validateConnections(accountId, connectionIds) {
      let count = 0;
      for (const connection of account(accountId).connections.values()) {
        if (!connection.pendingValidation) continue;
        if (connectionIds && !connectionIds.includes(connection.connectionId)) continue;
        connection.pendingValidation = false;
        count += 1;
      }
      return count;
    },
    finishBulkJobs(accountId) {
      finishAllJobs(state, account(accountId));
    },
    seedProduct(accountId, seed) {
      return seedProduct(state, account(accountId), seed);
    },
    addPriceType(accountId, priceType) {
      const id = nextId(state);
      account(accountId).priceTypes.set(id, { id, ...priceType });
      return id;
    },
    stockOf(accountId, upc) {
      const owner = account(accountId);
      const sku = skuByUpc(owner, upc);
      const stock = sku ? owner.inventory.get(sku.id) : undefined;
      return Object.fromEntries(stock ?? []);
    },
    addOrder(accountId, seed = {}) {
      return insertOrder(state, account(accountId), seed, now()).id;
    },
    approveOrder(accountId, orderId) {
      const found = order(accountId, orderId);
      found.status = "APPROVED";
      found.approvedAt = now();
      touchOrder(found, now());
    },
    modifyOrder(accountId, orderId, changes) {
      const found = order(accountId, orderId);
      if (changes.status) found.status = changes.status;
      if (changes.fields) found.fields = { ...found.fields, ...changes.fields };
      if (changes.lines) found.lines = changes.lines.map((line) => ({ ...line }));
      touchOrder(found, now());
    },
    setOrderToReExport(accountId, orderId) {
      // [doc+assumed] "Set to re-export" shows the order again as modified since export (export_status 4).
      touchOrder(order(accountId, orderId), now());
    },
    orderExport(accountId, orderId) {
      return { ...order(accountId, orderId).export };
    },
    orderPayload(accountId, orderId) {
      return renderOrder(order(accountId, orderId));
    },
    creditUsage(accountId) {
      return creditUsage(account(accountId).credits, now(), settings.credits);
    },
    expireAccessTokens() {
      const at = now();
      for (const token of state.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, at);
    },
  };
}

/** msw handlers routing all four JOOR origins into the fake. */
export function joorMswHandlers(fake: Pick<JoorFake, "handler">): HttpHandler[] {
  return JOOR_ORIGINS.flatMap((origin) => mswHandlersFor(origin, fake.handler));
}

