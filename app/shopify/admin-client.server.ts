import { ClientError, GraphQLClient } from "graphql-request";
import { log } from "~/logger.server";
import { SyncError, errorMessage, httpError } from "~/sync/errors";
import { ADMIN_API_VERSION } from "./api-version";

/**
 * The Admin GraphQL client for background jobs. It speaks to one shop with one access token and turns
 * Shopify's failure modes into SyncErrors the engine understands:
 * - THROTTLED (HTTP 200, no data): wait (requested − available) / restoreRate seconds and retry, a bounded
 *   number of times, then a transient SyncError carrying that wait;
 * - 401/403/404 and other 4xx: terminal; 429: transient, honouring Retry-After;
 * - 5xx, timeouts and network errors: retried a couple of times with backoff (queries only — a mutation
 *   that may have been applied is not repeated blindly), then transient;
 * - any other GraphQL error: a SyncError with Shopify's message (terminal unless Shopify calls it internal).
 * The access token goes in a header and nowhere else: never into messages or logs.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface UserError {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: readonly (string | number)[];
}

export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  /** Defaults to adminOrigin(shop). */
  origin?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** THROTTLED answers waited out before giving up (default DEFAULT_THROTTLE_RETRIES). */
  maxThrottleRetries?: number;
  /** Retries after a 5xx, timeout or network error (default 2). */
  maxTransientRetries?: number;
  /** First backoff after a transient failure; doubles on each retry (default 500 ms). */
  backoffMs?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

export interface RequestOptions {
  /**
   * Whether repeating the request is harmless. Defaults to true for queries and false for mutations, so a
   * mutation that timed out (and may have been applied) is reported instead of repeated.
   */
  idempotent?: boolean;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface Connection<TNode> {
  nodes?: TNode[];
  edges?: { node: TNode }[];
  pageInfo?: PageInfo;
}

/**
 * Each wait is exactly what the bucket lacks, so another read of the shop (the worker's other handler, another
 * worker) may take the points first and the wait starts over; giving up costs the batch every read it already
 * made, so a background read keeps its turn for a good while.
 */
export const DEFAULT_THROTTLE_RETRIES = 20;

/** GraphQL error codes that mean "try again later" rather than "this request is wrong". */
const TRANSIENT_GRAPHQL_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);

/**
 * `https://{shop}`, or SHOPIFY_ADMIN_ORIGIN (the sandbox's local fake) when set outside production, so no
 * sandbox setting can redirect a production shop's traffic.
 */
export function adminOrigin(shop: string, env: Record<string, string | undefined> = process.env): string {
  const override = env.SHOPIFY_ADMIN_ORIGIN;
  if (override && env.NODE_ENV !== "production") return override.replace(/\/+$/, "");
  return `https://${shop}`;
}

export function adminEndpoint(origin: string): string {
  return `${origin}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
}

/** How long until the bucket holds `requested` points again, in ms. */
export function throttleWaitMs(requested: number, status: ThrottleStatus): number {
  const missing = Math.max(0, requested - status.currentlyAvailable);
  return Math.ceil((missing / status.restoreRate) * 1000);
}

export function isMutation(query: string): boolean {
  return /^\s*(#[^\n]*\n\s*)*mutation\b/.test(query);
}

/** A mutation's `userErrors`, kept so callers can branch on their codes. */
export class ShopifyUserErrors extends SyncError {
  constructor(
    readonly operation: string,
    readonly userErrors: readonly UserError[],
    options: { terminal?: boolean; retryAfterMs?: number } = {},
  ) {
    const detail = userErrors
      .map((error) => (error.field?.length ? `${error.field.join(".")}: ${error.message}` : error.message))
      .join("; ");
    super(`Shopify refused ${operation}: ${detail}`, {
      terminal: options.terminal ?? true,
      retryAfterMs: options.retryAfterMs,
      code: userErrors[0]?.code ?? "USER_ERRORS",
    });
    this.name = "ShopifyUserErrors";
  }
}

/**
 * Throws when a mutation payload carries userErrors (no library does) or is missing; answers the payload
 * otherwise.
 */
export function checkUserErrors<T extends { userErrors?: readonly UserError[] | null }>(
  operation: string,
  payload: T | null | undefined,
): T {
  if (!payload) throw new SyncError(`Shopify returned no result for ${operation}`, { terminal: true });
  if (payload.userErrors?.length) throw new ShopifyUserErrors(operation, payload.userErrors);
  return payload;
}

function graphqlError(shop: string, errors: readonly GraphqlErrorEntry[]): SyncError {
  const code = errors.find((error) => error.extensions?.code)?.extensions?.code;
  return new SyncError(`Shopify GraphQL error for ${shop}: ${errors.map((error) => error.message).join("; ")}`, {
    terminal: !(code && TRANSIENT_GRAPHQL_CODES.has(code)),
    code,
  });
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get("retry-after");
  const seconds = value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Classifies a failed HTTP exchange (non-2xx, unreadable body, timeout, network). */
function transportError(shop: string, error: unknown): SyncError {
  if (error instanceof ClientError) {
    const { status, headers, body } = error.response;
    const errors = (error.response as { errors?: unknown }).errors;
    const detail = typeof errors === "string" ? errors : (body ?? "").slice(0, 200) || "no detail";
    return httpError(`Shopify Admin API (${shop})`, status, detail, retryAfterMs(headers));
  }
  const name = error instanceof Error ? error.name : "";
  const reason = name === "TimeoutError" || name === "AbortError" ? "timed out" : errorMessage(error);
  return new SyncError(`Shopify Admin API (${shop}) request failed: ${reason}`, { terminal: false, code: "NETWORK" });
}

function valueAt(data: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], data);
}

export class AdminClient {
  readonly shop: string;
  readonly endpoint: string;
  /** Cost and throttle status of the last answer, so callers can pace themselves. */
  lastCost: QueryCost | null = null;
  private readonly client: GraphQLClient;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxThrottleRetries: number;
  private readonly maxTransientRetries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(options: AdminClientOptions) {
    this.shop = options.shop;
    this.endpoint = adminEndpoint(options.origin ?? adminOrigin(options.shop));
    this.client = new GraphQLClient(this.endpoint, {
      headers: { "X-Shopify-Access-Token": options.accessToken },
      errorPolicy: "all",
      ...(options.fetch && { fetch: options.fetch }),
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxThrottleRetries = options.maxThrottleRetries ?? DEFAULT_THROTTLE_RETRIES;
    this.maxTransientRetries = options.maxTransientRetries ?? 2;
    this.backoffMs = options.backoffMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get throttleStatus(): ThrottleStatus | null {
    return this.lastCost?.throttleStatus ?? null;
  }

  async request<T>(query: string, variables?: Record<string, unknown>, options: RequestOptions = {}): Promise<T> {
    const idempotent = options.idempotent ?? !isMutation(query);
    let throttled = 0;
    let failures = 0;
    for (;;) {
      let response: Awaited<ReturnType<GraphQLClient["rawRequest"]>>;
      try {
        response = await this.client.rawRequest<T>({ query, variables, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        const failure = transportError(this.shop, error);
        const retry = !failure.terminal && failure.status !== 429 && idempotent && failures < this.maxTransientRetries;
        if (!retry) throw failure;
        const wait = this.backoffMs * 2 ** failures;
        failures += 1;
        log.warn("Shopify request failed; retrying", { shop: this.shop, status: failure.status, waitMs: wait });
        await this.sleep(wait);
        continue;
      }
      const cost = (response.extensions as { cost?: QueryCost } | undefined)?.cost;
      if (cost) this.lastCost = cost;
      const errors = (response.errors ?? []) as GraphqlErrorEntry[];
      if (errors.some((error) => error.extensions?.code === "THROTTLED")) {
        if (!cost) throw new SyncError(`Shopify throttled ${this.shop}`, { terminal: false, code: "THROTTLED" });
        if (cost.requestedQueryCost > cost.throttleStatus.maximumAvailable) {
          throw new SyncError(
            `Query cost ${cost.requestedQueryCost} exceeds ${this.shop}'s bucket of ${cost.throttleStatus.maximumAvailable}`,
            { terminal: true, code: "MAX_COST_EXCEEDED" },
          );
        }
        const wait = throttleWaitMs(cost.requestedQueryCost, cost.throttleStatus);
        if (throttled >= this.maxThrottleRetries) {
          throw new SyncError(`Shopify kept throttling ${this.shop}`, { terminal: false, retryAfterMs: wait, code: "THROTTLED" });
        }
        throttled += 1;
        log.info("Shopify throttled; waiting for the bucket", {
          shop: this.shop,
          waitMs: wait,
          requested: cost.requestedQueryCost,
          available: cost.throttleStatus.currentlyAvailable,
        });
        await this.sleep(wait);
        continue;
      }
      if (errors.length) throw graphqlError(this.shop, errors);
      return response.data as T;
    }
  }

  /**
   * Pages through the connection at `connectionPath` (e.g. "customers" or "product.variants"). The query
   * must take `$after: String` and select `pageInfo { hasNextPage endCursor }` with `nodes` or `edges.node`.
   */
  async *pages<TNode>(
    query: string,
    variables: Record<string, unknown>,
    connectionPath: string,
  ): AsyncGenerator<TNode[], void, undefined> {
    let after = (variables.after as string | null | undefined) ?? null;
    for (;;) {
      const data = await this.request<unknown>(query, { ...variables, after });
      const connection = valueAt(data, connectionPath) as Connection<TNode> | null | undefined;
      if (!connection) return;
      if (!connection.pageInfo) {
        throw new Error(`The query must select pageInfo { hasNextPage endCursor } on ${connectionPath}`);
      }
      yield connection.nodes ?? connection.edges?.map((edge) => edge.node) ?? [];
      const { hasNextPage, endCursor } = connection.pageInfo;
      if (!hasNextPage) return;
      if (!endCursor || endCursor === after) {
        throw new SyncError(`Shopify returned no new cursor for ${connectionPath}`, { terminal: true });
      }
      after = endCursor;
    }
  }

  /** The nodes of every page, one by one. */
  async *nodes<TNode>(
    query: string,
    variables: Record<string, unknown>,
    connectionPath: string,
  ): AsyncGenerator<TNode, void, undefined> {
    for await (const page of this.pages<TNode>(query, variables, connectionPath)) yield* page;
  }
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  return new AdminClient(options);
}
