/**
 * One approved JOOR order → one Shopify `orderCreate` (input and options). Pure: the lines arrive matched to
 * variants and the customer decided; everything else comes from the order. An order that cannot be mapped is a
 * reason the merchant reads (and JOOR is told), never a partial order.
 */
import { parseJoorDate } from "~/joor/assumptions";
import type { JoorOrder } from "~/joor/schemas";
import type { FlowOptions } from "~/settings/options";
import { summarize, type LineMatch, type OrderLine } from "./lines";
import type { MailingAddressInput } from "~/shopify/mailing-address";
import { ORDER_TAG, SOURCE_NAME } from "./status";

export type InventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";


interface Money {
  amount: string;
  currencyCode: string;
}

export interface OrderLineInput {
  variantId?: string;
  quantity: number;
  priceSet: { shopMoney: Money };
  title?: string;
  variantTitle?: string;
  requiresShipping?: boolean;
  properties?: Array<{ name: string; value: string }>;
}

export interface CustomerUpsertInput {
  email?: string;
  firstName?: string;
  lastName?: string;
  note?: string;
  addresses?: MailingAddressInput[];
}

export interface OrderCreateInput {
  lineItems: OrderLineInput[];
  customer?: { toAssociate: { id: string } } | { toUpsert: CustomerUpsertInput };
  billingAddress?: MailingAddressInput;
  shippingAddress?: MailingAddressInput;
  poNumber?: string;
  sourceIdentifier: string;
  sourceName: string;
  tags: string[];
  note?: string;
  customAttributes: Array<{ key: string; value: string }>;
  financialStatus: "PENDING";
  processedAt?: string;
  currency: string;
}

/** Who the order is for, as decided by the customer lookup. */
export type CustomerChoice =
  | { kind: "associate"; gid: string; source: "code" | "earlier" | "email" }
  /** No Shopify customer matched: one is created with the order (email may be unknown). */
  | { kind: "create"; email: string | null }
  /** The merchant does not want customers created: the order is imported without one. */
  | { kind: "none" };

export interface OrderMappingContext {
  lines: ReadonlyArray<{ line: OrderLine; match: LineMatch }>;
  customer: CustomerChoice;
  options: Pick<FlowOptions, "orderTags" | "orderInventory">;
  /** The shop's currency, for an order that names none. */
  shopCurrency: string | null;
  now: Date;
  /** The Shopify order an earlier export of this JOOR order became, when the merchant imports it again as new. */
  replaces: string | null;
}

type MatchedLine = { line: OrderLine; match: Extract<LineMatch, { ok: true }> };

export type OrderMapping =
  | { ok: true; input: OrderCreateInput; inventoryBehaviour: InventoryBehaviour; warnings: string[] }
  | { ok: false; reason: string };

/** Custom attribute keys on every imported order. */
const ATTRIBUTE = { joorOrderId: "JOOR order ID", shipStart: "Ship start", shipEnd: "Ship end" } as const;

const MADE_TO_ORDER_PROPERTY = { name: "Made to order", value: "Yes" };

function labelled(name: string | undefined, code: string | undefined): string | undefined {
  if (name && code && name !== code) return `${name} (${code})`;
  return name ?? code;
}

/** "Emma Dubois" → first "Emma", last "Dubois"; one word is a last name. */
function splitName(name: string | undefined): { firstName?: string; lastName?: string } {
  const words = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (words.length === 0) return {};
  if (words.length === 1) return { lastName: words[0] };
  return { firstName: words.slice(0, -1).join(" "), lastName: words[words.length - 1] };
}

/** A ship date as the merchant reads it: the day when the text is a date, else the text as JOOR sent it. */
function shipDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return parseJoorDate(value)?.toISOString().slice(0, 10) ?? value.trim();
}

type AddressKind = "shipping" | "billing";

type AddressMapping = { ok: true; address: MailingAddressInput | null; warnings: string[] } | { ok: false; reason: string };

const COUNTRY_CODE = /^[A-Z]{2}$/;
const PROVINCE_CODE = /^[A-Z0-9]{1,3}$/;

/** The order's shipping or billing address; none when JOOR sends no street, city, postal code or country. */
function mapAddress(order: JoorOrder, kind: AddressKind): AddressMapping {
  const field = (name: string) => order[`${kind}_${name}` as keyof JoorOrder] as string | undefined;
  const [address1, address2, city, region, zip, country] = ["address_1", "address_2", "city", "region", "postal_code", "country_iso_two"].map(field);
  if (!address1 && !city && !zip && !country) return { ok: true, address: null, warnings: [] };
  const warnings: string[] = [];
  const countryCode = country?.trim().toUpperCase();
  if (countryCode !== undefined && !COUNTRY_CODE.test(countryCode)) {
    return { ok: false, reason: `Invalid ${kind} address: country "${country}" is not a two-letter ISO code` };
  }
  const provinceCode = region?.trim().toUpperCase();
  const provinceUsable = provinceCode !== undefined && PROVINCE_CODE.test(provinceCode);
  if (provinceCode !== undefined && !provinceUsable) {
    warnings.push(`The ${kind} region "${region}" is not a province code and was left out of the address`);
  }
  const address: MailingAddressInput = {
    ...splitName(field("name") ?? order.customer_buyer_name),
    ...((order.company_name ?? order.customer_name) && { company: order.company_name ?? order.customer_name }),
    ...(address1 && { address1 }),
    ...(address2 && { address2 }),
    ...(city && { city }),
    ...(provinceUsable && { provinceCode }),
    ...(zip && { zip }),
    ...(countryCode && { countryCode }),
    ...(field("phone") && { phone: field("phone") }),
  };
  return { ok: true, address, warnings };
}

function orderNote(order: JoorOrder, replaces: string | null, currency: string): string {
  const start = shipDate(order.date_ship_start);
  const end = shipDate(order.date_ship_end);
  const window = start && end ? `${start} – ${end}` : start ? `from ${start}` : end ? `by ${end}` : undefined;
  const retailer = order.customer_name ?? order.company_name;
  const lines: Array<[string, string | undefined]> = [
    ["Retailer", retailer && (order.customer_code ? `${retailer} (customer code ${order.customer_code})` : retailer)],
    ["Buyer", order.customer_buyer_name],
    ["Payment terms", labelled(order.payment_method_name, order.payment_method_code)],
    ["Shipping method", labelled(order.shipping_method_name, order.shipping_method_code)],
    ["Ship window", window],
    ["Linesheet", labelled(order.order_delivery_name, order.order_delivery_code)],
    ["Warehouse", order.warehouse_name],
    ["JOOR total", order.order_total !== undefined && Number.isFinite(order.order_total) ? `${order.order_total.toFixed(2)} ${currency}` : undefined],
    ["Replaces", replaces ? `Shopify order ${replaces} (the JOOR order changed after it was imported)` : undefined],
    ["Comments", order.order_comments],
  ];
  return [`JOOR order ${order.order_id}`, ...lines.flatMap(([label, value]) => (value ? [`${label}: ${value}`] : []))].join("\n");
}

function orderTags(extra: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of [ORDER_TAG, ...extra]) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  return [...seen.values()];
}

/** Stock claimed as the merchant chose; made-to-order lines never claim, so an order of only those bypasses stock. */
function inventoryBehaviourFor(rule: FlowOptions["orderInventory"], lines: readonly MatchedLine[]): InventoryBehaviour {
  const stocked = lines.some(({ match }) => !match.madeToOrder);
  if (rule === "leaveStock" || !stocked) return "BYPASS";
  return rule === "alwaysClaim" ? "DECREMENT_IGNORING_POLICY" : "DECREMENT_OBEYING_POLICY";
}

function lineInput(line: OrderLine, match: MatchedLine["match"], currencyCode: string, claiming: boolean): OrderLineInput {
  const properties = [
    ...(match.madeToOrder ? [MADE_TO_ORDER_PROPERTY] : []),
    ...(line.retailPrice !== null ? [{ name: "Retail price", value: `${line.retailPrice} ${currencyCode}` }] : []),
    ...(line.comment ? [{ name: "Comment", value: line.comment }] : []),
  ];
  const base = { quantity: line.quantity, priceSet: { shopMoney: { amount: line.price, currencyCode } }, ...(properties.length && { properties }) };
  // orderCreate claims stock for the whole order or not at all: while it claims, a made-to-order line goes
  // without its variant (title, color and size kept) so its stock is never touched.
  if (match.madeToOrder && claiming) {
    const title = match.title ?? line.name ?? (line.styleNumber ? `Style ${line.styleNumber}` : `JOOR line ${line.index + 1}`);
    const variantTitle = match.variantTitle ?? ([line.color, line.size].filter(Boolean).join(" / ") || undefined);
    return { ...base, title, ...(variantTitle && { variantTitle }), requiresShipping: true };
  }
  return { ...base, variantId: match.variantId };
}

/** Shopify refuses a customer with neither a name, a phone nor an email. */
export const NO_CUSTOMER_WARNING = "No customer: the order names no buyer, retailer or email to create one with";

function customerInput(
  order: JoorOrder,
  choice: CustomerChoice,
  address: MailingAddressInput | null,
): { customer?: OrderCreateInput["customer"]; warning?: string } {
  if (choice.kind === "associate") return { customer: { toAssociate: { id: choice.gid } } };
  if (choice.kind === "none") return {};
  const retailer = order.customer_name ?? order.company_name;
  const person = splitName(order.customer_buyer_name ?? order.shipping_name ?? order.billing_name);
  // Without a person's name the retailer's name stands whole as the last name.
  const names = person.firstName || person.lastName ? person : retailer ? { lastName: retailer } : {};
  if (!choice.email && !names.lastName) return { warning: NO_CUSTOMER_WARNING };
  const note = retailer ? `JOOR retailer ${retailer}${order.customer_code ? ` (customer code ${order.customer_code})` : ""}` : undefined;
  return {
    customer: {
      toUpsert: {
        ...(choice.email && { email: choice.email }),
        ...names,
        ...(note && { note }),
        ...(address && { addresses: [address] }),
      },
    },
  };
}

const CURRENCY = /^[A-Z]{3}$/;

export function buildOrderInput(order: JoorOrder, context: OrderMappingContext): OrderMapping {
  const unmatched = context.lines.flatMap(({ match }) => (match.ok ? [] : [match.reason]));
  if (unmatched.length) return { ok: false, reason: summarize(unmatched) };
  const matched = context.lines.flatMap(({ line, match }): MatchedLine[] => (match.ok ? [{ line, match }] : []));
  const named = order.order_currency ?? context.shopCurrency;
  const currency = named?.trim().toUpperCase();
  if (!currency) return { ok: false, reason: "The order names no currency" };
  if (!CURRENCY.test(currency)) return { ok: false, reason: `Unknown currency "${named}"` };

  const shipping = mapAddress(order, "shipping");
  if (!shipping.ok) return shipping;
  const billing = mapAddress(order, "billing");
  if (!billing.ok) return billing;

  const inventoryBehaviour = inventoryBehaviourFor(context.options.orderInventory, matched);
  const claiming = inventoryBehaviour !== "BYPASS";
  const lineItems = matched.map(({ line, match }) => lineInput(line, match, currency, claiming));
  const start = shipDate(order.date_ship_start);
  const end = shipDate(order.date_ship_end);
  const processed = parseJoorDate(order.date_approved) ?? parseJoorDate(order.date_created);
  const { customer, warning } = customerInput(order, context.customer, shipping.address ?? billing.address);
  const input: OrderCreateInput = {
    lineItems,
    ...(customer && { customer }),
    ...(billing.address && { billingAddress: billing.address }),
    ...(shipping.address && { shippingAddress: shipping.address }),
    ...(order.customer_purchase_order && { poNumber: order.customer_purchase_order }),
    sourceIdentifier: order.order_id,
    sourceName: SOURCE_NAME,
    tags: orderTags(context.options.orderTags),
    note: orderNote(order, context.replaces, currency),
    customAttributes: [
      { key: ATTRIBUTE.joorOrderId, value: order.order_id },
      ...(start ? [{ key: ATTRIBUTE.shipStart, value: start }] : []),
      ...(end ? [{ key: ATTRIBUTE.shipEnd, value: end }] : []),
    ],
    financialStatus: "PENDING",
    // Shopify refuses a processing date in the future (a JOOR clock ahead of ours).
    ...(processed && processed <= context.now && { processedAt: processed.toISOString() }),
    currency,
  };
  const warnings = [...shipping.warnings, ...billing.warnings, ...(warning ? [warning] : [])];
  return { ok: true, input, inventoryBehaviour, warnings };
}
