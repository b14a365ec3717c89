import { describe, expect, it } from "vitest";
import { SUBSCRIBED_TOPICS, webhookHint } from "./hints";
import { MalformedPayloadError, parseWebhookBody } from "./payload";

describe("webhookHint", () => {
  it.each([
    ["PRODUCTS_UPDATE", { id: 1, admin_graphql_api_id: "gid://shopify/Product/1", tags: "a, b" }, "product", "gid://shopify/Product/1"],
    ["PRODUCTS_CREATE", { id: 2, admin_graphql_api_id: "gid://shopify/Product/2" }, "product", "gid://shopify/Product/2"],
    ["PRODUCTS_DELETE", { id: 3 }, "product", "gid://shopify/Product/3"],
    ["CUSTOMERS_CREATE", { id: 4, admin_graphql_api_id: "gid://shopify/Customer/4" }, "customer", "gid://shopify/Customer/4"],
    ["CUSTOMERS_UPDATE", { id: 5, email: "a@b.c" }, "customer", "gid://shopify/Customer/5"],
    ["CUSTOMERS_DELETE", { id: 6 }, "customer", "gid://shopify/Customer/6"],
    ["CUSTOMER_TAGS_ADDED", { customerId: "gid://shopify/Customer/7", tags: ["JOOR"] }, "customer", "gid://shopify/Customer/7"],
    ["CUSTOMER_TAGS_REMOVED", { customerId: "gid://shopify/Customer/8", tags: [] }, "customer", "gid://shopify/Customer/8"],
    ["INVENTORY_LEVELS_UPDATE", { inventory_item_id: 9, location_id: 1, available: 3 }, "inventoryItem", "gid://shopify/InventoryItem/9"],
    ["INVENTORY_ITEMS_UPDATE", { id: 10, admin_graphql_api_id: "gid://shopify/InventoryItem/10" }, "inventoryItem", "gid://shopify/InventoryItem/10"],
    ["INVENTORY_ITEMS_DELETE", { id: 11 }, "inventoryItem", "gid://shopify/InventoryItem/11"],
  ])("%s marks the record it names", (topic, payload, kind, gid) => {
    expect(webhookHint(topic, payload)).toEqual({ type: "record", kind, gid });
  });

  it("keeps ids beyond 2^53 exact", () => {
    const payload = parseWebhookBody('{"id": 9007199254740993123, "title": "x"}');
    expect(webhookHint("PRODUCTS_DELETE", payload)).toEqual({
      type: "record",
      kind: "product",
      gid: "gid://shopify/Product/9007199254740993123",
    });
  });

  it.each([
    ['{"id": 9007199254740993, "n": 1.5}', { id: "9007199254740993", n: 1.5 }],
    ['{"id": 999999999999999, "ids": [7890123456789]}', { id: 999999999999999, ids: [7890123456789] }],
    ['{"title": "no numbers"}', { title: "no numbers" }],
  ])("parses %s keeping only unsafe integers as strings", (raw, parsed) => {
    expect(parseWebhookBody(raw)).toEqual(parsed);
  });

  it("maps the app and compliance topics", () => {
    expect(webhookHint("APP_UNINSTALLED", { id: 1 })).toEqual({ type: "uninstalled" });
    expect(webhookHint("APP_SCOPES_UPDATE", { current: ["read_products"], previous: [] })).toEqual({
      type: "scopesUpdate",
      scopes: ["read_products"],
    });
    expect(webhookHint("CUSTOMERS_REDACT", { shop_id: 1, customer: { id: 42 } })).toEqual({
      type: "compliance",
      request: "customers/redact",
      customerGid: "gid://shopify/Customer/42",
    });
    expect(webhookHint("CUSTOMERS_DATA_REQUEST", { customer: { id: 43 } })).toMatchObject({
      request: "customers/data_request",
    });
    expect(webhookHint("SHOP_REDACT", { shop_id: 1 })).toEqual({ type: "compliance", request: "shop/redact" });
    expect(
      webhookHint("BULK_OPERATIONS_FINISH", { admin_graphql_api_id: "gid://shopify/BulkOperation/5", status: "completed" }),
    ).toEqual({ type: "bulkOperationFinished", gid: "gid://shopify/BulkOperation/5", status: "COMPLETED" });
  });

  it("knows every subscribed topic", () => {
    for (const topic of SUBSCRIBED_TOPICS) {
      let message = "";
      try {
        webhookHint(topic, {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, topic).not.toMatch(/Unknown webhook topic/);
    }
  });

  it.each([
    ["PRODUCTS_UPDATE", { title: "no id" }],
    ["PRODUCTS_UPDATE", { id: -1 }],
    ["PRODUCTS_UPDATE", { id: 1.5 }],
    ["CUSTOMER_TAGS_ADDED", { customerId: "gid://shopify/Product/1" }],
    ["INVENTORY_LEVELS_UPDATE", { inventory_item_id: "abc" }],
    ["APP_SCOPES_UPDATE", { current: "read_products" }],
    ["BULK_OPERATIONS_FINISH", { status: "completed" }],
    ["ORDERS_CREATE", { id: 1 }],
    ["PRODUCTS_UPDATE", [1, 2]],
    ["PRODUCTS_UPDATE", null],
  ])("%s with %j is malformed", (topic, payload) => {
    expect(() => webhookHint(topic, payload)).toThrow(MalformedPayloadError);
  });
});

describe("a payload naming another shop", () => {
  it.each([
    ["APP_UNINSTALLED", { id: 1, myshopify_domain: "victim.myshopify.com" }],
    ["SHOP_REDACT", { shop_id: 1, shop_domain: "victim.myshopify.com" }],
    ["CUSTOMERS_REDACT", { shop_domain: "VICTIM.myshopify.com", customer: { id: 5 } }],
  ])("%s is refused when the headers name another shop", (topic, payload) => {
    expect(() => webhookHint(topic, payload, "attacker.myshopify.com")).toThrow(MalformedPayloadError);
    expect(webhookHint(topic, payload, "victim.myshopify.com").type).not.toBe("record");
  });
});
