/** Pure parts of the "sync all customers" backfill: the bulk query and the task's saved progress. */
import { z } from "zod";

/** A value in Shopify's search syntax, quoted so spaces, colons and quotes in a tag stay part of it. */
export function searchValue(value: string): string {
  const escaped = value.replace(/\\/g, "\\\\");
  return value.includes("'") ? `"${escaped.replace(/"/g, '\\"')}"` : `'${escaped}'`;
}

/** Customers carrying any of the tags: `tag:'A' OR tag:'B'`. */
export function customerTagSearch(tags: readonly string[]): string {
  return tags.map((tag) => `tag:${searchValue(tag.trim())}`).join(" OR ");
}

/** The bulk query listing the ids of every customer carrying one of the tags. */
export function customersBulkQuery(tags: readonly string[]): string {
  return `{ customers(query: ${JSON.stringify(customerTagSearch(tags))}) { edges { node { id } } } }`;
}

const progressSchema = z.object({ done: z.number(), total: z.number().nullable() });

export const backfillStateSchema = z.discriminatedUnion("phase", [
  /** The bulk operation runs; the task waits for its webhook. */
  z.object({
    phase: z.literal("running"),
    operationId: z.string(),
    processed: z.number(),
    url: z.null(),
    progress: progressSchema,
  }),
  /** Streaming the result: `processed` lines of it are already marked. */
  z.object({
    phase: z.literal("reading"),
    operationId: z.string(),
    processed: z.number(),
    url: z.string(),
    progress: progressSchema,
  }),
  z.object({
    phase: z.literal("done"),
    operationId: z.string().nullable(),
    processed: z.number(),
    url: z.string().nullable(),
    progress: progressSchema,
  }),
]);

/** Saved progress; `progress` is the dashboard's convention ({done, total}) for the progress bar. */
export type BackfillState = z.infer<typeof backfillStateSchema>;

/** The saved progress, or null to start afresh (nothing saved, or saved by an older version). */
export function readBackfillState(state: unknown): BackfillState | null {
  const parsed = backfillStateSchema.safeParse(state);
  return parsed.success ? parsed.data : null;
}
