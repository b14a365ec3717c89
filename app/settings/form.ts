/**
 * The settings form on the server: what the page is given, and how a post becomes validated settings. Pure:
 * the route and the save module do the I/O. Every error is keyed by the form field it belongs to, so the page
 * can show it on that field.
 */
import { z } from "zod";
import type { JoorConnectionSettings, ShopConfiguration } from "./settings.server";
import { joorCredentialsSchema, joorEnvironmentSchema, type JoorCredentials, type JoorEnvironment } from "./joor-credentials";
import {
  BOOLEAN_FIELDS,
  FLOW_FIELDS,
  TEXT_FIELDS,
  type FieldErrors,
  type SecretField,
  type SettingsField,
  type SettingsFormValues,
} from "./form-fields";
import { flowOptionsSchema, type FlowOptions } from "./options";

export type FlowSwitches = ShopConfiguration["flows"];

export interface ParsedSettings {
  /** null: JOOR was never connected and nothing was entered for it. */
  connection: JoorConnectionSettings | null;
  flows: FlowSwitches;
  options: FlowOptions;
}

export type SettingsParseResult = { ok: true; settings: ParsedSettings } | { ok: false; errors: FieldErrors };
export type ConnectionParseResult = { ok: true; connection: JoorConnectionSettings } | { ok: false; errors: FieldErrors };

/** What is stored for a shop, as the form needs it (credentials opened; server side only). */
export interface StoredSettings {
  environment: JoorEnvironment;
  accountId: string;
  credentials: JoorCredentials | null;
  flows: FlowSwitches;
  options: FlowOptions;
}

/** Longest text accepted in any one field before it is looked at further (lists are split after this). */
export const MAX_FIELD_CHARS = 2_000;
/** More location ids than any shop has; the options schema bounds the stored list further. */
const MAX_LOCATION_IDS = 200;
const LOCATION_GID = /^gid:\/\/shopify\/Location\/\d+$/;

/** FormData and URLSearchParams both fit. */
export interface FormLike {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

function splitList(value: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const item of value.split(",").map((part) => part.trim())) {
    const key = item.toLowerCase();
    if (item === "" || seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}

const joinList = (items: string[]): string => items.join(", ");

/** The stored settings as form values; secret fields are always empty (the page shows "saved" instead). */
export function formValuesFrom(stored: StoredSettings): SettingsFormValues {
  const { options, flows, credentials } = stored;
  return {
    joorEnvironment: stored.environment,
    joorAccountId: stored.accountId,
    v2Token: "",
    v4ClientId: credentials?.v4.clientId ?? "",
    v4ClientSecret: "",
    v4Username: credentials?.v4.username ?? "",
    v4Password: "",
    customersEnabled: flows.customers,
    catalogEnabled: flows.catalog,
    inventoryEnabled: flows.inventory,
    ordersEnabled: flows.orders,
    customerTags: joinList(options.customerTags),
    removeConnectionOnUntag: options.removeConnectionOnUntag,
    customerGroupName: options.customerGroupName,
    customerGroupCode: options.customerGroupCode,
    salesRepCode: options.salesRepCode,
    productTag: options.productTag,
    collectionTagPrefix: options.collectionTagPrefix,
    madeToOrderLinesheets: joinList(options.madeToOrderLinesheets),
    colorOptionNames: joinList(options.colorOptionNames),
    sizeOptionNames: joinList(options.sizeOptionNames),
    missingBarcode: options.missingBarcode,
    priceTypeId: options.priceTypeId,
    wholesaleMetafield: options.wholesaleMetafield,
    wholesalePercentOfRetail: options.wholesalePercentOfRetail === null ? "" : String(options.wholesalePercentOfRetail),
    syncDescription: options.syncDescription,
    syncPrices: options.syncPrices,
    syncImages: options.syncImages,
    inventoryLocationIds: [...options.inventoryLocationIds],
    joorWarehouse: options.joorWarehouse,
    ordersPollMinutes: String(options.ordersPollMinutes),
    orderTags: joinList(options.orderTags),
    orderInventory: options.orderInventory,
    createOrderCustomers: options.createOrderCustomers,
    writeBackCustomerCode: options.writeBackCustomerCode,
  };
}

/** Which secrets are stored, for the "saved ••••" state; never the secrets themselves. */
export function savedSecretsOf(credentials: JoorCredentials | null): Record<SecretField, boolean> {
  return {
    v2Token: Boolean(credentials?.v2Token),
    v4ClientSecret: Boolean(credentials?.v4.clientSecret),
    v4Password: Boolean(credentials?.v4.password),
  };
}

export function readFormValues(form: FormLike): SettingsFormValues {
  const values = { inventoryLocationIds: form.getAll("inventoryLocationIds").map(text) } as SettingsFormValues;
  for (const field of TEXT_FIELDS) values[field] = text(form.get(field));
  for (const field of BOOLEAN_FIELDS) values[field] = ["on", "true"].includes(text(form.get(field)));
  return values;
}

/** Fills in messages for zod's generic issues; the schemas' own messages win. */
const friendlyMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "too_big":
      if (issue.origin === "array") return `At most ${String(issue.maximum)} entries`;
      // A number past the safe-integer range fails the whole-number check before the field's own maximum.
      return issue.origin === "string" ? `At most ${String(issue.maximum)} characters` : "That number is too large";
    case "too_small":
      return issue.origin === "array" ? `Enter at least ${String(issue.minimum)}` : "Enter a value";
    case "invalid_value":
      return "Choose one of the options";
    case "invalid_type":
      return issue.expected === "int" ? "Enter a whole number" : undefined;
    default:
      return undefined;
  }
};

function addError(errors: FieldErrors, field: SettingsField, message: string): void {
  errors[field] ??= message;
}

const accountIdSchema = z
  .string()
  .trim()
  .min(1, "Enter the JOOR account id")
  .max(50, "At most 50 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "Use the account id JOOR gave you (letters and digits)");

/** The form field of each credential, by its path in joorCredentialsSchema. */
const CREDENTIAL_FIELDS: Record<string, SettingsField> = {
  v2Token: "v2Token",
  "v4.clientId": "v4ClientId",
  "v4.clientSecret": "v4ClientSecret",
  "v4.username": "v4Username",
  "v4.password": "v4Password",
};
const CONNECTION_TEXT_FIELDS = ["joorAccountId", "v2Token", "v4ClientId", "v4ClientSecret", "v4Username", "v4Password"] as const;

const entered = (value: string): string | undefined => (value.trim() === "" ? undefined : value);
const connectionEntered = (values: SettingsFormValues): boolean =>
  CONNECTION_TEXT_FIELDS.some((field) => entered(values[field]) !== undefined);

/**
 * The JOOR connection from the form: typed secrets replace the stored ones, empty secrets keep them. Null when
 * nothing was ever stored and nothing was entered (the merchant has not connected JOOR yet), or when invalid.
 */
function readConnection(values: SettingsFormValues, saved: JoorCredentials | null, errors: FieldErrors): JoorConnectionSettings | null {
  const environment = joorEnvironmentSchema.safeParse(values.joorEnvironment);
  if (!environment.success) addError(errors, "joorEnvironment", "Choose sandbox or production");
  if (!saved && !connectionEntered(values)) return null;

  const accountId = accountIdSchema.safeParse(values.joorAccountId);
  if (!accountId.success) addError(errors, "joorAccountId", accountId.error.issues[0]!.message);
  const credentials = joorCredentialsSchema.safeParse(
    {
      v2Token: entered(values.v2Token) ?? saved?.v2Token ?? "",
      v4: {
        clientId: values.v4ClientId,
        clientSecret: entered(values.v4ClientSecret) ?? saved?.v4.clientSecret ?? "",
        username: values.v4Username,
        password: entered(values.v4Password) ?? saved?.v4.password ?? "",
      },
    },
    { error: friendlyMessage },
  );
  if (!credentials.success) {
    for (const issue of credentials.error.issues) {
      const field = CREDENTIAL_FIELDS[issue.path.join(".")];
      if (field) addError(errors, field, issue.message);
    }
  }
  if (!environment.success || !accountId.success || !credentials.success) return null;
  return { environment: environment.data, accountId: accountId.data, credentials: credentials.data };
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A number typed into a text field: null when empty, undefined (with an error on the field) when unreadable. */
function readNumber(values: SettingsFormValues, field: "wholesalePercentOfRetail" | "ordersPollMinutes", errors: FieldErrors): number | null | undefined {
  const raw = values[field].trim();
  if (raw === "") return null;
  if (NUMBER.test(raw)) return Number(raw);
  addError(errors, field, "Enter a number");
  return undefined;
}

function readOptions(values: SettingsFormValues, errors: FieldErrors): FlowOptions | null {
  const badIds = values.inventoryLocationIds.some((id) => !LOCATION_GID.test(id));
  if (values.inventoryLocationIds.length > MAX_LOCATION_IDS || badIds) addError(errors, "inventoryLocationIds", "Choose locations from the list");
  const pollMinutes = readNumber(values, "ordersPollMinutes", errors);
  if (pollMinutes === null) addError(errors, "ordersPollMinutes", "Enter a number of minutes");
  const candidate = {
    customerTags: splitList(values.customerTags),
    removeConnectionOnUntag: values.removeConnectionOnUntag,
    customerGroupName: values.customerGroupName,
    customerGroupCode: values.customerGroupCode,
    salesRepCode: values.salesRepCode,
    productTag: values.productTag,
    collectionTagPrefix: values.collectionTagPrefix,
    madeToOrderLinesheets: splitList(values.madeToOrderLinesheets),
    colorOptionNames: splitList(values.colorOptionNames),
    sizeOptionNames: splitList(values.sizeOptionNames),
    missingBarcode: values.missingBarcode,
    priceTypeId: values.priceTypeId,
    wholesaleMetafield: values.wholesaleMetafield,
    wholesalePercentOfRetail: readNumber(values, "wholesalePercentOfRetail", errors),
    syncDescription: values.syncDescription,
    syncPrices: values.syncPrices,
    syncImages: values.syncImages,
    inventoryLocationIds: badIds ? [] : values.inventoryLocationIds,
    joorWarehouse: values.joorWarehouse,
    // Left out when unreadable: the error is already on the field.
    ordersPollMinutes: pollMinutes ?? undefined,
    orderTags: splitList(values.orderTags),
    orderInventory: values.orderInventory,
    createOrderCustomers: values.createOrderCustomers,
    writeBackCustomerCode: values.writeBackCustomerCode,
  };
  const parsed = flowOptionsSchema.safeParse(candidate, { error: friendlyMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) addError(errors, issue.path[0] as SettingsField, issue.message);
    return null;
  }
  return parsed.data;
}

/** `connecting`: JOOR is stored or being entered (mistakes in the entry are reported on their own fields). */
function readFlows(values: SettingsFormValues, connecting: boolean, errors: FieldErrors): FlowSwitches {
  const flows = {
    customers: values.customersEnabled,
    catalog: values.catalogEnabled,
    inventory: values.inventoryEnabled,
    orders: values.ordersEnabled,
  };
  // Inventory and orders find their SKUs through the catalog sync.
  if (flows.inventory && !flows.catalog) addError(errors, "inventoryEnabled", "Inventory sync needs the catalog sync: turn on Catalog too");
  if (flows.orders && !flows.catalog) addError(errors, "ordersEnabled", "Order import needs the catalog sync: turn on Catalog too");
  if (!connecting) {
    for (const field of FLOW_FIELDS) if (values[field]) addError(errors, field, "Connect JOOR before turning on a sync");
  }
  return flows;
}

/** Validates a settings post against what is stored (`saved`: the stored credentials, for secrets left empty). */
export function parseSettingsForm(form: FormLike, saved: JoorCredentials | null): SettingsParseResult {
  const values = readFormValues(form);
  const errors: FieldErrors = {};
  for (const field of TEXT_FIELDS) if (values[field].length > MAX_FIELD_CHARS) addError(errors, field, `At most ${MAX_FIELD_CHARS} characters`);
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const connection = readConnection(values, saved, errors);
  const options = readOptions(values, errors);
  const flows = readFlows(values, saved !== null || connectionEntered(values), errors);
  if (Object.keys(errors).length > 0 || !options) return { ok: false, errors };
  return { ok: true, settings: { connection, flows, options } };
}

/** Just the connection fields, for "Test connection": the same rules, and a connection is required. */
export function parseConnectionForm(form: FormLike, saved: JoorCredentials | null): ConnectionParseResult {
  const values = readFormValues(form);
  const errors: FieldErrors = {};
  const connection = readConnection(values, saved, errors);
  if (connection) return { ok: true, connection };
  if (Object.keys(errors).length === 0) addError(errors, "joorAccountId", "Enter the JOOR account id");
  return { ok: false, errors };
}
