/** What the app sends to JOOR: one type per write, field names as JOOR spells them. */
import type { JoorBillingAddress, JoorConnectionWarehouses, JoorShippingAddress } from "./assumptions";

export interface JoorConnectionInput {
  /** The brand's key for the connection: the Shopify customer's numeric id (max 50 chars). */
  customer_code: string;
  /** Required, max 100 chars. */
  customer_name: string;
  customer_alias?: string;
  customer_contact_name?: string;
  customer_contact_email?: string;
  customer_buyer_name?: string;
  company_number_name?: string;
  company_number_code?: string;
  customer_group_name?: string;
  customer_group_code?: string;
  sales_rep_code?: string;
  warehouses?: JoorConnectionWarehouses;
  billing?: { billing_addresses: JoorBillingAddress[] };
  shipping?: { shipping_addresses: JoorShippingAddress[] };
}

export interface JoorProductInput {
  name: string;
  external_id?: string;
  product_identifier?: string;
  description?: string;
  order_minimum?: number;
  category_ids?: string[];
  product_trait_values?: unknown[];
  tags?: string[];
}

export interface JoorProductUpdate extends Partial<JoorProductInput> {
  id: string;
}

export interface JoorTraitValueInput {
  trait_name: "Color" | "Size";
  value: string;
  /** For Color: the color code. */
  external_id?: string;
}

export interface JoorIdentifierInput {
  type: "upc" | "ean" | "gtin" | "mpn";
  value: string;
}

export interface JoorSkuInput {
  product_id: string;
  external_id?: string;
  sku_identifier?: string;
  /** Both a Color and a Size trait. */
  trait_values: JoorTraitValueInput[];
  identifiers?: JoorIdentifierInput[];
  /** INACTIVE marks a color × size combination that is not sold. */
  status?: "ACTIVE" | "INACTIVE";
}

export interface JoorSkuUpdate extends Partial<JoorSkuInput> {
  id: string;
}

export interface JoorSkuUpdateByExternalId extends Partial<Omit<JoorSkuInput, "external_id">> {
  external_id: string;
}

export interface JoorPriceInput {
  sku_id: string;
  price_type_id: string;
  /** A decimal string, e.g. "129.99". */
  wholesale_value: string;
  retail_value?: string;
}

export interface JoorPriceUpdate {
  id: string;
  wholesale_value?: string;
  retail_value?: string;
}

export interface JoorCollectionItemInput {
  product_id: string;
  order_number?: number;
  sku_ids?: string[];
}

export interface JoorCollectionInput {
  name: string;
  external_id: string;
  /** No ship dates = delivery IMMEDIATE. Dates as YYYY-MM-DD. */
  delivery?: { start_ship_date?: string; complete_ship_date?: string; cancel_date?: string };
  items?: JoorCollectionItemInput[];
}

export interface JoorCollectionUpdate extends Partial<JoorCollectionInput> {
  id: string;
}

export interface JoorAssetInput {
  product: { id: string };
  /** jpeg/png/gif only (WebP is refused); file names unique, at most 100 chars. */
  asset: { type: "image"; filename: string; source_url: string };
  display_order?: number;
}

export interface JoorInventoryItem {
  /** A warehouse name set up in JOOR, else "Default". */
  warehouse: string;
  inventory: number;
  upc?: string;
  style_number?: string;
  style_identifier?: string;
  color_code?: string;
  size?: string;
  /** Empty = available now; a date (YYYY-MM-DD) = future stock. */
  inventory_date?: string;
  /** Clears the SKU's stock. */
  made_to_order?: boolean;
}

export interface JoorOrderAck {
  id: string;
  export_status: "SUCCESS" | "FAILED";
  export_description?: string;
}

/** `order_type` filter: 1 Notes, 2 Approved & Shipped, 3 Pending, 4 all but Cancelled, 5 Cancelled, 6 Approved, 7 Shipped, 8 all. */
export type JoorOrderTypeFilter = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** `export_status` filter: 1 all, 2 not yet exported (never or failed), 3 exported, 4 modified since export, 5 = 2+4, 6 never exported, 7 = 6+4. */
export type JoorExportStatusFilter = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface JoorOrderQuery {
  /** Default 6 (approved). */
  orderType?: JoorOrderTypeFilter;
  /** Default 5 (not yet exported, or modified since export). */
  exportStatus?: JoorExportStatusFilter;
  startFrom?: number;
  /** Page size (JOOR's default is 50). */
  count?: number;
  /** Modified on or after this day. */
  modifiedFrom?: Date;
  /** Modified on or before this day. */
  modifiedTo?: Date;
  customerCode?: string;
}
