/**
 * What a poll does with each order JOOR lists, given what we already hold for it. Pure.
 *
 * Each OrderImport row is one export generation of a JOOR order. Generation 0 is born when the order is first
 * listed; a later one when the order comes back after JOOR accepted our SUCCESS (edited or set to re-export in
 * JOOR, see `relistedOrder`) — and that one waits for the merchant instead of importing by itself.
 */
import { contentHash } from "~/flows/content-hash";
import { ORDER_VERSION_FIELD, relistedOrder } from "~/joor/assumptions";
import type { JoorOrder } from "~/joor/schemas";
import { acknowledgementFor, ImportStatus } from "./status";

export interface GenerationFacts {
  id: string;
  generation: number;
  status: string;
  acknowledged: boolean;
  joorVersion: string | null;
}

export type ListingAction =
  /** Never seen: generation 0, queued for import. */
  | { kind: "create" }
  /** Waiting (queued, or for the merchant): keep the order as JOOR lists it now. */
  | { kind: "refresh"; rowId: string }
  /** Failed and changed in JOOR since: try again with the new version. */
  | { kind: "retry"; rowId: string }
  /** Imported (or ignored) and accepted by JOOR, now listed again: a new generation for the merchant to decide. */
  | { kind: "returned"; generation: number }
  | { kind: "none" };

/** The order's version: JOOR's date_modified, or a fingerprint of the whole order when JOOR sends none. */
export function orderVersion(order: JoorOrder): string {
  return order[ORDER_VERSION_FIELD] ?? `#${contentHash(order)}`;
}

export function listingAction(version: string, generations: readonly GenerationFacts[]): ListingAction {
  const latest = [...generations].sort((a, b) => b.generation - a.generation)[0];
  if (!latest) return { kind: "create" };
  const changed = latest.joorVersion !== version;
  switch (latest.status) {
    case ImportStatus.queued:
    case ImportStatus.review:
      return changed ? { kind: "refresh", rowId: latest.id } : { kind: "none" };
    case ImportStatus.creating:
      return { kind: "none" };
  }
  const told = latest.acknowledged ? acknowledgementFor(latest.status) : null;
  switch (relistedOrder(told)) {
    case "unacknowledged":
      return { kind: "none" };
    case "still-failed":
      return changed ? { kind: "retry", rowId: latest.id } : { kind: "none" };
    case "returned":
      return { kind: "returned", generation: latest.generation + 1 };
  }
}

/** JOOR's list can repeat an order (it shifts between pages while we read): keep each order once: where first listed, as last listed. */
export function uniqueOrders(orders: readonly JoorOrder[]): JoorOrder[] {
  const byId = new Map<string, JoorOrder>();
  // A Map keeps the first position of a key and the last value set for it.
  for (const order of orders) byId.set(order.order_id, order);
  return [...byId.values()];
}
