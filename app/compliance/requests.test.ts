import { describe, expect, it } from "vitest";
import {
  candidateEntry,
  complianceRequest,
  customerCodes,
  customerDataReport,
  dataCounts,
  redactedImportDetails,
  withoutCandidate,
  type CustomerData,
} from "./requests";

const GID = "gid://shopify/Customer/77";

describe("complianceRequest", () => {
  it.each([
    [
      "a data request with its orders and request id",
      "customers/data_request",
      { customer: { id: 77 }, orders_requested: [101, "9007199254740993123", -1, "x"], data_request: { id: 9999 } },
      {
        topic: "customers/data_request",
        customerGid: GID,
        orderGids: ["gid://shopify/Order/101", "gid://shopify/Order/9007199254740993123"],
        dataRequestId: "9999",
      },
    ],
    ["a data request without extras", "customers/data_request", { customer: { id: 77 } }, { topic: "customers/data_request", customerGid: GID, orderGids: [], dataRequestId: null }],
    ["a redaction with its orders", "customers/redact", { customer: { id: 77 }, orders_to_redact: [5, 5, 6] }, {
      topic: "customers/redact",
      customerGid: GID,
      orderGids: ["gid://shopify/Order/5", "gid://shopify/Order/6"],
    }],
    ["a redaction whose orders are not a list", "customers/redact", { orders_to_redact: "5" }, { topic: "customers/redact", customerGid: GID, orderGids: [] }],
    ["a shop erasure", "shop/redact", { shop_id: 1 }, { topic: "shop/redact" }],
  ] as const)("reads %s", (_name, topic, body, expected) => {
    expect(complianceRequest(topic, GID, body)).toEqual(expected);
  });

  it("has no customer when the hint found none", () => {
    expect(complianceRequest("customers/redact", undefined, [])).toEqual({ topic: "customers/redact", customerGid: null, orderGids: [] });
  });
});

describe("customerCodes", () => {
  it.each([
    ["its numeric id only", null, [], ["77"]],
    ["the code its sync recorded", { customerCode: "C-77" }, [], ["77", "C-77"]],
    ["codes of linked connections, once each", { customerCode: "77" }, ["R-1", null, "R-1", ""], ["77", "R-1"]],
  ])("%s", (_name, details, connectionCodes, expected) => {
    expect(customerCodes(GID, details, connectionCodes)).toEqual(expected);
  });
});

describe("candidates", () => {
  const stored = JSON.stringify([
    { gid: GID, name: "Mira Okafor", email: "mira@example.com" },
    { gid: "gid://shopify/Customer/770", name: "Other", email: "other@example.com" },
  ]);

  it("finds and removes exactly the customer's entry", () => {
    expect(candidateEntry(stored, GID)).toEqual({ gid: GID, name: "Mira Okafor", email: "mira@example.com" });
    expect(withoutCandidate(stored, GID)).toEqual([{ gid: "gid://shopify/Customer/770", name: "Other", email: "other@example.com" }]);
  });

  it.each([
    ["the customer is not listed", JSON.stringify([{ gid: "gid://shopify/Customer/770" }])],
    ["nothing is stored", null],
    ["the text is not a list", "{"],
  ])("changes nothing when %s", (_name, candidates) => {
    expect(withoutCandidate(candidates, GID)).toBeNull();
    expect(candidateEntry(candidates, GID)).toBeNull();
  });
});

describe("redactedImportDetails", () => {
  const kept = {
    customer: "code",
    matchedBy: { upc: 1, sku: 0, style: 0 },
    attempt: { at: "t", createsCustomer: false, connectionId: "9", replaces: null },
  };

  it.each([
    [
      "keeps how the order was matched and the attempt, drops free text",
      { ...kept, warnings: ["No SKU for Mira's line"], ackError: "Mira unknown" },
      { ...kept, warnings: [] },
    ],
    ["empties unreadable details", "not json", { warnings: [] }],
  ])("%s", (_name, details, expected) => {
    expect(JSON.parse(redactedImportDetails(typeof details === "string" ? details : JSON.stringify(details)) ?? "null")).toEqual(expected);
  });

  it("leaves no details as none", () => {
    expect(redactedImportDetails(null)).toBeNull();
  });
});

describe("customerDataReport", () => {
  const at = new Date("2026-04-01T08:00:00Z");
  const data: CustomerData = {
    sync: { kind: "customer", gid: GID, status: "synced", joorId: "5001", details: '{"email":"mira@example.com"}', lastError: null, lastSyncedAt: at, createdAt: at, updatedAt: at },
    linked: [
      {
        connectionId: "5001",
        customerCode: "77",
        name: "Okafor Boutique",
        contactName: "Mira Okafor",
        email: "mira@example.com",
        city: "New York",
        country: "US",
        linkedGid: GID,
        createdGid: null,
        status: "linked",
        linkSource: "code",
        linkedAt: at,
        fetchedAt: at,
        data: '{"connection_id":"5001"}',
        candidates: null,
        lastError: null,
      },
    ],
    mentioned: [],
    orders: [
      {
        joorOrderId: "J-1",
        exportGeneration: 0,
        status: "imported",
        shopifyOrderGid: "gid://shopify/Order/1",
        shopifyOrderName: "#1001",
        customerCode: "77",
        customerGid: GID,
        reason: null,
        payload: '{"order_id":"J-1","billing_email":"mira@example.com"}',
        details: '{"warnings":[]}',
        createdAt: at,
        updatedAt: at,
      },
    ],
    activity: [{ flow: "orders", action: "import", status: "imported", recordGid: "gid://shopify/Order/1", label: "JOOR order J-1", message: "Imported", details: null, createdAt: at }],
  };

  it("holds every stored value, JSON columns read as JSON", () => {
    const report = customerDataReport({ topic: "customers/data_request", customerGid: GID, orderGids: [], dataRequestId: "9" }, data, at);
    expect(report).toMatchObject({
      customer: GID,
      shopifyDataRequestId: "9",
      generatedAt: "2026-04-01T08:00:00.000Z",
      customerSync: { status: "synced", joorConnectionId: "5001", details: { email: "mira@example.com" } },
      joorConnections: [{ connectionId: "5001", contactName: "Mira Okafor", email: "mira@example.com", asJoorSentIt: { connection_id: "5001" } }],
      matchingSuggestions: [],
      orders: [{ joorOrderId: "J-1", shopifyOrderName: "#1001", joorOrder: { billing_email: "mira@example.com" }, details: { warnings: [] } }],
      activity: [{ flow: "orders", label: "JOOR order J-1", at: "2026-04-01T08:00:00.000Z" }],
    });
    expect(dataCounts(data)).toEqual({ syncRecords: 1, joorConnections: 1, matchingSuggestions: 0, orders: 1, activity: 1 });
  });
});
