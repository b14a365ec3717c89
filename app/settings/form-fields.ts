/**
 * The settings form's fields, shared by the page (browser) and the parser (server); kept free of zod so the
 * page's bundle stays small.
 */
export const FLOW_FIELDS = ["customersEnabled", "catalogEnabled", "inventoryEnabled", "ordersEnabled"] as const;
const OPTION_SWITCHES = [
  "removeConnectionOnUntag",
  "syncDescription",
  "syncPrices",
  "syncImages",
  "createOrderCustomers",
  "writeBackCustomerCode",
] as const;
/** Write-only: never sent to the browser; left empty, the stored value is kept. */
const SECRET_FIELDS = ["v2Token", "v4ClientSecret", "v4Password"] as const;
/** Entered as comma-separated text, stored as lists. */
const LIST_FIELDS = ["customerTags", "madeToOrderLinesheets", "colorOptionNames", "sizeOptionNames", "orderTags"] as const;
const PLAIN_TEXT_FIELDS = [
  "joorEnvironment",
  "joorAccountId",
  "v4ClientId",
  "v4Username",
  "customerGroupName",
  "customerGroupCode",
  "salesRepCode",
  "productTag",
  "collectionTagPrefix",
  "missingBarcode",
  "priceTypeId",
  "wholesaleMetafield",
  "wholesalePercentOfRetail",
  "joorWarehouse",
  "ordersPollMinutes",
  "orderInventory",
] as const;
export const TEXT_FIELDS = [...PLAIN_TEXT_FIELDS, ...SECRET_FIELDS, ...LIST_FIELDS] as const;
export const BOOLEAN_FIELDS = [...FLOW_FIELDS, ...OPTION_SWITCHES] as const;

export type SecretField = (typeof SECRET_FIELDS)[number];

/** The form as the page holds it: text as typed, switches, and the checked location ids. */
export type SettingsFormValues = Record<(typeof TEXT_FIELDS)[number], string> &
  Record<(typeof BOOLEAN_FIELDS)[number], boolean> & { inventoryLocationIds: string[] };
export type SettingsField = keyof SettingsFormValues;
export type FieldErrors = Partial<Record<SettingsField, string>>;

/** The form as posted: switches as "on" when set (like HTML checkboxes), location ids repeated. */
export function toFormEntries(values: SettingsFormValues): Array<[string, string]> {
  const entries: Array<[string, string]> = TEXT_FIELDS.map((field) => [field, values[field]]);
  for (const field of BOOLEAN_FIELDS) if (values[field]) entries.push([field, "on"]);
  for (const id of values.inventoryLocationIds) entries.push(["inventoryLocationIds", id]);
  return entries;
}
