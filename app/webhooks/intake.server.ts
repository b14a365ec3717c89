import { log } from "~/logger.server";
import { nudgeWorker } from "~/sync/worker.server";
import { readBodyWithin } from "./body.server";
import { webhookHint, type WebhookHint } from "./hints";
import { MalformedPayloadError, parseWebhookBody } from "./payload";
import { recordDelivery } from "./record.server";
import { verifyWebhook } from "./verify.server";

/** Shopify's largest payloads (a product with hundreds of variants) stay well under this. */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/**
 * Webhook intake: verify the signature, turn the payload into a hint, record the delivery and apply the hint
 * in one transaction (a redelivery stops there; concurrent deliveries share a transaction, see
 * record.server.ts), answer. Nothing slow happens on the request path: Shopify waits 5 s at most, and bursts
 * must not queue up behind JOOR or GraphQL calls.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) return refuse(413, "Webhook body too large", { bytes: declared });

  const raw = await readBodyWithin(request, MAX_WEBHOOK_BYTES);
  if (raw === null) return refuse(413, "Webhook body too large", { limit: MAX_WEBHOOK_BYTES });

  const verdict = verifyWebhook(request.headers, raw, process.env.SHOPIFY_API_SECRET ?? "");
  if (!verdict.ok) {
    return refuse(verdict.status, verdict.status === 401 ? "Webhook HMAC invalid" : "Webhook refused", {
      reason: verdict.reason,
      topic: request.headers.get("x-shopify-topic"),
      shop: request.headers.get("x-shopify-shop-domain"),
      missingHeaders: verdict.missingHeaders,
    });
  }

  const { shop, topic, webhookId, eventId } = verdict;
  let hint: WebhookHint;
  let body: unknown;
  try {
    body = parseWebhookBody(raw);
    hint = webhookHint(topic, body, shop);
  } catch (error) {
    if (error instanceof SyntaxError) return refuse(400, "Webhook body is not valid JSON", { shop, topic, webhookId });
    if (error instanceof MalformedPayloadError) {
      return refuse(400, "Webhook payload malformed", { shop, topic, webhookId, reason: error.message });
    }
    throw error;
  }

  const fresh = await recordDelivery({ shop, topic, webhookId, eventId, hint, body });
  if (!fresh) log.debug("Duplicate webhook delivery ignored", { shop, topic, webhookId });
  else if (hint.type === "record" || hint.type === "bulkOperationFinished") nudgeWorker();
  return new Response(null, { status: 200 });
}

function refuse(status: number, message: string, fields: Record<string, unknown>): Response {
  log.warn(message, { status, ...fields });
  return new Response(null, { status });
}
