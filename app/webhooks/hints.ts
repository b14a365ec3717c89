import { RecordKind, shopifyGid } from "~/records";
import { MalformedPayloadError } from "./payload";

/**
 * What a webhook tells the app, decided from its topic and payload alone. A webhook is a hint that something
 * changed, never data to forward: the worker re-reads the record before writing to JOOR.
 */
export type WebhookHint =
  | { type: "record"; kind: RecordKind; gid: string }
  | { type: "bulkOperationFinished"; gid: string; status: string }
  | { type: "uninstalled" }
  | { type: "scopesUpdate"; scopes: string[] }
  | { type: "compliance"; request: "customers/data_request" | "customers/redact" | "shop/redact"; customerGid?: string };

/** Topics as authenticate.webhook reports them, mapped to the hint they carry. */
const RECORD_TOPICS: Record<string, { kind: RecordKind; type: string; idField: string }> = {
  PRODUCTS_CREATE: { kind: RecordKind.product, type: "Product", idField: "id" },
  PRODUCTS_UPDATE: { kind: RecordKind.product, type: "Product", idField: "id" },
  PRODUCTS_DELETE: { kind: RecordKind.product, type: "Product", idField: "id" },
  CUSTOMERS_CREATE: { kind: RecordKind.customer, type: "Customer", idField: "id" },
  CUSTOMERS_UPDATE: { kind: RecordKind.customer, type: "Customer", idField: "id" },
  CUSTOMERS_DELETE: { kind: RecordKind.customer, type: "Customer", idField: "id" },
  CUSTOMER_TAGS_ADDED: { kind: RecordKind.customer, type: "Customer", idField: "customerId" },
  CUSTOMER_TAGS_REMOVED: { kind: RecordKind.customer, type: "Customer", idField: "customerId" },
  INVENTORY_LEVELS_UPDATE: { kind: RecordKind.inventoryItem, type: "InventoryItem", idField: "inventory_item_id" },
  INVENTORY_ITEMS_UPDATE: { kind: RecordKind.inventoryItem, type: "InventoryItem", idField: "id" },
  INVENTORY_ITEMS_DELETE: { kind: RecordKind.inventoryItem, type: "InventoryItem", idField: "id" },
};

export const SUBSCRIBED_TOPICS = [
  ...Object.keys(RECORD_TOPICS),
  "BULK_OPERATIONS_FINISH",
  "APP_UNINSTALLED",
  "APP_SCOPES_UPDATE",
  "CUSTOMERS_DATA_REQUEST",
  "CUSTOMERS_REDACT",
  "SHOP_REDACT",
];

/**
 * Payload fields that name the shop (app/uninstalled, shop/redact, customers/redact, data requests). Shopify's
 * HMAC covers the body only, so a signed body replayed under another shop's header must not act on that shop.
 */
const SHOP_FIELDS = ["shop_domain", "myshopify_domain"];

function checkShop(body: Record<string, unknown>, shop: string, topic: string): void {
  for (const field of SHOP_FIELDS) {
    const named = body[field];
    if (typeof named === "string" && named.trim() && named.trim().toLowerCase() !== shop.toLowerCase()) {
      throw new MalformedPayloadError(`${topic}: the payload's ${field} is ${named}, but the delivery is for ${shop}`);
    }
  }
}

/** `shop` is the delivery's X-Shopify-Shop-Domain; a payload naming another shop is refused. */
export function webhookHint(topic: string, payload: unknown, shop?: string): WebhookHint {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new MalformedPayloadError(`${topic}: the body is not a JSON object`);
  }
  const body = payload as Record<string, unknown>;
  if (shop !== undefined) checkShop(body, shop, topic);
  const record = RECORD_TOPICS[topic];
  if (record) return { type: "record", kind: record.kind, gid: recordGid(body, record.type, record.idField, topic) };

  switch (topic) {
    case "BULK_OPERATIONS_FINISH":
      return {
        type: "bulkOperationFinished",
        gid: gidField(body, "admin_graphql_api_id", "BulkOperation", topic),
        status: String(body.status ?? "").toUpperCase(),
      };
    case "APP_UNINSTALLED":
      return { type: "uninstalled" };
    case "APP_SCOPES_UPDATE": {
      const current = body.current;
      if (!Array.isArray(current) || !current.every((s) => typeof s === "string")) {
        throw new MalformedPayloadError(`${topic}: "current" must be a list of scopes`);
      }
      return { type: "scopesUpdate", scopes: current };
    }
    case "CUSTOMERS_DATA_REQUEST":
    case "CUSTOMERS_REDACT": {
      const customer = body.customer as Record<string, unknown> | undefined;
      const id = customer?.id;
      return {
        type: "compliance",
        request: topic === "CUSTOMERS_REDACT" ? "customers/redact" : "customers/data_request",
        customerGid: isId(id) ? shopifyGid("Customer", String(id)) : undefined,
      };
    }
    case "SHOP_REDACT":
      return { type: "compliance", request: "shop/redact" };
    default:
      throw new MalformedPayloadError(`Unknown webhook topic ${topic}`);
  }
}

function isId(value: unknown): value is string | number {
  return (typeof value === "number" && Number.isSafeInteger(value) && value > 0) ||
    (typeof value === "string" && /^\d+$/.test(value));
}

/** Prefer the GID Shopify sends; fall back to the numeric id (delete payloads carry only `id`). */
function recordGid(body: Record<string, unknown>, type: string, idField: string, topic: string): string {
  const given = body[idField];
  if (typeof given === "string" && given.startsWith(`gid://shopify/${type}/`)) return given;
  const fromApi = body.admin_graphql_api_id;
  if (idField === "id" && typeof fromApi === "string" && fromApi.startsWith(`gid://shopify/${type}/`)) return fromApi;
  if (isId(given)) return shopifyGid(type, String(given));
  throw new MalformedPayloadError(`${topic}: no ${type} id in "${idField}"`);
}

function gidField(body: Record<string, unknown>, field: string, type: string, topic: string): string {
  const value = body[field];
  if (typeof value === "string" && value.startsWith(`gid://shopify/${type}/`)) return value;
  throw new MalformedPayloadError(`${topic}: "${field}" is not a ${type} GID`);
}
