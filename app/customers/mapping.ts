/**
 * A Shopify customer → a JOOR connection. Pure: the sync handler reads the customer (CUSTOMER_SELECTION) and
 * hands it here with the merchant's options; nothing here talks to Shopify or JOOR.
 */
import type { JoorBillingAddress, JoorShippingAddress } from "~/joor/assumptions";
import { connectionAddresses } from "~/joor/assumptions";
import type { JoorConnectionInput } from "~/joor/types";
import { legacyId } from "~/records";
import type { FlowOptions } from "~/settings/options";

/** Addresses read per customer: keeps a 50-customer `nodes` read under Shopify's 1,000-point query cost. */
export const ADDRESSES_PER_CUSTOMER = 10;

/** The address fields the mapping uses, as the GraphQL fragment `JoorAddress` selects them. */
export interface ShopifyAddress {
  /** A MailingAddress GID (Shopify appends `?model_name=CustomerAddress`). */
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
  countryCodeV2: string | null;
  phone: string | null;
}

/** A customer as `CUSTOMER_SELECTION` reads it. */
export interface ShopifyCustomer {
  id: string;
  legacyResourceId: string;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  defaultEmailAddress: { emailAddress: string | null } | null;
  defaultPhoneNumber: { phoneNumber: string | null } | null;
  defaultAddress: ShopifyAddress | null;
  addressesV2: { nodes: ShopifyAddress[]; pageInfo: { hasNextPage: boolean } };
}

const ADDRESS_FIELDS = "id firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone";

/** Selection on `Customer` matching ShopifyCustomer; spread it inside `... on Customer { }`. */
export const CUSTOMER_SELECTION = `id legacyResourceId firstName lastName tags
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
  defaultAddress { ${ADDRESS_FIELDS} }
  addressesV2(first: ${ADDRESSES_PER_CUSTOMER}) { nodes { ${ADDRESS_FIELDS} } pageInfo { hasNextPage } }`;

/**
 * Longest values JOOR takes, in characters. customer_code and customer_name are JOOR's documented limits; the
 * others are not published and are our choice (kept generous but bounded, as in most CRMs).
 */
export const JOOR_LIMITS = {
  customer_code: 50,
  customer_name: 100,
  customer_contact_name: 100,
  customer_contact_email: 254,
  customer_group_name: 100,
  customer_group_code: 50,
  sales_rep_code: 50,
  address_code: 50,
  address_1: 100,
  address_2: 100,
  city: 100,
  state: 100,
  postal_code: 20,
  phone: 30,
} as const;

type LimitedField = keyof typeof JOOR_LIMITS;

export type CustomerMapping =
  | { ok: true; connection: JoorConnectionInput; warnings: string[] }
  /** JOOR cannot take this customer as it is; `reason` tells the merchant what to fix. */
  | { ok: false; reason: string };

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Cuts `value` to at most `max` characters without splitting a character: whole graphemes only, so neither a
 * surrogate pair nor an emoji sequence or accent is broken. Length is counted in UTF-16 units (a string's
 * JSON length), which is never less than the count of code points, so the result fits whichever way JOOR
 * counts.
 */
export function truncateText(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = "";
  for (const { segment } of graphemes.segment(value)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out.trimEnd();
}

function clean(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function fullName(first: string | null | undefined, last: string | null | undefined): string | undefined {
  return clean([clean(first), clean(last)].filter(Boolean).join(" "));
}

/** The customer's own name, as the customers page shows it. */
export function customerFullName(customer: Pick<ShopifyCustomer, "firstName" | "lastName">): string | null {
  return fullName(customer.firstName, customer.lastName) ?? null;
}

export function customerEmail(customer: Pick<ShopifyCustomer, "defaultEmailAddress">): string | null {
  return clean(customer.defaultEmailAddress?.emailAddress) ?? null;
}

/** The default address, else the first one. */
export function primaryAddress(customer: Pick<ShopifyCustomer, "defaultAddress" | "addressesV2">): ShopifyAddress | null {
  return customer.defaultAddress ?? customer.addressesV2.nodes[0] ?? null;
}

/** Collects truncation warnings while fitting values to JOOR's limits. */
class Fitter {
  readonly warnings: string[] = [];

  fit(value: string | null | undefined, field: LimitedField, where = field as string): string | undefined {
    const text = clean(value);
    if (text === undefined) return undefined;
    const max = JOOR_LIMITS[field];
    const cut = truncateText(text, max);
    if (cut !== text) this.warnings.push(`${where} was cut to JOOR's limit of ${max} characters`);
    return cut || undefined;
  }
}

function addressLines(address: ShopifyAddress, fallbackPhone: string | undefined, fitter: Fitter, label: string) {
  return {
    address_1: fitter.fit(address.address1, "address_1", `${label} address_1`),
    address_2: fitter.fit(address.address2, "address_2", `${label} address_2`),
    city: fitter.fit(address.city, "city", `${label} city`),
    state: fitter.fit(address.provinceCode ?? address.province, "state", `${label} state`),
    postal_code: fitter.fit(address.zip, "postal_code", `${label} postal_code`),
    country: clean(address.countryCodeV2)?.toUpperCase(),
    // JOOR's connection has no phone of its own: the customer's phone rides on addresses without one.
    phone: fitter.fit(clean(address.phone) ?? fallbackPhone, "phone", `${label} phone`),
  };
}

/** Leaves out absent values so the payload (and its hash) only carries what is known. */
function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** A stable address code: the Shopify address's numeric id. */
export function addressCode(address: Pick<ShopifyAddress, "id">): string {
  return legacyId(address.id);
}

export function mapCustomer(customer: ShopifyCustomer, options: FlowOptions): CustomerMapping {
  const code = clean(customer.legacyResourceId);
  if (!code) return { ok: false, reason: "The customer has no numeric id to use as the JOOR customer code" };
  // Never cut the code: a shortened code would link the connection to another customer.
  if (code.length > JOOR_LIMITS.customer_code) {
    return { ok: false, reason: `The customer id ${code} is longer than JOOR's customer code limit of ${JOOR_LIMITS.customer_code}` };
  }
  const fitter = new Fitter();
  const billingAddress = primaryAddress(customer);
  const email = customerEmail(customer);
  const name = customerFullName(customer);
  const addressName = billingAddress ? fullName(billingAddress.firstName, billingAddress.lastName) : undefined;
  const customerName = fitter.fit(clean(billingAddress?.company) ?? name ?? email, "customer_name");
  if (!customerName) {
    return { ok: false, reason: "JOOR needs a customer name: add a company, a name or an email to the customer" };
  }

  const phone = clean(customer.defaultPhoneNumber?.phoneNumber);
  const seen = new Set<string>();
  const shipping: JoorShippingAddress[] = [];
  for (const address of [billingAddress, ...customer.addressesV2.nodes]) {
    if (!address || seen.has(address.id)) continue;
    seen.add(address.id);
    const shippingCode = addressCode(address);
    shipping.push(
      compact({
        shipping_code: fitter.fit(shippingCode, "address_code", `shipping address ${shippingCode} code`),
        ...addressLines(address, phone, fitter, `shipping address ${shippingCode}`),
      }),
    );
  }
  const billing: JoorBillingAddress[] = billingAddress
    ? [
        compact({
          billing_code: fitter.fit(addressCode(billingAddress), "address_code", "billing address code"),
          ...addressLines(billingAddress, phone, fitter, "billing address"),
        }),
      ]
    : [];
  if (!billingAddress) fitter.warnings.push("The customer has no address: the connection has no billing or shipping address");
  if (customer.addressesV2.pageInfo.hasNextPage) {
    fitter.warnings.push(`Only the first ${ADDRESSES_PER_CUSTOMER} addresses are sent as shipping addresses`);
  }

  const connection: JoorConnectionInput = compact({
    customer_code: code,
    customer_name: customerName,
    customer_contact_name: fitter.fit(name ?? addressName, "customer_contact_name"),
    customer_contact_email: fitter.fit(email, "customer_contact_email"),
    customer_group_name: fitter.fit(options.customerGroupName, "customer_group_name"),
    customer_group_code: fitter.fit(options.customerGroupCode, "customer_group_code"),
    sales_rep_code: fitter.fit(options.salesRepCode, "sales_rep_code"),
    ...(billingAddress ? connectionAddresses(billing, shipping) : {}),
  });
  return { ok: true, connection, warnings: fitter.warnings };
}
