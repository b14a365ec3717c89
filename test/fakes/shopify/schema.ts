import { buildSchema, type GraphQLSchema } from "graphql";

/**
 * The subset of Admin GraphQL 2026-10 the app uses, with Shopify's type and field names, so a query that
 * passes here passes against Shopify (a misspelt or removed field fails validation the same way).
 */

/** ISO 4217 and ISO 3166 codes as the runtime knows them; Shopify's CurrencyCode/CountryCode enums. */
const CURRENCIES = Intl.supportedValuesOf("currency");
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
export const COUNTRY_CODES: string[] = [];
for (let a = 65; a <= 90; a++) {
  for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    if (regionNames.of(code) !== code) COUNTRY_CODES.push(code);
  }
}

export function countryName(code: string | null): string | null {
  return code ? (regionNames.of(code) ?? code) : null;
}

const connection = (type: string, edgeNode = type) => `
type ${type}Connection { edges: [${type}Edge!]! nodes: [${edgeNode}!]! pageInfo: PageInfo! }
type ${type}Edge { cursor: String! node: ${edgeNode}! }`;

const PAGING = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false";
const METAFIELDS = `
  metafield(namespace: String, key: String!): Metafield
  metafields(${PAGING}, namespace: String, keys: [String!]): MetafieldConnection!`;

export const SDL = /* GraphQL */ `
schema { query: QueryRoot mutation: Mutation }

scalar DateTime
scalar Decimal
scalar Money
scalar URL
scalar HTML
scalar UnsignedInt64
scalar JSON

enum CurrencyCode { ${CURRENCIES.join(" ")} }
enum CountryCode { ${COUNTRY_CODES.join(" ")} }

interface Node { id: ID! }
interface HasMetafields { ${METAFIELDS} }
interface LegacyInteroperability { legacyResourceId: UnsignedInt64! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Attribute { key: String! value: String }
type Count { count: Int! precision: CountPrecision! }
enum CountPrecision { AT_LEAST EXACT }

type Shop implements Node & HasMetafields {
  id: ID!
  name: String!
  myshopifyDomain: String!
  email: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  ${METAFIELDS}
}

type MailingAddress implements Node {
  id: ID!
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: CountryCode
  firstName: String
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
  formatted(withName: Boolean = false, withCompany: Boolean = true): [String!]!
}
${connection("MailingAddress")}

enum CustomerState { DECLINED DISABLED ENABLED INVITED }
enum CustomerEmailAddressMarketingState { INVALID NOT_SUBSCRIBED PENDING SUBSCRIBED UNSUBSCRIBED }
enum CustomerSmsMarketingState { NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
type CustomerEmailAddress { emailAddress: String marketingState: CustomerEmailAddressMarketingState! }
type CustomerPhoneNumber { phoneNumber: String! marketingState: CustomerSmsMarketingState! }
enum CustomerSortKeys { CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }

type Customer implements Node & HasMetafields & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  email: String @deprecated(reason: "Use defaultEmailAddress.emailAddress instead.")
  phone: String @deprecated(reason: "Use defaultPhoneNumber.phoneNumber instead.")
  defaultEmailAddress: CustomerEmailAddress
  defaultPhoneNumber: CustomerPhoneNumber
  tags: [String!]!
  note: String
  state: CustomerState!
  verifiedEmail: Boolean!
  taxExempt: Boolean!
  locale: String!
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
  createdAt: DateTime!
  updatedAt: DateTime!
  defaultAddress: MailingAddress
  addressesV2(${PAGING}): MailingAddressConnection!
  addresses(first: Int): [MailingAddress!]! @deprecated(reason: "Use addressesV2 instead.")
  orders(${PAGING}, query: String, sortKey: OrderSortKeys = ID): OrderConnection!
  ${METAFIELDS}
}
${connection("Customer")}

enum ProductStatus { ACTIVE ARCHIVED DRAFT UNLISTED }
enum ProductSortKeys { CREATED_AT ID INVENTORY_TOTAL PRODUCT_TYPE PUBLISHED_AT RELEVANCE TITLE UPDATED_AT VENDOR }
enum ProductVariantSortKeys { FULL_TITLE ID INVENTORY_LEVELS_AVAILABLE INVENTORY_MANAGEMENT INVENTORY_POLICY INVENTORY_QUANTITY NAME POPULAR POSITION RELEVANCE SKU TITLE }
enum ProductVariantInventoryPolicy { CONTINUE DENY }
enum MediaContentType { EXTERNAL_VIDEO IMAGE MODEL_3D VIDEO }
enum MediaStatus { FAILED PROCESSING READY UPLOADED }

type ProductOptionValue implements Node { id: ID! name: String! hasVariants: Boolean! }
type ProductOption implements Node { id: ID! name: String! position: Int! values: [String!]! optionValues: [ProductOptionValue!]! }
type SelectedOption { name: String! value: String! }
type Image { id: ID url: URL! altText: String width: Int height: Int }
type MediaPreviewImage { image: Image status: MediaPreviewImageStatus! }
enum MediaPreviewImageStatus { FAILED PROCESSING READY UPLOADED }

interface Media { id: ID! alt: String mediaContentType: MediaContentType! status: MediaStatus! preview: MediaPreviewImage }
type MediaImage implements Media & Node {
  id: ID!
  alt: String
  image: Image
  mimeType: String
  mediaContentType: MediaContentType!
  status: MediaStatus!
  preview: MediaPreviewImage
  createdAt: DateTime!
  updatedAt: DateTime!
}
${connection("Media")}

type Product implements Node & HasMetafields & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  description(truncateAt: Int): String!
  descriptionHtml: HTML!
  vendor: String!
  productType: String!
  status: ProductStatus!
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  publishedAt: DateTime
  totalInventory: Int!
  tracksInventory: Boolean!
  hasOnlyDefaultVariant: Boolean!
  options(first: Int): [ProductOption!]!
  variants(${PAGING}, sortKey: ProductVariantSortKeys = POSITION): ProductVariantConnection!
  variantsCount: Count
  media(${PAGING}): MediaConnection!
  featuredMedia: Media
  ${METAFIELDS}
}
${connection("Product")}

type ProductVariant implements Node & HasMetafields & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  displayName: String!
  sku: String
  barcode: String
  price: Money!
  compareAtPrice: Money
  position: Int!
  taxable: Boolean!
  inventoryPolicy: ProductVariantInventoryPolicy!
  inventoryQuantity: Int
  availableForSale: Boolean!
  selectedOptions: [SelectedOption!]!
  inventoryItem: InventoryItem!
  product: Product!
  image: Image
  media(${PAGING}): MediaConnection!
  createdAt: DateTime!
  updatedAt: DateTime!
  ${METAFIELDS}
}
${connection("ProductVariant")}

type InventoryQuantity implements Node { id: ID! name: String! quantity: Int! updatedAt: DateTime }
type InventoryLevel implements Node {
  id: ID!
  location: Location!
  item: InventoryItem!
  quantities(names: [String!]!): [InventoryQuantity!]!
  createdAt: DateTime!
  updatedAt: DateTime!
}
${connection("InventoryLevel")}

type InventoryItem implements Node & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  sku: String
  tracked: Boolean!
  requiresShipping: Boolean!
  variant: ProductVariant!
  inventoryLevels(${PAGING}): InventoryLevelConnection!
  inventoryLevel(locationId: ID!): InventoryLevel
  createdAt: DateTime!
  updatedAt: DateTime!
}
${connection("InventoryItem")}

type Location implements Node & HasMetafields & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  isActive: Boolean!
  fulfillsOnlineOrders: Boolean!
  inventoryLevels(${PAGING}): InventoryLevelConnection!
  inventoryLevel(inventoryItemId: ID!): InventoryLevel
  ${METAFIELDS}
}
${connection("Location")}

type Metafield implements Node & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  namespace: String!
  key: String!
  value: String!
  jsonValue: JSON!
  type: String!
  ownerType: MetafieldOwnerType!
  owner: HasMetafields!
  compareDigest: String!
  createdAt: DateTime!
  updatedAt: DateTime!
}
${connection("Metafield")}
enum MetafieldOwnerType { CUSTOMER LOCATION ORDER PRODUCT PRODUCTVARIANT SHOP }

enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS FULFILLMENT_STATUS ID NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_PRICE UPDATED_AT }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  variantTitle: String
  sku: String
  vendor: String
  quantity: Int!
  currentQuantity: Int!
  requiresShipping: Boolean!
  taxable: Boolean!
  variant: ProductVariant
  product: Product
  originalUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  customAttributes: [Attribute!]!
}
${connection("LineItem")}

type Order implements Node & HasMetafields & LegacyInteroperability {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  email: String
  phone: String
  sourceIdentifier: String
  sourceName: String
  tags: [String!]!
  note: String
  poNumber: String
  test: Boolean!
  closed: Boolean!
  cancelledAt: DateTime
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  currencyCode: CurrencyCode!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  customer: Customer
  billingAddress: MailingAddress
  shippingAddress: MailingAddress
  customAttributes: [Attribute!]!
  lineItems(${PAGING}): LineItemConnection!
  subtotalPriceSet: MoneyBag
  totalPriceSet: MoneyBag!
  ${METAFIELDS}
}
${connection("Order")}

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
type BulkOperation implements Node {
  id: ID!
  type: BulkOperationType!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  query: String!
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
}

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  customer(id: ID!): Customer
  customers(${PAGING}, query: String, sortKey: CustomerSortKeys = ID): CustomerConnection!
  product(id: ID!): Product
  products(${PAGING}, query: String, sortKey: ProductSortKeys = ID): ProductConnection!
  productVariant(id: ID!): ProductVariant
  productVariants(${PAGING}, query: String, sortKey: ProductVariantSortKeys = ID): ProductVariantConnection!
  inventoryItem(id: ID!): InventoryItem
  inventoryItems(${PAGING}, query: String): InventoryItemConnection!
  location(id: ID): Location
  locations(${PAGING}, query: String, includeInactive: Boolean = false): LocationConnection!
  order(id: ID!): Order
  orders(${PAGING}, query: String, sortKey: OrderSortKeys = PROCESSED_AT): OrderConnection!
  bulkOperation(id: ID!): BulkOperation
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
}

type UserError { field: [String!] message: String! }

input MailingAddressInput {
  address1: String
  address2: String
  city: String
  company: String
  countryCode: CountryCode
  firstName: String
  lastName: String
  phone: String
  provinceCode: String
  zip: String
}
input CustomerInput {
  id: ID
  email: String
  phone: String
  firstName: String
  lastName: String
  note: String
  locale: String
  taxExempt: Boolean
  tags: [String!]
  addresses: [MailingAddressInput!]
}
type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
type CustomerUpdatePayload { customer: Customer userErrors: [UserError!]! }
type TagsAddPayload { node: Node userErrors: [UserError!]! }
type TagsRemovePayload { node: Node userErrors: [UserError!]! }

input MetafieldsSetInput { ownerId: ID! namespace: String key: String! value: String! type: String compareDigest: String }
enum MetafieldsSetUserErrorCode { APP_NOT_AUTHORIZED BLANK CAPABILITY_VIOLATION INCLUSION INVALID INVALID_COMPARE_DIGEST INVALID_TYPE INVALID_VALUE LESS_THAN_OR_EQUAL_TO PRESENT STALE_OBJECT TAKEN TOO_LONG TOO_SHORT }
type MetafieldsSetUserError { field: [String!] message: String! code: MetafieldsSetUserErrorCode elementIndex: Int }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }

input MoneyInput { amount: Decimal! currencyCode: CurrencyCode! }
input MoneyBagInput { shopMoney: MoneyInput! presentmentMoney: MoneyInput }
input OrderCreateLineItemPropertyInput { name: String! value: String! }
input OrderCreateLineItemInput {
  variantId: ID
  productId: ID
  quantity: Int!
  priceSet: MoneyBagInput
  title: String
  variantTitle: String
  sku: String
  vendor: String
  requiresShipping: Boolean
  taxable: Boolean
  giftCard: Boolean
  fulfillmentService: String
  properties: [OrderCreateLineItemPropertyInput!]
}
input OrderCreateAssociateCustomerAttributesInput { id: ID! }
input OrderCreateUpsertCustomerAttributesInput {
  id: ID
  email: String
  phone: String
  firstName: String
  lastName: String
  note: String
  tags: [String!]
  taxExempt: Boolean
  multipassIdentifier: String
  addresses: [MailingAddressInput!]
}
input OrderCreateCustomerInput {
  toAssociate: OrderCreateAssociateCustomerAttributesInput
  toUpsert: OrderCreateUpsertCustomerAttributesInput
}
input OrderCreateCustomAttributeInput { key: String! value: String! }
enum OrderCreateFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderCreateFulfillmentStatus { FULFILLED PARTIAL RESTOCKED }
input OrderCreateOrderInput {
  lineItems: [OrderCreateLineItemInput!]
  customer: OrderCreateCustomerInput
  email: String
  phone: String
  billingAddress: MailingAddressInput
  shippingAddress: MailingAddressInput
  poNumber: String
  sourceIdentifier: String
  sourceName: String
  sourceUrl: URL
  tags: [String!]
  note: String
  customAttributes: [OrderCreateCustomAttributeInput!]
  financialStatus: OrderCreateFinancialStatus
  fulfillmentStatus: OrderCreateFulfillmentStatus
  processedAt: DateTime
  currency: CurrencyCode
  presentmentCurrency: CurrencyCode
  buyerAcceptsMarketing: Boolean
  taxesIncluded: Boolean
  test: Boolean
}
enum OrderCreateInputsInventoryBehavior { BYPASS DECREMENT_IGNORING_POLICY DECREMENT_OBEYING_POLICY }
input OrderCreateOptionsInput {
  inventoryBehaviour: OrderCreateInputsInventoryBehavior = BYPASS
  sendReceipt: Boolean = false
  sendFulfillmentReceipt: Boolean = false
}
enum OrderCreateUserErrorCode { FULFILLMENT_SERVICE_INVALID INVALID INVENTORY_CLAIM_FAILED PROCESSED_AT_INVALID REDUNDANT_CUSTOMER_FIELDS SHOP_DORMANT TAX_LINE_RATE_MISSING }
type OrderCreateUserError { field: [String!] message: String! code: OrderCreateUserErrorCode }
type OrderCreatePayload { order: Order userErrors: [OrderCreateUserError!]! }
input OrderInput { id: ID! note: String tags: [String!] }
type OrderUpdatePayload { order: Order userErrors: [UserError!]! }

enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }

type Mutation {
  customerCreate(input: CustomerInput!): CustomerCreatePayload
  customerUpdate(input: CustomerInput!): CustomerUpdatePayload
  tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
  tagsRemove(id: ID!, tags: [String!]!): TagsRemovePayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput): OrderCreatePayload
  orderUpdate(input: OrderInput!): OrderUpdatePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
}
`;

export const schema: GraphQLSchema = buildSchema(SDL);
