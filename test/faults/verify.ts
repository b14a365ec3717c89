/**
 * The end-of-day check: JOOR and Shopify as they are now against what they must be, reading Shopify through
 * the app's own GraphQL selections and mapping with the app's own pure functions, so "what the app should
 * have sent" is exactly what the app would send for the current records.
 * - lost: a record (or its latest data) that should be in JOOR or Shopify and is not;
 * - duplicated: a record present more than once (connection, style, SKU, price, image, order);
 * - unexpected: something that should not be there at all (data written after an untag, an ACTIVE SKU for a
 *   variant that is gone, a style on a linesheet it left, an order never approved).
 */
import { isDeepStrictEqual } from "node:util";
import { linesheetExternalId, valueKey } from "~/catalog/conventions";
import { hasAnyTag, hasTag } from "~/catalog/identity";
import { mapStyle, type StyleMemory, type StylePlan } from "~/catalog/mapping";
import { readCatalogProducts } from "~/catalog/product-read.server";
import { FIRST_READ_SIZE, wholesaleField, type CatalogProduct } from "~/catalog/shopify-product";
import { CUSTOMER_SELECTION, mapCustomer, type ShopifyCustomer } from "~/customers/mapping";
import { availableQuantity } from "~/inventory/stock";
import type { FlowOptions } from "~/settings/options";
import type { AdminClient } from "~/shopify/admin-client.server";
import { stockKey, type JoorFake } from "../fakes/joor";
import type { FakeSku } from "../fakes/joor/state";
import type { FakeShop } from "../fakes/shopify";
import type { DayKnowledge } from "./day";

export interface Verdict {
  /** Records compared, by kind. */
  checked: Record<string, number>;
  lost: string[];
  duplicated: string[];
  unexpected: string[];
}

export interface VerifyInput {
  shop: FakeShop;
  joor: JoorFake;
  accountId: string;
  options: FlowOptions;
  /** Reads the shop as the app does. */
  admin: AdminClient;
  knowledge: DayKnowledge;
}

class Tally implements Verdict {
  checked: Record<string, number> = {};
  lost: string[] = [];
  duplicated: string[] = [];
  unexpected: string[] = [];

  count(kind: string, n = 1): void {
    this.checked[kind] = (this.checked[kind] ?? 0) + n;
  }

  /** Exactly one of `found`, else a loss or a duplicate named by `what`. */
  one<T>(found: T[], what: string): T | null {
    if (found.length === 0) this.lost.push(`${what}: missing`);
    if (found.length > 1) this.duplicated.push(`${what}: ${found.length} copies`);
    return found.length === 1 ? found[0] : null;
  }

  /** Each field of `expected` equals the record's; the first that differs is reported as lost data. */
  same(record: Record<string, unknown>, expected: Record<string, unknown>, what: string): void {
    const differing = Object.keys(expected).find((key) => !isDeepStrictEqual(record[key], expected[key]));
    if (differing !== undefined) {
      this.lost.push(`${what}: ${differing} is ${JSON.stringify(record[differing])}, expected ${JSON.stringify(expected[differing])}`);
    }
  }
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function reportDuplicates<T>(tally: Tally, items: Iterable<T>, key: (item: T) => string | undefined, what: string): void {
  for (const [k, group] of groupBy(items, key)) if (group.length > 1) tally.duplicated.push(`${what} ${k}: ${group.length} copies`);
}

const READ_CUSTOMERS = `query FaultRunCustomers($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { ${CUSTOMER_SELECTION} } } }`;

async function readCustomers(admin: AdminClient, ids: string[]): Promise<ShopifyCustomer[]> {
  const customers: ShopifyCustomer[] = [];
  for (let start = 0; start < ids.length; start += 50) {
    const gids = ids.slice(start, start + 50).map((id) => `gid://shopify/Customer/${id}`);
    const data = await admin.request<{ nodes: Array<ShopifyCustomer | null> }>(READ_CUSTOMERS, { ids: gids });
    customers.push(...data.nodes.filter((node): node is ShopifyCustomer => node !== null));
  }
  return customers;
}

async function verifyCustomers(input: VerifyInput, tally: Tally): Promise<void> {
  const { shop, joor, accountId, options, knowledge } = input;
  const connections = [...joor.account(accountId).connections.values()];
  const byCode = groupBy(connections, (connection) => connection.customerCode ?? undefined);
  const taggedIds = [...shop.customers.values()].filter((c) => hasAnyTag(c.tags, options.customerTags)).map((c) => c.id);
  for (const customer of await readCustomers(input.admin, taggedIds)) {
    const what = `customer ${customer.legacyResourceId}`;
    tally.count("customers");
    const mapping = mapCustomer(customer, options);
    if (!mapping.ok) {
      tally.lost.push(`${what}: cannot be sent (${mapping.reason})`);
      continue;
    }
    if (!tally.one(byCode.get(customer.legacyResourceId) ?? [], `${what}'s JOOR connection`)) continue;
    const current = joor.connection(accountId, customer.legacyResourceId) ?? {};
    tally.same(current, mapping.connection as unknown as Record<string, unknown>, `${what}'s JOOR connection`);
  }
  for (const [id, marker] of knowledge.untaggedCustomers) {
    tally.count("untagged customers");
    const connection = joor.connection(accountId, id);
    if (connection && JSON.stringify(connection).includes(marker)) {
      tally.unexpected.push(`customer ${id}: its JOOR connection was updated after the tag was removed`);
    }
  }
  for (const [code, group] of byCode) {
    if (!knowledge.everTaggedCustomers.has(code)) tally.unexpected.push(`JOOR connection ${code}: no such customer was ever tagged`);
    else if (group.length > 1 && !taggedIds.includes(code)) tally.duplicated.push(`JOOR connection ${code}: ${group.length} copies`);
  }
}

/** What JOOR holds for the style stands in for the app's memory of it: the grid only grows. */
function memoryFromJoor(skus: FakeSku[]): StyleMemory {
  const colorCodes: Record<string, string> = {};
  const cells: StyleMemory["cells"] = [];
  for (const sku of skus) {
    const color = sku.trait_values.find((trait) => trait.trait_name === "Color");
    const size = sku.trait_values.find((trait) => trait.trait_name === "Size");
    if (!color || !size) continue;
    if (color.external_id) colorCodes[valueKey(color.value)] = color.external_id;
    cells.push({ color: color.value, size: size.value });
  }
  return { colorCodes, cells };
}

function verifyStock(input: VerifyInput, plan: StylePlan, product: CatalogProduct, tally: Tally): void {
  const { shop, joor, accountId, options } = input;
  const variants = new Map(product.variants.map((variant) => [variant.id, variant]));
  for (const cell of plan.cells) {
    const itemId = cell.variantId ? variants.get(cell.variantId)?.inventoryItemId : null;
    const item = itemId ? shop.inventoryItems.get(itemId) : undefined;
    if (!item || !cell.upc) continue;
    tally.count("stock levels");
    const levels = [...item.levels.values()].map((level) => ({
      locationId: `gid://shopify/Location/${level.locationId}`,
      locationActive: shop.locations.get(level.locationId)?.isActive ?? false,
      available: level.available,
    }));
    const expected = { inventory: plan.madeToOrder ? 0 : availableQuantity(levels, options.inventoryLocationIds), made_to_order: plan.madeToOrder };
    const stock = joor.stockOf(accountId, cell.upc)[stockKey(options.joorWarehouse, null)];
    if (!stock) tally.lost.push(`stock of UPC ${cell.upc}: missing`);
    else tally.same({ ...stock }, expected, `stock of UPC ${cell.upc}`);
  }
}

/** Checks one tagged style; answers its JOOR product id and linesheet keys for the linesheet check. */
function verifyStyle(input: VerifyInput, product: CatalogProduct, tally: Tally): { productId: string; linesheets: string[] } | null {
  const { joor, accountId, options } = input;
  const account = joor.account(accountId);
  const what = `style ${product.id} (${product.title})`;
  tally.count("styles");
  const joorProduct = tally.one(
    [...account.products.values()].filter((candidate) => candidate.external_id === product.id),
    `${what}'s JOOR product`,
  );
  if (!joorProduct) return null;
  const skus = [...account.skus.values()].filter((sku) => sku.product_id === joorProduct.id);
  const plan = mapStyle(product, options, memoryFromJoor(skus));
  if (plan.blocked) {
    tally.lost.push(`${what}: cannot be sent (${plan.blocked})`);
    return null;
  }
  tally.same({ ...joorProduct }, plan.product.fields as unknown as Record<string, unknown>, what);

  const planned = new Set(plan.cells.map((cell) => cell.externalId));
  const skuOf = new Map<string, FakeSku>();
  for (const cell of plan.cells) {
    tally.count("SKUs");
    const sku = tally.one(
      skus.filter((candidate) => candidate.external_id === cell.externalId),
      `${what}'s SKU ${cell.label}${cell.variantId ? ` (variant ${cell.variantId})` : " (not sold)"}`,
    );
    if (!sku) continue;
    skuOf.set(cell.key, sku);
    tally.same({ ...sku }, cell.sku as unknown as Record<string, unknown>, `${what}'s SKU ${cell.label}`);
  }
  for (const sku of skus) {
    if (sku.status !== "INACTIVE" && !planned.has(sku.external_id ?? "")) {
      tally.unexpected.push(`${what}: ACTIVE SKU ${sku.external_id} in JOOR for no current variant`);
    }
  }

  for (const price of plan.prices?.items ?? []) {
    const sku = skuOf.get(price.cellKey);
    if (!sku) continue;
    tally.count("prices");
    const found = tally.one(
      [...account.prices.values()].filter((entry) => entry.sku_id === sku.id && entry.price_type_id === plan.prices?.priceTypeId),
      `${what}'s price for SKU ${sku.external_id}`,
    );
    if (found) tally.same({ ...found }, { wholesale_value: price.wholesale, retail_value: price.retail }, `${what}'s price for SKU ${sku.external_id}`);
  }

  const assets = [...account.assets.values()].filter((asset) => asset.product_id === joorProduct.id);
  reportDuplicates(tally, assets, (asset) => asset.filename, `${what}'s image`);
  for (const image of plan.images?.assets ?? []) {
    tally.count("images");
    if (!assets.some((asset) => asset.filename === image.filename && asset.source_url === image.sourceUrl)) {
      tally.lost.push(`${what}'s image ${image.filename}: missing`);
    }
  }
  const wanted = new Set((plan.images?.assets ?? []).map((image) => image.filename));
  for (const asset of assets) if (!wanted.has(asset.filename)) tally.unexpected.push(`${what}: image ${asset.filename} is no longer on the product`);

  verifyStock(input, plan, product, tally);
  return { productId: joorProduct.id, linesheets: plan.linesheets.map((ref) => ref.key) };
}

async function verifyCatalog(input: VerifyInput, tally: Tally): Promise<void> {
  const { shop, joor, accountId, options, knowledge } = input;
  const account = joor.account(accountId);
  const tagged = [...shop.products.values()].filter((product) => hasTag(product.tags, options.productTag));
  const products = await readCatalogProducts(
    input.admin,
    tagged.map((product) => ({ gid: `gid://shopify/Product/${product.id}`, size: FIRST_READ_SIZE })),
    wholesaleField(options.wholesaleMetafield),
  );
  const members = new Map<string, Set<string>>();
  for (const product of products.values()) {
    if (!product) continue;
    const style = verifyStyle(input, product, tally);
    for (const key of style?.linesheets ?? []) members.set(key, new Set([...(members.get(key) ?? []), style!.productId]));
  }

  for (const [id, marker] of knowledge.untaggedProducts) {
    tally.count("untagged styles");
    const stale = [...account.products.values()].some((product) => product.external_id === id && product.name === marker);
    if (stale) tally.unexpected.push(`style ${id}: its JOOR product was renamed after the tag was removed`);
  }
  reportDuplicates(tally, account.products.values(), (product) => product.external_id, "JOOR product for Shopify product");
  reportDuplicates(tally, account.skus.values(), (sku) => sku.external_id, "JOOR SKU with external id");
  reportDuplicates(
    tally,
    account.skus.values(),
    (sku) => sku.identifiers.find((identifier) => identifier.type === "upc")?.value,
    "JOOR SKU with UPC",
  );
  reportDuplicates(tally, account.prices.values(), (price) => `${price.sku_id}/${price.price_type_id}`, "JOOR price for SKU/price type");

  const collections = groupBy(account.collections.values(), (collection) => collection.external_id);
  for (const [key, expected] of members) {
    tally.count("linesheets");
    const collection = tally.one(collections.get(linesheetExternalId(key)) ?? [], `linesheet ${key}`);
    if (!collection) continue;
    const items = collection.items.map((item) => item.product_id);
    reportDuplicates(tally, items, (productId) => productId, `linesheet ${key}'s style`);
    for (const productId of expected) if (!items.includes(productId)) tally.lost.push(`linesheet ${key}: JOOR product ${productId} is missing`);
    for (const productId of new Set(items)) {
      if (!expected.has(productId)) tally.unexpected.push(`linesheet ${key}: JOOR product ${productId} is not a tagged style of it`);
    }
  }
  const expectedIds = new Set([...members.keys()].map(linesheetExternalId));
  for (const collection of account.collections.values()) {
    if (!expectedIds.has(collection.external_id) && collection.items.length > 0) {
      tally.unexpected.push(`linesheet ${collection.name}: holds ${collection.items.length} style(s), but no tagged style carries its tag`);
    }
  }
}

function verifyOrders(input: VerifyInput, tally: Tally): void {
  const { shop, joor, accountId, knowledge } = input;
  const bySource = groupBy(shop.orders.values(), (order) => order.sourceIdentifier ?? undefined);
  for (const orderId of knowledge.approvedOrders) {
    tally.count("orders");
    const what = `JOOR order ${orderId}`;
    const order = tally.one(bySource.get(orderId) ?? [], `${what} in Shopify`);
    const exported = joor.orderExport(accountId, orderId);
    if (exported.state !== "exported") tally.lost.push(`${what}: JOOR was not told SUCCESS (export state ${exported.state})`);
    if (!order) continue;
    const wanted = joor
      .orderPayload(accountId, orderId)
      .line_items as Array<{ item_upc: string; item_quantity: string }>;
    const have = order.lineItems.map((line) => [line.variantId ? shop.findVariant(line.variantId)?.barcode : null, String(line.quantity)]);
    const sort = (lines: unknown[][]) => lines.map((line) => line.join("×")).sort();
    if (!isDeepStrictEqual(sort(have), sort(wanted.map((line) => [line.item_upc, line.item_quantity])))) {
      tally.lost.push(`${what}: Shopify order ${order.name} lines differ from JOOR's`);
    }
  }
  for (const orderId of knowledge.pendingOrders) {
    if (bySource.has(orderId)) tally.unexpected.push(`JOOR order ${orderId}: imported though never approved`);
  }
  const known = new Set([...knowledge.approvedOrders, ...knowledge.pendingOrders]);
  for (const source of bySource.keys()) if (!known.has(source)) tally.unexpected.push(`Shopify order for unknown JOOR order ${source}`);
}

export async function verify(input: VerifyInput): Promise<Verdict> {
  const tally = new Tally();
  await verifyCustomers(input, tally);
  await verifyCatalog(input, tally);
  verifyOrders(input, tally);
  return tally;
}
