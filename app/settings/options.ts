import { z } from "zod";

/**
 * The merchant's flow options, stored as JSON on ShopSettings. Every field has a default, so a shop that has
 * saved nothing yet, or saved under an older version of this schema, still reads as a complete set.
 */
const tag = z.string().trim().min(1, "Enter a tag").max(40, "Tags are at most 40 characters");

const optionName = z.string().trim().min(1, "Enter an option name").max(255);
const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).default("");

export const MISSING_BARCODE_RULES = ["sku", "variantId", "skip"] as const;
export const ORDER_INVENTORY_RULES = ["claimIfAvailable", "alwaysClaim", "leaveStock"] as const;

export const flowOptionsSchema = z.object({
  // Customers
  customerTags: z.array(tag).min(1, "Choose at least one customer tag").max(10).default(["JOOR_ENABLED"]),
  removeConnectionOnUntag: z.boolean().default(false),
  /** Applied to every connection the app creates or updates. */
  customerGroupName: optionalText(100),
  customerGroupCode: optionalText(50),
  salesRepCode: optionalText(50),

  // Catalog
  productTag: tag.default("JOOR_ENABLED"),
  collectionTagPrefix: z.string().trim().min(1, "Enter a prefix").max(40, "At most 40 characters").default("Collection_"),
  /** Linesheet names (without the prefix) whose styles are made to order. */
  madeToOrderLinesheets: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  /** Variant option names (case-insensitive) read as JOOR's Color and Size traits. */
  colorOptionNames: z.array(optionName).min(1, "Name at least one color option").max(10).default(["Color", "Colour"]),
  sizeOptionNames: z.array(optionName).min(1, "Name at least one size option").max(10).default(["Size"]),
  /** A variant without a barcode: send its SKU as the UPC, its numeric id, or leave it out with a warning. */
  missingBarcode: z.enum(MISSING_BARCODE_RULES).default("skip"),
  /** JOOR price type id (from JOOR's list) the prices are written under; empty = prices not sent. */
  priceTypeId: optionalText(100),
  /** Variant metafield holding the wholesale price, as "namespace.key"; empty = not used. */
  wholesaleMetafield: z
    .string()
    .trim()
    .max(120)
    .regex(/^$|^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}$/, 'Write it as "namespace.key"')
    .default(""),
  /** Wholesale as a percentage of retail when the metafield is absent; null = no fallback. */
  wholesalePercentOfRetail: z.number().gt(0, "Above 0%").max(100, "At most 100%").nullable().default(null),
  syncDescription: z.boolean().default(true),
  syncPrices: z.boolean().default(true),
  syncImages: z.boolean().default(true),

  // Inventory
  /** Location GIDs whose available quantities are summed; empty = every active location. */
  inventoryLocationIds: z.array(z.string().max(100)).max(100).default([]),
  /** JOOR warehouse name the stock is written to. */
  joorWarehouse: z.string().trim().min(1, "Enter a warehouse").max(100).default("Default"),

  // Orders
  ordersPollMinutes: z.number().int().min(1, "At least every minute").max(60, "At most every 60 minutes").default(5),
  /** Tags added to every imported order besides "JOOR". */
  orderTags: z.array(tag).max(10, "At most 10 tags").default([]),
  /** Stock an imported order claims: only if available, always, or none (made-to-order lines never claim). */
  orderInventory: z.enum(ORDER_INVENTORY_RULES).default("claimIfAvailable"),
  /** A JOOR retailer with no matching Shopify customer is created as one (else the order imports without a customer). */
  createOrderCustomers: z.boolean().default(true),
  /** Write a created customer's Shopify id back to JOOR as the connection's Customer Code. */
  writeBackCustomerCode: z.boolean().default(false),
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
