/**
 * v4 catalog: products → SKUs (Color + Size traits, identifiers) → prices per price type → collections
 * (linesheets) → image assets.
 */
import { bulkWrite, fail, readRecords, toResponse, unknownFieldProblem, type RecordOutcome } from "./bulk";
import type { RouteContext } from "./context";
import { isRecord, nonEmptyString, v4Ok } from "./responses";
import {
  nextId,
  traitValue,
  type FakeAccount,
  type FakeAsset,
  type FakeCollection,
  type FakeCollectionItem,
  type FakeIdentifier,
  type FakePrice,
  type FakeProduct,
  type FakeSku,
  type FakeState,
  type FakeTraitValue,
  type JsonRecord,
} from "./state";

const PRODUCT_FIELDS = [
  "name",
  "external_id",
  "product_identifier",
  "description",
  "order_minimum",
  "category_ids",
  "product_trait_values",
  "tags",
] as const;
const SKU_FIELDS = ["product_id", "external_id", "sku_identifier", "trait_values", "identifiers", "status"] as const;
const PRICE_FIELDS = ["sku_id", "price_type_id", "wholesale_value", "retail_value"] as const;
const COLLECTION_FIELDS = ["name", "external_id", "delivery", "items"] as const;
const ASSET_FIELDS = ["product", "asset", "display_order"] as const;
const IDENTIFIER_TYPES = ["upc", "ean", "gtin", "mpn"];
const TRAITS = ["Color", "Size"];
const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif"];
const PRICE_VALUE = /^\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** SKU ids are base64 "global ids", as JOOR's v4 hands out. [doc] */
function globalId(type: string, state: FakeState): string {
  return Buffer.from(`${type}:${nextId(state)}`).toString("base64");
}

function duplicated(kind: string, key: string, existingId: string): RecordOutcome {
  // [assumed] the DUPLICATED error names the existing record's id in `details.existing_id`.
  return fail("DUPLICATED", `A ${kind} with ${key} already exists`, { existing_id: existingId });
}

function findBy<T>(map: Map<string, T>, predicate: (item: T) => boolean): T | undefined {
  for (const item of map.values()) if (predicate(item)) return item;
  return undefined;
}

// ---------- products ----------

function applyProductFields(product: FakeProduct, record: JsonRecord): void {
  for (const field of PRODUCT_FIELDS) {
    if (record[field] !== undefined) (product as unknown as JsonRecord)[field] = record[field];
  }
}

function createProduct(state: FakeState, account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, PRODUCT_FIELDS);
  if (unknown) return unknown;
  if (!nonEmptyString(record.name)) return fail("INVALID", "name is required");
  if (nonEmptyString(record.external_id)) {
    const existing = findBy(account.products, (product) => product.external_id === record.external_id);
    if (existing) return duplicated("product", `external_id ${record.external_id}`, existing.id);
  }
  const product: FakeProduct = { id: nextId(state), name: record.name };
  applyProductFields(product, record);
  account.products.set(product.id, product);
  return { ok: true, data: { ...product } };
}

function updateProduct(account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, ["id", ...PRODUCT_FIELDS]);
  if (unknown) return unknown;
  const product = typeof record.id === "string" ? account.products.get(record.id) : undefined;
  if (!product) return fail("NOT_FOUND", `No product ${String(record.id)}`);
  if (record.name !== undefined && !nonEmptyString(record.name)) return fail("INVALID", "name must not be empty");
  if (nonEmptyString(record.external_id)) {
    const holder = findBy(account.products, (other) => other.external_id === record.external_id);
    if (holder && holder !== product) return duplicated("product", `external_id ${record.external_id}`, holder.id);
  }
  applyProductFields(product, record);
  return { ok: true, data: { ...product } };
}

// ---------- SKUs ----------

function traitsProblem(traits: unknown): string | null {
  if (!Array.isArray(traits)) return "trait_values is required";
  const names = new Set<string>();
  for (const trait of traits) {
    if (!isRecord(trait) || !TRAITS.includes(String(trait.trait_name))) {
      return "trait_values entries need trait_name Color or Size";
    }
    if (!nonEmptyString(trait.value)) return `trait ${String(trait.trait_name)} needs a value`;
    if (names.has(String(trait.trait_name))) return `trait ${String(trait.trait_name)} given twice`;
    names.add(String(trait.trait_name));
  }
  return names.size === TRAITS.length ? null : "Every SKU needs both a Color and a Size trait";
}

function identifiersProblem(identifiers: unknown): string | null {
  if (identifiers === undefined) return null;
  if (!Array.isArray(identifiers)) return "identifiers must be a list";
  for (const identifier of identifiers) {
    if (!isRecord(identifier) || !IDENTIFIER_TYPES.includes(String(identifier.type))) {
      return `identifier type must be one of ${IDENTIFIER_TYPES.join(", ")}`;
    }
    if (!nonEmptyString(identifier.value)) return "identifier value must be a non-empty string";
  }
  return null;
}

function skuProblem(account: FakeAccount, record: JsonRecord, creating: boolean): RecordOutcome | null {
  if (creating || record.product_id !== undefined) {
    if (typeof record.product_id !== "string" || !account.products.has(record.product_id)) {
      return fail("NOT_FOUND", `No product ${String(record.product_id)}`);
    }
  }
  if (creating || record.trait_values !== undefined) {
    const problem = traitsProblem(record.trait_values);
    if (problem) return fail("INVALID", problem);
  }
  const identifierProblem = identifiersProblem(record.identifiers);
  if (identifierProblem) return fail("INVALID", identifierProblem);
  if (record.status !== undefined && record.status !== "ACTIVE" && record.status !== "INACTIVE") {
    return fail("INVALID", "status must be ACTIVE or INACTIVE");
  }
  return null;
}

function applySkuFields(sku: FakeSku, record: JsonRecord): void {
  if (typeof record.product_id === "string") sku.product_id = record.product_id;
  if (record.external_id !== undefined) sku.external_id = String(record.external_id);
  if (record.sku_identifier !== undefined) sku.sku_identifier = String(record.sku_identifier);
  if (record.trait_values !== undefined) {
    sku.trait_values = (record.trait_values as JsonRecord[]).map((trait) => ({
      trait_name: String(trait.trait_name),
      value: String(trait.value),
      ...(trait.external_id !== undefined ? { external_id: String(trait.external_id) } : {}),
    }));
  }
  if (record.identifiers !== undefined) {
    sku.identifiers = (record.identifiers as JsonRecord[]).map((identifier) => ({
      type: String(identifier.type),
      value: String(identifier.value),
    }));
  }
  if (record.status !== undefined) sku.status = String(record.status);
}

function renderSku(sku: FakeSku): JsonRecord {
  return { ...sku, trait_values: sku.trait_values.map((t) => ({ ...t })), identifiers: sku.identifiers.map((i) => ({ ...i })) };
}

/**
 * The combinations a product's SKUs leave out of its color × size grid. JOOR requires the full grid [doc];
 * that it refuses the product's new SKUs as INVALID when one is missing is [assumed].
 */
export function missingGridCells(skus: Array<Pick<FakeSku, "trait_values">>): string[] {
  const colors = new Set<string>();
  const sizes = new Set<string>();
  const present = new Set<string>();
  for (const sku of skus) {
    const color = traitValue(sku, "Color")?.value;
    const size = traitValue(sku, "Size")?.value;
    if (color === undefined || size === undefined) continue;
    colors.add(color);
    sizes.add(size);
    present.add(`${color}/${size}`);
  }
  const missing: string[] = [];
  for (const color of colors) for (const size of sizes) if (!present.has(`${color}/${size}`)) missing.push(`${color}/${size}`);
  return missing;
}

async function createSkus(ctx: RouteContext): Promise<Response> {
  const { account, state } = ctx;
  const read = await readRecords(ctx);
  if ("response" in read) return read.response;
  const outcomes: Array<RecordOutcome | null> = [];
  const candidates: Array<{ index: number; sku: FakeSku }> = [];
  const seenExternalIds = new Set<string>();
  read.records.forEach((record, index) => {
    if (!isRecord(record)) return outcomes.push(fail("INVALID", "Each record must be an object"));
    const problem = unknownFieldProblem(record, SKU_FIELDS) ?? skuProblem(account, record, true);
    if (problem) return outcomes.push(problem);
    if (nonEmptyString(record.external_id)) {
      const existing = findBy(account.skus, (sku) => sku.external_id === record.external_id);
      if (existing) return outcomes.push(duplicated("SKU", `external_id ${record.external_id}`, existing.id));
      if (seenExternalIds.has(record.external_id)) {
        return outcomes.push(fail("DUPLICATED", `external_id ${record.external_id} is given twice`));
      }
      seenExternalIds.add(record.external_id);
    }
    const sku: FakeSku = { id: "", product_id: "", trait_values: [], identifiers: [] };
    applySkuFields(sku, record);
    candidates.push({ index, sku });
    outcomes.push(null);
  });

  if (ctx.settings.enforceSkuGrid) {
    const productIds = new Set(candidates.map((candidate) => candidate.sku.product_id));
    for (const productId of productIds) {
      const existing = [...account.skus.values()].filter((sku) => sku.product_id === productId);
      const added = candidates.filter((candidate) => candidate.sku.product_id === productId);
      const missing = missingGridCells([...existing, ...added.map((candidate) => candidate.sku)]);
      if (missing.length === 0) continue;
      for (const candidate of added) {
        outcomes[candidate.index] = fail(
          "INVALID",
          `The full color × size grid must be sent; missing ${missing.join(", ")} (send INACTIVE SKUs for combinations not sold)`,
        );
      }
    }
  }
  for (const candidate of candidates) {
    if (outcomes[candidate.index] !== null) continue;
    candidate.sku.id = globalId("Sku", state);
    account.skus.set(candidate.sku.id, candidate.sku);
    outcomes[candidate.index] = { ok: true, data: renderSku(candidate.sku) };
  }
  return toResponse(read.records, outcomes as RecordOutcome[]);
}

function updateSku(account: FakeAccount, record: JsonRecord, by: "id" | "external_id"): RecordOutcome {
  const allowed = by === "id" ? ["id", ...SKU_FIELDS] : SKU_FIELDS;
  const problem = unknownFieldProblem(record, allowed) ?? skuProblem(account, record, false);
  if (problem) return problem;
  const sku =
    by === "id"
      ? typeof record.id === "string"
        ? account.skus.get(record.id)
        : undefined
      : findBy(account.skus, (candidate) => nonEmptyString(record.external_id) && candidate.external_id === record.external_id);
  if (!sku) return fail("NOT_FOUND", `No SKU with ${by} ${String(record[by])}`);
  applySkuFields(sku, record);
  return { ok: true, data: renderSku(sku) };
}

// ---------- prices ----------

function priceValueProblem(record: JsonRecord, field: "wholesale_value" | "retail_value", required: boolean): string | null {
  const value = record[field];
  if (value === undefined) return required ? `${field} is required` : null;
  // Values are strings ("129.99") [doc]; a JSON number is refused.
  if (typeof value !== "string") return `${field} must be a string such as "129.99"`;
  return PRICE_VALUE.test(value) ? null : `${field} is not a valid amount`;
}

function createPrice(state: FakeState, account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, PRICE_FIELDS);
  if (unknown) return unknown;
  if (typeof record.sku_id !== "string" || !account.skus.has(record.sku_id)) {
    return fail("NOT_FOUND", `No SKU ${String(record.sku_id)}`);
  }
  if (typeof record.price_type_id !== "string" || !account.priceTypes.has(record.price_type_id)) {
    return fail("NOT_FOUND", `No price type ${String(record.price_type_id)}`);
  }
  const problem = priceValueProblem(record, "wholesale_value", true) ?? priceValueProblem(record, "retail_value", false);
  if (problem) return fail("INVALID", problem);
  const existing = findBy(
    account.prices,
    (price) => price.sku_id === record.sku_id && price.price_type_id === record.price_type_id,
  );
  if (existing) return duplicated("price", `this SKU and price type`, existing.id);
  const price: FakePrice = {
    id: nextId(state),
    sku_id: record.sku_id,
    price_type_id: record.price_type_id,
    wholesale_value: record.wholesale_value as string,
    ...(record.retail_value !== undefined ? { retail_value: record.retail_value as string } : {}),
  };
  account.prices.set(price.id, price);
  return { ok: true, data: { ...price } };
}

function updatePrice(account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, ["id", "wholesale_value", "retail_value"]);
  if (unknown) return unknown;
  const price = typeof record.id === "string" ? account.prices.get(record.id) : undefined;
  if (!price) return fail("NOT_FOUND", `No price ${String(record.id)}`);
  const problem = priceValueProblem(record, "wholesale_value", false) ?? priceValueProblem(record, "retail_value", false);
  if (problem) return fail("INVALID", problem);
  if (record.wholesale_value !== undefined) price.wholesale_value = record.wholesale_value as string;
  if (record.retail_value !== undefined) price.retail_value = record.retail_value as string;
  return { ok: true, data: { ...price } };
}

// ---------- collections ----------

function deliveryOf(value: unknown): FakeCollection["delivery"] | string {
  if (value === undefined || value === null) return { type: "IMMEDIATE" };
  if (!isRecord(value)) return "delivery must be an object";
  const dates: Record<string, string> = {};
  for (const field of ["start_ship_date", "complete_ship_date", "cancel_date"]) {
    const date = value[field];
    if (date === undefined || date === null || date === "") continue;
    if (typeof date !== "string" || !DATE.test(date)) return `${field} must be YYYY-MM-DD`;
    dates[field] = date;
  }
  // No ship dates = delivery IMMEDIATE. [doc]
  return Object.keys(dates).length === 0 ? { type: "IMMEDIATE" } : { type: "DATE_RANGE", ...dates };
}

function itemsOf(account: FakeAccount, value: unknown): FakeCollectionItem[] | string {
  if (!Array.isArray(value)) return "items must be a list";
  const items: FakeCollectionItem[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.product_id !== "string" || !account.products.has(item.product_id)) {
      return `No product ${isRecord(item) ? String(item.product_id) : ""}`.trim();
    }
    const skuIds = item.sku_ids;
    if (skuIds !== undefined) {
      if (!Array.isArray(skuIds)) return "sku_ids must be a list";
      for (const skuId of skuIds) {
        const sku = typeof skuId === "string" ? account.skus.get(skuId) : undefined;
        if (!sku || sku.product_id !== item.product_id) return `SKU ${String(skuId)} is not a SKU of product ${item.product_id}`;
      }
    }
    items.push({
      product_id: item.product_id,
      ...(typeof item.order_number === "number" ? { order_number: item.order_number } : {}),
      ...(Array.isArray(skuIds) ? { sku_ids: skuIds as string[] } : {}),
    });
  }
  return items;
}

function renderCollection(collection: FakeCollection): JsonRecord {
  return { ...collection, delivery: { ...collection.delivery }, items: collection.items.map((item) => ({ ...item })) };
}

function createCollection(state: FakeState, account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, COLLECTION_FIELDS);
  if (unknown) return unknown;
  if (!nonEmptyString(record.name)) return fail("INVALID", "name is required");
  if (!nonEmptyString(record.external_id)) return fail("INVALID", "external_id is required");
  const existing = findBy(account.collections, (collection) => collection.external_id === record.external_id);
  if (existing) return duplicated("collection", `external_id ${record.external_id}`, existing.id);
  const delivery = deliveryOf(record.delivery);
  if (typeof delivery === "string") return fail("INVALID", delivery);
  const items = record.items === undefined ? [] : itemsOf(account, record.items);
  if (typeof items === "string") return fail("INVALID", items);
  const collection: FakeCollection = { id: nextId(state), name: record.name, external_id: record.external_id, delivery, items };
  account.collections.set(collection.id, collection);
  return { ok: true, data: renderCollection(collection) };
}

function updateCollection(account: FakeAccount, record: JsonRecord): RecordOutcome {
  const unknown = unknownFieldProblem(record, ["id", ...COLLECTION_FIELDS]);
  if (unknown) return unknown;
  const collection = typeof record.id === "string" ? account.collections.get(record.id) : undefined;
  if (!collection) return fail("NOT_FOUND", `No collection ${String(record.id)}`);
  if (record.name !== undefined && !nonEmptyString(record.name)) return fail("INVALID", "name must not be empty");
  if (nonEmptyString(record.external_id)) {
    const holder = findBy(account.collections, (other) => other.external_id === record.external_id);
    if (holder && holder !== collection) return duplicated("collection", `external_id ${record.external_id}`, holder.id);
  }
  const delivery = record.delivery === undefined ? collection.delivery : deliveryOf(record.delivery);
  if (typeof delivery === "string") return fail("INVALID", delivery);
  // [assumed] `items` in an update replaces the collection's item list.
  const items = record.items === undefined ? collection.items : itemsOf(account, record.items);
  if (typeof items === "string") return fail("INVALID", items);
  if (typeof record.name === "string") collection.name = record.name;
  if (typeof record.external_id === "string") collection.external_id = record.external_id;
  collection.delivery = delivery;
  collection.items = items;
  return { ok: true, data: renderCollection(collection) };
}

// ---------- assets ----------

function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(name);
  return match ? match[1].toLowerCase() : "";
}

function assetProblem(account: FakeAccount, record: JsonRecord): string | RecordOutcome | null {
  const unknown = unknownFieldProblem(record, ASSET_FIELDS);
  if (unknown) return unknown;
  const productId = isRecord(record.product) ? record.product.id : undefined;
  if (typeof productId !== "string" || !account.products.has(productId)) {
    return fail("NOT_FOUND", `No product ${String(productId)}`);
  }
  const asset = record.asset;
  if (!isRecord(asset) || asset.type !== "image") return 'asset.type must be "image"';
  if (!nonEmptyString(asset.filename)) return "asset.filename is required";
  if (asset.filename.length > 100) return "asset.filename must be at most 100 characters";
  if (!nonEmptyString(asset.source_url) || !/^https?:\/\//.test(asset.source_url)) return "asset.source_url must be an http(s) URL";
  const urlExtension = extensionOf(new URL(asset.source_url).pathname);
  // jpeg/png/gif only; WebP is refused. [code]
  for (const extension of [extensionOf(asset.filename), urlExtension]) {
    if (extension !== "" && !IMAGE_EXTENSIONS.includes(extension)) return `Unsupported image format ${extension}`;
  }
  if (!IMAGE_EXTENSIONS.includes(extensionOf(asset.filename))) return "asset.filename must end in .jpg, .jpeg, .png or .gif";
  return null;
}

async function uploadAssets(ctx: RouteContext): Promise<Response> {
  const { account, state, url } = ctx;
  const read = await readRecords(ctx);
  if ("response" in read) return read.response;
  const replaceAll = url.searchParams.get("replace_all") === "true";
  const outcomes: RecordOutcome[] = [];
  const accepted: Array<{ index: number; asset: FakeAsset }> = [];
  const namesInRequest = new Set<string>();
  read.records.forEach((record, index) => {
    if (!isRecord(record)) return outcomes.push(fail("INVALID", "Each record must be an object"));
    const problem = assetProblem(account, record);
    if (problem) return outcomes.push(typeof problem === "string" ? fail("INVALID", problem) : problem);
    const productId = (record.product as JsonRecord).id as string;
    const source = record.asset as JsonRecord;
    const filename = source.filename as string;
    // File names must be unique [code]; per product is [assumed].
    const key = `${productId}|${filename}`;
    if (namesInRequest.has(key)) return outcomes.push(fail("INVALID", `File name ${filename} is given twice`));
    const clash = replaceAll ? undefined : findBy(account.assets, (a) => a.product_id === productId && a.filename === filename);
    if (clash) return outcomes.push(duplicated("file", `name ${filename}`, clash.id));
    namesInRequest.add(key);
    const asset: FakeAsset = {
      id: nextId(state),
      product_id: productId,
      filename,
      source_url: source.source_url as string,
      ...(typeof record.display_order === "number" ? { display_order: record.display_order } : {}),
    };
    accepted.push({ index, asset });
    outcomes.push({ ok: true, data: { ...asset } });
  });
  if (replaceAll) {
    const products = new Set(accepted.map(({ asset }) => asset.product_id));
    for (const [id, asset] of account.assets) if (products.has(asset.product_id)) account.assets.delete(id);
  }
  for (const { asset } of accepted) account.assets.set(asset.id, asset);
  return toResponse(read.records, outcomes);
}

// ---------- routing ----------

export async function catalogRoute(ctx: RouteContext): Promise<Response | null> {
  const { account, state, request, url } = ctx;
  const [resource, action] = ctx.segments;
  if (request.method === "GET" && action === undefined) {
    if (resource === "price_types") return v4Ok([...account.priceTypes.values()].map((type) => ({ ...type })));
    if (resource === "products") {
      const ids = (url.searchParams.get("product_ids") ?? "").split(",").filter((id) => id !== "");
      const products = [...account.products.values()].filter((product) => ids.length === 0 || ids.includes(product.id));
      return v4Ok(products.map((product) => ({ ...product })));
    }
  }
  if (request.method !== "POST") return null;
  switch (`${resource}/${action}`) {
    case "products/bulk_create":
      return bulkWrite(ctx, (record) => createProduct(state, account, record));
    case "products/bulk_update":
      return bulkWrite(ctx, (record) => updateProduct(account, record));
    case "skus/bulk_create":
      return createSkus(ctx);
    case "skus/bulk_update":
      return bulkWrite(ctx, (record) => updateSku(account, record, "id"));
    case "skus/bulk_update_by_external_id":
      return bulkWrite(ctx, (record) => updateSku(account, record, "external_id"));
    case "prices/bulk_create":
      return bulkWrite(ctx, (record) => createPrice(state, account, record));
    case "prices/bulk_update":
      return bulkWrite(ctx, (record) => updatePrice(account, record));
    case "collections/bulk_create":
      return bulkWrite(ctx, (record) => createCollection(state, account, record));
    case "collections/bulk_update":
      return bulkWrite(ctx, (record) => updateCollection(account, record));
    case "assets/products":
      return uploadAssets(ctx);
    default:
      return null;
  }
}

export interface SeedSku {
  color: string;
  colorCode?: string;
  size: string;
  upc?: string;
  externalId?: string;
  status?: "ACTIVE" | "INACTIVE";
}

export interface SeedProduct {
  name: string;
  externalId?: string;
  productIdentifier?: string;
  skus?: SeedSku[];
}

/** Puts a product and its SKUs straight into JOOR's state (no grid check), returning their ids. */
export function seedProduct(state: FakeState, account: FakeAccount, seed: SeedProduct): { productId: string; skuIds: string[] } {
  const product: FakeProduct = {
    id: nextId(state),
    name: seed.name,
    ...(seed.externalId !== undefined ? { external_id: seed.externalId } : {}),
    ...(seed.productIdentifier !== undefined ? { product_identifier: seed.productIdentifier } : {}),
  };
  account.products.set(product.id, product);
  const skuIds = (seed.skus ?? []).map((entry) => {
    const traits: FakeTraitValue[] = [
      { trait_name: "Color", value: entry.color, ...(entry.colorCode !== undefined ? { external_id: entry.colorCode } : {}) },
      { trait_name: "Size", value: entry.size },
    ];
    const identifiers: FakeIdentifier[] = entry.upc !== undefined ? [{ type: "upc", value: entry.upc }] : [];
    const sku: FakeSku = {
      id: globalId("Sku", state),
      product_id: product.id,
      trait_values: traits,
      identifiers,
      ...(entry.externalId !== undefined ? { external_id: entry.externalId } : {}),
      ...(entry.status !== undefined ? { status: entry.status } : {}),
    };
    account.skus.set(sku.id, sku);
    return sku.id;
  });
  return { productId: product.id, skuIds };
}
