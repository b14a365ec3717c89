/**
 * Matching JOOR connections to Shopify customers: which Shopify searches to run for a connection, how the
 * customers found rank (and why), when a connection counts as linked, and the Shopify customer a connection
 * becomes when the merchant creates one from it. Pure: the task and the routes do the I/O.
 */
import type { JoorConnection } from "~/joor/schemas";
import type { MailingAddressInput } from "~/shopify/mailing-address";

/** Why a Shopify customer is offered for a connection, strongest first. */
export const MatchReason = {
  email: "Same email",
  companyCity: "Same company and city",
  name: "Same name",
} as const;
export type MatchReason = (typeof MatchReason)[keyof typeof MatchReason];

const REASON_ORDER: readonly MatchReason[] = [MatchReason.email, MatchReason.companyCity, MatchReason.name];

/** Candidates kept per connection. */
export const MAX_CANDIDATES = 5;

/** What matching reads from a JOOR connection. */
export interface ConnectionFacts {
  connectionId: string;
  customerCode: string | null;
  /** customer_name: the retailer (a store or company name, sometimes a person's). */
  name: string | null;
  contactName: string | null;
  buyerName: string | null;
  email: string | null;
  /** Cities of every billing and shipping address, billing first. */
  cities: string[];
  /** The first address's country (ISO-2), for display. */
  country: string | null;
}

/** A Shopify customer as the searches return it. */
export interface ShopifyCustomerFacts {
  gid: string;
  legacyId: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  email: string | null;
  addresses: Array<{ company: string | null; city: string | null }>;
}

/** A ranked candidate, as stored on the connection row and shown to the merchant. */
export interface MatchCandidate {
  gid: string;
  legacyId: string;
  name: string;
  email: string | null;
  company: string | null;
  city: string | null;
  /** The strongest reason. */
  reason: MatchReason;
  /** Every reason that holds, strongest first. */
  reasons: MatchReason[];
}

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Case-, width- and whitespace-insensitive form used for every comparison. */
export function normalize(value: string | null | undefined): string {
  return (value ?? "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

export function connectionFacts(connection: JoorConnection): ConnectionFacts {
  const addresses = [...(connection.billing?.billing_addresses ?? []), ...(connection.shipping?.shipping_addresses ?? [])];
  const cities: string[] = [];
  for (const address of addresses) {
    const city = present(address.city);
    if (city && !cities.some((known) => normalize(known) === normalize(city))) cities.push(city);
  }
  return {
    connectionId: connection.connection_id,
    customerCode: present(connection.customer_code),
    name: present(connection.customer_name),
    contactName: present(connection.customer_contact_name),
    buyerName: present(connection.customer_buyer_name),
    email: present(connection.customer_contact_email),
    cities,
    country: present(addresses.find((address) => present(address.country))?.country),
  };
}

/** The customer code is a Shopify customer's numeric id (JOOR's link convention), or null. */
export function codeAsCustomerId(customerCode: string | null): string | null {
  return customerCode && /^[1-9]\d{0,19}$/.test(customerCode) ? customerCode : null;
}

function fullName(customer: ShopifyCustomerFacts): string {
  const parts = normalize([customer.firstName, customer.lastName].filter(Boolean).join(" "));
  return parts || normalize(customer.displayName);
}

/** Every reason `customer` may be the retailer behind `connection`, strongest first. */
export function matchReasons(connection: ConnectionFacts, customer: ShopifyCustomerFacts): MatchReason[] {
  const reasons: MatchReason[] = [];
  const email = normalize(connection.email);
  if (email && email === normalize(customer.email)) reasons.push(MatchReason.email);
  const company = normalize(connection.name);
  const cities = new Set(connection.cities.map(normalize));
  if (
    company &&
    customer.addresses.some((address) => normalize(address.company) === company && cities.has(normalize(address.city)))
  ) {
    reasons.push(MatchReason.companyCity);
  }
  const name = fullName(customer);
  const names = [connection.contactName, connection.buyerName, connection.name].map(normalize).filter(Boolean);
  if (name && names.includes(name)) reasons.push(MatchReason.name);
  return reasons;
}

/**
 * Ranks the customers the searches found: each customer once, only with a reason, strongest reason first;
 * customers with the same strongest reason keep the order they were found in. Customers in `exclude`
 * (numeric ids already linked to another connection) are left out.
 */
export function rankCandidates(
  connection: ConnectionFacts,
  found: readonly ShopifyCustomerFacts[],
  options: { exclude?: ReadonlySet<string>; limit?: number } = {},
): MatchCandidate[] {
  const seen = new Set<string>();
  const ranked: Array<{ candidate: MatchCandidate; order: number }> = [];
  for (const customer of found) {
    if (seen.has(customer.gid) || options.exclude?.has(customer.legacyId)) continue;
    seen.add(customer.gid);
    const reasons = matchReasons(connection, customer);
    if (reasons.length === 0) continue;
    const company = normalize(connection.name);
    const address =
      customer.addresses.find((a) => company && normalize(a.company) === company) ?? customer.addresses[0] ?? null;
    ranked.push({
      order: ranked.length,
      candidate: {
        gid: customer.gid,
        legacyId: customer.legacyId,
        name: customer.displayName,
        email: customer.email,
        company: address?.company ?? null,
        city: address?.city ?? null,
        reason: reasons[0],
        reasons,
      },
    });
  }
  const strength = (reason: MatchReason) => REASON_ORDER.indexOf(reason);
  ranked.sort((a, b) => strength(a.candidate.reason) - strength(b.candidate.reason) || a.order - b.order);
  return ranked.slice(0, options.limit ?? MAX_CANDIDATES).map((entry) => entry.candidate);
}

/** One Shopify customer search for a connection. */
export interface CandidateSearch {
  reason: MatchReason;
  /** Shopify search syntax. */
  query: string;
  first: number;
}

/** Quotes a search value with a quote character it does not contain; null when it contains both. */
function quoted(value: string): string | null {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return null;
}

function term(field: string | null, value: string): string | null {
  const text = quoted(value);
  return text === null ? null : field ? `${field}:${text}` : text;
}

/** The searches that can find this connection's candidates, one per reason the connection has data for. */
export function candidateSearches(connection: ConnectionFacts): CandidateSearch[] {
  const searches: CandidateSearch[] = [];
  const email = connection.email && term("email", connection.email);
  if (email) searches.push({ reason: MatchReason.email, query: email, first: 2 });
  const company = connection.name && term("company", connection.name);
  const city = connection.cities[0] && term("city", connection.cities[0]);
  if (company && city) searches.push({ reason: MatchReason.companyCity, query: `${company} ${city}`, first: 5 });
  const person = connection.contactName ?? connection.buyerName ?? connection.name;
  const words = (person ?? "").split(/\s+/).filter(Boolean).map((word) => term(null, word));
  if (words.length > 0 && words.every((word) => word !== null)) {
    searches.push({ reason: MatchReason.name, query: words.join(" "), first: 5 });
  }
  return searches;
}

export type LinkOutcome =
  | { status: "linked"; linkedGid: string; linkSource: string }
  | { status: "unmatched" | "skipped"; linkedGid: null; linkSource: null };

/**
 * A connection is linked exactly when its customer code is the numeric id of a Shopify customer that exists:
 * the convention JOOR's own Shopify link uses. `customer` is the Shopify customer with that id, if any.
 */
export function linkOutcome(
  current: { status: string; linkedGid: string | null; linkSource: string | null },
  customer: { gid: string } | null,
): LinkOutcome {
  if (customer) {
    const source = current.linkedGid === customer.gid && current.linkSource ? current.linkSource : "code";
    return { status: "linked", linkedGid: customer.gid, linkSource: source };
  }
  return { status: current.status === "skipped" ? "skipped" : "unmatched", linkedGid: null, linkSource: null };
}

/**
 * The connections whose strongest candidate has the same email, for "Confirm all exact-email matches". A
 * Shopify customer that is the email match of more than one connection is left for the merchant.
 */
export function exactEmailMatches(rows: ReadonlyArray<{ id: string; candidates: readonly MatchCandidate[] }>): Array<{ id: string; gid: string }> {
  const picks = rows.flatMap((row) => {
    const best = row.candidates[0];
    return best && best.reason === MatchReason.email ? [{ id: row.id, gid: best.gid }] : [];
  });
  const uses = new Map<string, number>();
  for (const pick of picks) uses.set(pick.gid, (uses.get(pick.gid) ?? 0) + 1);
  return picks.filter((pick) => uses.get(pick.gid) === 1);
}


/** Shopify's CustomerInput fields the app sets when creating a customer from a connection. */
export interface ShopifyCustomerInput {
  firstName?: string;
  lastName?: string;
  email?: string;
  note: string;
  addresses: MailingAddressInput[];
}

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * The Shopify customer a connection becomes: the contact (else buyer, else the retailer's name) as the
 * person, the contact email, and every distinct billing/shipping address with the retailer as company.
 * JOOR's `state` is free text: only a short code fits Shopify's provinceCode; a country that is not ISO-2 is
 * left out rather than refused.
 */
export function customerInputFromConnection(connection: JoorConnection): ShopifyCustomerInput {
  const facts = connectionFacts(connection);
  const [first, ...rest] = (facts.contactName ?? facts.buyerName ?? facts.name ?? "").split(/\s+/).filter(Boolean);
  const person = { firstName: first, lastName: rest.length ? rest.join(" ") : undefined };
  const seen = new Set<string>();
  const addresses: MailingAddressInput[] = [];
  for (const address of [...(connection.billing?.billing_addresses ?? []), ...(connection.shipping?.shipping_addresses ?? [])]) {
    const state = present(address.state)?.toUpperCase();
    const country = present(address.country)?.toUpperCase();
    const input = defined<MailingAddressInput>({
      ...person,
      company: facts.name ?? undefined,
      address1: present(address.address_1) ?? undefined,
      address2: present(address.address_2) ?? undefined,
      city: present(address.city) ?? undefined,
      provinceCode: state && /^[A-Z0-9]{1,3}$/.test(state) ? state : undefined,
      zip: present(address.postal_code) ?? undefined,
      countryCode: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
      phone: present(address.phone) ?? undefined,
    });
    const key = JSON.stringify(input);
    if (!seen.has(key)) {
      seen.add(key);
      addresses.push(input);
    }
  }
  return defined<ShopifyCustomerInput>({
    ...person,
    email: facts.email ?? undefined,
    note: `Created from JOOR connection ${facts.connectionId}`,
    addresses,
  });
}
