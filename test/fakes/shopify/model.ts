/** In-memory records of one fake shop. Field meanings follow the Admin API; ids are decimal strings. */

export interface AddressRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export type AddressInput = Partial<Omit<AddressRecord, "id">>;

export interface CustomerRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  state: "DISABLED" | "ENABLED" | "INVITED" | "DECLINED";
  taxExempt: boolean;
  locale: string;
  addresses: AddressRecord[];
  defaultAddressId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerInput {
  id?: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  tags?: string[];
  addresses?: AddressInput[];
  locale?: string;
  taxExempt?: boolean;
}

export interface MediaRecord {
  id: string;
  url: string;
  altText: string | null;
  mimeType: string;
}

export interface OptionRecord {
  id: string;
  name: string;
  position: number;
  values: string[];
}

export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

export interface ProductRecord {
  id: string;
  title: string;
  handle: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: ProductStatus;
  tags: string[];
  options: OptionRecord[];
  variantIds: string[];
  media: MediaRecord[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface VariantInput {
  id?: string;
  inventoryItemId?: string;
  sku?: string | null;
  barcode?: string | null;
  price?: string | number;
  compareAtPrice?: string | number | null;
  /** Option values in the product's option order, e.g. ["Red", "M"]. */
  options?: string[];
  inventoryPolicy?: "DENY" | "CONTINUE";
  tracked?: boolean;
  /** Available stock: a number for the primary location, or per location id. */
  inventory?: number | Record<string, number>;
  /** Index into the product's media used as the variant image. */
  mediaIndex?: number;
}

export interface ProductInput {
  id?: string;
  title?: string;
  handle?: string;
  descriptionHtml?: string;
  vendor?: string;
  productType?: string;
  status?: ProductStatus;
  tags?: string[];
  /** Option names, e.g. ["Color", "Size"]; a product without options gets Shopify's "Title" option. */
  options?: string[];
  media?: { url: string; altText?: string | null; mimeType?: string }[];
  variants?: VariantInput[];
}

export interface VariantRecord {
  id: string;
  productId: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  selectedOptions: { name: string; value: string }[];
  inventoryItemId: string;
  inventoryPolicy: "DENY" | "CONTINUE";
  taxable: boolean;
  mediaId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LevelRecord {
  locationId: string;
  available: number;
  committed: number;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItemRecord {
  id: string;
  variantId: string;
  tracked: boolean;
  requiresShipping: boolean;
  levels: Map<string, LevelRecord>;
  createdAt: string;
  updatedAt: string;
}

export interface LocationRecord {
  id: string;
  name: string;
  isActive: boolean;
  createdAt: string;
}

export interface MetafieldRecord {
  id: string;
  ownerGid: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface LineItemRecord {
  id: string;
  variantId: string | null;
  productId: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  unitPrice: string;
  currencyCode: string;
  properties: { name: string; value: string }[];
  requiresShipping: boolean;
  taxable: boolean;
}

export type InventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";

export interface OrderRecord {
  id: string;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  customerId: string | null;
  lineItems: LineItemRecord[];
  billingAddress: AddressRecord | null;
  shippingAddress: AddressRecord | null;
  poNumber: string | null;
  sourceIdentifier: string | null;
  sourceName: string | null;
  sourceUrl: string | null;
  tags: string[];
  note: string | null;
  customAttributes: { key: string; value: string }[];
  financialStatus: string;
  currencyCode: string;
  processedAt: string;
  createdAt: string;
  updatedAt: string;
  test: boolean;
  inventoryBehaviour: InventoryBehaviour;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";

export interface BulkOperationRecord {
  id: string;
  type: "QUERY";
  status: BulkStatus;
  errorCode: string | null;
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  /** The JSONL result, served at `url`. */
  body: string | null;
}

export interface FakeUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

/** Thrown by shop operations when input is refused; GraphQL answers it as `userErrors`, /_fake as HTTP 422. */
export class UserErrors extends Error {
  constructor(readonly errors: FakeUserError[]) {
    super(errors.map((error) => error.message).join("; "));
    this.name = "UserErrors";
  }
}
