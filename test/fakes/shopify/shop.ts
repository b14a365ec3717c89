import { createHash } from "node:crypto";
import { gid, parseGid, compareIds, type IdSequence } from "./ids";
import type {
  AddressInput,
  AddressRecord,
  CustomerInput,
  CustomerRecord,
  FakeUserError,
  InventoryBehaviour,
  InventoryItemRecord,
  LevelRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductInput,
  ProductRecord,
  VariantInput,
  VariantRecord,
  BulkOperationRecord,
} from "./model";
import { UserErrors } from "./model";
import {
  customerDeletePayload,
  customerPayload,
  inventoryItemDeletePayload,
  inventoryItemPayload,
  inventoryLevelPayload,
  productDeletePayload,
  productPayload,
} from "./payloads";

/**
 * One fake shop: its records and the operations a merchant (admin actions) or the app (GraphQL mutations) can
 * perform on them. Every operation emits the webhooks Shopify would emit for it.
 */

export interface ShopEvent {
  topic: string;
  payload: unknown;
  at: string;
}

export interface ShopContext {
  ids: IdSequence;
  now: () => number;
  emit: (shop: FakeShop, topic: string, payload: unknown) => void;
}

export interface ShopOptions {
  name?: string;
  email?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  locationName?: string;
}

export interface MetafieldSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

interface MoneyInput {
  amount: string;
  currencyCode: string;
}

export interface OrderLineInput {
  variantId?: string | null;
  productId?: string | null;
  quantity: number;
  priceSet?: { shopMoney: MoneyInput; presentmentMoney?: MoneyInput | null } | null;
  title?: string | null;
  variantTitle?: string | null;
  sku?: string | null;
  vendor?: string | null;
  requiresShipping?: boolean | null;
  taxable?: boolean | null;
  properties?: { name: string; value: string }[] | null;
}

export interface OrderCustomerUpsert {
  id?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  tags?: string[] | null;
  taxExempt?: boolean | null;
  addresses?: AddressInput[] | null;
}

export interface OrderInput {
  lineItems?: OrderLineInput[] | null;
  customer?: { toAssociate?: { id: string } | null; toUpsert?: OrderCustomerUpsert | null } | null;
  email?: string | null;
  phone?: string | null;
  billingAddress?: AddressInput | null;
  shippingAddress?: AddressInput | null;
  poNumber?: string | null;
  sourceIdentifier?: string | null;
  sourceName?: string | null;
  sourceUrl?: string | null;
  tags?: string[] | null;
  note?: string | null;
  customAttributes?: { key: string; value: string }[] | null;
  financialStatus?: string | null;
  processedAt?: string | null;
  currency?: string | null;
  test?: boolean | null;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{5,}$/;

/** Shopify timestamps: UTC, whole seconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Tags are case-insensitively unique, trimmed, comma-split and listed alphabetically, as Shopify stores them. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags.flatMap((entry) => entry.split(","))) {
    const trimmed = tag.trim();
    if (trimmed && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  return [...seen.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

export function formatMoney(value: string | number, field: string[]): string {
  const amount = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(amount) || String(value).trim() === "") {
    throw new UserErrors([{ field, message: "Price is invalid" }]);
  }
  return amount.toFixed(2);
}

function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "product"
  );
}

const METAFIELD_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "customer_reference",
  "product_reference",
  "variant_reference",
  "collection_reference",
  "metaobject_reference",
]);

function metafieldValueError(type: string, value: string): string | null {
  if (type.startsWith("list.")) {
    try {
      return Array.isArray(JSON.parse(value)) ? null : "Value must be an array.";
    } catch {
      return "Value must be an array.";
    }
  }
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) ? null : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "json":
    case "money":
    case "rating":
    case "link":
    case "rich_text_field":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value is invalid JSON.";
      }
    case "single_line_text_field":
      return value.includes("\n") ? "Value must be a single line of text." : null;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time":
      return Number.isNaN(Date.parse(value)) ? "Value must be in ISO 8601 format." : null;
    case "url":
      return /^(https?|mailto|sms|tel):/.test(value) ? null : "Value must be a valid URL.";
    default:
      return type.endsWith("_reference") && !parseGid(value) ? "Value must be a global ID." : null;
  }
}

export function compareDigest(metafield: MetafieldRecord): string {
  return createHash("sha256").update(`${metafield.type}\n${metafield.value}\n${metafield.updatedAt}`).digest("hex");
}

export class FakeShop {
  readonly id: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  readonly customers = new Map<string, CustomerRecord>();
  readonly products = new Map<string, ProductRecord>();
  readonly variants = new Map<string, VariantRecord>();
  readonly inventoryItems = new Map<string, InventoryItemRecord>();
  readonly locations = new Map<string, LocationRecord>();
  readonly orders = new Map<string, OrderRecord>();
  readonly bulkOperations = new Map<string, BulkOperationRecord>();
  /** Metafields by owner GID, then by "namespace.key". */
  readonly metafields = new Map<string, Map<string, MetafieldRecord>>();
  /** Every webhook topic this shop emitted, in order (whether or not a sender delivered it). */
  readonly events: ShopEvent[] = [];
  readonly primaryLocationId: string;
  private lastOrderNumber = 1000;

  constructor(
    readonly domain: string,
    options: ShopOptions,
    private readonly ctx: ShopContext,
  ) {
    this.id = ctx.ids.take();
    this.name = options.name ?? domain.replace(/\.myshopify\.com$/, "");
    this.email = options.email ?? `owner@${domain}`;
    this.currencyCode = options.currencyCode ?? "USD";
    this.ianaTimezone = options.ianaTimezone ?? "UTC";
    this.primaryLocationId = this.addLocation(options.locationName ?? "Shop location").id;
  }

  get gid(): string {
    return gid("Shop", this.id);
  }

  now(): string {
    return timestamp(this.ctx.now());
  }

  /** Logs an event and hands it to the fake's webhook delivery. */
  recordEvent(topic: string, payload: unknown): void {
    this.events.push({ topic, payload, at: this.now() });
    this.ctx.emit(this, topic, payload);
  }

  private newId(requested?: string): string {
    if (requested === undefined) return this.ctx.ids.take();
    if (!/^\d+$/.test(requested)) throw new Error(`Ids are numeric strings, got ${requested}`);
    this.ctx.ids.reserve(requested);
    return requested;
  }

  /** Accepts a numeric id or a GID of the expected type. */
  private localId(idOrGid: string, type: string): string {
    const parsed = parseGid(idOrGid);
    if (parsed) return parsed.type === type ? parsed.id : "";
    return idOrGid;
  }

  private notFound(type: string, id: string): UserErrors {
    return new UserErrors([{ field: ["id"], message: `${type} ${id} does not exist`, code: "NOT_FOUND" }]);
  }

  findCustomer(idOrGid: string): CustomerRecord | undefined {
    return this.customers.get(this.localId(idOrGid, "Customer"));
  }

  findProduct(idOrGid: string): ProductRecord | undefined {
    return this.products.get(this.localId(idOrGid, "Product"));
  }

  findVariant(idOrGid: string): VariantRecord | undefined {
    return this.variants.get(this.localId(idOrGid, "ProductVariant"));
  }

  findInventoryItem(idOrGid: string): InventoryItemRecord | undefined {
    return this.inventoryItems.get(this.localId(idOrGid, "InventoryItem"));
  }

  findLocation(idOrGid: string): LocationRecord | undefined {
    return this.locations.get(this.localId(idOrGid, "Location"));
  }

  findOrder(idOrGid: string): OrderRecord | undefined {
    return this.orders.get(this.localId(idOrGid, "Order"));
  }

  customer(idOrGid: string): CustomerRecord {
    const found = this.findCustomer(idOrGid);
    if (!found) throw this.notFound("Customer", idOrGid);
    return found;
  }

  product(idOrGid: string): ProductRecord {
    const found = this.findProduct(idOrGid);
    if (!found) throw this.notFound("Product", idOrGid);
    return found;
  }

  variant(idOrGid: string): VariantRecord {
    const found = this.findVariant(idOrGid);
    if (!found) throw this.notFound("Product variant", idOrGid);
    return found;
  }

  inventoryItem(idOrGid: string): InventoryItemRecord {
    const found = this.findInventoryItem(idOrGid);
    if (!found) throw this.notFound("Inventory item", idOrGid);
    return found;
  }

  variantTitle(variant: VariantRecord): string {
    return variant.selectedOptions.map((option) => option.value).join(" / ");
  }

  availableTotal(inventoryItemId: string): number {
    const item = this.inventoryItems.get(inventoryItemId);
    return item ? [...item.levels.values()].reduce((sum, level) => sum + level.available, 0) : 0;
  }

  /** Sorted by id: the default order of every Shopify list. */
  list<T extends { id: string }>(records: Map<string, T>): T[] {
    return [...records.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  // ---------------------------------------------------------------- locations

  addLocation(name: string, options: { id?: string; isActive?: boolean } = {}): LocationRecord {
    const location: LocationRecord = {
      id: this.newId(options.id),
      name,
      isActive: options.isActive ?? true,
      createdAt: this.now(),
    };
    this.locations.set(location.id, location);
    return location;
  }

  // ---------------------------------------------------------------- customers

  private buildAddress(input: AddressInput, existingId?: string): AddressRecord {
    return {
      id: existingId ?? this.newId(),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      company: input.company ?? null,
      address1: input.address1 ?? null,
      address2: input.address2 ?? null,
      city: input.city ?? null,
      province: input.province ?? null,
      provinceCode: input.provinceCode ?? null,
      zip: input.zip ?? null,
      countryCode: input.countryCode ?? null,
      phone: input.phone ?? null,
    };
  }

  private validateCustomer(candidate: CustomerRecord): FakeUserError[] {
    const errors: FakeUserError[] = [];
    const others = [...this.customers.values()].filter((other) => other.id !== candidate.id);
    if (candidate.email !== null) {
      if (!EMAIL.test(candidate.email)) errors.push({ field: ["email"], message: "Email is invalid" });
      else if (others.some((other) => other.email?.toLowerCase() === candidate.email?.toLowerCase())) {
        errors.push({ field: ["email"], message: "Email has already been taken" });
      }
    }
    if (candidate.phone !== null) {
      if (!PHONE.test(candidate.phone)) errors.push({ field: ["phone"], message: "Phone is invalid" });
      else if (others.some((other) => other.phone === candidate.phone)) {
        errors.push({ field: ["phone"], message: "Phone has already been taken" });
      }
    }
    if (!candidate.email && !candidate.phone && !candidate.firstName && !candidate.lastName) {
      errors.push({ field: null, message: "Customer must have a name, phone number or email address" });
    }
    return errors;
  }

  private applyCustomerInput(target: CustomerRecord, input: CustomerInput): void {
    const blankToNull = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null);
    const email = blankToNull(input.email);
    const phone = blankToNull(input.phone);
    if (email !== undefined) target.email = email;
    if (phone !== undefined) target.phone = phone;
    if (input.firstName !== undefined) target.firstName = input.firstName;
    if (input.lastName !== undefined) target.lastName = input.lastName;
    if (input.note !== undefined) target.note = input.note;
    if (input.locale !== undefined) target.locale = input.locale;
    if (input.taxExempt !== undefined) target.taxExempt = input.taxExempt;
    if (input.tags !== undefined) target.tags = normalizeTags(input.tags);
    if (input.addresses !== undefined) {
      target.addresses = input.addresses.map((address) => this.buildAddress(address));
      target.defaultAddressId = target.addresses[0]?.id ?? null;
    }
  }

  private emitTagChanges(customer: CustomerRecord, before: string[]): void {
    const lower = (tags: string[]) => new Set(tags.map((tag) => tag.toLowerCase()));
    const old = lower(before);
    const current = lower(customer.tags);
    const added = customer.tags.filter((tag) => !old.has(tag.toLowerCase()));
    const removed = before.filter((tag) => !current.has(tag.toLowerCase()));
    const customerId = gid("Customer", customer.id);
    if (added.length) this.recordEvent("customer.tags_added", { customerId, tags: added, occurredAt: customer.updatedAt });
    if (removed.length) {
      this.recordEvent("customer.tags_removed", { customerId, tags: removed, occurredAt: customer.updatedAt });
    }
  }

  createCustomer(input: CustomerInput): CustomerRecord {
    const now = this.now();
    const customer: CustomerRecord = {
      id: input.id ? this.localId(input.id, "Customer") : "",
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      note: null,
      tags: [],
      state: "DISABLED",
      taxExempt: false,
      locale: "en",
      addresses: [],
      defaultAddressId: null,
      createdAt: now,
      updatedAt: now,
    };
    this.applyCustomerInput(customer, input);
    const errors = this.validateCustomer(customer);
    if (errors.length) throw new UserErrors(errors);
    customer.id = this.newId(customer.id || undefined);
    this.customers.set(customer.id, customer);
    this.recordEvent("customers/create", customerPayload(this, customer));
    this.emitTagChanges(customer, []);
    return customer;
  }

  updateCustomer(idOrGid: string, input: CustomerInput): CustomerRecord {
    const customer = this.customer(idOrGid);
    const candidate: CustomerRecord = { ...customer, tags: [...customer.tags], addresses: [...customer.addresses] };
    this.applyCustomerInput(candidate, input);
    const errors = this.validateCustomer(candidate);
    if (errors.length) throw new UserErrors(errors);
    const before = customer.tags;
    Object.assign(customer, candidate, { updatedAt: this.now() });
    this.recordEvent("customers/update", customerPayload(this, customer));
    this.emitTagChanges(customer, before);
    return customer;
  }

  deleteCustomer(idOrGid: string): void {
    const customer = this.customer(idOrGid);
    if ([...this.orders.values()].some((order) => order.customerId === customer.id)) {
      throw new UserErrors([
        { field: ["id"], message: "Customer can’t be deleted because they have existing orders" },
      ]);
    }
    this.customers.delete(customer.id);
    this.metafields.delete(gid("Customer", customer.id));
    this.recordEvent("customers/delete", customerDeletePayload(customer));
  }

  addCustomerTags(idOrGid: string, tags: string[]): CustomerRecord {
    const customer = this.customer(idOrGid);
    return this.updateCustomer(customer.id, { tags: [...customer.tags, ...tags] });
  }

  removeCustomerTags(idOrGid: string, tags: string[]): CustomerRecord {
    const customer = this.customer(idOrGid);
    const drop = new Set(normalizeTags(tags).map((tag) => tag.toLowerCase()));
    return this.updateCustomer(customer.id, { tags: customer.tags.filter((tag) => !drop.has(tag.toLowerCase())) });
  }

  // ---------------------------------------------------------------- products

  private uniqueHandle(base: string, selfId?: string): string {
    const taken = new Set(
      [...this.products.values()].filter((product) => product.id !== selfId).map((product) => product.handle),
    );
    let handle = base;
    for (let n = 1; taken.has(handle); n++) handle = `${base}-${n}`;
    return handle;
  }

  /** Option values follow the variants, in order of first use, as Shopify keeps them. */
  private refreshOptions(product: ProductRecord): void {
    product.options.forEach((option, index) => {
      const values: string[] = [];
      for (const variantId of product.variantIds) {
        const value = this.variants.get(variantId)?.selectedOptions[index]?.value;
        if (value !== undefined && !values.includes(value)) values.push(value);
      }
      option.values = values;
    });
  }

  private buildVariant(product: ProductRecord, input: VariantInput, index: number): VariantRecord {
    const names = product.options.map((option) => option.name);
    const values = input.options ?? (names.length === 1 && names[0] === "Title" ? ["Default Title"] : []);
    if (values.length !== names.length) {
      throw new UserErrors([
        { field: ["variants", String(index), "options"], message: `Variant needs a value for each option: ${names.join(", ")}` },
      ]);
    }
    const title = values.join(" / ");
    const clash = product.variantIds.some((id) => this.variantTitle(this.variant(id)) === title);
    if (clash) {
      throw new UserErrors([{ field: ["variants", String(index)], message: `The variant '${title}' already exists.` }]);
    }
    const now = this.now();
    const variant: VariantRecord = {
      id: this.newId(input.id),
      productId: product.id,
      sku: input.sku ?? null,
      barcode: input.barcode ?? null,
      price: formatMoney(input.price ?? "0", ["variants", String(index), "price"]),
      compareAtPrice:
        input.compareAtPrice === undefined || input.compareAtPrice === null
          ? null
          : formatMoney(input.compareAtPrice, ["variants", String(index), "compareAtPrice"]),
      selectedOptions: names.map((name, position) => ({ name, value: values[position] })),
      inventoryItemId: this.newId(input.inventoryItemId),
      inventoryPolicy: input.inventoryPolicy ?? "DENY",
      taxable: true,
      mediaId: input.mediaIndex === undefined ? null : (product.media[input.mediaIndex]?.id ?? null),
      createdAt: now,
      updatedAt: now,
    };
    const item: InventoryItemRecord = {
      id: variant.inventoryItemId,
      variantId: variant.id,
      tracked: input.tracked ?? true,
      requiresShipping: true,
      levels: new Map(),
      createdAt: now,
      updatedAt: now,
    };
    const stock =
      typeof input.inventory === "number" ? { [this.primaryLocationId]: input.inventory } : (input.inventory ?? {});
    for (const [locationIdOrGid, available] of Object.entries(stock)) {
      const location = this.findLocation(locationIdOrGid);
      if (!location) throw new UserErrors([{ field: ["inventory"], message: `Location ${locationIdOrGid} does not exist` }]);
      item.levels.set(location.id, { locationId: location.id, available, committed: 0, createdAt: now, updatedAt: now });
    }
    this.variants.set(variant.id, variant);
    this.inventoryItems.set(item.id, item);
    product.variantIds.push(variant.id);
    return variant;
  }

  createProduct(input: ProductInput): ProductRecord {
    if (!input.title?.trim()) throw new UserErrors([{ field: ["title"], message: "Title can't be blank" }]);
    const now = this.now();
    const id = this.newId(input.id);
    const optionNames = input.options?.length ? input.options : ["Title"];
    const product: ProductRecord = {
      id,
      title: input.title,
      handle: this.uniqueHandle(input.handle ?? slugify(input.title)),
      descriptionHtml: input.descriptionHtml ?? "",
      vendor: input.vendor ?? this.name,
      productType: input.productType ?? "",
      status: input.status ?? "ACTIVE",
      tags: normalizeTags(input.tags ?? []),
      options: optionNames.map((name, index) => ({ id: this.newId(), name, position: index + 1, values: [] })),
      variantIds: [],
      media: (input.media ?? []).map((media) => ({
        id: this.newId(),
        url: media.url,
        altText: media.altText ?? null,
        mimeType: media.mimeType ?? "image/jpeg",
      })),
      createdAt: now,
      updatedAt: now,
      publishedAt: input.status === "DRAFT" ? null : now,
    };
    this.products.set(id, product);
    try {
      const variants = input.variants?.length ? input.variants : [{}];
      variants.forEach((variant, index) => this.buildVariant(product, variant, index));
    } catch (error) {
      this.removeProductRecords(product);
      throw error;
    }
    this.refreshOptions(product);
    this.recordEvent("products/create", productPayload(this, product));
    return product;
  }

  updateProduct(idOrGid: string, input: Omit<ProductInput, "id" | "variants" | "options">): ProductRecord {
    const product = this.product(idOrGid);
    if (input.title !== undefined && !input.title.trim()) {
      throw new UserErrors([{ field: ["title"], message: "Title can't be blank" }]);
    }
    if (input.title !== undefined) product.title = input.title;
    if (input.handle !== undefined) product.handle = this.uniqueHandle(input.handle, product.id);
    if (input.descriptionHtml !== undefined) product.descriptionHtml = input.descriptionHtml;
    if (input.vendor !== undefined) product.vendor = input.vendor;
    if (input.productType !== undefined) product.productType = input.productType;
    if (input.status !== undefined) product.status = input.status;
    if (input.tags !== undefined) product.tags = normalizeTags(input.tags);
    if (input.media !== undefined) {
      product.media = input.media.map((media) => ({
        id: this.newId(),
        url: media.url,
        altText: media.altText ?? null,
        mimeType: media.mimeType ?? "image/jpeg",
      }));
    }
    this.touchProduct(product);
    return product;
  }

  private touchProduct(product: ProductRecord): void {
    product.updatedAt = this.now();
    this.recordEvent("products/update", productPayload(this, product));
  }

  private removeProductRecords(product: ProductRecord): InventoryItemRecord[] {
    const items: InventoryItemRecord[] = [];
    for (const variantId of product.variantIds) {
      const variant = this.variants.get(variantId);
      if (!variant) continue;
      const item = this.inventoryItems.get(variant.inventoryItemId);
      if (item) items.push(item);
      this.inventoryItems.delete(variant.inventoryItemId);
      this.variants.delete(variantId);
      this.metafields.delete(gid("ProductVariant", variantId));
    }
    this.products.delete(product.id);
    this.metafields.delete(gid("Product", product.id));
    return items;
  }

  deleteProduct(idOrGid: string): void {
    const product = this.product(idOrGid);
    const items = this.removeProductRecords(product);
    this.recordEvent("products/delete", productDeletePayload(product));
    for (const item of items) this.recordEvent("inventory_items/delete", inventoryItemDeletePayload(item));
  }

  addVariant(productIdOrGid: string, input: VariantInput): VariantRecord {
    const product = this.product(productIdOrGid);
    const variant = this.buildVariant(product, input, 0);
    this.refreshOptions(product);
    this.touchProduct(product);
    return variant;
  }

  updateVariant(
    idOrGid: string,
    input: Pick<VariantInput, "sku" | "barcode" | "price" | "compareAtPrice" | "inventoryPolicy">,
  ): VariantRecord {
    const variant = this.variant(idOrGid);
    const price = input.price === undefined ? undefined : formatMoney(input.price, ["price"]);
    const compareAt =
      input.compareAtPrice === undefined || input.compareAtPrice === null
        ? input.compareAtPrice
        : formatMoney(input.compareAtPrice, ["compareAtPrice"]);
    const skuChanged = input.sku !== undefined && input.sku !== variant.sku;
    if (input.sku !== undefined) variant.sku = input.sku;
    if (input.barcode !== undefined) variant.barcode = input.barcode;
    if (price !== undefined) variant.price = price;
    if (compareAt !== undefined) variant.compareAtPrice = compareAt;
    if (input.inventoryPolicy !== undefined) variant.inventoryPolicy = input.inventoryPolicy;
    variant.updatedAt = this.now();
    if (skuChanged) {
      const item = this.inventoryItem(variant.inventoryItemId);
      item.updatedAt = variant.updatedAt;
      this.recordEvent("inventory_items/update", inventoryItemPayload(item, variant.sku));
    }
    this.touchProduct(this.product(variant.productId));
    return variant;
  }

  deleteVariant(idOrGid: string): void {
    const variant = this.variant(idOrGid);
    const product = this.product(variant.productId);
    const item = this.inventoryItem(variant.inventoryItemId);
    product.variantIds = product.variantIds.filter((id) => id !== variant.id);
    this.variants.delete(variant.id);
    this.inventoryItems.delete(item.id);
    this.metafields.delete(gid("ProductVariant", variant.id));
    this.refreshOptions(product);
    this.touchProduct(product);
    this.recordEvent("inventory_items/delete", inventoryItemDeletePayload(item));
  }

  // ---------------------------------------------------------------- inventory

  private itemFor(target: { variantId?: string; inventoryItemId?: string }): InventoryItemRecord {
    if (target.inventoryItemId) return this.inventoryItem(target.inventoryItemId);
    if (target.variantId) return this.inventoryItem(this.variant(target.variantId).inventoryItemId);
    throw new UserErrors([{ field: ["inventoryItemId"], message: "An inventory item or variant is required" }]);
  }

  private changeLevel(item: InventoryItemRecord, locationIdOrGid: string, change: (level: LevelRecord) => void): LevelRecord {
    const location = this.findLocation(locationIdOrGid);
    if (!location) throw new UserErrors([{ field: ["locationId"], message: "Location does not exist" }]);
    const now = this.now();
    const level = item.levels.get(location.id) ?? {
      locationId: location.id,
      available: 0,
      committed: 0,
      createdAt: now,
      updatedAt: now,
    };
    change(level);
    level.updatedAt = now;
    item.levels.set(location.id, level);
    item.updatedAt = now;
    return level;
  }

  /** Emits what a stock change emits on Shopify: the level, and products/update (as on every sale). */
  private emitStockChange(item: InventoryItemRecord, level: LevelRecord): void {
    this.recordEvent("inventory_levels/update", inventoryLevelPayload(item, level));
    const variant = this.variant(item.variantId);
    variant.updatedAt = level.updatedAt;
    this.touchProduct(this.product(variant.productId));
  }

  /** Sets the available quantity at a location (the primary location when none is given). */
  setInventory(target: { variantId?: string; inventoryItemId?: string; locationId?: string; available: number }): LevelRecord {
    const item = this.itemFor(target);
    const level = this.changeLevel(item, target.locationId ?? this.primaryLocationId, (l) => {
      l.available = target.available;
    });
    this.emitStockChange(item, level);
    return level;
  }

  /** A sale at the store: stock moves from available to committed. */
  sell(target: { variantId?: string; inventoryItemId?: string; locationId?: string; quantity: number }): LevelRecord {
    const item = this.itemFor(target);
    const level = this.changeLevel(item, target.locationId ?? this.primaryLocationId, (l) => {
      l.available -= target.quantity;
      l.committed += target.quantity;
    });
    this.emitStockChange(item, level);
    return level;
  }

  // ---------------------------------------------------------------- tags and metafields

  /** tagsAdd / tagsRemove on any taggable record; answers the record's GID. */
  changeTags(ownerGid: string, tags: string[], mode: "add" | "remove"): string {
    const parsed = parseGid(ownerGid);
    const fail = () => new UserErrors([{ field: ["id"], message: "Resource does not exist" }]);
    if (!parsed) throw fail();
    const merge = (current: string[]) => {
      if (mode === "add") return normalizeTags([...current, ...tags]);
      const drop = new Set(normalizeTags(tags).map((tag) => tag.toLowerCase()));
      return current.filter((tag) => !drop.has(tag.toLowerCase()));
    };
    switch (parsed.type) {
      case "Customer": {
        const customer = this.findCustomer(parsed.id);
        if (!customer) throw fail();
        this.updateCustomer(customer.id, { tags: merge(customer.tags) });
        break;
      }
      case "Product": {
        const product = this.findProduct(parsed.id);
        if (!product) throw fail();
        product.tags = merge(product.tags);
        this.touchProduct(product);
        break;
      }
      case "Order": {
        const order = this.findOrder(parsed.id);
        if (!order) throw fail();
        order.tags = merge(order.tags);
        order.updatedAt = this.now();
        break;
      }
      default:
        throw fail();
    }
    return ownerGid;
  }

  ownerExists(ownerGid: string): boolean {
    const parsed = parseGid(ownerGid);
    if (!parsed) return false;
    switch (parsed.type) {
      case "Customer":
        return this.customers.has(parsed.id);
      case "Product":
        return this.products.has(parsed.id);
      case "ProductVariant":
        return this.variants.has(parsed.id);
      case "Order":
        return this.orders.has(parsed.id);
      case "Location":
        return this.locations.has(parsed.id);
      case "Shop":
        return parsed.id === this.id;
      default:
        return false;
    }
  }

  metafield(ownerGid: string, namespace: string | null | undefined, key: string): MetafieldRecord | null {
    return this.metafields.get(ownerGid)?.get(`${namespace ?? "$app"}.${key}`) ?? null;
  }

  metafieldsOf(ownerGid: string): MetafieldRecord[] {
    return this.list(this.metafields.get(ownerGid) ?? new Map());
  }

  /** metafieldsSet: all inputs are validated first and nothing is written unless all are valid. */
  setMetafields(inputs: MetafieldSetInput[]): MetafieldRecord[] {
    const errors: FakeUserError[] = [];
    inputs.forEach((input, index) => {
      const at = (field: string, code: string, message: string) =>
        errors.push({ field: ["metafields", String(index), field], code, message, elementIndex: index });
      const namespace = input.namespace ?? "$app";
      if (!this.ownerExists(input.ownerId)) at("ownerId", "INVALID", "Owner does not exist.");
      if (namespace.length < 3) at("namespace", "TOO_SHORT", "Namespace is too short (minimum is 3 characters)");
      if (input.key.length < 2) at("key", "TOO_SHORT", "Key is too short (minimum is 2 characters)");
      if (input.key.length > 64) at("key", "TOO_LONG", "Key is too long (maximum is 64 characters)");
      const existing = this.metafield(input.ownerId, namespace, input.key);
      const type = input.type ?? existing?.type;
      if (!type) {
        at("type", "BLANK", "Type can't be blank");
        return;
      }
      if (!METAFIELD_TYPES.has(type.replace(/^list\./, ""))) at("type", "INVALID_TYPE", `Type '${type}' is invalid.`);
      else if (existing && existing.type !== type) {
        at("type", "INVALID_TYPE", `Type must be '${existing.type}' to match the existing metafield.`);
      }
      const valueError = metafieldValueError(type, input.value);
      if (valueError) at("value", "INVALID_VALUE", valueError);
      if (input.compareDigest && existing && input.compareDigest !== compareDigest(existing)) {
        at("compareDigest", "STALE_OBJECT", "The resource has been updated since it was loaded.");
      }
    });
    if (errors.length) throw new UserErrors(errors);
    const now = this.now();
    return inputs.map((input) => {
      const namespace = input.namespace ?? "$app";
      const owned = this.metafields.get(input.ownerId) ?? new Map<string, MetafieldRecord>();
      this.metafields.set(input.ownerId, owned);
      const existing = owned.get(`${namespace}.${input.key}`);
      const record: MetafieldRecord = {
        id: existing?.id ?? this.newId(),
        ownerGid: input.ownerId,
        namespace,
        key: input.key,
        type: input.type ?? existing?.type ?? "single_line_text_field",
        value: input.value,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      owned.set(`${namespace}.${input.key}`, record);
      return record;
    });
  }

  // ---------------------------------------------------------------- orders

  private orderErrors(input: OrderInput, behaviour: InventoryBehaviour): FakeUserError[] {
    const errors: FakeUserError[] = [];
    const lines = input.lineItems ?? [];
    if (lines.length === 0) {
      errors.push({ field: ["order", "lineItems"], message: "Line items must have at least one line item.", code: "INVALID" });
    }
    const wanted = new Map<string, { quantity: number; index: number }>();
    lines.forEach((line, index) => {
      const field = ["order", "lineItems", String(index)];
      if (line.quantity < 1) {
        errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than or equal to 1", code: "INVALID" });
      }
      if (line.variantId) {
        const variant = this.findVariant(line.variantId);
        if (!variant) {
          errors.push({ field: [...field, "variantId"], message: "Variant does not exist", code: "INVALID" });
        } else {
          const sum = wanted.get(variant.id);
          wanted.set(variant.id, { quantity: (sum?.quantity ?? 0) + line.quantity, index: sum?.index ?? index });
        }
      } else if (!line.title) {
        errors.push({ field: [...field, "title"], message: "Title can't be blank for a custom line item", code: "INVALID" });
      }
    });
    const customer = input.customer;
    if (customer?.toAssociate && customer.toUpsert) {
      errors.push({
        field: ["order", "customer"],
        message: "Only one of toAssociate or toUpsert can be provided.",
        code: "REDUNDANT_CUSTOMER_FIELDS",
      });
    } else if (customer?.toAssociate && !this.findCustomer(customer.toAssociate.id)) {
      errors.push({ field: ["order", "customer", "toAssociate", "id"], message: "Customer does not exist", code: "INVALID" });
    }
    if (input.processedAt && Date.parse(input.processedAt) > this.ctx.now()) {
      errors.push({ field: ["order", "processedAt"], message: "Processed at can't be in the future", code: "PROCESSED_AT_INVALID" });
    }
    if (behaviour === "DECREMENT_OBEYING_POLICY") {
      for (const [variantId, { quantity, index }] of wanted) {
        const variant = this.variant(variantId);
        const item = this.inventoryItem(variant.inventoryItemId);
        const available = this.availableTotal(item.id);
        if (item.tracked && variant.inventoryPolicy === "DENY" && available < quantity) {
          const title = `${this.product(variant.productId).title} - ${this.variantTitle(variant)}`;
          errors.push({
            field: ["order", "lineItems", String(index)],
            message: `Unable to claim inventory for ${title}: ${quantity} requested, ${available} available.`,
            code: "INVENTORY_CLAIM_FAILED",
          });
        }
      }
    }
    return errors;
  }

  private customerForOrder(input: OrderInput): CustomerRecord | null {
    const spec = input.customer;
    if (spec?.toAssociate) return this.customer(spec.toAssociate.id);
    const upsert = spec?.toUpsert;
    if (!upsert) return null;
    const existing =
      (upsert.id ? this.findCustomer(upsert.id) : undefined) ??
      [...this.customers.values()].find(
        (candidate) =>
          (upsert.email && candidate.email?.toLowerCase() === upsert.email.toLowerCase()) ||
          (upsert.phone && candidate.phone === upsert.phone),
      );
    const fields: CustomerInput = {
      ...(upsert.firstName != null && { firstName: upsert.firstName }),
      ...(upsert.lastName != null && { lastName: upsert.lastName }),
      ...(upsert.note != null && { note: upsert.note }),
      ...(upsert.taxExempt != null && { taxExempt: upsert.taxExempt }),
    };
    if (existing) {
      return this.updateCustomer(existing.id, { ...fields, tags: [...existing.tags, ...(upsert.tags ?? [])] });
    }
    const address = input.shippingAddress ?? input.billingAddress;
    return this.createCustomer({
      ...fields,
      email: upsert.email ?? null,
      phone: upsert.phone ?? null,
      tags: upsert.tags ?? [],
      addresses: upsert.addresses ?? (address ? [address] : []),
    });
  }

  /** Claims stock at the primary location when the item is stocked there, else at its first location. */
  private decrementStock(variant: VariantRecord, quantity: number): void {
    const item = this.inventoryItem(variant.inventoryItemId);
    if (!item.tracked) return;
    const locationId = item.levels.has(this.primaryLocationId)
      ? this.primaryLocationId
      : ([...item.levels.keys()][0] ?? this.primaryLocationId);
    const level = this.changeLevel(item, locationId, (l) => {
      l.available -= quantity;
      l.committed += quantity;
    });
    this.emitStockChange(item, level);
  }

  /** orderUpdate: the note and tags given replace the order's own. */
  updateOrder(idOrGid: string, input: { note?: string | null; tags?: string[] | null }): OrderRecord {
    const order = this.findOrder(idOrGid);
    if (!order) throw new UserErrors([{ field: ["id"], message: "Order does not exist" }]);
    if (input.note !== undefined) order.note = input.note;
    if (input.tags != null) order.tags = normalizeTags(input.tags);
    order.updatedAt = this.now();
    return order;
  }

  createOrder(input: OrderInput, behaviour: InventoryBehaviour = "BYPASS"): OrderRecord {
    const errors = this.orderErrors(input, behaviour);
    if (errors.length) throw new UserErrors(errors);
    const customer = this.customerForOrder(input);
    const now = this.now();
    const currency = input.currency ?? this.currencyCode;
    const lineItems = (input.lineItems ?? []).map((line) => {
      const variant = line.variantId ? this.variant(line.variantId) : null;
      const product = variant ? this.product(variant.productId) : null;
      return {
        id: this.newId(),
        variantId: variant?.id ?? null,
        productId: product?.id ?? null,
        title: line.title ?? product?.title ?? "",
        variantTitle: line.variantTitle ?? (variant ? this.variantTitle(variant) : null),
        sku: line.sku ?? variant?.sku ?? null,
        vendor: line.vendor ?? product?.vendor ?? null,
        quantity: line.quantity,
        unitPrice: formatMoney(line.priceSet?.shopMoney.amount ?? variant?.price ?? "0", ["order", "lineItems"]),
        currencyCode: line.priceSet?.shopMoney.currencyCode ?? currency,
        properties: line.properties ?? [],
        requiresShipping: line.requiresShipping ?? true,
        taxable: line.taxable ?? true,
      };
    });
    this.lastOrderNumber += 1;
    const order: OrderRecord = {
      id: this.newId(),
      number: this.lastOrderNumber,
      name: `#${this.lastOrderNumber}`,
      email: input.email ?? customer?.email ?? null,
      phone: input.phone ?? customer?.phone ?? null,
      customerId: customer?.id ?? null,
      lineItems,
      billingAddress: input.billingAddress ? this.buildAddress(input.billingAddress) : null,
      shippingAddress: input.shippingAddress ? this.buildAddress(input.shippingAddress) : null,
      poNumber: input.poNumber ?? null,
      sourceIdentifier: input.sourceIdentifier ?? null,
      sourceName: input.sourceName ?? null,
      sourceUrl: input.sourceUrl ?? null,
      tags: normalizeTags(input.tags ?? []),
      note: input.note ?? null,
      customAttributes: input.customAttributes ?? [],
      financialStatus: input.financialStatus ?? "PAID",
      currencyCode: currency,
      processedAt: input.processedAt ? timestamp(Date.parse(input.processedAt)) : now,
      createdAt: now,
      updatedAt: now,
      test: input.test ?? false,
      inventoryBehaviour: behaviour,
    };
    this.orders.set(order.id, order);
    if (behaviour !== "BYPASS") {
      for (const line of lineItems) {
        if (line.variantId) this.decrementStock(this.variant(line.variantId), line.quantity);
      }
    }
    return order;
  }
}
