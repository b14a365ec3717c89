import { describe, expect, it } from "vitest";
import type { JoorConnectionInput } from "~/joor/types";
import { CUSTOMER_SYNC_LAYOUT, customerListCsv, customerSyncFile, exportFileName, neutralizeFormula } from "./export";
import type { CustomerListRow } from "./lists.server";

const BOM = "\uFEFF";

function listRow(fields: Partial<CustomerListRow>): CustomerListRow {
  return {
    id: "row",
    gid: "gid://shopify/Customer/1",
    customerId: "1",
    name: "",
    email: "",
    company: "",
    city: "",
    country: "",
    status: "dirty",
    joorId: null,
    lastSyncedAt: null,
    lastError: null,
    ...fields,
  };
}

describe("neutralizeFormula", () => {
  it.each([
    ["=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"],
    // A phone number or signed number runs nothing and must reach JOOR as typed.
    ["+1 555 0100", "+1 555 0100"],
    ["+33 (1) 42.68.53-00", "+33 (1) 42.68.53-00"],
    ["-12.5", "-12.5"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["a=b", "a=b"],
    ["Zoë", "Zoë"],
    ["", ""],
  ])("%j → %j", (value, expected) => {
    expect(neutralizeFormula(value)).toBe(expected);
  });
});

describe("customerListCsv", () => {
  it("writes the header and one line per customer, quoting, neutralising and keeping non-Latin text", () => {
    const csv = customerListCsv([
      listRow({
        customerId: "7001",
        name: "Анна Петрова",
        email: "anna@example.ru",
        company: "Бутик, Аня",
        city: "東京",
        country: "JP",
        status: "failed",
        joorId: "J-9",
        lastSyncedAt: "2026-11-20T08:00:00.000Z",
        lastError: 'JOOR said "no"',
      }),
      listRow({ customerId: "7002", name: "=cmd|' /C calc'!A0", email: "@evil", status: "dirty" }),
    ]);
    expect(csv).toBe(
      BOM +
        "Shopify customer ID,Name,Email,Company,City,Country,Status,JOOR connection ID,Last synced,Last error\n" +
        '7001,Анна Петрова,anna@example.ru,"Бутик, Аня",東京,JP,failed,J-9,2026-11-20T08:00:00.000Z,"JOOR said ""no"""\n' +
        "7002,'=cmd|' /C calc'!A0,'@evil,,,,dirty,,,\n",
    );
  });

  it("writes only the header for an empty list", () => {
    expect(customerListCsv([])).toBe(
      BOM + "Shopify customer ID,Name,Email,Company,City,Country,Status,JOOR connection ID,Last synced,Last error\n",
    );
  });
});

describe("customerSyncFile", () => {
  const header = CUSTOMER_SYNC_LAYOUT.columns.join("|");

  it("names its columns after JOOR's connection fields, with address_type", () => {
    expect(header).toBe(
      "customer_code|customer_name|customer_alias|customer_contact_name|customer_contact_email|customer_buyer_name|" +
        "customer_group_name|customer_group_code|sales_rep_code|address_type|address_code|address_1|address_2|city|state|" +
        "postal_code|country|phone",
    );
  });

  it("writes one row per address, billing first, then a customer without addresses on one row", () => {
    const boutique: JoorConnectionInput = {
      customer_code: "7001",
      customer_name: "Boutique Zoë",
      customer_contact_name: "Zoë Ñúñez",
      customer_contact_email: "zoe@example.com",
      customer_group_name: "Wholesale",
      customer_group_code: "WS",
      sales_rep_code: "R1",
      billing: { billing_addresses: [{ billing_code: "7001", address_1: "1 Rue A|B", city: "Paris", postal_code: "75001", country: "FR", phone: "+33 1 23" }] },
      shipping: {
        shipping_addresses: [
          { shipping_code: "11", address_1: "東京都港区 1-2", city: "東京", country: "JP" },
          { shipping_code: "12", address_1: "Dock 4", address_2: "Gate \"B\"", city: "Osaka", country: "JP" },
        ],
      },
    };
    const bare: JoorConnectionInput = { customer_code: "7002", customer_name: "=1+1", customer_contact_email: "-x@example.com" };
    expect(customerSyncFile([boutique, bare])).toBe(
      `${header}\n` +
        "7001|Boutique Zoë||Zoë Ñúñez|zoe@example.com||Wholesale|WS|R1|billing|7001|\"1 Rue A|B\"||Paris||75001|FR|+33 1 23\n" +
        "7001|Boutique Zoë||Zoë Ñúñez|zoe@example.com||Wholesale|WS|R1|shipping|11|東京都港区 1-2||東京|||JP|\n" +
        '7001|Boutique Zoë||Zoë Ñúñez|zoe@example.com||Wholesale|WS|R1|shipping|12|Dock 4|"Gate ""B"""|Osaka|||JP|\n' +
        "7002|'=1+1|||'-x@example.com|||||||||||||\n",
    );
  });
});

describe("exportFileName", () => {
  it("puts customer and a timestamp in the JOOR file's name", () => {
    const at = new Date("2026-11-22T10:05:09.123Z");
    expect(exportFileName("joor", at)).toBe("customer_sync_20261122T100509Z.txt");
    expect(exportFileName("upload", at)).toBe("customers_upload_20261122T100509Z.csv");
  });
});
