import { toJsonColumn } from "./json";
import type { Db } from "./sync-state.server";

/** One line in the merchant's Activity screen. */
export interface ActivityInput {
  shop: string;
  /** customers, catalog, inventory, orders (or a task's flow). */
  flow: string;
  /** What was attempted, e.g. "sync" or a task kind. */
  action: string;
  /** e.g. synced, retry, failed, stopped. */
  status: string;
  recordGid?: string;
  label?: string;
  message?: string;
  /** JSON-serialisable extra data. */
  details?: unknown;
  at?: Date;
}

function toRow(input: ActivityInput) {
  return {
    shop: input.shop,
    flow: input.flow,
    action: input.action,
    status: input.status,
    recordGid: input.recordGid ?? null,
    label: input.label ?? null,
    message: input.message ?? null,
    details: toJsonColumn(input.details) ?? null,
    ...(input.at ? { createdAt: input.at } : {}),
  };
}

export async function recordActivity(db: Db, input: ActivityInput): Promise<void> {
  await db.activityEvent.create({ data: toRow(input) });
}

/** Many events in one statement (a batch's outcomes). */
export async function recordActivities(db: Db, inputs: ActivityInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await db.activityEvent.createMany({ data: inputs.map(toRow) });
}

/** Webhook delivery ids only need to outlive Shopify's redelivery window; older rows are dropped. */
export async function pruneWebhookDeliveries(db: Db, olderThan: Date): Promise<number> {
  const result = await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return result.count;
}
