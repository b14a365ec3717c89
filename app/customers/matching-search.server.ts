/**
 * The Shopify reads matching needs, batched: customers by id (connections whose code may already be a
 * Shopify id) and the candidate searches of several connections in one aliased query. Values travel as
 * GraphQL variables, never spliced into the query text.
 */
import type { AdminClient } from "~/shopify/admin-client.server";
import type { CandidateSearch, ShopifyCustomerFacts } from "./matching";

/** Connections whose searches share one query: up to ~115 requested points each, ~460 a query (cap 1000). */
export const SEARCH_CONNECTIONS_PER_QUERY = 4;

const CUSTOMER_FIELDS = `
fragment MatchCustomer on Customer {
  id
  legacyResourceId
  firstName
  lastName
  displayName
  defaultEmailAddress { emailAddress }
  addressesV2(first: 5) { nodes { company city } }
}`;

interface CustomerNode {
  id: string;
  legacyResourceId: string | number;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  defaultEmailAddress: { emailAddress: string | null } | null;
  addressesV2: { nodes: Array<{ company: string | null; city: string | null }> } | null;
}

function toFacts(node: CustomerNode): ShopifyCustomerFacts {
  return {
    gid: node.id,
    legacyId: String(node.legacyResourceId),
    firstName: node.firstName,
    lastName: node.lastName,
    displayName: node.displayName,
    email: node.defaultEmailAddress?.emailAddress ?? null,
    addresses: node.addressesV2?.nodes ?? [],
  };
}

/** The Shopify customers with these numeric ids that exist, keyed by numeric id. */
export async function customersByIds(admin: AdminClient, legacyIds: string[]): Promise<Map<string, ShopifyCustomerFacts>> {
  const found = new Map<string, ShopifyCustomerFacts>();
  if (legacyIds.length === 0) return found;
  // A missing id answers null; an id of another type would answer an empty object.
  const data = await admin.request<{ nodes: Array<Partial<CustomerNode> | null> }>(
    `query MatchCustomersById($ids: [ID!]!) { nodes(ids: $ids) { ...MatchCustomer } } ${CUSTOMER_FIELDS}`,
    { ids: legacyIds.map((id) => `gid://shopify/Customer/${id}`) },
  );
  for (const node of data.nodes) {
    if (node?.id) found.set(String(node.legacyResourceId), toFacts(node as CustomerNode));
  }
  return found;
}

/**
 * Runs every search of a few connections in one query (one alias per search); answers, per connection, the
 * customers found, in search order (strongest reason's search first).
 */
export async function runCandidateSearches(
  admin: AdminClient,
  searchesPerConnection: CandidateSearch[][],
): Promise<ShopifyCustomerFacts[][]> {
  const aliases: Array<{ alias: string; connection: number }> = [];
  const variables: Record<string, string> = {};
  const fields: string[] = [];
  searchesPerConnection.forEach((searches, connection) => {
    searches.forEach((search) => {
      const alias = `s${aliases.length}`;
      aliases.push({ alias, connection });
      variables[alias] = search.query;
      fields.push(`${alias}: customers(first: ${search.first}, query: $${alias}) { nodes { ...MatchCustomer } }`);
    });
  });
  const results: ShopifyCustomerFacts[][] = searchesPerConnection.map(() => []);
  if (aliases.length === 0) return results;
  const declarations = aliases.map(({ alias }) => `$${alias}: String!`).join(", ");
  const data = await admin.request<Record<string, { nodes: CustomerNode[] }>>(
    `query MatchCandidates(${declarations}) { ${fields.join("\n")} } ${CUSTOMER_FIELDS}`,
    variables,
  );
  for (const { alias, connection } of aliases) results[connection].push(...(data[alias]?.nodes ?? []).map(toFacts));
  return results;
}

/** The merchant's own search ("pick another customer"), in Shopify's search syntax. */
export async function searchShopifyCustomers(admin: AdminClient, text: string, first = 10): Promise<ShopifyCustomerFacts[]> {
  const data = await admin.request<{ customers: { nodes: CustomerNode[] } }>(
    `query MatchSearch($query: String!, $first: Int!) { customers(first: $first, query: $query) { nodes { ...MatchCustomer } } } ${CUSTOMER_FIELDS}`,
    { query: text, first },
  );
  return data.customers.nodes.map(toFacts);
}
