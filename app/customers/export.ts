/**
 * The Customers screen's downloads: each list as CSV, and the customers in JOOR in JOOR's flat-file Customer
 * Sync layout. Every cell that a spreadsheet would read as a formula is neutralised with a leading
 * apostrophe, in both formats (customer data is typed by retailers and merchants, not by us).
 */
import { stringify } from "csv-stringify/sync";
import type { JoorAddressLines } from "~/joor/assumptions";
import type { JoorConnectionInput } from "~/joor/types";
import type { CustomerListRow } from "./lists.server";

/** Cells starting like this run as formulas in Excel, Sheets and LibreOffice (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A signed number or phone number ("+33 1 42 68 53 00", "-12.5") cannot run anything: it stays as it is. */
const PLAIN_NUMBER = /^[+-][\d\s().-]*$/;

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

function cells(values: ReadonlyArray<string | null | undefined>): string[] {
  return values.map((value) => neutralizeFormula(value ?? ""));
}

const LIST_COLUMNS: ReadonlyArray<{ header: string; value: (row: CustomerListRow) => string | null }> = [
  { header: "Shopify customer ID", value: (row) => row.customerId },
  { header: "Name", value: (row) => row.name },
  { header: "Email", value: (row) => row.email },
  { header: "Company", value: (row) => row.company },
  { header: "City", value: (row) => row.city },
  { header: "Country", value: (row) => row.country },
  { header: "Status", value: (row) => row.status },
  { header: "JOOR connection ID", value: (row) => row.joorId },
  { header: "Last synced", value: (row) => row.lastSyncedAt },
  { header: "Last error", value: (row) => row.lastError },
];

/** A list as CSV, with a byte-order mark so spreadsheet programs read non-Latin text as UTF-8. */
export function customerListCsv(rows: readonly CustomerListRow[]): string {
  return stringify(
    [LIST_COLUMNS.map((column) => column.header), ...rows.map((row) => cells(LIST_COLUMNS.map((column) => column.value(row))))],
    { bom: true },
  );
}

/**
 * JOOR's flat-file Customer Sync layout [assumed]: JOOR documents a pipe-delimited file with one header row,
 * one row per address and an `address_type` column (billing or shipping), but not its column list. The
 * columns here are the v2 connection field names; `address_code` carries the address's billing_code or
 * shipping_code, and the address line names are the connection's. A customer without an address gets one row
 * with empty address columns, so it is not left out.
 */
export const CUSTOMER_SYNC_LAYOUT = {
  delimiter: "|",
  columns: [
    "customer_code",
    "customer_name",
    "customer_alias",
    "customer_contact_name",
    "customer_contact_email",
    "customer_buyer_name",
    "customer_group_name",
    "customer_group_code",
    "sales_rep_code",
    "address_type",
    "address_code",
    "address_1",
    "address_2",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
  ],
  addressTypes: { billing: "billing", shipping: "shipping" },
} as const;

type LayoutColumn = (typeof CUSTOMER_SYNC_LAYOUT.columns)[number];

function addressCells(type: string, code: string | undefined, address: JoorAddressLines): Partial<Record<LayoutColumn, string | undefined>> {
  return {
    address_type: type,
    address_code: code,
    address_1: address.address_1,
    address_2: address.address_2,
    city: address.city,
    state: address.state,
    postal_code: address.postal_code,
    country: address.country,
    phone: address.phone,
  };
}

function customerSyncRows(connection: JoorConnectionInput): Array<Partial<Record<LayoutColumn, string | undefined>>> {
  const customer = {
    customer_code: connection.customer_code,
    customer_name: connection.customer_name,
    customer_alias: connection.customer_alias,
    customer_contact_name: connection.customer_contact_name,
    customer_contact_email: connection.customer_contact_email,
    customer_buyer_name: connection.customer_buyer_name,
    customer_group_name: connection.customer_group_name,
    customer_group_code: connection.customer_group_code,
    sales_rep_code: connection.sales_rep_code,
  };
  const { billing, shipping } = CUSTOMER_SYNC_LAYOUT.addressTypes;
  const addresses = [
    ...(connection.billing?.billing_addresses ?? []).map((a) => addressCells(billing, a.billing_code, a)),
    ...(connection.shipping?.shipping_addresses ?? []).map((a) => addressCells(shipping, a.shipping_code, a)),
  ];
  return (addresses.length ? addresses : [{}]).map((address) => ({ ...customer, ...address }));
}

/** The customers in JOOR as one pipe-delimited Customer Sync file. */
export function customerSyncFile(connections: readonly JoorConnectionInput[]): string {
  const { columns, delimiter } = CUSTOMER_SYNC_LAYOUT;
  const rows = connections.flatMap(customerSyncRows).map((row) => cells(columns.map((column) => row[column])));
  return stringify([[...columns], ...rows], { delimiter });
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** File names: JOOR wants "customer" and a timestamp in a Customer Sync file's name. */
export function exportFileName(kind: "upload" | "update" | "joor", now: Date): string {
  return kind === "joor" ? `customer_sync_${stamp(now)}.txt` : `customers_${kind}_${stamp(now)}.csv`;
}
