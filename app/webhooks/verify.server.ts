import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies a webhook delivery the way Shopify documents it: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of
 * the raw body under the app's secret, and the delivery names its topic, shop, API version and webhook id.
 * The answers match authenticate.webhook's (401 for a bad signature, 400 for a missing body, signature or
 * header; topics as "PRODUCTS_UPDATE"), without its offline-session read, which the intake has no use for and
 * which would cost a database query per delivery.
 */
export type WebhookVerdict =
  | { ok: true; shop: string; topic: string; webhookId: string; apiVersion: string; eventId: string | null }
  | { ok: false; status: 400 | 401; reason: string; missingHeaders?: string[] };

const HEADER = {
  hmac: "x-shopify-hmac-sha256",
  topic: "x-shopify-topic",
  shop: "x-shopify-shop-domain",
  apiVersion: "x-shopify-api-version",
  webhookId: "x-shopify-webhook-id",
  eventId: "x-shopify-event-id",
} as const;

/** A topic as stored and reported by Shopify's library: "customer.tags_added" → "CUSTOMER_TAGS_ADDED". */
export function topicKey(topic: string): string {
  return topic.toUpperCase().replace(/[/.]/g, "_");
}

function signatureMatches(rawBody: string, hmac: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmac, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function verifyWebhook(headers: Headers, rawBody: string, secret: string): WebhookVerdict {
  if (rawBody.length === 0) return { ok: false, status: 400, reason: "missing body" };
  const hmac = headers.get(HEADER.hmac);
  if (!hmac) return { ok: false, status: 400, reason: "missing signature", missingHeaders: [HEADER.hmac] };
  if (!secret || !signatureMatches(rawBody, hmac, secret)) return { ok: false, status: 401, reason: "invalid signature" };
  const required = [HEADER.topic, HEADER.shop, HEADER.apiVersion, HEADER.webhookId];
  const missingHeaders = required.filter((name) => !headers.get(name));
  if (missingHeaders.length > 0) return { ok: false, status: 400, reason: "missing headers", missingHeaders };
  return {
    ok: true,
    shop: headers.get(HEADER.shop) as string,
    topic: topicKey(headers.get(HEADER.topic) as string),
    webhookId: headers.get(HEADER.webhookId) as string,
    apiVersion: headers.get(HEADER.apiVersion) as string,
    eventId: headers.get(HEADER.eventId),
  };
}
