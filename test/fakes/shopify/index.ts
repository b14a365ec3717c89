import type { HttpHandler } from "msw";
import { mswHandlersFor, type FetchHandler } from "../http";
import { handleGraphqlRequest, runGraphql, type OrderCreateLimit } from "./admin-api";
import { BulkRunner } from "./bulk";
import { handleControlRequest } from "./control";
import { LeakyBucket, type ThrottleStatus } from "./cost";
import { IdSequence } from "./ids";
import { int } from "./json";
import { TokenStore, handleTokenRequest, type IssuedToken } from "./oauth";
import { bulkFinishPayload } from "./payloads";
import { schema } from "./schema";
import { FakeShop, timestamp, type ShopOptions } from "./shop";
import { seededRandom, type WebhookSender } from "./webhooks";

/**
 * A fake Shopify: the Admin GraphQL API (2026-10 subset), the OAuth token endpoint, bulk operations, webhooks
 * and merchant-side admin actions, over in-memory shops. One fetch-style `handler` serves msw (shops are
 * told apart by the `*.myshopify.com` host) and a local HTTP server (where the access token names the shop).
 */

export { FakeShop } from "./shop";
export { UserErrors } from "./model";
export type * from "./model";
export { snapshot } from "./control";
export { flattenToJsonl } from "./bulk";
export { stringifyPayload, JsonInteger } from "./json";
export type { ThrottleStatus } from "./cost";
export * from "./webhooks";

export const FAKE_API_VERSION = "2026-10";

/** Every scope the fake checks; a token gets these unless a shop or grant says otherwise. */
export const ALL_SCOPES = [
  "read_customers",
  "write_customers",
  "read_products",
  "write_products",
  "read_inventory",
  "write_inventory",
  "read_locations",
  "read_orders",
  "write_orders",
];

export interface BucketSettings {
  maximumAvailable?: number;
  restoreRate?: number;
}

export interface ShopifyFaults {
  /** Added before every Admin API and token-endpoint answer. */
  latencyMs?: number;
  /** Chance (0–1) that a request gets `errorStatus` instead of an answer. */
  errorRate?: number;
  errorStatus?: number;
  /** The next N requests get `errorStatus`. */
  failNext?: number;
  /** The next N bulk operations end FAILED with INTERNAL_SERVER_ERROR. */
  failNextBulk?: number;
}

export interface ShopifyFakeOptions {
  /** The app's credentials, checked by the token endpoint (default: the test environment's). */
  apiKey?: string;
  apiSecret?: string;
  apiVersion?: string;
  now?: () => number;
  /** First numeric id handed out; pass a value above 2^53 to exercise large ids. */
  idStart?: bigint | string | number;
  scopes?: string[];
  bucket?: BucketSettings;
  maxQueryCost?: number;
  /** Shopify's development-store limit on orderCreate (5 a minute); off unless given. */
  orderCreateLimit?: { max?: number; windowMs?: number } | null;
  bulk?: { stepMs?: number; maxConcurrent?: number; chunkBytes?: number };
  webhooks?: WebhookSender | null;
  faults?: ShopifyFaults;
  seed?: number;
  /** Lifetime of expiring offline access tokens (Shopify: one hour). */
  tokenLifetimeSec?: number;
}

export interface AddShopOptions extends ShopOptions {
  /** A fixed non-expiring offline token for the shop; one is generated when absent. */
  accessToken?: string;
  scopes?: string[];
  bucket?: BucketSettings;
  orderCreateLimit?: { max?: number; windowMs?: number } | null;
}

export interface RequestLogEntry {
  shop: string | null;
  path: string;
  status: number;
}

export interface ShopifyFake {
  handler: FetchHandler;
  /** msw handlers for every `https://*.myshopify.com` shop. */
  mswHandlers(): HttpHandler[];
  addShop(domain: string, options?: AddShopOptions): FakeShop;
  shop(domain: string): FakeShop;
  shops(): FakeShop[];
  /** The non-expiring token addShop registered (or generated). */
  accessToken(domain: string): string;
  /** A fresh offline token, expiring (with a refresh token) or not, as token exchange would issue it. */
  issueOfflineToken(domain: string, options?: { expiring?: boolean; expiresInSec?: number }): IssuedToken;
  authorizationCode(domain: string): string;
  /** The app is uninstalled: tokens stop working and app/uninstalled is delivered. */
  uninstall(domain: string): void;
  bucket(domain: string): LeakyBucket;
  throttleStatus(domain: string): ThrottleStatus;
  attachWebhooks(sender: WebhookSender | null): void;
  setFaults(faults: ShopifyFaults): void;
  /** Admin API and token requests answered so far. */
  readonly requests: RequestLogEntry[];
  /** Resolves when running bulk operations and webhook deliveries have finished. */
  settle(): Promise<void>;
}

interface ShopState {
  shop: FakeShop;
  scopes: string[];
  accessToken: string;
  bucket: LeakyBucket;
  orderCreateLimit: OrderCreateLimit | null;
  orderCreateTimes: number[];
}

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function limitFrom(setting: { max?: number; windowMs?: number } | null | undefined): OrderCreateLimit | null {
  return setting ? { max: setting.max ?? 5, windowMs: setting.windowMs ?? 60_000 } : null;
}

export function createShopifyFake(options: ShopifyFakeOptions = {}): ShopifyFake {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? process.env.SHOPIFY_API_KEY ?? "test-api-key";
  const apiSecret = options.apiSecret ?? process.env.SHOPIFY_API_SECRET ?? "test-api-secret";
  const apiVersion = options.apiVersion ?? FAKE_API_VERSION;
  const ids = new IdSequence(options.idStart ?? 7_000_000_000_001n);
  const random = seededRandom(options.seed ?? 1);
  const tokens = new TokenStore(now, { accessSec: options.tokenLifetimeSec ?? 3600, refreshSec: 90 * 24 * 3600 });
  const states = new Map<string, ShopState>();
  const requests: RequestLogEntry[] = [];
  let sender: WebhookSender | null = options.webhooks ?? null;
  let faults: ShopifyFaults = { ...options.faults };

  const deliver = (shop: FakeShop, topic: string, payload: unknown) => {
    if (sender) void sender.send({ topic, shop: shop.domain, payload, triggeredAt: new Date(now()).toISOString() });
  };

  const state = (domain: string): ShopState => {
    const found = states.get(domain);
    if (!found) throw new Error(`The fake has no shop ${domain}; call addShop first`);
    return found;
  };

  const bulk = new BulkRunner(
    {
      schema,
      ids,
      now: () => timestamp(now()),
      onFinish: (shop, operation) => shop.recordEvent("bulk_operations/finish", bulkFinishPayload(operation)),
      shouldFail: () => {
        if (!faults.failNextBulk) return false;
        faults.failNextBulk -= 1;
        return true;
      },
    },
    { stepMs: options.bulk?.stepMs ?? 5, maxConcurrent: options.bulk?.maxConcurrent ?? 5 },
  );

  const deps = {
    schema,
    maxQueryCost: options.maxQueryCost ?? 1000,
    now,
    bucketFor: (shop: FakeShop) => state(shop.domain).bucket,
    orderCreateLimitFor: (shop: FakeShop) => state(shop.domain).orderCreateLimit,
    orderCreateTimes: (shop: FakeShop) => state(shop.domain).orderCreateTimes,
    startBulkQuery: (shop: FakeShop, scopes: ReadonlySet<string>, query: string, origin: string) =>
      bulk.start(
        shop,
        query,
        async (document) => (await runGraphql(shop, scopes, document, {}, undefined, true, "", deps)).result,
        (operation) => `${origin}/_fake/bulk/${encodeURIComponent(shop.domain)}/${operation.id}.jsonl`,
      ),
  };

  const addShop = (domain: string, shopOptions: AddShopOptions = {}): FakeShop => {
    if (states.has(domain)) throw new Error(`The fake already has a shop ${domain}`);
    const shop = new FakeShop(domain, shopOptions, { ids, now, emit: deliver });
    const scopes = shopOptions.scopes ?? options.scopes ?? ALL_SCOPES;
    const accessToken = shopOptions.accessToken ?? tokens.issueOffline(domain, scopes).accessToken;
    tokens.register(accessToken, { shop: domain, scopes, expiresAt: null, online: false });
    const bucketSettings = { ...options.bucket, ...shopOptions.bucket };
    states.set(domain, {
      shop,
      scopes,
      accessToken,
      bucket: new LeakyBucket(bucketSettings.maximumAvailable ?? 1000, bucketSettings.restoreRate ?? 100, now),
      orderCreateLimit: limitFrom(shopOptions.orderCreateLimit === undefined ? options.orderCreateLimit : shopOptions.orderCreateLimit),
      orderCreateTimes: [],
    });
    return shop;
  };

  const uninstall = (domain: string) => {
    const { shop } = state(domain);
    tokens.revokeShop(domain);
    shop.recordEvent("app/uninstalled", {
      id: int(shop.id),
      name: shop.name,
      email: shop.email,
      domain: shop.domain,
      myshopify_domain: shop.domain,
      currency: shop.currencyCode,
      iana_timezone: shop.ianaTimezone,
    });
  };

  /** Latency and injected failures, applied to Admin API and token requests. */
  const injectedFailure = async (): Promise<Response | null> => {
    if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const status = faults.errorStatus ?? 503;
    if (faults.failNext) {
      faults.failNext -= 1;
      return new Response("Service Unavailable", { status });
    }
    if (faults.errorRate && random() < faults.errorRate) return new Response("Service Unavailable", { status });
    return null;
  };

  const unauthorized = () =>
    json({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);

  const handler: FetchHandler = async (request) => {
    const url = new URL(request.url);
    const hostShop = MYSHOPIFY.test(url.hostname) ? url.hostname : null;
    if (url.pathname.startsWith("/_fake/")) {
      return handleControlRequest(request, {
        shop: (domain) => states.get(domain)?.shop,
        shops: () => [...states.values()].map((s) => s.shop),
        addShop: (domain, shopOptions) => {
          const shop = addShop(domain, shopOptions);
          return { shop, accessToken: state(domain).accessToken };
        },
        uninstall,
        setThrottle: (domain, settings) => {
          const { bucket: b } = state(domain);
          if (settings.maximumAvailable !== undefined) b.maximumAvailable = settings.maximumAvailable;
          if (settings.restoreRate !== undefined) b.restoreRate = settings.restoreRate;
          if (settings.available !== undefined) b.setAvailable(settings.available);
          return b.status();
        },
        getFaults: () => faults,
        setFaults: (next) => (faults = { ...(next as ShopifyFaults) }),
        bulkResult: (domain, id) => states.get(domain)?.shop.bulkOperations.get(id)?.body ?? null,
        chunkBytes: options.bulk?.chunkBytes ?? 64 * 1024,
      });
    }

    const log = (response: Response, shop: string | null) => {
      requests.push({ shop, path: url.pathname, status: response.status });
      return response;
    };
    if (hostShop && !states.has(hostShop)) return log(json({ errors: "Not Found" }, 404), hostShop);

    if (url.pathname === "/admin/oauth/access_token" && request.method === "POST") {
      const failure = await injectedFailure();
      if (failure) return log(failure, hostShop);
      const response = await handleTokenRequest(request, {
        apiKey,
        apiSecret,
        tokens,
        now,
        hostShop,
        shopExists: (domain) => states.has(domain),
        scopesFor: (domain) => state(domain).scopes,
      });
      return log(response, hostShop);
    }

    const api = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (!api || request.method !== "POST") return log(json({ errors: "Not Found" }, 404), hostShop);
    const grant = tokens.lookup(request.headers.get("x-shopify-access-token") ?? "");
    if (!grant || (hostShop !== null && grant.shop !== hostShop)) return log(unauthorized(), hostShop);
    if (api[1] !== apiVersion) return log(json({ errors: "Not Found" }, 404), grant.shop);
    const failure = await injectedFailure();
    if (failure) return log(failure, grant.shop);
    const { shop } = state(grant.shop);
    return log(await handleGraphqlRequest(request, shop, new Set(grant.scopes), deps), grant.shop);
  };

  return {
    handler,
    mswHandlers: () => mswHandlersFor("https://*.myshopify.com", handler),
    addShop,
    shop: (domain) => state(domain).shop,
    shops: () => [...states.values()].map((s) => s.shop),
    accessToken: (domain) => state(domain).accessToken,
    issueOfflineToken: (domain, tokenOptions) => tokens.issueOffline(domain, state(domain).scopes, tokenOptions),
    authorizationCode: (domain) => tokens.createAuthorizationCode(domain, state(domain).scopes),
    uninstall,
    bucket: (domain) => state(domain).bucket,
    throttleStatus: (domain) => state(domain).bucket.status(),
    attachWebhooks: (next) => {
      sender = next;
    },
    setFaults: (next) => {
      faults = { ...next };
    },
    requests,
    settle: async () => {
      await bulk.settle();
      await sender?.idle();
    },
  };
}
