/**
 * Pure parts of the reconcile sweep: a periodic per-shop look at the records Shopify changed since the last
 * sweep, so a change whose webhook never arrived is still synced. The sweep only marks records dirty; the
 * flows' handlers re-read each one and decide whether JOOR needs to hear about it.
 */
import { z } from "zod";
import { hasAnyTag, hasTag } from "~/catalog/identity";
import type { ShopConfiguration } from "~/settings/settings.server";

/** How often each shop is swept. */
export const RECONCILE_INTERVAL_MINUTES = 15;

/**
 * Each sweep looks back this far before the previous sweep's start: Shopify's clock and ours may differ, and a
 * change saved just before the previous search may not have been visible to it yet. Marking a record twice
 * costs one re-read, missing one costs a stale JOOR record.
 */
export const RECONCILE_OVERLAP_MS = 2 * 60_000;

/** Records per search page (Shopify's maximum); a page of ids and tags costs about 250 points. */
export const SWEEP_PAGE_SIZE = 250;

/** The searches a sweep runs, in order. Products carry the inventory items of their variants with them. */
export const SWEEP_PHASES = ["customers", "products"] as const;
export type SweepPhase = (typeof SWEEP_PHASES)[number];

export interface SweepParts {
  customers: boolean;
  /** Products are marked for the catalog. */
  products: boolean;
  /** The inventory items of the products found are marked for the inventory sync. */
  inventory: boolean;
}

/** What the sweep looks at for the flows that are on (inventory only counts with the catalog). */
export function sweepParts(flows: ShopConfiguration["flows"]): SweepParts {
  return { customers: flows.customers, products: flows.catalog, inventory: flows.catalog && flows.inventory };
}

export function phaseRuns(phase: SweepPhase, parts: SweepParts): boolean {
  return phase === "customers" ? parts.customers : parts.products;
}

/** Whether a shop needs the sweep at all: any flow that syncs Shopify records to JOOR is on. */
export function sweepNeeded(flags: { customersEnabled: boolean; catalogEnabled: boolean; inventoryEnabled: boolean }): boolean {
  return flags.customersEnabled || flags.catalogEnabled || flags.inventoryEnabled;
}

const countsSchema = z.object({ customers: z.number(), products: z.number(), inventoryItems: z.number() });
export type SweepCounts = z.infer<typeof countsSchema>;

export const NO_MARKS: SweepCounts = { customers: 0, products: 0, inventoryItems: 0 };

export const sweepStateSchema = z.object({
  /** Records updated after this (ISO) are looked at: the previous sweep's start, less the overlap. */
  since: z.string().nullable(),
  /**
   * The sweep under way: when it started, the mark it searches from, the search it is in and its cursor, so a
   * run cut short resumes where it was.
   */
  run: z
    .object({
      startedAt: z.string(),
      since: z.string(),
      phase: z.enum(SWEEP_PHASES),
      after: z.string().nullable(),
      marked: countsSchema,
    })
    .nullable(),
  /** What the last finished sweep marked. */
  last: z.object({ finishedAt: z.string(), marked: countsSchema }).nullable(),
});

export type SweepState = z.infer<typeof sweepStateSchema>;
export type SweepRun = NonNullable<SweepState["run"]>;

/** The saved state, or a fresh one (nothing saved, or saved in another shape). */
export function readSweepState(state: unknown): SweepState {
  const parsed = sweepStateSchema.safeParse(state);
  return parsed.success ? parsed.data : { since: null, run: null, last: null };
}

/** The state a newly armed sweep starts from: it looks at everything changed from now on. */
export function armedState(now: Date): SweepState {
  return { since: highWaterMark(now), run: null, last: null };
}

/** The mark the next sweep searches from, given when this one started. */
export function highWaterMark(startedAt: Date): string {
  return new Date(startedAt.getTime() - RECONCILE_OVERLAP_MS).toISOString();
}

/** Where a sweep starts: the saved mark, or (none saved) one interval back, plus the overlap. */
export function sweepSince(state: SweepState, now: Date): string {
  return state.since ?? new Date(now.getTime() - RECONCILE_INTERVAL_MINUTES * 60_000 - RECONCILE_OVERLAP_MS).toISOString();
}

/** Shopify's search for records updated after `since` (ISO). */
export function updatedSinceQuery(since: string): string {
  return `updated_at:>'${since}'`;
}

/** A new run starting at the first search that is on; null when none is. */
export function startRun(state: SweepState, parts: SweepParts, now: Date): SweepRun | null {
  const phase = SWEEP_PHASES.find((candidate) => phaseRuns(candidate, parts));
  return phase ? { startedAt: now.toISOString(), since: sweepSince(state, now), phase, after: null, marked: { ...NO_MARKS } } : null;
}

/** The search a run is in or, when that one has been switched off since, the next one that is on. */
export function currentPhase(run: SweepRun, parts: SweepParts): SweepPhase | null {
  return phaseRuns(run.phase, parts) ? run.phase : nextPhase(run.phase, parts);
}

/** The search after `phase` that is on, or null when the run is complete. */
export function nextPhase(phase: SweepPhase, parts: SweepParts): SweepPhase | null {
  return SWEEP_PHASES.slice(SWEEP_PHASES.indexOf(phase) + 1).find((candidate) => phaseRuns(candidate, parts)) ?? null;
}

export function addCounts(a: SweepCounts, b: Partial<SweepCounts>): SweepCounts {
  return {
    customers: a.customers + (b.customers ?? 0),
    products: a.products + (b.products ?? 0),
    inventoryItems: a.inventoryItems + (b.inventoryItems ?? 0),
  };
}

/** The state once a run has finished: the next sweep searches from this run's start, less the overlap. */
export function finishedState(run: SweepRun, now: Date): SweepState {
  return { since: highWaterMark(new Date(run.startedAt)), run: null, last: { finishedAt: now.toISOString(), marked: run.marked } };
}

/** A record as the sweep's search lists it. */
export interface FoundRecord {
  id: string;
  tags: readonly string[];
}

/**
 * The records to mark: those the flow would sync (they carry its tag) and those the app already syncs and
 * has not stopped (a removed tag must reach the handler so it can stop the record). A record that never
 * concerned the flow stays out, so an ordinary retail customer or product costs nothing.
 */
export function recordsToMark(found: readonly FoundRecord[], wanted: (tags: readonly string[]) => boolean, live: ReadonlySet<string>): string[] {
  return found.filter((record) => wanted(record.tags) || live.has(record.id)).map((record) => record.id);
}

export function customerWanted(tags: readonly string[], customerTags: readonly string[]): boolean {
  return hasAnyTag(tags, customerTags);
}

export function productWanted(tags: readonly string[], productTag: string): boolean {
  return hasTag(tags, productTag);
}
