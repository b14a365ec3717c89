/**
 * The Shopify reads and writes the order import makes. Search values travel as GraphQL variables; userErrors
 * come back as ShopifyUserErrors with their codes.
 */
import { checkUserErrors, type AdminClient } from "~/shopify/admin-client.server";
import type { ShopifyVariant } from "./lines";
import type { InventoryBehaviour, OrderCreateInput } from "./mapping";

/** One search term, quoted so spaces and colons in the value stay part of it; null when it cannot be quoted. */
export function searchTerm(field: string, value: string): string | null {
  if (!value.includes('"')) return `${field}:"${value}"`;
  if (!value.includes("'")) return `${field}:'${value}'`;
  return null;
}

/** Terms per variant search: barcode and SKU for each UPC, well within Shopify's query length. */
const UPCS_PER_SEARCH = 25;

interface VariantNode {
  id: string;
  barcode: string | null;
  sku: string | null;
  title: string | null;
  product: { id: string; title: string | null };
}

/** Variants whose barcode or SKU is one of these values. */
export async function variantsByBarcodeOrSku(admin: AdminClient, values: readonly string[]): Promise<ShopifyVariant[]> {
  const found: ShopifyVariant[] = [];
  for (let start = 0; start < values.length; start += UPCS_PER_SEARCH) {
    const terms = values
      .slice(start, start + UPCS_PER_SEARCH)
      .flatMap((value) => [searchTerm("barcode", value), searchTerm("sku", value)])
      .filter((term): term is string => term !== null);
    if (terms.length === 0) continue;
    const data = await admin.request<{ productVariants: { nodes: VariantNode[] } }>(
      `query OrderVariants($query: String!) {
        productVariants(first: 250, query: $query) { nodes { id barcode sku title product { id title } } }
      }`,
      { query: terms.join(" OR ") },
    );
    for (const node of data.productVariants.nodes) {
      found.push({
        id: node.id,
        barcode: node.barcode,
        sku: node.sku,
        productId: node.product.id,
        productTitle: node.product.title,
        title: node.title,
      });
    }
  }
  return found;
}

export async function customerExists(admin: AdminClient, gid: string): Promise<boolean> {
  const data = await admin.request<{ customer: { id: string } | null }>(
    `query OrderCustomer($id: ID!) { customer(id: $id) { id } }`,
    { id: gid },
  );
  return data.customer !== null;
}

/** The customer with this email (Shopify customer emails are unique), or null. */
export async function customerByEmail(admin: AdminClient, email: string): Promise<string | null> {
  const term = searchTerm("email", email);
  if (!term) return null;
  const data = await admin.request<{ customers: { nodes: Array<{ id: string; email: string | null }> } }>(
    `query OrderCustomerByEmail($query: String!) { customers(first: 5, query: $query) { nodes { id email } } }`,
    { query: term },
  );
  return data.customers.nodes.find((node) => node.email?.toLowerCase() === email.toLowerCase())?.id ?? null;
}

export async function shopCurrency(admin: AdminClient): Promise<string> {
  const data = await admin.request<{ shop: { currencyCode: string } }>(`query OrderShopCurrency { shop { currencyCode } }`);
  return data.shop.currencyCode;
}

export interface CreatedOrder {
  gid: string;
  name: string;
  customerGid: string | null;
}

interface OrderNode {
  id: string;
  name: string;
  customer: { id: string } | null;
}

function created(node: OrderNode): CreatedOrder {
  return { gid: node.id, name: node.name, customerGid: node.customer?.id ?? null };
}

export async function createOrder(
  admin: AdminClient,
  input: OrderCreateInput,
  inventoryBehaviour: InventoryBehaviour,
): Promise<CreatedOrder> {
  const data = await admin.request<{ orderCreate: { order: OrderNode | null; userErrors: Array<{ field: string[] | null; message: string; code: string | null }> } | null }>(
    `mutation ImportJoorOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
      orderCreate(order: $order, options: $options) {
        order { id name customer { id } }
        userErrors { field message code }
      }
    }`,
    { order: input, options: { inventoryBehaviour, sendReceipt: false, sendFulfillmentReceipt: false } },
  );
  const payload = checkUserErrors("orderCreate", data.orderCreate);
  if (!payload.order) throw new Error("Shopify created no order and named no error");
  return created(payload.order);
}

/** Orders carrying this source identifier (the JOOR order id), oldest first. */
export async function ordersBySourceIdentifier(admin: AdminClient, sourceIdentifier: string): Promise<CreatedOrder[]> {
  const term = searchTerm("source_identifier", sourceIdentifier);
  if (!term) return [];
  const data = await admin.request<{ orders: { nodes: Array<OrderNode & { sourceIdentifier: string | null }> } }>(
    `query JoorOrderInShopify($query: String!) {
      orders(first: 20, query: $query, sortKey: CREATED_AT) { nodes { id name sourceIdentifier customer { id } } }
    }`,
    { query: term },
  );
  // The search is a text match: keep exact identifiers only.
  return data.orders.nodes.filter((node) => node.sourceIdentifier === sourceIdentifier).map(created);
}

/** Tags an order replaced by a re-import and says so in its note, once (the marker line is looked for). */
export async function markOrderReplaced(admin: AdminClient, orderGid: string, tag: string, noteLine: string): Promise<void> {
  const data = await admin.request<{ order: { id: string; note: string | null } | null }>(
    `query ReplacedOrder($id: ID!) { order(id: $id) { id note } }`,
    { id: orderGid },
  );
  if (!data.order) return;
  const tagged = await admin.request<{ tagsAdd: { userErrors: Array<{ field: string[] | null; message: string }> } | null }>(
    `mutation TagReplacedOrder($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`,
    { id: orderGid, tags: [tag] },
  );
  checkUserErrors("tagsAdd", tagged.tagsAdd);
  const note = data.order.note ?? "";
  if (note.includes(noteLine)) return;
  const updated = await admin.request<{ orderUpdate: { userErrors: Array<{ field: string[] | null; message: string }> } | null }>(
    `mutation NoteReplacedOrder($input: OrderInput!) { orderUpdate(input: $input) { userErrors { field message } } }`,
    { input: { id: orderGid, note: note ? `${note}\n\n${noteLine}` : noteLine } },
  );
  checkUserErrors("orderUpdate", updated.orderUpdate);
}
