import { describe, expect, it } from "vitest";
import { signWebhookBody } from "../../test/fakes/shopify/webhooks";
import { topicKey, verifyWebhook } from "./verify.server";

const SECRET = "verify-secret";
const BODY = '{"id":1}';

function headers(overrides: Record<string, string | null> = {}): Headers {
  const values: Record<string, string | null> = {
    "X-Shopify-Hmac-Sha256": signWebhookBody(BODY, SECRET),
    "X-Shopify-Topic": "products/update",
    "X-Shopify-Shop-Domain": "verify.myshopify.com",
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": "w-1",
    "X-Shopify-Event-Id": "e-1",
    ...overrides,
  };
  const result = new Headers();
  for (const [name, value] of Object.entries(values)) if (value !== null) result.set(name, value);
  return result;
}

describe("verifyWebhook", () => {
  it("accepts a signed delivery and reports it as Shopify's library does", () => {
    expect(verifyWebhook(headers(), BODY, SECRET)).toEqual({
      ok: true,
      shop: "verify.myshopify.com",
      topic: "PRODUCTS_UPDATE",
      webhookId: "w-1",
      apiVersion: "2026-10",
      eventId: "e-1",
    });
  });

  it.each<{ case: string; headers: Record<string, string | null>; body: string; secret: string; status: number }>([
    { case: "a signature over another body", headers: {}, body: '{"id":2}', secret: SECRET, status: 401 },
    { case: "another app's secret", headers: {}, body: BODY, secret: "other-secret", status: 401 },
    { case: "no secret configured", headers: {}, body: BODY, secret: "", status: 401 },
    { case: "a signature that is not base64 of 32 bytes", headers: { "X-Shopify-Hmac-Sha256": "bad" }, body: BODY, secret: SECRET, status: 401 },
    { case: "no signature", headers: { "X-Shopify-Hmac-Sha256": null }, body: BODY, secret: SECRET, status: 400 },
    { case: "an empty body", headers: {}, body: "", secret: SECRET, status: 400 },
    { case: "no topic", headers: { "X-Shopify-Topic": null }, body: BODY, secret: SECRET, status: 400 },
    { case: "no shop", headers: { "X-Shopify-Shop-Domain": null }, body: BODY, secret: SECRET, status: 400 },
    { case: "no API version", headers: { "X-Shopify-API-Version": null }, body: BODY, secret: SECRET, status: 400 },
    { case: "no webhook id", headers: { "X-Shopify-Webhook-Id": null }, body: BODY, secret: SECRET, status: 400 },
  ])("refuses $case with $status", ({ headers: overrides, body, secret, status }) => {
    expect(verifyWebhook(headers(overrides), body, secret)).toMatchObject({ ok: false, status });
  });

  it("names the missing headers", () => {
    expect(verifyWebhook(headers({ "X-Shopify-Topic": null, "X-Shopify-Webhook-Id": null }), BODY, SECRET)).toMatchObject({
      missingHeaders: ["x-shopify-topic", "x-shopify-webhook-id"],
    });
  });

  it("verifies the bytes as sent, multibyte text included", () => {
    const body = '{"title":"Robe à fleurs — été"}';
    expect(verifyWebhook(headers({ "X-Shopify-Hmac-Sha256": signWebhookBody(body, SECRET) }), body, SECRET).ok).toBe(true);
  });

  it("has no event id when the delivery carries none", () => {
    expect(verifyWebhook(headers({ "X-Shopify-Event-Id": null }), BODY, SECRET)).toMatchObject({ ok: true, eventId: null });
  });

  it.each([
    ["products/update", "PRODUCTS_UPDATE"],
    ["customer.tags_added", "CUSTOMER_TAGS_ADDED"],
    ["bulk_operations/finish", "BULK_OPERATIONS_FINISH"],
    ["app/scopes_update", "APP_SCOPES_UPDATE"],
  ])("names topic %s %s", (topic, key) => {
    expect(topicKey(topic)).toBe(key);
  });
});
