import { describe, expect, it } from "vitest";
import { flowOptionsSchema, type FlowOptions } from "~/settings/options";
import { JOOR_LIMITS, mapCustomer, truncateText, type ShopifyAddress, type ShopifyCustomer } from "./mapping";

const defaults = flowOptionsSchema.parse({});

function address(id: string, fields: Partial<ShopifyAddress> = {}): ShopifyAddress {
  return {
    id: `gid://shopify/MailingAddress/${id}?model_name=CustomerAddress`,
    firstName: null,
    lastName: null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    province: null,
    provinceCode: null,
    zip: null,
    countryCodeV2: null,
    phone: null,
    ...fields,
  };
}

/** `addresses` is the customer's complete address list, the first being the default. */
type CustomerFields = Partial<ShopifyCustomer> & { email?: string | null; phone?: string | null; addresses?: ShopifyAddress[] };

function customer(fields: CustomerFields = {}): ShopifyCustomer {
  const { email = "buyer@shop.example", phone = null, addresses: listed, ...rest } = fields;
  const addresses = listed ?? rest.addressesV2?.nodes ?? [];
  return {
    id: "gid://shopify/Customer/7001",
    legacyResourceId: "7001",
    firstName: "Ada",
    lastName: "Lovelace",
    tags: ["JOOR_ENABLED"],
    defaultEmailAddress: email === null ? null : { emailAddress: email },
    defaultPhoneNumber: phone === null ? null : { phoneNumber: phone },
    defaultAddress: addresses[0] ?? null,
    addressesV2: { nodes: addresses, pageInfo: { hasNextPage: false } },
    ...rest,
  };
}

function mapped(input: ShopifyCustomer, options: Partial<FlowOptions> = {}) {
  const result = mapCustomer(input, { ...defaults, ...options });
  if (!result.ok) throw new Error(`expected a connection, got: ${result.reason}`);
  return result;
}

const store = address("11", {
  firstName: "Ada",
  lastName: "Lovelace",
  company: "Analytical Boutique",
  address1: "1 Engine Row",
  address2: "Floor 2",
  city: "London",
  province: "England",
  provinceCode: "ENG",
  zip: "N1 9GU",
  countryCodeV2: "GB",
  phone: "+44 20 7946 0000",
});
const warehouse = address("12", { address1: "9 Dock Lane", city: "Leeds", countryCodeV2: "GB" });

describe("mapCustomer: the customer name", () => {
  it.each([
    { case: "company of the default address", input: customer({ addresses: [store] }), name: "Analytical Boutique" },
    { case: "full name without a company", input: customer(), name: "Ada Lovelace" },
    { case: "last name only", input: customer({ firstName: null, lastName: "Lovelace" }), name: "Lovelace" },
    { case: "email without any name", input: customer({ firstName: null, lastName: null }), name: "buyer@shop.example" },
    { case: "blank company falls through to the name", input: customer({ addresses: [address("13", { company: "  " })] }), name: "Ada Lovelace" },
  ])("uses the $case", ({ input, name }) => {
    expect(mapped(input).connection.customer_name).toBe(name);
  });

  it("refuses a customer with no company, name or email, with a reason", () => {
    const result = mapCustomer(customer({ firstName: " ", lastName: null, email: null, phone: "+15550100" }), defaults);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("JOOR needs a customer name") });
  });
});

describe("mapCustomer: fields", () => {
  it("maps code, contact, merchant defaults and both address lists", () => {
    const result = mapped(
      customer({ phone: "+15550100", addresses: [store, warehouse] }),
      { customerGroupName: "Boutiques", customerGroupCode: "BTQ", salesRepCode: "REP7" },
    );
    // The default address is both the billing address and the first shipping address.
    const storeInJoor = {
      address_1: "1 Engine Row",
      address_2: "Floor 2",
      city: "London",
      state: "ENG",
      postal_code: "N1 9GU",
      country: "GB",
      phone: "+44 20 7946 0000",
    };
    expect(result.warnings).toEqual([]);
    expect(result.connection).toEqual({
      customer_code: "7001",
      customer_name: "Analytical Boutique",
      customer_contact_name: "Ada Lovelace",
      customer_contact_email: "buyer@shop.example",
      customer_group_name: "Boutiques",
      customer_group_code: "BTQ",
      sales_rep_code: "REP7",
      billing: { billing_addresses: [{ billing_code: "11", ...storeInJoor }] },
      shipping: {
        shipping_addresses: [
          { shipping_code: "11", ...storeInJoor },
          // No phone on the address: the customer's own phone stands in.
          { shipping_code: "12", address_1: "9 Dock Lane", city: "Leeds", country: "GB", phone: "+15550100" },
        ],
      },
    });
  });

  it("omits merchant defaults left empty", () => {
    const { connection } = mapped(customer());
    expect(connection).not.toHaveProperty("customer_group_name");
    expect(connection).not.toHaveProperty("customer_group_code");
    expect(connection).not.toHaveProperty("sales_rep_code");
  });

  it("puts the default address first among shipping addresses, whatever the list order", () => {
    const input = customer({ addresses: [warehouse, store] });
    input.defaultAddress = store;
    const { connection } = mapped(input);
    expect(connection.billing?.billing_addresses.map((a) => a.billing_code)).toEqual(["11"]);
    expect(connection.shipping?.shipping_addresses.map((a) => a.shipping_code)).toEqual(["11", "12"]);
  });

  it("sends no addresses for a customer without any, and says so", () => {
    const result = mapped(customer());
    expect(result.connection).not.toHaveProperty("billing");
    expect(result.connection).not.toHaveProperty("shipping");
    expect(result.warnings).toEqual([expect.stringContaining("no address")]);
  });

  it("warns when the customer has more addresses than are read", () => {
    const result = mapped(customer({ addressesV2: { nodes: [store], pageInfo: { hasNextPage: true } } }));
    expect(result.warnings).toEqual([expect.stringContaining("Only the first 10 addresses")]);
  });

  it("takes the contact name from the address when the customer has none", () => {
    const { connection } = mapped(customer({ firstName: null, lastName: null, addresses: [store] }));
    expect(connection.customer_contact_name).toBe("Ada Lovelace");
  });

  it("keeps non-Latin text as it is", () => {
    const shop = address("21", { company: "東京ブティック株式会社", city: "東京", countryCodeV2: "JP" });
    const { connection } = mapped(
      customer({ firstName: "Ирина", lastName: "Петрова", addresses: [shop] }),
    );
    expect(connection.customer_name).toBe("東京ブティック株式会社");
    expect(connection.customer_contact_name).toBe("Ирина Петрова");
    expect(connection.shipping?.shipping_addresses[0].city).toBe("東京");
  });

  it("refuses rather than cuts a customer id longer than a customer code may be", () => {
    const result = mapCustomer(customer({ legacyResourceId: "9".repeat(51) }), defaults);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("customer code limit of 50") });
  });
});

describe("mapCustomer: over-long values are cut with a warning naming the field", () => {
  const long = (n: number, unit = "x") => unit.repeat(n);
  it.each([
    {
      field: "customer_name",
      input: customer({ addresses: [address("31", { company: long(130) })] }),
      read: (c: ReturnType<typeof mapped>["connection"]) => c.customer_name,
      max: JOOR_LIMITS.customer_name,
    },
    {
      field: "customer_contact_name",
      input: customer({ firstName: long(80), lastName: long(80) }),
      read: (c: ReturnType<typeof mapped>["connection"]) => c.customer_contact_name,
      max: JOOR_LIMITS.customer_contact_name,
    },
    {
      field: "billing address address_1",
      input: customer({ addresses: [address("32", { address1: long(150) })] }),
      read: (c: ReturnType<typeof mapped>["connection"]) => c.billing?.billing_addresses[0].address_1,
      max: JOOR_LIMITS.address_1,
    },
    {
      field: "shipping address 33 postal_code",
      input: customer({ addresses: [address("33", { zip: long(40, "9") })] }),
      read: (c: ReturnType<typeof mapped>["connection"]) => c.shipping?.shipping_addresses[0].postal_code,
      max: JOOR_LIMITS.postal_code,
    },
  ])("$field", ({ field, input, read, max }) => {
    const result = mapped(input);
    expect(read(result.connection)).toHaveLength(max);
    expect(result.warnings).toContain(`${field} was cut to JOOR's limit of ${max} characters`);
  });

  it("cuts a Japanese company name by characters", () => {
    const company = "株".repeat(120);
    const result = mapped(customer({ addresses: [address("34", { company })] }));
    expect(result.connection.customer_name).toBe("株".repeat(100));
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("truncateText", () => {
  it.each([
    { case: "short text untouched", value: "Boutique", max: 10, expected: "Boutique" },
    { case: "exactly at the limit", value: "abcde", max: 5, expected: "abcde" },
    { case: "plain cut", value: "abcdef", max: 4, expected: "abcd" },
    { case: "trailing space dropped after the cut", value: "ab cd", max: 3, expected: "ab" },
    { case: "Cyrillic by characters", value: "Петрова", max: 4, expected: "Петр" },
    // 😀 is two UTF-16 units: cutting at 5 would split the third one, so it goes whole.
    { case: "never splits a surrogate pair", value: "😀😀😀", max: 5, expected: "😀😀" },
    { case: "keeps an emoji sequence whole", value: "ab👩‍👩‍👧", max: 5, expected: "ab" },
    { case: "keeps an accent with its letter", value: "cafe\u0301s", max: 4, expected: "caf" },
  ])("$case", ({ value, max, expected }) => {
    const cut = truncateText(value, max);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });
});
