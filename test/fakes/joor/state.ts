/**
 * In-memory state of the fake JOOR, one `FakeAccount` per JOOR account. Everything the handlers serve lives
 * here, so tests can seed it and assert on it directly.
 */

export interface V4Credentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface FakeAccountInput {
  accountId: string;
  v2Token: string;
  v4: V4Credentials;
  /** Warehouse names set up in JOOR; inventory for any other warehouse fails. */
  warehouses?: string[];
}

export type JsonRecord = Record<string, unknown>;

export interface FakeConnection {
  connectionId: string;
  customerCode: string | null;
  /** Every other v2 connection field, as the brand sent it. */
  fields: JsonRecord;
  /** JOOR's data team has not accepted the connection yet (1–2 business days in real JOOR). */
  pendingValidation: boolean;
}

export type BulkJobStatus = "queued" | "started" | "finished";

export interface BulkConnectionResult {
  customer_code: string | null;
  connection_id: string | null;
  status: "success" | "pending" | "failed";
  message: string;
}

export interface FakeBulkJob {
  jobId: string;
  status: BulkJobStatus;
  pollsLeft: number;
  records: unknown[];
  results: BulkConnectionResult[];
}

export interface FakeProduct {
  id: string;
  name: string;
  external_id?: string;
  product_identifier?: string;
  description?: string;
  order_minimum?: unknown;
  category_ids?: unknown;
  product_trait_values?: unknown;
  tags?: unknown;
}

export interface FakeTraitValue {
  trait_name: string;
  value: string;
  external_id?: string;
}

export interface FakeIdentifier {
  type: string;
  value: string;
}

export interface FakeSku {
  id: string;
  product_id: string;
  external_id?: string;
  sku_identifier?: string;
  trait_values: FakeTraitValue[];
  identifiers: FakeIdentifier[];
  status?: string;
}

export interface FakePrice {
  id: string;
  sku_id: string;
  price_type_id: string;
  wholesale_value: string;
  retail_value?: string;
}

export interface FakePriceType {
  id: string;
  label: string;
  currency: string;
}

export interface FakeCollectionItem {
  product_id: string;
  order_number?: number;
  sku_ids?: string[];
}

export interface FakeCollection {
  id: string;
  name: string;
  external_id: string;
  delivery: { type: "IMMEDIATE" | "DATE_RANGE"; start_ship_date?: string; complete_ship_date?: string; cancel_date?: string };
  items: FakeCollectionItem[];
}

export interface FakeAsset {
  id: string;
  product_id: string;
  filename: string;
  source_url: string;
  display_order?: number;
}

export interface FakeStock {
  inventory: number;
  inventory_date: string | null;
  made_to_order: boolean;
}

export type FakeOrderStatus = "IN_PROGRESS" | "NOTES" | "PENDING" | "APPROVED" | "SHIPPED" | "CANCELLED";

export interface FakeOrderLine {
  item_number?: string;
  item_name?: string;
  item_color?: string;
  item_color_code?: string;
  item_size?: string;
  item_upc?: string;
  item_quantity: number;
  item_price: number;
  item_retail_price?: number;
  item_comment?: string;
}

export interface FakeOrderExport {
  /** "failed" = acknowledged FAILED: still "not yet exported" for export_status 2 and 5, excluded by 6 and 7. */
  state: "never" | "failed" | "exported";
  modifiedSinceExport: boolean;
  /** `version` handed out by the last sync=1 read; sync=1 skips an order it already handed out unchanged. */
  syncedVersion: number | null;
  description?: string;
}

export interface FakeOrder {
  id: string;
  status: FakeOrderStatus;
  /** v2 order fields other than ids, status, dates and lines (customer, addresses, terms, delivery…). */
  fields: JsonRecord;
  lines: FakeOrderLine[];
  createdAt: number;
  approvedAt: number | null;
  modifiedAt: number;
  /** Bumped on every change in JOOR. */
  version: number;
  export: FakeOrderExport;
}

export interface CreditWindow {
  windowStart: number | null;
  used: number;
}

export interface FakeAccount {
  accountId: string;
  v2Token: string;
  v4: V4Credentials;
  warehouses: string[];
  credits: CreditWindow;
  connections: Map<string, FakeConnection>;
  bulkJobs: Map<string, FakeBulkJob>;
  products: Map<string, FakeProduct>;
  skus: Map<string, FakeSku>;
  prices: Map<string, FakePrice>;
  priceTypes: Map<string, FakePriceType>;
  collections: Map<string, FakeCollection>;
  assets: Map<string, FakeAsset>;
  /** Stock per SKU id, then per warehouse + availability date (see inventory.ts `stockKey`). */
  inventory: Map<string, Map<string, FakeStock>>;
  /** How many bulk-inventory requests carried overwrite=1 (the app must never send it). */
  overwriteRequests: number;
  orders: Map<string, FakeOrder>;
}

export interface IssuedToken {
  accountId: string;
  expiresAt: number;
}

export interface FakeState {
  accounts: Map<string, FakeAccount>;
  accessTokens: Map<string, IssuedToken>;
  refreshTokens: Map<string, IssuedToken>;
  /** Ids are handed out from one counter so every id in a run is unique and deterministic. */
  nextId: number;
}

export function createState(): FakeState {
  return { accounts: new Map(), accessTokens: new Map(), refreshTokens: new Map(), nextId: 1000 };
}

export function nextId(state: FakeState): string {
  state.nextId += 1;
  return String(state.nextId);
}

export function newAccount(input: FakeAccountInput): FakeAccount {
  return {
    accountId: input.accountId,
    v2Token: input.v2Token,
    v4: { ...input.v4 },
    warehouses: input.warehouses ?? ["Default"],
    credits: { windowStart: null, used: 0 },
    connections: new Map(),
    bulkJobs: new Map(),
    products: new Map(),
    skus: new Map(),
    prices: new Map(),
    priceTypes: new Map(),
    collections: new Map(),
    assets: new Map(),
    inventory: new Map(),
    overwriteRequests: 0,
    orders: new Map(),
  };
}

export function connectionByCode(account: FakeAccount, code: string): FakeConnection | undefined {
  for (const connection of account.connections.values()) {
    if (connection.customerCode === code) return connection;
  }
  return undefined;
}

export function skuByUpc(account: FakeAccount, upc: string): FakeSku | undefined {
  for (const sku of account.skus.values()) {
    if (sku.identifiers.some((identifier) => identifier.type === "upc" && identifier.value === upc)) return sku;
  }
  return undefined;
}

export function traitValue(sku: Pick<FakeSku, "trait_values">, traitName: string): FakeTraitValue | undefined {
  return sku.trait_values.find((trait) => trait.trait_name === traitName);
}
