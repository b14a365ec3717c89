import { describe, expect, it } from "vitest";
import {
  formValuesFrom,
  MAX_FIELD_CHARS,
  parseConnectionForm,
  parseSettingsForm,
  readFormValues,
  savedSecretsOf,
} from "./form";
import { toFormEntries, type SettingsFormValues } from "./form-fields";
import type { JoorCredentials } from "./joor-credentials";
import { flowOptionsSchema, type FlowOptions } from "./options";

const STORED_CREDENTIALS: JoorCredentials = {
  v2Token: "stored-v2-token",
  v4: { clientId: "stored-client", clientSecret: "stored-client-secret", username: "brand@example.com", password: "stored-password" },
};

const LOCATION = "gid://shopify/Location/11";

/** Good values of the fields the form carries just as the options store them (no lists or numbers to read). */
const AS_STORED = {
  removeConnectionOnUntag: true,
  customerGroupName: "Boutiques",
  customerGroupCode: "BTQ",
  salesRepCode: "REP-7",
  productTag: "JOOR_ENABLED",
  collectionTagPrefix: "Collection_",
  missingBarcode: "sku",
  priceTypeId: "42",
  wholesaleMetafield: "custom.wholesale",
  syncDescription: true,
  syncPrices: false,
  syncImages: true,
  inventoryLocationIds: [LOCATION],
  joorWarehouse: "Main",
  orderInventory: "leaveStock",
  createOrderCustomers: false,
  writeBackCustomerCode: true,
} satisfies Partial<SettingsFormValues> & Partial<FlowOptions>;

/** A complete, valid form as the page would post it for a connected shop. */
function goodValues(): SettingsFormValues {
  return {
    ...formValuesFrom({
      environment: "production",
      accountId: "4711",
      credentials: STORED_CREDENTIALS,
      flows: { customers: false, catalog: false, inventory: false, orders: false },
      options: flowOptionsSchema.parse({}),
    }),
    customersEnabled: true,
    catalogEnabled: true,
    inventoryEnabled: true,
    ordersEnabled: true,
    ...AS_STORED,
    customerTags: "JOOR, Wholesale , joor,,",
    madeToOrderLinesheets: "Fall26, Resort",
    colorOptionNames: "Color, Colour",
    sizeOptionNames: "Size",
    wholesalePercentOfRetail: "45.5",
    ordersPollMinutes: "10",
    orderTags: "Wholesale, FW26",
  };
}

function post(values: SettingsFormValues): URLSearchParams {
  return new URLSearchParams(toFormEntries(values));
}

function parse(changes: Partial<SettingsFormValues>, saved: JoorCredentials | null = STORED_CREDENTIALS) {
  return parseSettingsForm(post({ ...goodValues(), ...changes }), saved);
}

describe("the settings form", () => {
  it("reads a good post into connection, flows and options", () => {
    const result = parse({});
    expect(result).toEqual({
      ok: true,
      settings: {
        connection: { environment: "production", accountId: "4711", credentials: STORED_CREDENTIALS },
        flows: { customers: true, catalog: true, inventory: true, orders: true },
        options: {
          ...AS_STORED,
          // Lists are split, trimmed and deduplicated; numbers are read.
          customerTags: ["JOOR", "Wholesale"],
          madeToOrderLinesheets: ["Fall26", "Resort"],
          colorOptionNames: ["Color", "Colour"],
          sizeOptionNames: ["Size"],
          wholesalePercentOfRetail: 45.5,
          ordersPollMinutes: 10,
          orderTags: ["Wholesale", "FW26"],
        },
      },
    });
  });

  it("round-trips stored settings through the form unchanged", () => {
    const options = { ...flowOptionsSchema.parse({}), customerTags: ["A", "B"], wholesalePercentOfRetail: 50, inventoryLocationIds: [LOCATION] };
    const stored = {
      environment: "sandbox" as const,
      accountId: "9",
      credentials: STORED_CREDENTIALS,
      flows: { customers: true, catalog: false, inventory: false, orders: false },
      options,
    };
    const result = parseSettingsForm(post(formValuesFrom(stored)), STORED_CREDENTIALS);
    expect(result).toEqual({
      ok: true,
      settings: { connection: { environment: "sandbox", accountId: "9", credentials: STORED_CREDENTIALS }, flows: stored.flows, options },
    });
  });

  it("never puts a stored secret into the form values", () => {
    const values = goodValues();
    expect(values).toMatchObject({ v2Token: "", v4ClientSecret: "", v4Password: "" });
    expect(JSON.stringify(values)).not.toMatch(/stored-v2-token|stored-client-secret|stored-password/);
    expect(savedSecretsOf(STORED_CREDENTIALS)).toEqual({ v2Token: true, v4ClientSecret: true, v4Password: true });
    expect(savedSecretsOf(null)).toEqual({ v2Token: false, v4ClientSecret: false, v4Password: false });
  });

  it("keeps each stored secret left empty and replaces each one typed", () => {
    const result = parse({ v4ClientSecret: "new-client-secret" });
    expect(result.ok && result.settings.connection?.credentials).toEqual({
      ...STORED_CREDENTIALS,
      v4: { ...STORED_CREDENTIALS.v4, clientSecret: "new-client-secret" },
    });
  });

  it("reads HTML checkbox posts: a switch is on only when sent", () => {
    const form = post(goodValues());
    form.delete("syncImages");
    form.set("syncPrices", "on");
    const values = readFormValues(form);
    expect(values.syncImages).toBe(false);
    expect(values.syncPrices).toBe(true);
  });

  it("leaves JOOR unconnected when nothing is stored or entered, and allows no sync then", () => {
    const blank = { joorAccountId: "", v2Token: "", v4ClientId: "", v4ClientSecret: "", v4Username: "", v4Password: "" };
    const flowsOff = { customersEnabled: false, catalogEnabled: false, inventoryEnabled: false, ordersEnabled: false };
    const result = parse({ ...blank, ...flowsOff }, null);
    expect(result.ok && result.settings.connection).toBeNull();

    const withSync = parse({ ...blank, ...flowsOff, customersEnabled: true }, null);
    expect(withSync).toEqual({ ok: false, errors: { customersEnabled: "Connect JOOR before turning on a sync" } });
  });

  it("requires every secret when none is stored yet", () => {
    const result = parse({ v4ClientSecret: "typed" }, null);
    expect(result).toEqual({
      ok: false,
      errors: { v2Token: "Enter the v2 API token", v4Password: "Enter the v4 password" },
    });
  });

  it("refuses inventory or orders without the catalog, on their own fields", () => {
    expect(parse({ catalogEnabled: false })).toEqual({
      ok: false,
      errors: {
        inventoryEnabled: "Inventory sync needs the catalog sync: turn on Catalog too",
        ordersEnabled: "Order import needs the catalog sync: turn on Catalog too",
      },
    });
    expect(parse({ catalogEnabled: false, inventoryEnabled: false, ordersEnabled: false }).ok).toBe(true);
  });

  const long = (n: number) => "x".repeat(n);
  it.each<[string, Partial<SettingsFormValues>, string, string]>([
    ["environment", { joorEnvironment: "staging" }, "joorEnvironment", "Choose sandbox or production"],
    ["account id missing", { joorAccountId: " " }, "joorAccountId", "Enter the JOOR account id"],
    ["account id shape", { joorAccountId: "47 11" }, "joorAccountId", "Use the account id JOOR gave you (letters and digits)"],
    ["client id missing", { v4ClientId: "" }, "v4ClientId", "Enter the v4 client id"],
    ["username missing", { v4Username: "" }, "v4Username", "Enter the v4 username"],
    ["token too long", { v2Token: long(501) }, "v2Token", "At most 500 characters"],
    ["no customer tag", { customerTags: " , ," }, "customerTags", "Choose at least one customer tag"],
    ["customer tag too long", { customerTags: `ok, ${long(41)}` }, "customerTags", "Tags are at most 40 characters"],
    ["too many customer tags", { customerTags: Array.from({ length: 11 }, (_, i) => `T${i}`).join(",") }, "customerTags", "At most 10 entries"],
    ["group name too long", { customerGroupName: long(101) }, "customerGroupName", "At most 100 characters"],
    ["group code too long", { customerGroupCode: long(51) }, "customerGroupCode", "At most 50 characters"],
    ["sales rep too long", { salesRepCode: long(51) }, "salesRepCode", "At most 50 characters"],
    ["product tag", { productTag: "" }, "productTag", "Enter a tag"],
    ["prefix", { collectionTagPrefix: " " }, "collectionTagPrefix", "Enter a prefix"],
    ["made-to-order name too long", { madeToOrderLinesheets: long(101) }, "madeToOrderLinesheets", "At most 100 characters"],
    ["no color option", { colorOptionNames: "" }, "colorOptionNames", "Name at least one color option"],
    ["no size option", { sizeOptionNames: "," }, "sizeOptionNames", "Name at least one size option"],
    ["missing-barcode rule", { missingBarcode: "guess" }, "missingBarcode", "Choose one of the options"],
    ["price type too long", { priceTypeId: long(101) }, "priceTypeId", "At most 100 characters"],
    ["metafield shape", { wholesaleMetafield: "wholesale" }, "wholesaleMetafield", 'Write it as "namespace.key"'],
    ["percent unreadable", { wholesalePercentOfRetail: "half" }, "wholesalePercentOfRetail", "Enter a number"],
    ["percent zero", { wholesalePercentOfRetail: "0" }, "wholesalePercentOfRetail", "Above 0%"],
    ["percent above 100", { wholesalePercentOfRetail: "101" }, "wholesalePercentOfRetail", "At most 100%"],
    ["location not a location", { inventoryLocationIds: ["gid://shopify/Product/1"] }, "inventoryLocationIds", "Choose locations from the list"],
    ["warehouse", { joorWarehouse: "" }, "joorWarehouse", "Enter a warehouse"],
    ["poll interval empty", { ordersPollMinutes: "" }, "ordersPollMinutes", "Enter a number of minutes"],
    ["poll interval unreadable", { ordersPollMinutes: "5m" }, "ordersPollMinutes", "Enter a number"],
    ["poll interval zero", { ordersPollMinutes: "0" }, "ordersPollMinutes", "At least every minute"],
    ["poll interval above 60", { ordersPollMinutes: "61" }, "ordersPollMinutes", "At most every 60 minutes"],
    ["poll interval fractional", { ordersPollMinutes: "2.5" }, "ordersPollMinutes", "Enter a whole number"],
    ["any field far too long", { salesRepCode: long(MAX_FIELD_CHARS + 1) }, "salesRepCode", `At most ${MAX_FIELD_CHARS} characters`],
  ])("puts the error for %s on its field", (_name, changes, field, message) => {
    expect(parse(changes)).toEqual({ ok: false, errors: { [field]: message } });
  });

  it("reports every invalid field at once", () => {
    const result = parse({ productTag: "", ordersPollMinutes: "0", joorAccountId: "" });
    expect(result.ok ? {} : Object.keys(result.errors).sort()).toEqual(["joorAccountId", "ordersPollMinutes", "productTag"]);
  });

  it("refuses more location ids than any shop has", () => {
    const ids = Array.from({ length: 101 }, (_, i) => `gid://shopify/Location/${i + 1}`);
    expect(parse({ inventoryLocationIds: ids })).toEqual({ ok: false, errors: { inventoryLocationIds: "At most 100 entries" } });
  });
});

describe("the connection test form", () => {
  it("merges typed and stored credentials like a save", () => {
    const result = parseConnectionForm(post({ ...goodValues(), v2Token: "typed-token" }), STORED_CREDENTIALS);
    expect(result).toEqual({
      ok: true,
      connection: { environment: "production", accountId: "4711", credentials: { ...STORED_CREDENTIALS, v2Token: "typed-token" } },
    });
  });

  it("needs a connection to test", () => {
    const values = { ...goodValues(), joorAccountId: "", v4ClientId: "", v4Username: "" };
    expect(parseConnectionForm(post(values), null)).toEqual({ ok: false, errors: { joorAccountId: "Enter the JOOR account id" } });
  });
});
