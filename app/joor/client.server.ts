/**
 * The JOOR client: every call the app makes to JOOR, for one JOOR account. Each call takes credits from the
 * account's shared budget first, and fails with a SyncError the sync engine knows how to retry or report.
 */
import type { z } from "zod";
import { errorMessage } from "~/sync/errors";
import { log } from "~/logger.server";
import {
  alignV4Results,
  BULK_CONNECTION_BATCH_SIZE,
  BULK_JOB_RESULTS_KEY,
  bulkConnectionOutcome,
  CONNECTION_KEY,
  CONNECTION_LIST_KEY,
  CONNECTION_LIST_PATH,
  connectionRekeyPath,
  duplicateExistingId,
  INVENTORY_BATCH_SIZE,
  INVENTORY_PASS,
  inventoryKey,
  ORDER_KEY,
  ORDER_LIST_KEY,
  orderFilterDate,
  V4_BULK_MAX_RECORDS,
  v2NextStart,
  type AlignKeys,
} from "./assumptions";
import { V4TokenSource, type JoorCredentials } from "./auth.server";
import { realSleep, type CreditBudget, type CreditUsage, type Sleep } from "./budget";
import { joorHosts, type JoorEnvironment, type JoorHosts } from "./hosts";
import { DEFAULT_RETRY, type RetryOptions } from "./http.server";
import {
  bulkConnectionJobSchema,
  connectionPageSchema,
  connectionReplySchema,
  inventoryReplySchema,
  joorAssetSchema,
  joorCollectionSchema,
  joorPriceSchema,
  joorPriceTypeSchema,
  joorProductSchema,
  joorSkuSchema,
  orderAckSchema,
  orderPageSchema,
  orderReplySchema,
  v2EnvelopeSchema,
  type JoorAsset,
  type JoorCollection,
  type JoorConnection,
  type JoorOrder,
  type JoorOrderAckResult,
  type JoorPrice,
  type JoorPriceType,
  type JoorProduct,
  type JoorSku,
} from "./schemas";
import { JoorTransport } from "./transport.server";
import type {
  JoorAssetInput,
  JoorCollectionInput,
  JoorCollectionUpdate,
  JoorConnectionInput,
  JoorInventoryItem,
  JoorOrderAck,
  JoorOrderQuery,
  JoorPriceInput,
  JoorPriceUpdate,
  JoorProductInput,
  JoorProductUpdate,
  JoorSkuInput,
  JoorSkuUpdate,
  JoorSkuUpdateByExternalId,
} from "./types";

export interface JoorClientOptions {
  environment: JoorEnvironment;
  accountId: string;
  credentials: JoorCredentials;
  budget: CreditBudget;
  fetch?: typeof fetch;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  /** Default: joorHosts(environment), which honours JOOR_API_URL / JOOR_AUTH_URL. */
  hosts?: JoorHosts;
}

/** One record of a v4 bulk write, in the order the records were given. */
export type V4RecordResult<T> =
  | { ok: true; id: string; record: T }
  | { ok: false; status: string; message: string; existingId?: string };

export const DUPLICATED = "DUPLICATED";

/** The record exists already in JOOR: update it instead (its id is in `existingId` when JOOR names it). */
export function isDuplicated<T>(result: V4RecordResult<T>): result is Extract<V4RecordResult<T>, { ok: false }> {
  return !result.ok && result.status === DUPLICATED;
}

export interface ConnectionPage {
  connections: JoorConnection[];
  nextStart: number | null;
}

export interface ConnectionJobSubmission {
  jobId: string;
  status: string;
  customerCodes: string[];
}

export interface ConnectionJobResult {
  customerCode: string | null;
  connectionId: string | null;
  /** synced: in JOOR; pending: awaiting JOOR's validation (not a failure); failed: refused, see message. */
  outcome: "synced" | "pending" | "failed";
  message: string;
}

export interface ConnectionJob {
  jobId: string;
  status: string;
  finished: boolean;
  results: ConnectionJobResult[];
}

export interface InventoryItemResult {
  item: JoorInventoryItem;
  ok: boolean;
  message?: string;
}

export interface InventoryUpdateResult {
  skuCount: number;
  items: InventoryItemResult[];
}

export interface OrderPage {
  orders: JoorOrder[];
  /** Listed entries without a usable order id: nothing can import or answer them (they are logged). */
  skipped: number;
  nextStart: number | null;
}

export type ConnectionCheck = { ok: true } | { ok: false; message: string };

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

const field = (name: string) => (fields: Record<string, unknown>) => {
  const value = fields[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
};

const byExternalId: AlignKeys<{ external_id?: string }> = { input: (r) => r.external_id, result: field("external_id") };
const byId: AlignKeys<{ id: string }> = { input: (r) => r.id, result: field("id") };
const byPriceKey: AlignKeys<JoorPriceInput> = {
  input: (r) => `${r.sku_id}|${r.price_type_id}`,
  result: (f) => (f.sku_id !== undefined && f.price_type_id !== undefined ? `${String(f.sku_id)}|${String(f.price_type_id)}` : undefined),
};
const byAssetKey: AlignKeys<JoorAssetInput> = {
  input: (r) => `${r.product.id}|${r.asset.filename}`,
  result: (f) => (f.product_id !== undefined && f.filename !== undefined ? `${String(f.product_id)}|${String(f.filename)}` : undefined),
};

export class JoorClient {
  readonly environment: JoorEnvironment;
  readonly accountId: string;
  private readonly budget: CreditBudget;
  private readonly transport: JoorTransport;

  constructor(options: JoorClientOptions) {
    this.environment = options.environment;
    this.accountId = options.accountId;
    this.budget = options.budget;
    const hosts = options.hosts ?? joorHosts(options.environment);
    const now = options.now ?? Date.now;
    const http = {
      fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
    };
    const tokens = new V4TokenSource({
      environment: options.environment,
      accountId: options.accountId,
      authUrl: hosts.authUrl,
      credentials: options.credentials.v4,
      http,
      now,
    });
    this.transport = new JoorTransport({
      hosts,
      accountId: options.accountId,
      v2Token: options.credentials.v2Token,
      tokens,
      budget: options.budget,
      http,
      now,
    });
  }

  creditUsage(): Promise<CreditUsage> {
    return this.budget.usage();
  }

  /** One cheap read per generation, each answered separately (ok, or JOOR's message). */
  async testConnection(): Promise<{ v2: ConnectionCheck; v4: ConnectionCheck }> {
    const check = (call: () => Promise<unknown>): Promise<ConnectionCheck> =>
      call().then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, message: errorMessage(error) }),
      );
    const [v2, v4] = await Promise.all([
      check(() => this.listOrders({ count: 1 })),
      check(() => this.listPriceTypes()),
    ]);
    return { v2, v4 };
  }

  // ---------------------------------------------------------------- connections (v2)

  async getConnectionByCode(customerCode: string): Promise<JoorConnection | null> {
    const reply = await this.transport.v2OrNull(
      { method: "GET", path: `/v2/connection/customer_code/${encodeURIComponent(customerCode)}/` },
      connectionReplySchema,
    );
    return reply?.[CONNECTION_KEY] ?? null;
  }

  async getConnection(connectionId: string): Promise<JoorConnection | null> {
    const reply = await this.transport.v2OrNull(
      { method: "GET", path: `/v2/connection/${encodeURIComponent(connectionId)}/` },
      connectionReplySchema,
    );
    return reply?.[CONNECTION_KEY] ?? null;
  }

  async listConnections(page: { startFrom?: number; count?: number } = {}): Promise<ConnectionPage> {
    const reply = await this.transport.v2(
      { method: "GET", path: CONNECTION_LIST_PATH, query: { start_from: page.startFrom ?? 0, count: page.count ?? 50 } },
      connectionPageSchema,
    );
    return { connections: reply[CONNECTION_LIST_KEY], nextStart: v2NextStart(reply.next_start) };
  }

  /** Queues upserts by customer_code; one job per batch. Poll each job with getConnectionJob. */
  async submitConnections(connections: JoorConnectionInput[]): Promise<ConnectionJobSubmission[]> {
    const submissions: ConnectionJobSubmission[] = [];
    for (const batch of chunk(connections, BULK_CONNECTION_BATCH_SIZE)) {
      const reply = await this.transport.v2(
        { method: "POST", path: "/v2/bulk-connection", body: { bulk_connections: { connection: batch } } },
        bulkConnectionJobSchema,
      );
      submissions.push({
        jobId: reply.bulk_connections_job_id,
        status: reply.status,
        customerCodes: batch.map((connection) => connection.customer_code),
      });
    }
    return submissions;
  }

  async getConnectionJob(jobId: string): Promise<ConnectionJob> {
    const reply = await this.transport.v2(
      { method: "GET", path: `/v2/bulk-connection/${encodeURIComponent(jobId)}` },
      bulkConnectionJobSchema,
    );
    return {
      jobId: reply.bulk_connections_job_id,
      status: reply.status,
      finished: reply.status === "finished",
      results: reply[BULK_JOB_RESULTS_KEY].map((result) => ({
        customerCode: result.customer_code ?? null,
        connectionId: result.connection_id ?? null,
        outcome: bulkConnectionOutcome(result.status),
        message: result.message ?? "",
      })),
    };
  }

  /** Removes the connection from the brand's list; false when JOOR has no connection with that code. */
  async deleteConnection(customerCode: string): Promise<boolean> {
    const reply = await this.transport.v2OrNull(
      { method: "DELETE", path: "/v2/connection/", query: { customer_code: customerCode } },
      v2EnvelopeSchema,
    );
    return reply !== null;
  }

  /** Sets a connection's customer code (links it to the Shopify customer with that numeric id). */
  async rekeyConnection(connectionId: string, customerCode: string): Promise<JoorConnection> {
    const reply = await this.transport.v2(
      { method: "PUT", path: connectionRekeyPath(connectionId), body: { customer_code: customerCode } },
      connectionReplySchema,
    );
    return reply[CONNECTION_KEY];
  }

  // ---------------------------------------------------------------- inventory (v2)

  /** Sets stock for the given SKUs only (never overwrite=1), in batches; one result per item, in order. */
  async updateInventory(items: JoorInventoryItem[]): Promise<InventoryUpdateResult> {
    let skuCount = 0;
    const results: InventoryItemResult[] = [];
    for (const batch of chunk(items, INVENTORY_BATCH_SIZE)) {
      const reply = await this.transport.v2(
        { method: "POST", path: "/v2/bulk-inventory", body: { inventory_items: { inventory_item: batch } } },
        inventoryReplySchema,
      );
      skuCount += reply.sku_count ?? 0;
      const byKey = new Map<string, (typeof reply.inventory_log)[number][]>();
      for (const entry of reply.inventory_log) {
        const key = inventoryKey(entry);
        byKey.set(key, [...(byKey.get(key) ?? []), entry]);
      }
      batch.forEach((item, index) => {
        const entry = byKey.get(inventoryKey(item))?.shift() ?? reply.inventory_log[index];
        results.push(
          entry
            ? { item, ok: entry.status?.toLowerCase() === INVENTORY_PASS, message: entry.message }
            : { item, ok: false, message: "JOOR returned no result for this item" },
        );
      });
    }
    return { skuCount, items: results };
  }

  // ---------------------------------------------------------------- orders (v2 read, v4 acknowledge)

  /** One page of orders, read-only (sync=0 always: sync=1 would mark them exported before they are imported). */
  async listOrders(query: JoorOrderQuery = {}): Promise<OrderPage> {
    const reply = await this.transport.v2(
      {
        method: "GET",
        path: "/v2/order/",
        priority: true,
        query: {
          sync: 0,
          order_type: query.orderType ?? 6,
          export_status: query.exportStatus ?? 5,
          start_from: query.startFrom ?? 0,
          count: query.count ?? 50,
          date_start: query.modifiedFrom ? orderFilterDate(query.modifiedFrom) : undefined,
          date_end: query.modifiedTo ? orderFilterDate(query.modifiedTo) : undefined,
          customer_code: query.customerCode,
        },
      },
      orderPageSchema,
    );
    const listed = reply[ORDER_LIST_KEY];
    const orders = listed.filter((order): order is JoorOrder => order !== null);
    const skipped = listed.length - orders.length;
    if (skipped > 0) log.warn("JOOR listed orders without a usable order id", { account: this.accountId, skipped });
    return { orders, skipped, nextStart: v2NextStart(reply.next_start) };
  }

  async getOrder(orderId: string): Promise<JoorOrder | null> {
    const reply = await this.transport.v2OrNull(
      { method: "GET", path: `/v2/order/${encodeURIComponent(orderId)}`, priority: true },
      orderReplySchema,
    );
    return reply?.[ORDER_KEY] ?? null;
  }

  /** Tells JOOR each order's import outcome; SUCCESS takes it out of "not yet exported". */
  acknowledgeOrders(acks: JoorOrderAck[]): Promise<Array<V4RecordResult<JoorOrderAckResult>>> {
    return this.bulkV4("/v4/orders/bulk_update", acks, orderAckSchema, byId, undefined, true);
  }

  // ---------------------------------------------------------------- catalog (v4)

  async listPriceTypes(): Promise<JoorPriceType[]> {
    return (await this.transport.v4({ method: "GET", path: "/v4/price_types" }, joorPriceTypeSchema)).data;
  }

  async getProducts(productIds: string[]): Promise<JoorProduct[]> {
    const products: JoorProduct[] = [];
    for (const ids of chunk(productIds, V4_BULK_MAX_RECORDS)) {
      const reply = await this.transport.v4(
        { method: "GET", path: "/v4/products", query: { product_ids: ids.join(",") } },
        joorProductSchema,
      );
      products.push(...reply.data);
    }
    return products;
  }

  createProducts(products: JoorProductInput[]): Promise<Array<V4RecordResult<JoorProduct>>> {
    return this.bulkV4("/v4/products/bulk_create", products, joorProductSchema, byExternalId);
  }

  updateProducts(products: JoorProductUpdate[]): Promise<Array<V4RecordResult<JoorProduct>>> {
    return this.bulkV4("/v4/products/bulk_update", products, joorProductSchema, byId);
  }

  createSkus(skus: JoorSkuInput[]): Promise<Array<V4RecordResult<JoorSku>>> {
    return this.bulkV4("/v4/skus/bulk_create", skus, joorSkuSchema, byExternalId);
  }

  updateSkus(skus: JoorSkuUpdate[]): Promise<Array<V4RecordResult<JoorSku>>> {
    return this.bulkV4("/v4/skus/bulk_update", skus, joorSkuSchema, byId);
  }

  updateSkusByExternalId(skus: JoorSkuUpdateByExternalId[]): Promise<Array<V4RecordResult<JoorSku>>> {
    return this.bulkV4("/v4/skus/bulk_update_by_external_id", skus, joorSkuSchema, byExternalId);
  }

  createPrices(prices: JoorPriceInput[]): Promise<Array<V4RecordResult<JoorPrice>>> {
    return this.bulkV4("/v4/prices/bulk_create", prices, joorPriceSchema, byPriceKey);
  }

  updatePrices(prices: JoorPriceUpdate[]): Promise<Array<V4RecordResult<JoorPrice>>> {
    return this.bulkV4("/v4/prices/bulk_update", prices, joorPriceSchema, byId);
  }

  createCollections(collections: JoorCollectionInput[]): Promise<Array<V4RecordResult<JoorCollection>>> {
    return this.bulkV4("/v4/collections/bulk_create", collections, joorCollectionSchema, byExternalId);
  }

  updateCollections(collections: JoorCollectionUpdate[]): Promise<Array<V4RecordResult<JoorCollection>>> {
    return this.bulkV4("/v4/collections/bulk_update", collections, joorCollectionSchema, byId);
  }

  /** Product images; with `replaceAll` each named product's images are replaced by the ones given. */
  uploadProductAssets(assets: JoorAssetInput[], options: { replaceAll?: boolean } = {}): Promise<Array<V4RecordResult<JoorAsset>>> {
    return this.bulkV4("/v4/assets/products", assets, joorAssetSchema, byAssetKey, {
      replace_all: options.replaceAll ? "true" : undefined,
    });
  }

  /**
   * A v4 bulk write in batches of JOOR's maximum, with one result per input record in input order. A batch
   * that fails as a whole throws; pass at most V4_BULK_MAX_RECORDS records to keep each call's progress.
   */
  private async bulkV4<I, S extends z.ZodType<{ id: string }>>(
    path: string,
    records: I[],
    schema: S,
    keys: AlignKeys<I>,
    query?: Record<string, string | undefined>,
    priority = false,
  ): Promise<Array<V4RecordResult<z.output<S>>>> {
    const results: Array<V4RecordResult<z.output<S>>> = [];
    for (const batch of chunk(records, V4_BULK_MAX_RECORDS)) {
      const reply = await this.transport.v4({ method: "POST", path, body: batch, query, priority }, schema);
      const aligned = alignV4Results(batch, reply.data as Array<z.output<S> & Record<string, unknown>>, reply.errors, keys);
      for (const outcome of aligned) {
        results.push(
          outcome.ok
            ? { ok: true, id: outcome.data.id, record: outcome.data }
            : {
                ok: false,
                status: outcome.error.status,
                message: outcome.error.message,
                existingId: duplicateExistingId(outcome.error.details),
              },
        );
      }
    }
    return results;
  }
}
