import { z } from "zod";

/**
 * The merchant's flow options, stored as JSON on ShopSettings. Every field has a default, so a shop that has
 * saved nothing yet, or saved under an older version of this schema, still reads as a complete set.
 */
const tag = z.string().trim().min(1, "Enter a tag").max(40, "Tags are at most 40 characters");

export const flowOptionsSchema = z.object({
  customerTags: z.array(tag).min(1, "Choose at least one customer tag").max(10).default(["JOOR_ENABLED"]),
  productTag: tag.default("JOOR_ENABLED"),
  collectionTagPrefix: z.string().trim().min(1).max(40).default("Collection_"),
  removeConnectionOnUntag: z.boolean().default(false),
  ordersPollMinutes: z.number().int().min(1, "At least every minute").max(60, "At most every 60 minutes").default(5),
  inventoryLocationIds: z.array(z.string().max(100)).max(100).default([]),
});

export type FlowOptions = z.infer<typeof flowOptionsSchema>;

/** Reads stored options leniently: an unreadable value falls back to the defaults field by field. */
export function readFlowOptions(stored: string | null | undefined): FlowOptions {
  let raw: unknown = {};
  try {
    raw = stored ? JSON.parse(stored) : {};
  } catch {
    raw = {};
  }
  const record = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const defaults = flowOptionsSchema.parse({});
  const out: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof FlowOptions)[]) {
    const field = flowOptionsSchema.shape[key].safeParse(record[key]);
    if (field.success) out[key] = field.data;
  }
  return out as FlowOptions;
}
