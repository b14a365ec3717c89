import { GraphQLError } from "graphql";
import { compareTuples, connection, type ConnectionArgs, type SortTuple } from "./connection";
import { gid, parseGid } from "./ids";
import type {
  AddressRecord,
  CustomerInput,
  BulkOperationRecord,
  CustomerRecord,
  InventoryBehaviour,
  InventoryItemRecord,
  LevelRecord,
  LineItemRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  VariantRecord,
} from "./model";
import { UserErrors } from "./model";
import { inventoryLevelGid } from "./payloads";
import { countryName } from "./schema";
import { compileSearch, type SearchSpec, type SearchWarning } from "./search";
import { compareDigest, type FakeShop, type MetafieldSetInput, type OrderInput } from "./shop";

/**
 * Resolvers over a FakeShop. Views are plain objects whose function-valued fields graphql-js calls with
 * (args, context), so nested data is only built when a query selects it.
 */

export interface RequestContext {
  shop: FakeShop;
  /** Bulk operations read whole connections, without `first`. */
  bulk: boolean;
  scopes: ReadonlySet<string>;
  searchWarnings: { path: string[]; query: string; warnings: SearchWarning[] }[];
  startBulkQuery: (query: string) => BulkOperationRecord;
}

type Args = Record<string, unknown>;
type View = Record<string, unknown>;

const MAX_METAFIELDS_PER_SET = 25;

function requireScope(ctx: RequestContext, field: string, scope: string): void {
  const [verb, resource] = scope.split("_", 2);
  const satisfied = ctx.scopes.has(scope) || (verb === "read" && ctx.scopes.has(`write_${resource}`));
  if (!satisfied) {
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: {
        code: "ACCESS_DENIED",
        documentation: "https://shopify.dev/api/usage/access-scopes",
        requiredAccess: `\`${scope}\` access scope.`,
      },
    });
  }
}

const SCOPE_BY_TYPE: Record<string, string> = {
  Customer: "customers",
  Product: "products",
  ProductVariant: "products",
  InventoryItem: "inventory",
  InventoryLevel: "inventory",
  Location: "locations",
  Order: "orders",
};

/** Shopify's Decimal: "12.5", "10.0". */
function decimal(amount: string | number): string {
  const text = String(Number(amount));
  return text.includes(".") ? text : `${text}.0`;
}

function moneyBag(amount: string | number, currencyCode: string) {
  const money = { amount: decimal(amount), currencyCode };
  return { shopMoney: money, presentmentMoney: money };
}

function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

function byTuple<T>(items: T[], tupleOf: (item: T) => SortTuple): T[] {
  return [...items].sort((a, b) => compareTuples(tupleOf(a), tupleOf(b)));
}

/** A connection over `items`, filtered by the search query and ordered by the sort key. */
function list<T extends { id: string }>(
  ctx: RequestContext,
  path: string,
  items: T[],
  args: Args,
  view: (item: T) => View,
  options: { search?: SearchSpec<T>; sortValue?: (item: T, sortKey: string) => string | null } = {},
) {
  let filtered = items;
  if (options.search && typeof args.query === "string") {
    const { matches, warnings } = compileSearch(args.query, options.search);
    filtered = items.filter(matches);
    if (warnings.length) ctx.searchWarnings.push({ path: [path], query: args.query, warnings });
  }
  const sortKey = typeof args.sortKey === "string" ? args.sortKey : "ID";
  const tupleOf = (item: T): SortTuple => [options.sortValue?.(item, sortKey) ?? item.id, item.id];
  return connection(byTuple(filtered, tupleOf), args as ConnectionArgs, ctx.bulk, tupleOf, view);
}

function metafieldFields(shop: FakeShop, ownerGid: string) {
  return {
    metafield: (args: Args) => {
      const record = shop.metafield(ownerGid, args.namespace as string | null, args.key as string);
      return record ? metafieldView(shop, record) : null;
    },
    metafields: (args: Args, ctx: RequestContext) => {
      const keys = args.keys as string[] | null | undefined;
      const records = shop
        .metafieldsOf(ownerGid)
        .filter((record) => !args.namespace || record.namespace === args.namespace)
        .filter((record) => !keys || keys.includes(`${record.namespace}.${record.key}`));
      return list(ctx, "metafields", records, args, (record) => metafieldView(shop, record));
    },
  };
}

function metafieldView(shop: FakeShop, record: MetafieldRecord): View {
  const ownerType = parseGid(record.ownerGid)?.type ?? "";
  return {
    __typename: "Metafield",
    id: gid("Metafield", record.id),
    legacyResourceId: record.id,
    namespace: record.namespace,
    key: record.key,
    value: record.value,
    jsonValue: () => {
      try {
        return JSON.parse(record.value);
      } catch {
        return record.value;
      }
    },
    type: record.type,
    ownerType: ownerType.toUpperCase(),
    owner: () => nodeView(shop, record.ownerGid),
    compareDigest: compareDigest(record),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function addressView(address: AddressRecord, modelName: string): View {
  const name = [address.firstName, address.lastName].filter(Boolean).join(" ") || null;
  const country = countryName(address.countryCode);
  return {
    ...address,
    __typename: "MailingAddress",
    id: `${gid("MailingAddress", address.id)}?model_name=${modelName}`,
    name,
    country,
    countryCodeV2: address.countryCode,
    formatted: (args: Args) =>
      [
        args.withName ? name : null,
        args.withCompany === false ? null : address.company,
        address.address1,
        address.address2,
        [address.zip, address.city, address.provinceCode].filter(Boolean).join(" ") || null,
        country,
      ].filter((line): line is string => Boolean(line)),
  };
}

export function displayName(customer: CustomerRecord): string {
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
  return name || customer.email || customer.phone || "";
}

function customerView(shop: FakeShop, customer: CustomerRecord): View {
  const customerGid = gid("Customer", customer.id);
  const orders = () => [...shop.orders.values()].filter((order) => order.customerId === customer.id);
  const defaultAddress = customer.addresses.find((address) => address.id === customer.defaultAddressId);
  return {
    __typename: "Customer",
    id: customerGid,
    legacyResourceId: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: displayName(customer),
    email: customer.email,
    phone: customer.phone,
    defaultEmailAddress: customer.email ? { emailAddress: customer.email, marketingState: "NOT_SUBSCRIBED" } : null,
    defaultPhoneNumber: customer.phone ? { phoneNumber: customer.phone, marketingState: "NOT_SUBSCRIBED" } : null,
    tags: customer.tags,
    note: customer.note,
    state: customer.state,
    verifiedEmail: customer.email !== null,
    taxExempt: customer.taxExempt,
    locale: customer.locale,
    numberOfOrders: () => String(orders().length),
    amountSpent: () => ({
      amount: decimal(
        orders().reduce((sum, order) => sum + orderTotalCents(order), 0) / 100,
      ),
      currencyCode: shop.currencyCode,
    }),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    defaultAddress: defaultAddress ? addressView(defaultAddress, "CustomerAddress") : null,
    addressesV2: (args: Args, ctx: RequestContext) =>
      connection(customer.addresses, args as ConnectionArgs, ctx.bulk, (a) => [a.id, a.id], (a) =>
        addressView(a, "CustomerAddress"),
      ),
    addresses: (args: Args) =>
      customer.addresses
        .slice(0, (args.first as number | null) ?? undefined)
        .map((a) => addressView(a, "CustomerAddress")),
    orders: (args: Args, ctx: RequestContext) => {
      requireScope(ctx, "orders", "read_orders");
      return list(ctx, "orders", orders(), args, (order) => orderView(shop, order), {
        search: ORDER_SEARCH,
        sortValue: orderSortValue,
      });
    },
    ...metafieldFields(shop, customerGid),
  };
}

function mediaView(media: ProductRecord["media"][number], product: ProductRecord): View {
  const image = { id: gid("ImageSource", media.id), url: media.url, altText: media.altText, width: 1000, height: 1000 };
  return {
    __typename: "MediaImage",
    id: gid("MediaImage", media.id),
    alt: media.altText,
    image,
    mimeType: media.mimeType,
    mediaContentType: "IMAGE",
    status: "READY",
    preview: { image, status: "READY" },
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}

function productView(shop: FakeShop, product: ProductRecord): View {
  const productGid = gid("Product", product.id);
  const variants = () => product.variantIds.map((id) => shop.variant(id));
  const text = product.descriptionHtml.replace(/<[^>]*>/g, "");
  return {
    __typename: "Product",
    id: productGid,
    legacyResourceId: product.id,
    title: product.title,
    handle: product.handle,
    description: (args: Args) =>
      typeof args.truncateAt === "number" && text.length > args.truncateAt
        ? `${text.slice(0, args.truncateAt - 3)}...`
        : text,
    descriptionHtml: product.descriptionHtml,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status,
    tags: product.tags,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    publishedAt: product.publishedAt,
    totalInventory: () => variants().reduce((sum, variant) => sum + shop.availableTotal(variant.inventoryItemId), 0),
    tracksInventory: () => variants().some((variant) => shop.inventoryItem(variant.inventoryItemId).tracked),
    hasOnlyDefaultVariant: product.options.length === 1 && product.options[0].name === "Title",
    options: (args: Args) =>
      product.options.slice(0, (args.first as number | null) ?? undefined).map((option) => ({
        id: gid("ProductOption", option.id),
        name: option.name,
        position: option.position,
        values: option.values,
        optionValues: option.values.map((value, index) => ({
          id: gid("ProductOptionValue", `${option.id}${index}`),
          name: value,
          hasVariants: true,
        })),
      })),
    variants: (args: Args, ctx: RequestContext) =>
      list(ctx, "variants", variants(), args, (variant) => variantView(shop, variant), {
        sortValue: (variant, key) =>
          key === "SKU" ? (variant.sku ?? "") : key === "ID" ? null : String(product.variantIds.indexOf(variant.id)),
      }),
    variantsCount: { count: product.variantIds.length, precision: "EXACT" },
    media: (args: Args, ctx: RequestContext) =>
      connection(product.media, args as ConnectionArgs, ctx.bulk, (m) => [m.id, m.id], (m) => mediaView(m, product)),
    featuredMedia: product.media[0] ? mediaView(product.media[0], product) : null,
    ...metafieldFields(shop, productGid),
  };
}

function variantView(shop: FakeShop, variant: VariantRecord): View {
  const variantGid = gid("ProductVariant", variant.id);
  const product = shop.product(variant.productId);
  const media = product.media.filter((m) => m.id === variant.mediaId);
  const title = shop.variantTitle(variant);
  return {
    __typename: "ProductVariant",
    id: variantGid,
    legacyResourceId: variant.id,
    title,
    displayName: `${product.title} - ${title}`,
    sku: variant.sku,
    barcode: variant.barcode,
    price: variant.price,
    compareAtPrice: variant.compareAtPrice,
    position: product.variantIds.indexOf(variant.id) + 1,
    taxable: variant.taxable,
    inventoryPolicy: variant.inventoryPolicy,
    inventoryQuantity: () => shop.availableTotal(variant.inventoryItemId),
    availableForSale: () =>
      product.status === "ACTIVE" &&
      (variant.inventoryPolicy === "CONTINUE" || shop.availableTotal(variant.inventoryItemId) > 0),
    selectedOptions: variant.selectedOptions,
    inventoryItem: () => inventoryItemView(shop, shop.inventoryItem(variant.inventoryItemId)),
    product: () => productView(shop, product),
    image: media[0] ? mediaView(media[0], product).image : null,
    media: (args: Args, ctx: RequestContext) =>
      connection(media, args as ConnectionArgs, ctx.bulk, (m) => [m.id, m.id], (m) => mediaView(m, product)),
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    ...metafieldFields(shop, variantGid),
  };
}

function levelView(shop: FakeShop, item: InventoryItemRecord, level: LevelRecord): View {
  const quantities: Record<string, number> = {
    available: level.available,
    committed: level.committed,
    on_hand: level.available + level.committed,
    incoming: 0,
    reserved: 0,
    damaged: 0,
    quality_control: 0,
    safety_stock: 0,
  };
  const levelGid = inventoryLevelGid(item.id, level.locationId);
  return {
    __typename: "InventoryLevel",
    id: levelGid,
    location: () => locationView(shop, shop.findLocation(level.locationId) as LocationRecord),
    item: () => inventoryItemView(shop, item),
    quantities: (args: Args) =>
      (args.names as string[]).map((name) => {
        if (!(name in quantities)) {
          throw new GraphQLError(`The quantity name '${name}' is invalid.`, { extensions: { code: "BAD_REQUEST" } });
        }
        return { id: `${levelGid}&name=${name}`, name, quantity: quantities[name], updatedAt: level.updatedAt };
      }),
    createdAt: level.createdAt,
    updatedAt: level.updatedAt,
  };
}

function inventoryItemView(shop: FakeShop, item: InventoryItemRecord): View {
  const levels = () => [...item.levels.values()].map((level) => ({ id: level.locationId, level }));
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", item.id),
    legacyResourceId: item.id,
    sku: () => shop.variant(item.variantId).sku,
    tracked: item.tracked,
    requiresShipping: item.requiresShipping,
    variant: () => variantView(shop, shop.variant(item.variantId)),
    inventoryLevels: (args: Args, ctx: RequestContext) =>
      list(ctx, "inventoryLevels", levels(), args, ({ level }) => levelView(shop, item, level)),
    inventoryLevel: (args: Args) => {
      const location = shop.findLocation(args.locationId as string);
      const level = location && item.levels.get(location.id);
      return level ? levelView(shop, item, level) : null;
    },
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function locationView(shop: FakeShop, location: LocationRecord): View {
  const locationGid = gid("Location", location.id);
  const levels = () =>
    [...shop.inventoryItems.values()].flatMap((item) => {
      const level = item.levels.get(location.id);
      return level ? [{ id: item.id, item, level }] : [];
    });
  return {
    __typename: "Location",
    id: locationGid,
    legacyResourceId: location.id,
    name: location.name,
    isActive: location.isActive,
    fulfillsOnlineOrders: true,
    inventoryLevels: (args: Args, ctx: RequestContext) =>
      list(ctx, "inventoryLevels", levels(), args, ({ item, level }) => levelView(shop, item, level)),
    inventoryLevel: (args: Args) => {
      const item = shop.findInventoryItem(args.inventoryItemId as string);
      const level = item?.levels.get(location.id);
      return item && level ? levelView(shop, item, level) : null;
    },
    ...metafieldFields(shop, locationGid),
  };
}

function orderTotalCents(order: OrderRecord): number {
  return order.lineItems.reduce((sum, line) => sum + cents(line.unitPrice) * line.quantity, 0);
}

function lineItemView(shop: FakeShop, line: LineItemRecord): View {
  const variant = line.variantId ? shop.findVariant(line.variantId) : undefined;
  const product = line.productId ? shop.findProduct(line.productId) : undefined;
  return {
    __typename: "LineItem",
    id: gid("LineItem", line.id),
    name: line.variantTitle && line.variantTitle !== "Default Title" ? `${line.title} - ${line.variantTitle}` : line.title,
    title: line.title,
    variantTitle: line.variantTitle,
    sku: line.sku,
    vendor: line.vendor,
    quantity: line.quantity,
    currentQuantity: line.quantity,
    requiresShipping: line.requiresShipping,
    taxable: line.taxable,
    variant: () => (variant ? variantView(shop, variant) : null),
    product: () => (product ? productView(shop, product) : null),
    originalUnitPriceSet: moneyBag(line.unitPrice, line.currencyCode),
    originalTotalSet: moneyBag((cents(line.unitPrice) * line.quantity) / 100, line.currencyCode),
    customAttributes: line.properties.map((property) => ({ key: property.name, value: property.value })),
  };
}

function orderView(shop: FakeShop, order: OrderRecord): View {
  const orderGid = gid("Order", order.id);
  const total = orderTotalCents(order) / 100;
  return {
    __typename: "Order",
    id: orderGid,
    legacyResourceId: order.id,
    name: order.name,
    email: order.email,
    phone: order.phone,
    sourceIdentifier: order.sourceIdentifier,
    sourceName: order.sourceName,
    tags: order.tags,
    note: order.note,
    poNumber: order.poNumber,
    test: order.test,
    closed: false,
    cancelledAt: null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.processedAt,
    currencyCode: order.currencyCode,
    displayFinancialStatus: order.financialStatus,
    displayFulfillmentStatus: "UNFULFILLED",
    customer: () => {
      const customer = order.customerId ? shop.findCustomer(order.customerId) : undefined;
      return customer ? customerView(shop, customer) : null;
    },
    billingAddress: order.billingAddress ? addressView(order.billingAddress, "Address") : null,
    shippingAddress: order.shippingAddress ? addressView(order.shippingAddress, "Address") : null,
    customAttributes: order.customAttributes,
    lineItems: (args: Args, ctx: RequestContext) =>
      connection(order.lineItems, args as ConnectionArgs, ctx.bulk, (line) => [line.id, line.id], (line) =>
        lineItemView(shop, line),
      ),
    subtotalPriceSet: moneyBag(total, order.currencyCode),
    totalPriceSet: moneyBag(total, order.currencyCode),
    ...metafieldFields(shop, orderGid),
  };
}

export function bulkOperationView(operation: BulkOperationRecord): View {
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", operation.id),
    type: operation.type,
    status: operation.status,
    errorCode: operation.errorCode,
    query: operation.query,
    createdAt: operation.createdAt,
    completedAt: operation.completedAt,
    objectCount: String(operation.objectCount),
    rootObjectCount: String(operation.rootObjectCount),
    fileSize: operation.fileSize === null ? null : String(operation.fileSize),
    url: operation.url,
    partialDataUrl: null,
  };
}

function shopView(shop: FakeShop): View {
  return {
    __typename: "Shop",
    id: shop.gid,
    name: shop.name,
    myshopifyDomain: shop.domain,
    email: shop.email,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    ...metafieldFields(shop, shop.gid),
  };
}

/** `node(id:)` for every type the fake stores; null for unknown or deleted ids, as on Shopify. */
export function nodeView(shop: FakeShop, id: string): View | null {
  const parsed = parseGid(id);
  if (!parsed) return null;
  switch (parsed.type) {
    case "Customer": {
      const record = shop.findCustomer(parsed.id);
      return record ? customerView(shop, record) : null;
    }
    case "Product": {
      const record = shop.findProduct(parsed.id);
      return record ? productView(shop, record) : null;
    }
    case "ProductVariant": {
      const record = shop.findVariant(parsed.id);
      return record ? variantView(shop, record) : null;
    }
    case "InventoryItem": {
      const record = shop.findInventoryItem(parsed.id);
      return record ? inventoryItemView(shop, record) : null;
    }
    case "InventoryLevel": {
      const itemId = /[?&]inventory_item_id=(\d+)/.exec(id)?.[1];
      const item = itemId ? shop.findInventoryItem(itemId) : undefined;
      const level = item?.levels.get(parsed.id);
      return item && level ? levelView(shop, item, level) : null;
    }
    case "Location": {
      const record = shop.findLocation(parsed.id);
      return record ? locationView(shop, record) : null;
    }
    case "Order": {
      const record = shop.findOrder(parsed.id);
      return record ? orderView(shop, record) : null;
    }
    case "BulkOperation": {
      const record = shop.bulkOperations.get(parsed.id);
      return record ? bulkOperationView(record) : null;
    }
    case "Metafield": {
      for (const owned of shop.metafields.values()) {
        for (const record of owned.values()) if (record.id === parsed.id) return metafieldView(shop, record);
      }
      return null;
    }
    case "Shop":
      return parsed.id === shop.id ? shopView(shop) : null;
    default:
      return null;
  }
}

function checkNodeScope(ctx: RequestContext, field: string, id: string): void {
  const resource = SCOPE_BY_TYPE[parseGid(id)?.type ?? ""];
  if (resource) requireScope(ctx, field, `read_${resource}`);
}

// ---------------------------------------------------------------- search specs

const dateField = <T>(get: (item: T) => string) => ({ kind: "date" as const, get });

const CUSTOMER_SEARCH: SearchSpec<CustomerRecord> = {
  fields: {
    id: { kind: "id", get: (c) => c.id },
    tag: { kind: "tag", get: (c) => c.tags },
    email: { kind: "text", get: (c) => c.email },
    phone: { kind: "text", get: (c) => c.phone },
    first_name: { kind: "text", get: (c) => c.firstName },
    last_name: { kind: "text", get: (c) => c.lastName },
    state: { kind: "enum", get: (c) => c.state },
    country: { kind: "text", get: (c) => c.addresses.map((a) => countryName(a.countryCode)) },
    // Shopify's customer search terms `company` and `city` (re-enabled for every API version in 2024).
    company: { kind: "text", get: (c) => c.addresses.map((a) => a.company) },
    city: { kind: "text", get: (c) => c.addresses.map((a) => a.city) },
    updated_at: dateField((c) => c.updatedAt),
    created_at: dateField((c) => c.createdAt),
  },
  freeText: (c) => [c.firstName, c.lastName, c.email, c.phone, ...c.tags],
};

function productSearch(shop: FakeShop): SearchSpec<ProductRecord> {
  const variants = (p: ProductRecord) => p.variantIds.map((id) => shop.variant(id));
  return {
    fields: {
      id: { kind: "id", get: (p) => p.id },
      tag: { kind: "tag", get: (p) => p.tags },
      title: { kind: "text", get: (p) => p.title },
      handle: { kind: "text", get: (p) => p.handle },
      vendor: { kind: "text", get: (p) => p.vendor },
      product_type: { kind: "text", get: (p) => p.productType },
      status: { kind: "enum", get: (p) => p.status },
      sku: { kind: "text", get: (p) => variants(p).map((v) => v.sku) },
      barcode: { kind: "text", get: (p) => variants(p).map((v) => v.barcode) },
      updated_at: dateField((p) => p.updatedAt),
      created_at: dateField((p) => p.createdAt),
    },
    freeText: (p) => [p.title, p.vendor, p.productType, ...p.tags, ...variants(p).map((v) => v.sku)],
  };
}

function variantSearch(shop: FakeShop): SearchSpec<VariantRecord> {
  return {
    fields: {
      id: { kind: "id", get: (v) => v.id },
      sku: { kind: "text", get: (v) => v.sku },
      barcode: { kind: "text", get: (v) => v.barcode },
      title: { kind: "text", get: (v) => shop.variantTitle(v) },
      product_id: { kind: "id", get: (v) => v.productId },
      product_status: { kind: "enum", get: (v) => shop.product(v.productId).status },
      tag: { kind: "tag", get: (v) => shop.product(v.productId).tags },
      updated_at: dateField((v) => v.updatedAt),
      created_at: dateField((v) => v.createdAt),
    },
    freeText: (v) => [v.sku, v.barcode, shop.variantTitle(v), shop.product(v.productId).title],
  };
}

const ORDER_SEARCH: SearchSpec<OrderRecord> = {
  fields: {
    id: { kind: "id", get: (o) => o.id },
    name: { kind: "text", get: (o) => o.name },
    tag: { kind: "tag", get: (o) => o.tags },
    source_identifier: { kind: "text", get: (o) => o.sourceIdentifier },
    source_name: { kind: "text", get: (o) => o.sourceName },
    po_number: { kind: "text", get: (o) => o.poNumber },
    email: { kind: "text", get: (o) => o.email },
    customer_id: { kind: "id", get: (o) => o.customerId },
    financial_status: { kind: "enum", get: (o) => o.financialStatus },
    processed_at: dateField((o) => o.processedAt),
    updated_at: dateField((o) => o.updatedAt),
    created_at: dateField((o) => o.createdAt),
  },
  freeText: (o) => [o.name, o.email, o.sourceIdentifier, o.poNumber, ...o.tags],
};

const LOCATION_SEARCH: SearchSpec<LocationRecord> = {
  fields: { id: { kind: "id", get: (l) => l.id }, name: { kind: "text", get: (l) => l.name } },
  freeText: (l) => [l.name],
};

function inventoryItemSearch(shop: FakeShop): SearchSpec<InventoryItemRecord> {
  return {
    fields: {
      id: { kind: "id", get: (i) => i.id },
      sku: { kind: "text", get: (i) => shop.variant(i.variantId).sku },
      updated_at: dateField((i) => i.updatedAt),
      created_at: dateField((i) => i.createdAt),
    },
    freeText: (i) => [shop.variant(i.variantId).sku],
  };
}

const timestamps = (item: { updatedAt: string; createdAt: string }, key: string) =>
  key === "UPDATED_AT" ? item.updatedAt : key === "CREATED_AT" ? item.createdAt : null;

function orderSortValue(order: OrderRecord, key: string): string | null {
  if (key === "PROCESSED_AT") return order.processedAt;
  if (key === "NUMBER") return String(order.number);
  return timestamps(order, key);
}

// ---------------------------------------------------------------- root

/** Runs a mutation body; refused input becomes the payload's `userErrors`, as Shopify answers it. */
function mutate(key: string, run: () => unknown): View {
  try {
    return { [key]: run(), userErrors: [] };
  } catch (error) {
    if (error instanceof UserErrors) {
      return {
        [key]: null,
        userErrors: error.errors.map((e) => ({ code: null, elementIndex: null, ...e })),
      };
    }
    throw error;
  }
}

export const rootValue = {
  shop: (_: Args, ctx: RequestContext) => shopView(ctx.shop),
  node: (args: Args, ctx: RequestContext) => {
    checkNodeScope(ctx, "node", args.id as string);
    return nodeView(ctx.shop, args.id as string);
  },
  nodes: (args: Args, ctx: RequestContext) =>
    (args.ids as string[]).map((id) => {
      checkNodeScope(ctx, "nodes", id);
      return nodeView(ctx.shop, id);
    }),
  customer: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "customer", "read_customers");
    const record = ctx.shop.findCustomer(args.id as string);
    return record ? customerView(ctx.shop, record) : null;
  },
  customers: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "customers", "read_customers");
    return list(ctx, "customers", ctx.shop.list(ctx.shop.customers), args, (c) => customerView(ctx.shop, c), {
      search: CUSTOMER_SEARCH,
      sortValue: (c, key) => (key === "NAME" ? displayName(c).toLowerCase() : timestamps(c, key)),
    });
  },
  product: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "product", "read_products");
    const record = ctx.shop.findProduct(args.id as string);
    return record ? productView(ctx.shop, record) : null;
  },
  products: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "products", "read_products");
    return list(ctx, "products", ctx.shop.list(ctx.shop.products), args, (p) => productView(ctx.shop, p), {
      search: productSearch(ctx.shop),
      sortValue: (p, key) => (key === "TITLE" ? p.title.toLowerCase() : timestamps(p, key)),
    });
  },
  productVariant: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "productVariant", "read_products");
    const record = ctx.shop.findVariant(args.id as string);
    return record ? variantView(ctx.shop, record) : null;
  },
  productVariants: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "productVariants", "read_products");
    return list(ctx, "productVariants", ctx.shop.list(ctx.shop.variants), args, (v) => variantView(ctx.shop, v), {
      search: variantSearch(ctx.shop),
      sortValue: (v, key) => (key === "SKU" ? (v.sku ?? "") : null),
    });
  },
  inventoryItem: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "inventoryItem", "read_inventory");
    const record = ctx.shop.findInventoryItem(args.id as string);
    return record ? inventoryItemView(ctx.shop, record) : null;
  },
  inventoryItems: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "inventoryItems", "read_inventory");
    const items = ctx.shop.list(ctx.shop.inventoryItems);
    return list(ctx, "inventoryItems", items, args, (i) => inventoryItemView(ctx.shop, i), {
      search: inventoryItemSearch(ctx.shop),
    });
  },
  location: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "location", "read_locations");
    const record = ctx.shop.findLocation((args.id as string | null) ?? ctx.shop.primaryLocationId);
    return record ? locationView(ctx.shop, record) : null;
  },
  locations: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "locations", "read_locations");
    const locations = ctx.shop.list(ctx.shop.locations).filter((l) => l.isActive || args.includeInactive);
    return list(ctx, "locations", locations, args, (l) => locationView(ctx.shop, l), { search: LOCATION_SEARCH });
  },
  order: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "order", "read_orders");
    const record = ctx.shop.findOrder(args.id as string);
    return record ? orderView(ctx.shop, record) : null;
  },
  orders: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "orders", "read_orders");
    return list(ctx, "orders", ctx.shop.list(ctx.shop.orders), args, (o) => orderView(ctx.shop, o), {
      search: ORDER_SEARCH,
      sortValue: orderSortValue,
    });
  },
  bulkOperation: (args: Args, ctx: RequestContext) => {
    const parsed = parseGid(args.id as string);
    const record = parsed?.type === "BulkOperation" ? ctx.shop.bulkOperations.get(parsed.id) : undefined;
    return record ? bulkOperationView(record) : null;
  },
  currentBulkOperation: (args: Args, ctx: RequestContext) => {
    if (args.type === "MUTATION") return null;
    const latest = ctx.shop.list(ctx.shop.bulkOperations).at(-1);
    return latest ? bulkOperationView(latest) : null;
  },

  customerCreate: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "customerCreate", "write_customers");
    const input = args.input as Args;
    return mutate("customer", () => {
      if (input.id) throw new UserErrors([{ field: ["id"], message: "Id must not be given when creating a customer" }]);
      return customerView(ctx.shop, ctx.shop.createCustomer(input as CustomerInput));
    });
  },
  customerUpdate: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "customerUpdate", "write_customers");
    const input = args.input as Args;
    return mutate("customer", () => {
      const customer = input.id ? ctx.shop.findCustomer(input.id as string) : undefined;
      if (!customer) throw new UserErrors([{ field: ["id"], message: "Customer does not exist" }]);
      return customerView(ctx.shop, ctx.shop.updateCustomer(customer.id, input as CustomerInput));
    });
  },
  tagsAdd: (args: Args, ctx: RequestContext) => changeTags(args, ctx, "add"),
  tagsRemove: (args: Args, ctx: RequestContext) => changeTags(args, ctx, "remove"),
  metafieldsSet: (args: Args, ctx: RequestContext) => {
    const inputs = args.metafields as MetafieldSetInput[];
    if (inputs.length > MAX_METAFIELDS_PER_SET) {
      throw new GraphQLError(
        `The input array size of ${inputs.length} is greater than the maximum allowed of ${MAX_METAFIELDS_PER_SET}.`,
        { extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } },
      );
    }
    for (const input of inputs) {
      const resource = SCOPE_BY_TYPE[parseGid(input.ownerId)?.type ?? ""];
      if (resource) requireScope(ctx, "metafieldsSet", `write_${resource}`);
    }
    return mutate("metafields", () => ctx.shop.setMetafields(inputs).map((record) => metafieldView(ctx.shop, record)));
  },
  orderCreate: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "orderCreate", "write_orders");
    const options = (args.options as Args | null) ?? {};
    const behaviour = (options.inventoryBehaviour as InventoryBehaviour | undefined) ?? "BYPASS";
    return mutate("order", () => orderView(ctx.shop, ctx.shop.createOrder(args.order as OrderInput, behaviour)));
  },
  orderUpdate: (args: Args, ctx: RequestContext) => {
    requireScope(ctx, "orderUpdate", "write_orders");
    const input = args.input as { id: string; note?: string | null; tags?: string[] | null };
    return mutate("order", () => orderView(ctx.shop, ctx.shop.updateOrder(input.id, input)));
  },
  bulkOperationRunQuery: (args: Args, ctx: RequestContext) =>
    mutate("bulkOperation", () => bulkOperationView(ctx.startBulkQuery(args.query as string))),
};

function changeTags(args: Args, ctx: RequestContext, mode: "add" | "remove"): View {
  const field = mode === "add" ? "tagsAdd" : "tagsRemove";
  const resource = SCOPE_BY_TYPE[parseGid(args.id as string)?.type ?? ""];
  if (resource) requireScope(ctx, field, `write_${resource}`);
  return mutate("node", () => nodeView(ctx.shop, ctx.shop.changeTags(args.id as string, args.tags as string[], mode)));
}
