/**
 * The customer sync's decisions, pure: what JOOR is known to hold for a customer, and what to do next given
 * the customer as Shopify has it now. The handler (sync.server.ts) gathers the facts and carries out the
 * decision.
 */
import { hasAnyTag } from "~/catalog/identity";
import type { ConnectionJobResult } from "~/joor/client.server";
import type { FlowOptions } from "~/settings/options";
import type { CustomerJob, CustomerSyncDetails } from "./details";
import type { CustomerLink } from "./link";
import type { CustomerMapping, ShopifyCustomer } from "./mapping";

/** First look at a submitted job, and the shortest wait between looks. */
export const JOB_RECHECK_MIN_MS = 5_000;
/** A long job is looked at no less often than this. */
export const JOB_RECHECK_MAX_MS = 120_000;
/** JOOR's data team validates new connections in 1–2 business days: look hourly. */
export const VALIDATION_RECHECK_MS = 3_600_000;

export const REASONS = {
  flowOff: "Customer sync is off",
  deleted: "Deleted in Shopify",
  tagRemoved: "Tag removed",
  tagRemovedAndDeleted: "Tag removed; the connection was removed from JOOR",
  notTagged: "Not tagged for JOOR",
  sent: "Sent to JOOR; waiting for JOOR's bulk job",
  waitingForJob: "Waiting for JOOR's bulk job before applying the latest change",
  pendingValidation: "Pending JOOR validation",
  noJobResult: "JOOR's bulk job finished without a result for this customer",
  refused: "JOOR refused the connection",
} as const;

/** What JOOR holds for one customer, as far as the app knows. */
export interface JoorKnowledge {
  /** The JOOR connection id. */
  joorId: string | null;
  /** Hash of the last payload JOOR accepted. */
  acceptedHash: string | null;
  validation: "pending" | "validated" | null;
  /** When JOOR last told the connection's state (ISO time). */
  checkedAt: string | null;
  /** A job JOOR is still working on. */
  job: CustomerJob | null;
  /** JOOR refused the payload with this hash (learned from a job during this run). */
  refusal: { hash: string; reason: string } | null;
  /** JOOR's state was learned during this run, so there is no need to ask again. */
  fresh: boolean;
  /** A connection payload was ever sent for this customer. */
  sent: boolean;
}

export function knowledgeOf(state: { joorId: string | null; contentHash: string | null }, details: CustomerSyncDetails): JoorKnowledge {
  return {
    joorId: state.joorId,
    acceptedHash: state.contentHash,
    validation: details.validation,
    checkedAt: details.checkedAt,
    job: details.job,
    refusal: null,
    fresh: false,
    sent: details.connection !== null,
  };
}

/** A job as polled during this run. */
export type JobView =
  | { state: "running" }
  /** JOOR no longer knows the job: what it carried is not known to be in JOOR. */
  | { state: "lost" }
  | { state: "finished"; result: ConnectionJobResult | null };

/** Folds a polled job's result for this customer into what is known. */
export function applyJob(knowledge: JoorKnowledge, view: JobView | undefined, now: Date): JoorKnowledge {
  const job = knowledge.job;
  if (!job || !view || view.state === "running") return knowledge;
  if (view.state === "lost") return { ...knowledge, job: null };
  const result = view.result;
  if (!result || result.outcome === "failed") {
    const reason = result ? result.message || REASONS.refused : REASONS.noJobResult;
    return { ...knowledge, job: null, refusal: { hash: job.hash, reason } };
  }
  return {
    ...knowledge,
    job: null,
    joorId: result.connectionId ?? knowledge.joorId,
    acceptedHash: job.hash,
    validation: result.outcome === "synced" ? "validated" : "pending",
    checkedAt: now.toISOString(),
    refusal: null,
    // Without a connection id, the connection itself is read before settling.
    fresh: result.connectionId !== null,
  };
}

/** What a check of the connection in JOOR found. */
export type ConnectionCheck = { found: false } | { found: true; connectionId: string; pending: boolean };

export function applyCheck(knowledge: JoorKnowledge, check: ConnectionCheck, now: Date): JoorKnowledge {
  if (!check.found) return { ...knowledge, joorId: null, acceptedHash: null, validation: null, checkedAt: null, fresh: true };
  return {
    ...knowledge,
    joorId: check.connectionId,
    validation: check.pending ? "pending" : "validated",
    checkedAt: now.toISOString(),
    fresh: true,
  };
}

/** Waits grow with the job's age: a quick job is seen quickly, a long one costs few polls. */
export function jobRecheckDelay(elapsedMs: number): number {
  return Math.min(JOB_RECHECK_MAX_MS, Math.max(JOB_RECHECK_MIN_MS, Math.floor(elapsedMs / 2)));
}

export interface DecideInput {
  flowOn: boolean;
  options: Pick<FlowOptions, "customerTags" | "removeConnectionOnUntag">;
  /** null: the customer no longer exists in Shopify. */
  customer: ShopifyCustomer | null;
  /** The mapping of `customer` (null when there is no customer). */
  mapping: CustomerMapping | null;
  /** Hash of the mapped connection payload. */
  hash: string | null;
  knowledge: JoorKnowledge;
  now: Date;
}

export type Decision =
  | { action: "stop"; reason: string }
  /** A job is still running: look again later, then act on the customer as it is then. */
  | { action: "wait"; reason: string; recheckAt: Date }
  | { action: "untag"; removeFromJoor: boolean }
  | { action: "fail"; reason: string }
  /** Ask JOOR for the connection (its id, whether it is validated). */
  | { action: "check" }
  | { action: "submit" }
  /** JOOR holds the current payload and awaits validation: look again at `recheckAt`. */
  | { action: "settle"; status: "pending"; recheckAt: Date }
  /** JOOR holds the current payload, validated: newly synced, or unchanged since the last sync. */
  | { action: "settle"; status: "synced" | "unchanged" };

export function decide(input: DecideInput): Decision {
  const { knowledge, customer, mapping } = input;
  if (!input.flowOn) return { action: "stop", reason: REASONS.flowOff };
  if (!customer || !mapping) return { action: "stop", reason: REASONS.deleted };
  if (knowledge.job) {
    const elapsed = input.now.getTime() - Date.parse(knowledge.job.submittedAt);
    const current = mapping.ok && input.hash === knowledge.job.hash && hasAnyTag(customer.tags, input.options.customerTags);
    return {
      action: "wait",
      reason: current ? REASONS.sent : REASONS.waitingForJob,
      recheckAt: new Date(input.now.getTime() + jobRecheckDelay(Number.isFinite(elapsed) ? elapsed : 0)),
    };
  }
  if (!hasAnyTag(customer.tags, input.options.customerTags)) {
    const inJoor = knowledge.joorId !== null || knowledge.acceptedHash !== null;
    return { action: "untag", removeFromJoor: input.options.removeConnectionOnUntag && inJoor };
  }
  if (!mapping.ok) return { action: "fail", reason: mapping.reason };
  if (knowledge.refusal && knowledge.refusal.hash === input.hash) return { action: "fail", reason: knowledge.refusal.reason };
  if (input.hash !== knowledge.acceptedHash) return { action: "submit" };
  if (knowledge.joorId !== null && knowledge.validation === "validated") {
    return { action: "settle", status: knowledge.fresh ? "synced" : "unchanged" };
  }
  const recheckAt = validationRecheckAt(knowledge, input.now);
  // JOOR is asked again only when its last answer is an hour old: our own metafield write re-marks the
  // customer right after it settles, and must not cost a JOOR read.
  const known = knowledge.fresh || (knowledge.joorId !== null && knowledge.validation === "pending" && recheckAt > input.now);
  return known ? { action: "settle", status: "pending", recheckAt } : { action: "check" };
}

/** An hour after JOOR last told the connection's state (now, when that is unknown). */
export function validationRecheckAt(knowledge: Pick<JoorKnowledge, "checkedAt">, now: Date): Date {
  const checked = knowledge.checkedAt ? Date.parse(knowledge.checkedAt) : NaN;
  return Number.isFinite(checked) ? new Date(checked + VALIDATION_RECHECK_MS) : now;
}

/** The stop reason for an untagged customer; a removal stays the reason on later runs (`previousReason`). */
export function untagReason(knowledge: JoorKnowledge, removed: boolean, previousReason: string | null): string {
  if (removed || previousReason === REASONS.tagRemovedAndDeleted) return REASONS.tagRemovedAndDeleted;
  return knowledge.sent || knowledge.acceptedHash !== null ? REASONS.tagRemoved : REASONS.notTagged;
}

/**
 * The link the Shopify customer should carry after this run, or null to leave the metafield as it is: written
 * once the connection is in JOOR, and turned to "stopped" when the tag goes (only if a link was written).
 */
export function desiredLink(
  decision: Decision,
  knowledge: JoorKnowledge,
  customerCode: string,
  hasLink: boolean,
): CustomerLink | null {
  if (decision.action === "settle") {
    const status = decision.status === "pending" ? "pending_validation" : "synced";
    return { status, customerCode, connectionId: knowledge.joorId };
  }
  if (decision.action === "untag" && hasLink) {
    return { status: "stopped", customerCode, connectionId: knowledge.joorId };
  }
  return null;
}
