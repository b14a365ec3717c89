import { describe, expect, it } from "vitest";
import { ShopifyUserErrors } from "~/shopify/admin-client.server";
import { httpError, ShopGoneError, SyncError } from "~/sync/errors";
import { classifyCreateFailure } from "./outcomes";

describe("what a failed orderCreate means", () => {
  it("gives Shopify's refusal a reason the merchant recognises", () => {
    const refusal = (code: string | null, field: string[] | null, message: string) =>
      classifyCreateFailure(new ShopifyUserErrors("orderCreate", [{ code, field, message }]));
    expect(refusal("INVENTORY_CLAIM_FAILED", ["order", "lineItems", "0"], "Unable to claim inventory")).toEqual({
      kind: "refused",
      reason: "Stock claim failed: Unable to claim inventory",
    });
    expect(refusal("INVALID", ["order", "shippingAddress", "zip"], "Zip is invalid")).toEqual({ kind: "refused", reason: "Invalid address: Zip is invalid" });
    expect(refusal("INVALID", ["order", "lineItems", "0", "variantId"], "Variant does not exist")).toEqual({
      kind: "refused",
      reason: "Shopify refused the order: Variant does not exist",
    });
  });

  it("waits out rate limits: a 429 (the development store's order limit) or cost throttling", () => {
    expect(classifyCreateFailure(httpError("Shopify", 429, "Exceeded order API rate limit", 42_000))).toEqual({ kind: "limited", retryAfterMs: 42_000 });
    expect(classifyCreateFailure(httpError("Shopify", 429, "no Retry-After"))).toEqual({ kind: "limited", retryAfterMs: 60_000 });
    expect(classifyCreateFailure(new SyncError("throttled", { terminal: false, code: "THROTTLED", retryAfterMs: 3_000 }))).toEqual({
      kind: "limited",
      retryAfterMs: 3_000,
    });
  });

  it("stops the poll when the shop refuses every request, without counting it against the order", () => {
    expect(classifyCreateFailure(new ShopGoneError("a.myshopify.com")).kind).toBe("unsent");
    expect(classifyCreateFailure(httpError("Shopify", 401, "Invalid API key")).kind).toBe("unsent");
    expect(classifyCreateFailure(httpError("Shopify", 403, "Access denied")).kind).toBe("unsent");
  });

  it("fails the order on a request Shopify refused unread", () => {
    expect(classifyCreateFailure(new SyncError("Variable $order was provided invalid value", { terminal: true, code: "INVALID_VARIABLE" }))).toEqual({
      kind: "refused",
      reason: "Shopify refused the order: Variable $order was provided invalid value",
    });
    expect(classifyCreateFailure(httpError("Shopify", 422, "Unprocessable")).kind).toBe("refused");
  });

  it("treats a lost answer as unknown: Shopify may have the order", () => {
    expect(classifyCreateFailure(httpError("Shopify", 503, "Service Unavailable")).kind).toBe("unknown");
    expect(classifyCreateFailure(new SyncError("timed out", { terminal: false, code: "NETWORK" })).kind).toBe("unknown");
    expect(classifyCreateFailure(new Error("socket hang up")).kind).toBe("unknown");
  });
});
