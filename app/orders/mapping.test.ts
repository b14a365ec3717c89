/**
 * Every field of a JOOR v2 order (joor-api.md) present, absent, empty, and — where JOOR sends numbers — a number
 * as a string, through the same path an import takes: JOOR's reply parsed by the client's schema, the lines
 * read and matched against the catalog's state, then mapped to one orderCreate.
 */
import { describe, expect, it } from "vitest";
import { joorOrderSchema, type JoorOrder } from "~/joor/schemas";
import { orderEmails } from "./customers";
import { buildCatalogIndex, matchLine, readOrderLines, type LinesRead } from "./lines";
import { buildOrderInput, NO_CUSTOMER_WARNING, type CustomerChoice, type OrderCreateInput, type OrderMapping, type OrderMappingContext } from "./mapping";

const NOW = new Date("2026-11-22T12:00:00Z");

const cell = (variantId: string, color: string, size: string, upc: string) => ({
  key: `${color}|${size}`,
  color,
  size,
  colorCode: color.toLowerCase(),
  skuId: `sku-${variantId}`,
  variantId,
  upc,
  hash: "h",
});

const INDEX = buildCatalogIndex([
  {
    gid: "gid://shopify/Product/42",
    details: {
      styleNumber: "42",
      title: "Oxford Shirt",
      madeToOrder: false,
      cells: [cell("501", "White", "S", "111"), cell("502", "White", "M", "112"), cell("503", "Blue", "S", "113")],
    },
  },
  {
    gid: "gid://shopify/Product/43",
    details: { styleNumber: "43", title: "Linen Trousers", madeToOrder: true, cells: [cell("601", "Sand", "30", "211")] },
  },
]);

const BASE_LINE = { item_upc: "111", item_quantity: "6", item_price: "44.50" };

const BASE: Record<string, unknown> = {
  order_id: 1001,
  order_type: "4",
  order_currency: "USD",
  order_total: "267.00",
  customer_code: "RET-0001",
  customer_name: "Maison Dubois",
  line_items: [BASE_LINE],
};

interface Mapped {
  order: JoorOrder;
  read: LinesRead;
  mapping: OrderMapping | null;
}

function mapRaw(changes: Record<string, unknown>, context: Partial<OrderMappingContext> = {}, customer?: CustomerChoice): Mapped {
  const raw = { ...BASE, ...changes };
  for (const [key, value] of Object.entries(raw)) if (value === undefined) delete raw[key];
  const order = joorOrderSchema.parse(raw);
  const read = readOrderLines(order.line_items);
  if (!read.ok) return { order, read, mapping: null };
  const lines = read.lines.map((line) => ({ line, match: matchLine(line, INDEX, []) }));
  const mapping = buildOrderInput(order, {
    lines,
    customer: customer ?? { kind: "create", email: orderEmails(order)[0] ?? null },
    options: { orderTags: [], orderInventory: "claimIfAvailable" },
    shopCurrency: "EUR",
    now: NOW,
    replaces: null,
    ...context,
  });
  return { order, read, mapping };
}

function input(changes: Record<string, unknown>, context?: Partial<OrderMappingContext>, customer?: CustomerChoice): OrderCreateInput {
  const { mapping, read } = mapRaw(changes, context, customer);
  if (!mapping?.ok) throw new Error(`Expected a mapping, got ${JSON.stringify(mapping ?? read)}`);
  return mapping.input;
}

function reason(changes: Record<string, unknown>, context?: Partial<OrderMappingContext>): string {
  const { mapping, read } = mapRaw(changes, context);
  if (!read.ok) return read.reason;
  if (mapping?.ok !== false) throw new Error("Expected the order to be refused");
  return mapping.reason;
}

const noteLines = (changes: Record<string, unknown>) => (input(changes).note ?? "").split("\n");
const attributes = (changes: Record<string, unknown>) => Object.fromEntries(input(changes).customAttributes.map((a) => [a.key, a.value]));
const withLine = (changes: Record<string, unknown>) => ({ line_items: [{ ...BASE_LINE, ...changes }] });

describe("mapping a JOOR order to orderCreate", () => {
  it("maps the base order", () => {
    expect(input({})).toEqual({
      lineItems: [{ variantId: "gid://shopify/ProductVariant/501", quantity: 6, priceSet: { shopMoney: { amount: "44.5", currencyCode: "USD" } } }],
      customer: { toUpsert: { lastName: "Maison Dubois", note: "JOOR retailer Maison Dubois (customer code RET-0001)" } },
      sourceIdentifier: "1001",
      sourceName: "joor",
      tags: ["JOOR"],
      note: "JOOR order 1001\nRetailer: Maison Dubois (customer code RET-0001)\nJOOR total: 267.00 USD",
      customAttributes: [{ key: "JOOR order ID", value: "1001" }],
      financialStatus: "PENDING",
      currency: "USD",
    });
  });

  describe("order fields", () => {
    it.each<[string, Record<string, unknown>, (mapped: Mapped) => void]>([
      ["order_id as a string", { order_id: "1001" }, ({ mapping }) => expect(mapping).toMatchObject({ input: { sourceIdentifier: "1001" } })],
      ["order_type has no effect", { order_type: 4 }, ({ mapping }) => expect(mapping).toEqual(mapRaw({}).mapping)],
      ["order_type absent", { order_type: undefined }, ({ mapping }) => expect(mapping).toEqual(mapRaw({}).mapping)],
      ["order_type empty", { order_type: "" }, ({ mapping }) => expect(mapping).toEqual(mapRaw({}).mapping)],
      ["date_modified has no effect on the order", { date_modified: "2026-11-20 10:00:00" }, ({ mapping }) => expect(mapping).toEqual(mapRaw({}).mapping)],
    ])("%s", (_name, changes, check) => check(mapRaw(changes)));

    it("needs an order id: JOOR's reply without one is unreadable", () => {
      expect(() => mapRaw({ order_id: undefined })).toThrow();
      expect(() => mapRaw({ order_id: "" })).toThrow();
    });

    it.each<[string, Record<string, unknown>, string | null]>([
      ["lower case", { order_currency: "eur" }, "EUR"],
      ["absent: the shop's currency", { order_currency: undefined }, "EUR"],
      ["empty: the shop's currency", { order_currency: "" }, "EUR"],
    ])("order_currency %s", (_name, changes, currency) => {
      const mapped = input(changes);
      expect(mapped.currency).toBe(currency);
      expect(mapped.lineItems[0].priceSet.shopMoney.currencyCode).toBe(currency);
    });

    it("refuses a currency that is not a code, or none at all", () => {
      expect(reason({ order_currency: "dollars" })).toBe('Unknown currency "dollars"');
      expect(reason({ order_currency: undefined }, { shopCurrency: null })).toBe("The order names no currency");
    });

    it.each<[string, Record<string, unknown>, string | undefined]>([
      ["as a string", { order_total: "801.5" }, "JOOR total: 801.50 USD"],
      ["as a number", { order_total: 801.5 }, "JOOR total: 801.50 USD"],
      ["absent", { order_total: undefined }, undefined],
      ["empty", { order_total: "" }, undefined],
    ])("order_total %s", (_name, changes, line) => {
      const lines = noteLines(changes).filter((text) => text.startsWith("JOOR total"));
      expect(lines).toEqual(line ? [line] : []);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ["order_comments", { order_comments: "Pack by size" }, ["Comments: Pack by size"]],
      ["order_comments empty", { order_comments: "" }, []],
      ["customer_buyer_name", { customer_buyer_name: "Emma Dubois" }, ["Buyer: Emma Dubois"]],
      ["payment terms with code", { payment_method_name: "Net 30", payment_method_code: "NET30" }, ["Payment terms: Net 30 (NET30)"]],
      ["payment terms, code only", { payment_method_code: "NET30" }, ["Payment terms: NET30"]],
      ["payment terms, name equals code", { payment_method_name: "COD", payment_method_code: "COD" }, ["Payment terms: COD"]],
      ["payment terms empty", { payment_method_name: "", payment_method_code: "" }, []],
      ["shipping method", { shipping_method_name: "Ground", shipping_method_code: 7 }, ["Shipping method: Ground (7)"]],
      ["shipping method absent", {}, []],
      ["ship window", { date_ship_start: "2027-01-15", date_ship_end: "2027-02-15 00:00:00" }, ["Ship window: 2027-01-15 – 2027-02-15"]],
      ["ship start only", { date_ship_start: "2027-01-15T00:00:00Z", date_ship_end: "" }, ["Ship window: from 2027-01-15"]],
      ["ship end only", { date_ship_end: "2027-02-15" }, ["Ship window: by 2027-02-15"]],
      ["ship date JOOR wrote as text", { date_ship_start: "TBD" }, ["Ship window: from TBD"]],
      ["linesheet", { order_delivery_name: "Fall26", order_delivery_code: "F26" }, ["Linesheet: Fall26 (F26)"]],
      ["linesheet empty", { order_delivery_name: "" }, []],
      ["warehouse", { warehouse_name: "Main" }, ["Warehouse: Main"]],
      ["warehouse empty", { warehouse_name: "" }, []],
    ])("note: %s", (_name, changes, expected) => {
      const labels = ["Comments", "Buyer", "Payment terms", "Shipping method", "Ship window", "Linesheet", "Warehouse"];
      expect(noteLines(changes).filter((line) => labels.some((label) => line.startsWith(`${label}:`)))).toEqual(expected);
    });

    it.each<[string, Record<string, unknown>, Record<string, string>]>([
      ["both", { date_ship_start: "2027-01-15", date_ship_end: "2027-02-15" }, { "Ship start": "2027-01-15", "Ship end": "2027-02-15" }],
      ["start only", { date_ship_start: "2027-01-15 08:00:00" }, { "Ship start": "2027-01-15" }],
      ["absent", {}, {}],
      ["empty", { date_ship_start: "", date_ship_end: "" }, {}],
    ])("ship dates as custom attributes: %s", (_name, changes, expected) => {
      expect(attributes(changes)).toEqual({ "JOOR order ID": "1001", ...expected });
    });

    it.each<[string, Record<string, unknown>, string | undefined]>([
      ["date_approved", { date_approved: "2026-11-20 10:00:00", date_created: "2026-11-01" }, "2026-11-20T10:00:00.000Z"],
      ["date_created when not approved", { date_created: "2026-11-01" }, "2026-11-01T00:00:00.000Z"],
      ["empty dates", { date_approved: "", date_created: "" }, undefined],
      ["unreadable date", { date_approved: "soon" }, undefined],
      ["a date in the future (JOOR's clock ahead)", { date_approved: "2026-11-23T00:00:00Z" }, undefined],
    ])("processedAt from %s", (_name, changes, expected) => {
      expect(input(changes).processedAt).toBe(expected);
    });

    it.each<[string, Record<string, unknown>, string | undefined]>([
      ["present", { customer_purchase_order: "PO-77" }, "PO-77"],
      ["a number", { customer_purchase_order: 778 }, "778"],
      ["absent", {}, undefined],
      ["empty", { customer_purchase_order: " " }, undefined],
    ])("customer_purchase_order %s → poNumber", (_name, changes, expected) => {
      expect(input(changes).poNumber).toBe(expected);
    });

    it.each<[string, Record<string, unknown>, string | undefined]>([
      ["name and code", {}, "Retailer: Maison Dubois (customer code RET-0001)"],
      ["a numeric code", { customer_code: 7001 }, "Retailer: Maison Dubois (customer code 7001)"],
      ["no code", { customer_code: "" }, "Retailer: Maison Dubois"],
      ["company name when no customer name", { customer_name: undefined, company_name: "Dubois SARL" }, "Retailer: Dubois SARL (customer code RET-0001)"],
      ["neither", { customer_name: "", company_name: "" }, undefined],
    ])("retailer in the note: %s", (_name, changes, expected) => {
      expect(noteLines(changes).find((line) => line.startsWith("Retailer:"))).toBe(expected);
    });

    it("tags the order JOOR plus the merchant's tags, once each", () => {
      expect(input({}, { options: { orderTags: ["Wholesale", "joor"], orderInventory: "leaveStock" } }).tags).toEqual(["JOOR", "Wholesale"]);
    });

    it("names the order it replaces", () => {
      expect(noteLines({})).not.toContainEqual(expect.stringMatching(/^Replaces/));
      expect(input({}, { replaces: "#1001" }).note).toContain("Replaces: Shopify order #1001 (the JOOR order changed after it was imported)");
    });
  });

  describe("addresses", () => {
    const shipping = {
      shipping_name: "Emma Dubois",
      shipping_phone: "+33 1 23 45 67 89",
      shipping_address_1: "12 Rue de Rivoli",
      shipping_address_2: "3e étage",
      shipping_city: "Paris",
      shipping_region: "idf",
      shipping_postal_code: 75001,
      shipping_country_iso_two: "fr",
    };

    it("maps every shipping field (postal code sent as a number, codes upper-cased)", () => {
      expect(input(shipping).shippingAddress).toEqual({
        firstName: "Emma",
        lastName: "Dubois",
        company: "Maison Dubois",
        address1: "12 Rue de Rivoli",
        address2: "3e étage",
        city: "Paris",
        provinceCode: "IDF",
        zip: "75001",
        countryCode: "FR",
        phone: "+33 1 23 45 67 89",
      });
    });

    it("maps the billing address the same way, company from company_name first", () => {
      expect(
        input({ company_name: "Dubois SARL", billing_name: "Compta", billing_address_1: "1 Quai", billing_city: "Lyon", billing_postal_code: "69001", billing_country_iso_two: "FR" })
          .billingAddress,
      ).toEqual({ lastName: "Compta", company: "Dubois SARL", address1: "1 Quai", city: "Lyon", zip: "69001", countryCode: "FR" });
    });

    it("leaves out an address JOOR sends no street, city, postal code or country for", () => {
      const mapped = input({ shipping_name: "Emma Dubois", shipping_phone: "+331", shipping_address_1: "", shipping_city: "" });
      expect(mapped.shippingAddress).toBeUndefined();
      expect(mapped.billingAddress).toBeUndefined();
    });

    it("takes the buyer's name when the address has none", () => {
      expect(input({ customer_buyer_name: "Jo", shipping_city: "Paris" }).shippingAddress).toMatchObject({ lastName: "Jo", city: "Paris" });
    });

    it("refuses an address whose country is not a two-letter code", () => {
      expect(reason({ ...shipping, shipping_country_iso_two: "FRA" })).toBe('Invalid shipping address: country "FRA" is not a two-letter ISO code');
      expect(reason({ billing_city: "Lyon", billing_country_iso_two: "France" })).toBe('Invalid billing address: country "France" is not a two-letter ISO code');
    });

    it("leaves a region that is no province code out, with a warning", () => {
      const { mapping } = mapRaw({ ...shipping, shipping_region: "Île-de-France" });
      expect(mapping).toMatchObject({ ok: true, warnings: ['The shipping region "Île-de-France" is not a province code and was left out of the address'] });
      expect(mapping?.ok && mapping.input.shippingAddress?.provinceCode).toBeUndefined();
    });

    it("keeps an address without a country (Shopify judges it)", () => {
      expect(input({ shipping_address_1: "1 Main St", shipping_country_iso_two: "" }).shippingAddress).toEqual({ company: "Maison Dubois", address1: "1 Main St" });
    });
  });

  describe("customer", () => {
    it("associates the customer found", () => {
      expect(input({}, {}, { kind: "associate", gid: "gid://shopify/Customer/9", source: "code" }).customer).toEqual({ toAssociate: { id: "gid://shopify/Customer/9" } });
    });

    it("creates one from the buyer, the order's email (billing first) and the address", () => {
      const mapped = input({
        customer_buyer_name: "Emma Dubois",
        billing_email: "Compta@Dubois.test",
        shipping_email: "emma@dubois.test",
        shipping_city: "Paris",
        shipping_country_iso_two: "FR",
      });
      expect(mapped.customer).toEqual({
        toUpsert: {
          email: "compta@dubois.test",
          firstName: "Emma",
          lastName: "Dubois",
          note: "JOOR retailer Maison Dubois (customer code RET-0001)",
          addresses: [{ firstName: "Emma", lastName: "Dubois", company: "Maison Dubois", city: "Paris", countryCode: "FR" }],
        },
      });
    });

    it("names a new customer after the shipping contact when there is no buyer, and after the retailer when there is no one", () => {
      expect(input({ shipping_name: "Lea Martin" }).customer).toMatchObject({ toUpsert: { firstName: "Lea", lastName: "Martin" } });
      expect(input({}).customer).toMatchObject({ toUpsert: { lastName: "Maison Dubois" } });
    });

    it("imports without a customer when there is nothing to create one with, and says so", () => {
      const { mapping } = mapRaw({ customer_name: "", customer_code: "" });
      expect(mapping).toMatchObject({ ok: true, warnings: [NO_CUSTOMER_WARNING] });
      expect(mapping?.ok && mapping.input.customer).toBeUndefined();
    });

    it("imports without a customer when the merchant does not create them", () => {
      expect(input({}, {}, { kind: "none" }).customer).toBeUndefined();
    });
  });

  describe("lines", () => {
    it.each<[string, Record<string, unknown>, { variantId?: string; quantity: number; amount: string }]>([
      ["quantity and price as strings", {}, { variantId: "gid://shopify/ProductVariant/501", quantity: 6, amount: "44.5" }],
      ["quantity and price as numbers", { item_quantity: 2, item_price: 10 }, { variantId: "gid://shopify/ProductVariant/501", quantity: 2, amount: "10" }],
      ["a free line", { item_price: "0" }, { variantId: "gid://shopify/ProductVariant/501", quantity: 6, amount: "0" }],
      ["the UPC as a number", { item_upc: 112 }, { variantId: "gid://shopify/ProductVariant/502", quantity: 6, amount: "44.5" }],
      ["style, color and size when the UPC is empty", { item_upc: "", item_number: 42, item_color: "blue", item_size: "s" }, { variantId: "gid://shopify/ProductVariant/503", quantity: 6, amount: "44.5" }],
      ["style and color code", { item_upc: undefined, item_number: "42", item_color_code: "WHITE", item_size: "M" }, { variantId: "gid://shopify/ProductVariant/502", quantity: 6, amount: "44.5" }],
    ])("%s", (_name, changes, expected) => {
      const [line] = input(withLine(changes)).lineItems;
      expect(line).toMatchObject({ ...(expected.variantId && { variantId: expected.variantId }), quantity: expected.quantity, priceSet: { shopMoney: { amount: expected.amount } } });
    });

    it("carries the retail price and the comment as line properties", () => {
      expect(input(withLine({ item_retail_price: "89", item_comment: "Gift wrap" })).lineItems[0].properties).toEqual([
        { name: "Retail price", value: "89 USD" },
        { name: "Comment", value: "Gift wrap" },
      ]);
      expect(input(withLine({ item_retail_price: "", item_comment: "" })).lineItems[0].properties).toBeUndefined();
    });

    it.each<[string, Record<string, unknown>, string]>([
      ["no quantity", { item_quantity: undefined }, "Line 1 has no quantity"],
      ["an empty quantity", { item_quantity: "" }, "Line 1 has no quantity"],
      ["a fractional quantity", { item_quantity: "2.5" }, "Line 1 has quantity 2.5"],
      ["a negative quantity", { item_quantity: -1 }, "Line 1 has quantity -1"],
      ["no price", { item_price: undefined }, "Line 1 has no price"],
      ["an empty price", { item_price: "" }, "Line 1 has no price"],
      ["a negative price", { item_price: "-3" }, "Line 1 has price -3"],
      ["an unknown UPC", { item_upc: "999" }, "Line 1: unknown UPC 999"],
      ["an unknown UPC and style", { item_upc: "999", item_number: "42", item_color: "Red", item_size: "S" }, "Line 1: unknown UPC 999 (and no variant of style 42 in Red / S)"],
      ["a style matching several variants", { item_upc: "", item_number: "42", item_color: "White" }, "Line 1: style 42 has 2 variants in White"],
      ["nothing to match by", { item_upc: "", item_name: "Mystery" }, "Line 1 names no UPC or style number"],
    ])("refuses a line with %s", (_name, changes, expected) => {
      expect(reason(withLine(changes))).toBe(expected);
    });

    it("leaves a line of quantity 0 out with a warning, and refuses an order with no line left", () => {
      const { mapping } = mapRaw({ line_items: [{ ...BASE_LINE, item_quantity: 0 }, { ...BASE_LINE, item_upc: "113" }] });
      expect(mapping).toMatchObject({ ok: true, input: { lineItems: [{ variantId: "gid://shopify/ProductVariant/503" }] } });
      expect(mapRaw({ line_items: [{ ...BASE_LINE, item_quantity: 0 }] }).read).toEqual({ ok: false, reason: "The order has no lines to import" });
      expect(reason({ line_items: [] })).toBe("The order has no lines to import");
      expect(reason({ line_items: null })).toBe("The order has no lines to import");
      expect(reason({ line_items: undefined })).toBe("The order has no lines to import");
    });

    it("names every unmatched line, up to three", () => {
      const lines = ["901", "902", "903", "904"].map((upc) => ({ ...BASE_LINE, item_upc: upc }));
      expect(reason({ line_items: lines })).toBe("Line 1: unknown UPC 901; Line 2: unknown UPC 902; Line 3: unknown UPC 903; and 1 more");
    });
  });

  describe("stock", () => {
    const mixed = { line_items: [BASE_LINE, { ...BASE_LINE, item_upc: "211", item_quantity: 2, item_name: "Trousers" }] };
    const behaviour = (changes: Record<string, unknown>, orderInventory: "claimIfAvailable" | "alwaysClaim" | "leaveStock") => {
      const { mapping } = mapRaw(changes, { options: { orderTags: [], orderInventory } });
      return mapping?.ok ? mapping.inventoryBehaviour : null;
    };

    it.each([
      ["claimIfAvailable", "DECREMENT_OBEYING_POLICY"],
      ["alwaysClaim", "DECREMENT_IGNORING_POLICY"],
      ["leaveStock", "BYPASS"],
    ] as const)("%s → %s", (rule, expected) => {
      expect(behaviour({}, rule)).toBe(expected);
    });

    it("never claims for made-to-order lines: sent without their variant while the rest claims", () => {
      const { mapping } = mapRaw(mixed);
      expect(mapping).toMatchObject({ ok: true, inventoryBehaviour: "DECREMENT_OBEYING_POLICY" });
      expect(mapping?.ok && mapping.input.lineItems[1]).toEqual({
        title: "Linen Trousers",
        variantTitle: "Sand / 30",
        requiresShipping: true,
        quantity: 2,
        priceSet: { shopMoney: { amount: "44.5", currencyCode: "USD" } },
        properties: [{ name: "Made to order", value: "Yes" }],
      });
    });

    it("keeps made-to-order lines on their variant when nothing claims stock", () => {
      expect(behaviour({ line_items: [{ ...BASE_LINE, item_upc: "211" }] }, "alwaysClaim")).toBe("BYPASS");
      const { mapping } = mapRaw(mixed, { options: { orderTags: [], orderInventory: "leaveStock" } });
      expect(mapping?.ok && mapping.input.lineItems[1]).toMatchObject({ variantId: "gid://shopify/ProductVariant/601" });
    });
  });
});
