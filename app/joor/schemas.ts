/**
 * zod schemas for everything JOOR answers. JOOR is loose about types, so every object keeps unknown fields,
 * numbers may arrive as strings and ids as numbers, and empty strings or nulls count as absent.
 */
import { z } from "zod";
import {
  BULK_JOB_RESULTS_KEY,
  CONNECTION_KEY,
  CONNECTION_LIST_KEY,
  ORDER_KEY,
  ORDER_LIST_KEY,
} from "./assumptions";

const absent = (value: unknown) => value === null || (typeof value === "string" && value.trim() === "");

/** Optional text: numbers become strings, "" and null become undefined. */
export const text = z.preprocess(
  (value) => (absent(value) ? undefined : typeof value === "number" ? String(value) : value),
  z.string().optional(),
);

/** A required id: JOOR sends ids as strings or numbers. */
export const idString = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  z.string().min(1),
);

/** Optional number: numeric strings ("129.99", " 3 ") become numbers, "" and null become undefined. */
export const num = z.preprocess((value) => {
  if (absent(value)) return undefined;
  return typeof value === "string" ? Number(value.trim()) : value;
}, z.number().optional());

/** A list that may come as null or be left out. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => value ?? [], z.array(item));
}

// ---------------------------------------------------------------- v2

export const v2ResponseSchema = z.looseObject({
  code: z.preprocess((value) => (typeof value === "string" ? Number(value) : value), z.number()),
  comment: text,
  log_id: text,
});

export const v2EnvelopeSchema = z.looseObject({ response: v2ResponseSchema });

const addressLines = {
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postal_code: text,
  country: text,
  phone: text,
};

export const billingAddressSchema = z.looseObject({ billing_code: text, ...addressLines });
export const shippingAddressSchema = z.looseObject({ shipping_code: text, ...addressLines });

export const joorConnectionSchema = z.looseObject({
  connection_id: idString,
  customer_code: text,
  customer_name: text,
  customer_alias: text,
  customer_contact_name: text,
  customer_contact_email: text,
  customer_buyer_name: text,
  company_number_name: text,
  company_number_code: text,
  customer_group_name: text,
  customer_group_code: text,
  sales_rep_code: text,
  connection_status: text,
  billing: z.looseObject({ billing_addresses: list(billingAddressSchema) }).optional().catch(undefined),
  shipping: z.looseObject({ shipping_addresses: list(shippingAddressSchema) }).optional().catch(undefined),
});
export type JoorConnection = z.infer<typeof joorConnectionSchema>;

export const connectionReplySchema = z.looseObject({ [CONNECTION_KEY]: joorConnectionSchema });

const pagingFields = { start_from: num, next_start: num, count: num };

export const connectionPageSchema = z.looseObject({
  ...pagingFields,
  [CONNECTION_LIST_KEY]: list(joorConnectionSchema),
});

export const bulkConnectionResultSchema = z.looseObject({
  customer_code: text,
  connection_id: text,
  status: text,
  message: text,
});

export const bulkConnectionJobSchema = z.looseObject({
  bulk_connections_job_id: idString,
  status: z.preprocess((value) => (typeof value === "string" ? value.toLowerCase() : value), z.string()),
  [BULK_JOB_RESULTS_KEY]: list(bulkConnectionResultSchema),
});

export const inventoryLogEntrySchema = z.looseObject({
  upc: text,
  style_number: text,
  color_code: text,
  size: text,
  warehouse: text,
  status: text,
  message: text,
});

export const inventoryReplySchema = z.looseObject({
  sku_count: num,
  inventory_log: list(inventoryLogEntrySchema),
});

/**
 * Order fields tolerate a value of the wrong type (it reads as absent), so one odd field fails that order with
 * a reason the merchant sees (e.g. "line 2 has no quantity") instead of the whole page of orders.
 */
const orderText = text.catch(undefined);
const orderNum = num.catch(undefined);

export const joorOrderLineSchema = z.looseObject({
  item_number: orderText,
  item_name: orderText,
  item_color: orderText,
  item_color_code: orderText,
  item_size: orderText,
  item_upc: orderText,
  item_quantity: orderNum,
  item_price: orderNum,
  item_retail_price: orderNum,
  item_comment: orderText,
});
export type JoorOrderLine = z.infer<typeof joorOrderLineSchema>;

export const joorOrderSchema = z.looseObject({
  order_id: idString,
  order_type: orderText,
  order_currency: orderText,
  order_total: orderNum,
  order_comments: orderText,
  date_created: orderText,
  date_approved: orderText,
  date_modified: orderText,
  date_ship_start: orderText,
  date_ship_end: orderText,
  customer_code: orderText,
  customer_name: orderText,
  company_name: orderText,
  customer_buyer_name: orderText,
  customer_purchase_order: orderText,
  payment_method_name: orderText,
  payment_method_code: orderText,
  shipping_method_name: orderText,
  shipping_method_code: orderText,
  shipping_name: orderText,
  shipping_phone: orderText,
  shipping_email: orderText,
  shipping_address_1: orderText,
  shipping_address_2: orderText,
  shipping_city: orderText,
  shipping_region: orderText,
  shipping_postal_code: orderText,
  shipping_country_iso_two: orderText,
  billing_name: orderText,
  billing_phone: orderText,
  billing_email: orderText,
  billing_address_1: orderText,
  billing_address_2: orderText,
  billing_city: orderText,
  billing_region: orderText,
  billing_postal_code: orderText,
  billing_country_iso_two: orderText,
  order_delivery_name: orderText,
  order_delivery_code: orderText,
  warehouse_name: orderText,
  line_items: list(joorOrderLineSchema.nullable().catch(null)),
});
export type JoorOrder = z.infer<typeof joorOrderSchema>;

/** An order JOOR lists without a usable id cannot be imported or answered: it reads as null and is logged. */
export const orderPageSchema = z.looseObject({ ...pagingFields, [ORDER_LIST_KEY]: list(joorOrderSchema.nullable().catch(null)) });
export const orderReplySchema = z.looseObject({ [ORDER_KEY]: joorOrderSchema });

// ---------------------------------------------------------------- v4

export const v4ErrorSchema = z.looseObject({
  status: z.preprocess((value) => (absent(value) ? "ERROR" : String(value)), z.string()),
  message: z.preprocess((value) => (absent(value) ? "" : String(value)), z.string()),
  details: z.record(z.string(), z.unknown()).optional().catch(undefined),
});

export const v4EnvelopeSchema = z.looseObject({
  data: list(z.unknown()),
  errors: list(v4ErrorSchema),
});

const traitValueSchema = z.looseObject({ trait_name: text, value: text, external_id: text });
const identifierSchema = z.looseObject({ type: text, value: text });

export const joorProductSchema = z.looseObject({
  id: idString,
  name: text,
  external_id: text,
  product_identifier: text,
  description: text,
});
export type JoorProduct = z.infer<typeof joorProductSchema>;

export const joorSkuSchema = z.looseObject({
  id: idString,
  product_id: text,
  external_id: text,
  sku_identifier: text,
  status: text,
  trait_values: list(traitValueSchema),
  identifiers: list(identifierSchema),
});
export type JoorSku = z.infer<typeof joorSkuSchema>;

/** Prices travel as strings ("129.99"); kept as strings so no rounding creeps in. */
const priceValue = z.preprocess((value) => (absent(value) ? undefined : typeof value === "number" ? String(value) : value), z.string().optional());

export const joorPriceSchema = z.looseObject({
  id: idString,
  sku_id: text,
  price_type_id: text,
  wholesale_value: priceValue,
  retail_value: priceValue,
});
export type JoorPrice = z.infer<typeof joorPriceSchema>;

/** A price type carries a label and a currency; other spellings of both are accepted. */
export const joorPriceTypeSchema = z
  .looseObject({ id: idString, label: text, name: text, currency: text, currency_code: text })
  .transform((type) => ({ ...type, label: type.label ?? type.name, currency: type.currency ?? type.currency_code }));
export type JoorPriceType = z.infer<typeof joorPriceTypeSchema>;

export const joorCollectionSchema = z.looseObject({
  id: idString,
  name: text,
  external_id: text,
});
export type JoorCollection = z.infer<typeof joorCollectionSchema>;

export const joorAssetSchema = z.looseObject({
  id: idString,
  product_id: text,
  filename: text,
  source_url: text,
});
export type JoorAsset = z.infer<typeof joorAssetSchema>;

export const orderAckSchema = z.looseObject({
  id: idString,
  export_status: text,
  export_description: text,
});
export type JoorOrderAckResult = z.infer<typeof orderAckSchema>;

// ---------------------------------------------------------------- v4 auth (Keycloak)

export const tokenReplySchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: num,
  refresh_token: text,
  refresh_expires_in: num,
  token_type: text,
});
