import { describe, expect, it } from "vitest";
import type { JoorConnection } from "~/joor/schemas";
import {
  candidateSearches,
  codeAsCustomerId,
  connectionFacts,
  customerInputFromConnection,
  exactEmailMatches,
  linkOutcome,
  MatchReason,
  matchReasons,
  rankCandidates,
  type ConnectionFacts,
  type MatchCandidate,
  type ShopifyCustomerFacts,
} from "./matching";

const connection: ConnectionFacts = {
  connectionId: "900",
  customerCode: null,
  name: "Maison Lumière",
  contactName: "Élodie Martin",
  buyerName: null,
  email: "Buyer@Lumiere.fr",
  cities: ["Paris", "Lyon"],
  country: "FR",
};

function customer(id: string, fields: Partial<ShopifyCustomerFacts> = {}): ShopifyCustomerFacts {
  return {
    gid: `gid://shopify/Customer/${id}`,
    legacyId: id,
    firstName: null,
    lastName: null,
    displayName: `Customer ${id}`,
    email: null,
    addresses: [],
    ...fields,
  };
}

const byEmail = (id: string) => customer(id, { email: " buyer@lumiere.FR " });
const byCompanyCity = (id: string, city = "lyon") => customer(id, { addresses: [{ company: "MAISON  LUMIÈRE", city }] });
const byName = (id: string) => customer(id, { firstName: "élodie", lastName: "MARTIN" });

describe("matchReasons", () => {
  it.each<[string, ShopifyCustomerFacts, MatchReason[]]>([
    ["email, ignoring case and spaces", byEmail("1"), [MatchReason.email]],
    ["company and city of any address", byCompanyCity("2"), [MatchReason.companyCity]],
    ["company in another city", byCompanyCity("3", "Marseille"), []],
    ["company and city split over two addresses", customer("4", { addresses: [{ company: "Maison Lumière", city: "Nice" }, { company: null, city: "Paris" }] }), []],
    ["the contact's full name", byName("5"), [MatchReason.name]],
    ["the retailer's name as a person's name", customer("6", { firstName: "Maison", lastName: "Lumière" }), [MatchReason.name]],
    ["only the first name", customer("7", { firstName: "Élodie" }), []],
    ["a different email", customer("8", { email: "other@lumiere.fr" }), []],
    [
      "every reason, strongest first",
      customer("9", { email: "buyer@lumiere.fr", firstName: "Élodie", lastName: "Martin", addresses: [{ company: "Maison Lumière", city: "Paris" }] }),
      [MatchReason.email, MatchReason.companyCity, MatchReason.name],
    ],
  ])("%s", (_case, shopify, reasons) => {
    expect(matchReasons(connection, shopify)).toEqual(reasons);
  });

  it("never matches on empty values", () => {
    const empty: ConnectionFacts = { ...connection, name: null, contactName: null, email: null, cities: [] };
    expect(matchReasons(empty, customer("1"))).toEqual([]);
    expect(matchReasons(empty, customer("2", { addresses: [{ company: null, city: null }] }))).toEqual([]);
  });

  it("compares non-Latin text by its normalised form", () => {
    const cyrillic: ConnectionFacts = { ...connection, name: "Бутик Аня", contactName: "Анна Петрова", cities: ["Москва"], email: null };
    expect(matchReasons(cyrillic, customer("1", { firstName: "анна", lastName: "ПЕТРОВА" }))).toEqual([MatchReason.name]);
    expect(matchReasons(cyrillic, customer("2", { addresses: [{ company: "бутик аня", city: "МОСКВА" }] }))).toEqual([MatchReason.companyCity]);
  });
});

describe("rankCandidates", () => {
  const ids = (candidates: MatchCandidate[]) => candidates.map((c) => `${c.legacyId}:${c.reason}`);

  it.each<[string, ShopifyCustomerFacts[], string[]]>([
    ["email before company and city before name", [byName("3"), byCompanyCity("2"), byEmail("1")], ["1:Same email", "2:Same company and city", "3:Same name"]],
    ["equal reasons keep the order they were found in", [byName("30"), byName("4"), byName("12")], ["30:Same name", "4:Same name", "12:Same name"]],
    ["equal reasons among stronger ones stay stable", [byName("7"), byEmail("8"), byName("6")], ["8:Same email", "7:Same name", "6:Same name"]],
    ["customers without a reason are left out", [customer("1"), byName("2")], ["2:Same name"]],
    ["a customer found twice appears once", [byName("5"), byName("5"), byCompanyCity("6")], ["6:Same company and city", "5:Same name"]],
    ["nothing found", [], []],
  ])("%s", (_case, found, expected) => {
    expect(ids(rankCandidates(connection, found))).toEqual(expected);
  });

  it("keeps every reason and shows the address that matched", () => {
    const both = customer("9", {
      displayName: "Élodie Martin",
      email: "buyer@lumiere.fr",
      addresses: [{ company: "Other", city: "Nice" }, { company: "Maison Lumière", city: "Paris" }],
    });
    expect(rankCandidates(connection, [both])).toEqual([
      {
        gid: "gid://shopify/Customer/9",
        legacyId: "9",
        name: "Élodie Martin",
        email: "buyer@lumiere.fr",
        company: "Maison Lumière",
        city: "Paris",
        reason: MatchReason.email,
        // The display name counts as the name when first and last name are empty.
        reasons: [MatchReason.email, MatchReason.companyCity, MatchReason.name],
      },
    ]);
  });

  it("leaves out excluded customers and keeps at most the limit", () => {
    const found = [byEmail("1"), byName("2"), byName("3"), byName("4")];
    expect(ids(rankCandidates(connection, found, { exclude: new Set(["1"]), limit: 2 }))).toEqual(["2:Same name", "3:Same name"]);
  });
});

describe("candidateSearches", () => {
  it("searches by email, company and city, and the contact's name words", () => {
    expect(candidateSearches(connection)).toEqual([
      { reason: MatchReason.email, query: 'email:"Buyer@Lumiere.fr"', first: 2 },
      { reason: MatchReason.companyCity, query: 'company:"Maison Lumière" city:"Paris"', first: 5 },
      { reason: MatchReason.name, query: '"Élodie" "Martin"', first: 5 },
    ]);
  });

  it("quotes with the quote character a value lacks, and skips a value holding both", () => {
    const quotes = { ...connection, email: null, name: `L'Atelier "Nord"`, contactName: `O'Brien` };
    expect(candidateSearches(quotes)).toEqual([{ reason: MatchReason.name, query: `"O'Brien"`, first: 5 }]);
    const single = { ...connection, email: null, name: `Say "Hi"`, contactName: null };
    expect(candidateSearches(single).map((s) => s.query)).toEqual([`company:'Say "Hi"' city:"Paris"`, `"Say" '"Hi"'`]);
  });

  it("has nothing to search for a connection without data", () => {
    expect(candidateSearches({ ...connection, name: null, contactName: null, email: null, cities: [] })).toEqual([]);
  });
});

describe("linkOutcome", () => {
  const shopify = { gid: "gid://shopify/Customer/42" };
  it.each([
    ["an unmatched row whose code is a customer", { status: "unmatched", linkedGid: null, linkSource: null }, shopify, { status: "linked", linkedGid: shopify.gid, linkSource: "code" }],
    ["a confirmed link that still holds", { status: "linked", linkedGid: shopify.gid, linkSource: "confirmed" }, shopify, { status: "linked", linkedGid: shopify.gid, linkSource: "confirmed" }],
    ["a link whose code now names another customer", { status: "linked", linkedGid: "gid://shopify/Customer/1", linkSource: "confirmed" }, shopify, { status: "linked", linkedGid: shopify.gid, linkSource: "code" }],
    ["a link whose customer is gone", { status: "linked", linkedGid: shopify.gid, linkSource: "code" }, null, { status: "unmatched", linkedGid: null, linkSource: null }],
    ["a skipped row without a customer", { status: "skipped", linkedGid: null, linkSource: null }, null, { status: "skipped", linkedGid: null, linkSource: null }],
  ])("%s", (_case, current, found, expected) => {
    expect(linkOutcome(current, found)).toEqual(expected);
  });
});

describe("codeAsCustomerId", () => {
  it.each([
    ["7001234567890123", "7001234567890123"],
    ["RET-001", null],
    ["0", null],
    ["012", null],
    [null, null],
  ])("%s → %s", (code, expected) => {
    expect(codeAsCustomerId(code)).toBe(expected);
  });
});

describe("exactEmailMatches", () => {
  const candidate = (id: string, reason: MatchReason): MatchCandidate => ({
    gid: `gid://shopify/Customer/${id}`,
    legacyId: id,
    name: id,
    email: null,
    company: null,
    city: null,
    reason,
    reasons: [reason],
  });

  it("picks each connection whose best candidate has the same email, unless another connection picks it too", () => {
    expect(
      exactEmailMatches([
        { id: "a", candidates: [candidate("1", MatchReason.email), candidate("2", MatchReason.name)] },
        { id: "b", candidates: [candidate("3", MatchReason.companyCity)] },
        { id: "c", candidates: [] },
        { id: "d", candidates: [candidate("4", MatchReason.email)] },
        { id: "e", candidates: [candidate("4", MatchReason.email)] },
      ]),
    ).toEqual([{ id: "a", gid: "gid://shopify/Customer/1" }]);
  });
});

describe("connections", () => {
  const joor: JoorConnection = {
    connection_id: "77",
    customer_code: " ",
    customer_name: "Nordic Goods",
    customer_contact_name: "Anna  Maria Svensson",
    customer_contact_email: "anna@nordic.se",
    billing: { billing_addresses: [{ billing_code: "B1", address_1: "Storgatan 1", city: "Malmö", state: "m", postal_code: "211 22", country: "se", phone: "+46 40 123456" }] },
    shipping: {
      shipping_addresses: [
        { shipping_code: "S1", address_1: "Storgatan 1", city: "Malmö", state: "m", postal_code: "211 22", country: "se", phone: "+46 40 123456" },
        { shipping_code: "S2", address_1: "Hamngatan 9", city: "Göteborg", state: "Västra Götaland", country: "Sweden" },
      ],
    },
  };

  it("reads the facts matching needs", () => {
    expect(connectionFacts(joor)).toEqual({
      connectionId: "77",
      customerCode: null,
      name: "Nordic Goods",
      contactName: "Anna  Maria Svensson",
      buyerName: null,
      email: "anna@nordic.se",
      cities: ["Malmö", "Göteborg"],
      country: "se",
    });
  });

  it("becomes an untagged Shopify customer with each distinct address", () => {
    expect(customerInputFromConnection(joor)).toEqual({
      firstName: "Anna",
      lastName: "Maria Svensson",
      email: "anna@nordic.se",
      note: "Created from JOOR connection 77",
      addresses: [
        {
          firstName: "Anna",
          lastName: "Maria Svensson",
          company: "Nordic Goods",
          address1: "Storgatan 1",
          city: "Malmö",
          provinceCode: "M",
          zip: "211 22",
          countryCode: "SE",
          phone: "+46 40 123456",
        },
        // A free-text region and a country name do not fit Shopify's codes: left out, not refused.
        { firstName: "Anna", lastName: "Maria Svensson", company: "Nordic Goods", address1: "Hamngatan 9", city: "Göteborg" },
      ],
    });
  });

  it("uses the retailer's name when there is no contact", () => {
    expect(customerInputFromConnection({ connection_id: "5", customer_name: "Solo" })).toEqual({
      firstName: "Solo",
      note: "Created from JOOR connection 5",
      addresses: [],
    });
  });
});
