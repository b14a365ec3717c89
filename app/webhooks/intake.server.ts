import { Prisma } from "@prisma/client";
import { applyComplianceRequest } from "~/compliance/apply.server";
import { complianceRequest } from "~/compliance/requests";
import { prisma } from "~/db.server";
import { log } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { markUninstalled, updateGrantedScopes } from "~/shops.server";
import { markDirty } from "~/sync/sync-state.server";
import { wakeWaitingTasks } from "~/sync/tasks.server";
import { nudgeWorker } from "~/sync/worker.server";
import { readBodyWithin } from "./body.server";
import { webhookHint, type WebhookHint } from "./hints";
import { MalformedPayloadError, parseWebhookBody } from "./payload";

const REQUIRED_HEADERS = [
  "x-shopify-topic",
  "x-shopify-hmac-sha256",
  "x-shopify-shop-domain",
  "x-shopify-api-version",
  "x-shopify-webhook-id",
];

/** Shopify's largest payloads (a product with hundreds of variants) stay well under this. */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/**
 * Webhook intake: authenticate, record the delivery (a redelivery stops here), turn the payload into a hint
 * and apply it in the same transaction, answer. Nothing slow happens on the request path: Shopify waits 5 s
 * at most, and bursts must not queue up behind JOOR or GraphQL calls.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) return refuse(413, "Webhook body too large", { bytes: declared });

  const raw = await readBodyWithin(request, MAX_WEBHOOK_BYTES);
  if (raw === null) return refuse(413, "Webhook body too large", { limit: MAX_WEBHOOK_BYTES });

  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    // A fresh request over the bytes already read: the body is needed again below, unparsed.
    context = await authenticate.webhook(new Request(request.url, { method: request.method, headers: request.headers, body: raw }));
  } catch (error) {
    if (error instanceof Response) {
      return refuse(error.status, error.status === 401 ? "Webhook HMAC invalid" : "Webhook refused", {
        topic: request.headers.get("x-shopify-topic"),
        shop: request.headers.get("x-shopify-shop-domain"),
        missingHeaders: REQUIRED_HEADERS.filter((name) => !request.headers.get(name)),
      });
    }
    if (error instanceof SyntaxError) {
      return refuse(400, "Webhook body is not valid JSON", { topic: request.headers.get("x-shopify-topic") });
    }
    throw error;
  }

  const { shop, topic, webhookId } = context;
  let hint: WebhookHint;
  let body: unknown;
  try {
    body = parseWebhookBody(raw);
    hint = webhookHint(topic, body, shop);
  } catch (error) {
    if (error instanceof MalformedPayloadError) {
      return refuse(400, "Webhook payload malformed", { shop, topic, webhookId, reason: error.message });
    }
    throw error;
  }

  const eventId = request.headers.get("x-shopify-event-id");
  const fresh = await recordDelivery(shop, topic, webhookId, eventId, hint, body);
  if (!fresh) log.debug("Duplicate webhook delivery ignored", { shop, topic, webhookId });
  else if (hint.type === "record" || hint.type === "bulkOperationFinished") nudgeWorker();
  return new Response(null, { status: 200 });
}

function refuse(status: number, message: string, fields: Record<string, unknown>): Response {
  log.warn(message, { status, ...fields });
  return new Response(null, { status });
}

/**
 * Returns false when the delivery id was seen before (nothing is applied twice). A redelivery is found by a
 * read and commits an empty transaction rather than rolling back: on SQLite a process shares one connection,
 * so a rollback could also undo another task's write made while the transaction was open.
 */
async function recordDelivery(
  shop: string,
  topic: string,
  webhookId: string,
  eventId: string | null,
  hint: WebhookHint,
  body: unknown,
): Promise<boolean> {
  try {
    return await prisma.$transaction(async (tx) => {
      if (await tx.webhookDelivery.findUnique({ where: { webhookId }, select: { webhookId: true } })) return false;
      await tx.webhookDelivery.create({ data: { webhookId, shop, topic, eventId } });
      await applyHint(tx, shop, hint, body);
      return true;
    });
  } catch (error) {
    // Two processes recorded the same delivery at once: the other one applied it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return false;
    throw error;
  }
}

async function applyHint(tx: Prisma.TransactionClient, shop: string, hint: WebhookHint, body: unknown): Promise<void> {
  const now = new Date();
  switch (hint.type) {
    case "record":
      await markDirty(tx, { shop, kind: hint.kind, gid: hint.gid, at: now });
      return;
    case "bulkOperationFinished":
      await wakeWaitingTasks(tx, shop, now);
      return;
    case "uninstalled":
      await markUninstalled(shop, now, tx);
      return;
    case "scopesUpdate":
      await updateGrantedScopes(shop, hint.scopes, tx);
      return;
    case "compliance":
      // A customer's few rows, or one DELETE per table for a shop gone two days: small enough for this
      // transaction, which records the delivery and the request's effect together (see app/compliance).
      await applyComplianceRequest(tx, shop, complianceRequest(hint.request, hint.customerGid, body), now);
      return;
  }
}
