import { Prisma } from "@prisma/client";
import { applyComplianceRequest } from "~/compliance/apply.server";
import { complianceRequest } from "~/compliance/requests";
import { prisma } from "~/db.server";
import { log } from "~/logger.server";
import { markUninstalled, updateGrantedScopes } from "~/shops.server";
import { markManyDirty } from "~/sync/sync-state.server";
import { wakeWaitingTasks } from "~/sync/tasks.server";
import type { WebhookHint } from "./hints";

export interface Delivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  hint: WebhookHint;
  body: unknown;
}

interface Waiting extends Delivery {
  done: (fresh: boolean) => void;
  fail: (error: unknown) => void;
}

/** Deliveries written in one transaction at most; a busy moment's queue is taken in slices of this size. */
const MAX_GROUP = 200;

let queue: Waiting[] = [];
let writing = false;

/**
 * Records a delivery and applies its hint; resolves true when the delivery is new, false for a redelivery (a
 * webhook id seen before, nothing applied twice). The answer comes only after the commit, so Shopify is told
 * 200 only for what is stored.
 *
 * Group commit: deliveries that arrive while a transaction is being written wait for it and then go together in
 * the next one — one insert of all their ids, one mark statement per shop and kind — so a burst costs a few
 * transactions instead of one per webhook. A group that fails is retried one delivery at a time, so a
 * delivery that cannot be applied fails alone.
 */
export function recordDelivery(delivery: Delivery): Promise<boolean> {
  return new Promise((done, fail) => {
    queue.push({ ...delivery, done, fail });
    if (!writing) void writeQueued();
  });
}

async function writeQueued(): Promise<void> {
  writing = true;
  try {
    while (queue.length > 0) {
      // One turn of the event loop first: requests already received get to join. SQLite answers synchronously,
      // so without it a transaction would finish before any other request was read and groups would be of one.
      await new Promise((resolve) => setImmediate(resolve));
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(MAX_GROUP);
      await writeGroup(group);
    }
  } finally {
    writing = false;
  }
}

async function writeGroup(group: Waiting[]): Promise<void> {
  try {
    const fresh = await writeDeliveries(group);
    for (const delivery of group) delivery.done(fresh.has(delivery));
  } catch (error) {
    if (group.length === 1) {
      group[0].fail(error);
      return;
    }
    log.warn("Recording a group of webhook deliveries failed; recording them one at a time", { deliveries: group.length, error });
    for (const delivery of group) await writeGroup([delivery]);
  }
}

/** Writes the group in one transaction; returns the deliveries that were new (the first of a repeated id). */
async function writeDeliveries(group: Waiting[]): Promise<Set<Waiting>> {
  const firstOfId = new Map<string, Waiting>();
  for (const delivery of group) if (!firstOfId.has(delivery.webhookId)) firstOfId.set(delivery.webhookId, delivery);
  const candidates = [...firstOfId.values()];
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const rows = candidates.map((d) => Prisma.sql`(${d.webhookId}, ${d.shop}, ${d.topic}, ${d.eventId}, ${now})`);
    const inserted = await tx.$queryRaw<Array<{ webhookId: string }>>`
      INSERT INTO "WebhookDelivery" ("webhookId", "shop", "topic", "eventId", "receivedAt")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("webhookId") DO NOTHING
      RETURNING "webhookId"`;
    const insertedIds = new Set(inserted.map((row) => row.webhookId));
    const fresh = candidates.filter((delivery) => insertedIds.has(delivery.webhookId));
    await applyInOrder(tx, fresh, now);
    return new Set(fresh);
  });
}

/**
 * Applies the new deliveries' hints in arrival order. Runs of record hints become one mark statement per shop
 * and kind; any other hint (uninstall, compliance, scopes, a finished bulk operation) is applied where it
 * arrived, after the marks before it.
 */
async function applyInOrder(tx: Prisma.TransactionClient, deliveries: Delivery[], now: Date): Promise<void> {
  const marks = new Map<string, { shop: string; kind: string; gids: string[] }>();
  const flushMarks = async () => {
    for (const mark of marks.values()) await markManyDirty(tx, { ...mark, at: now });
    marks.clear();
  };
  for (const delivery of deliveries) {
    const { hint, shop } = delivery;
    if (hint.type === "record") {
      const key = `${shop}\n${hint.kind}`;
      const mark = marks.get(key) ?? { shop, kind: hint.kind, gids: [] };
      mark.gids.push(hint.gid);
      marks.set(key, mark);
      continue;
    }
    await flushMarks();
    await applyHint(tx, shop, hint, delivery.body, now);
  }
  await flushMarks();
}

async function applyHint(
  tx: Prisma.TransactionClient,
  shop: string,
  hint: Exclude<WebhookHint, { type: "record" }>,
  body: unknown,
  now: Date,
): Promise<void> {
  switch (hint.type) {
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
