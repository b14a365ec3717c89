/**
 * The scripted day: a brand's shop and JOOR account seeded at dawn, then bursts of what a merchant, the
 * retailers and JOOR's data team do — customers created, edited, tagged, untagged and deleted; styles created,
 * edited, tagged onto linesheets and off them; sales and restocks; orders placed and approved in JOOR. All of
 * it drawn from one seeded generator, so a seed replays the same day. The day records what the end state must
 * reflect (DayKnowledge).
 */
import type { FlowOptions } from "~/settings/options";
import type { JoorFake } from "../fakes/joor";
import type { CustomerRecord, FakeShop, LocationRecord, ProductRecord, VariantInput } from "../fakes/shopify";
import { UserErrors } from "../fakes/shopify";
import type { BurstSender } from "./world";

export const CUSTOMER_TAG = "JOOR_ENABLED";
export const PRODUCT_TAG = "JOOR_ENABLED";
export const LINESHEET_PREFIX = "Collection_";
/** Its styles are made to order: JOOR gets no stock for them. */
export const MADE_TO_ORDER_LINESHEET = "Atelier";
const LINESHEETS = ["Fall27", "Resort27", MADE_TO_ORDER_LINESHEET];

/** What the end state must reflect, beyond what the shop and JOOR hold at the end. */
export interface DayKnowledge {
  /** Customers that carried the tag at some moment: the only ones JOOR may know. */
  everTaggedCustomers: Set<string>;
  /** Customers whose tag was removed (never added back), with the text they got afterwards: JOOR must not see it. */
  untaggedCustomers: Map<string, string>;
  /** Products whose tag was removed (never added back), with the title they got afterwards. */
  untaggedProducts: Map<string, string>;
  approvedOrders: Set<string>;
  pendingOrders: Set<string>;
}

export interface Seeded {
  priceTypeId: string;
  /** The locations whose stock is sent to JOOR (the third one is not). */
  inventoryLocationIds: string[];
}

/** The brand's settings for the day, over the defaults: every option the checks depend on is set here. */
export function dayOptions(seeded: Seeded): Partial<FlowOptions> {
  return {
    customerTags: [CUSTOMER_TAG],
    customerGroupName: "Wholesale accounts",
    salesRepCode: "REP-7",
    productTag: PRODUCT_TAG,
    collectionTagPrefix: LINESHEET_PREFIX,
    madeToOrderLinesheets: [MADE_TO_ORDER_LINESHEET],
    priceTypeId: seeded.priceTypeId,
    wholesalePercentOfRetail: 50,
    inventoryLocationIds: seeded.inventoryLocationIds,
    ordersPollMinutes: 1,
    orderInventory: "alwaysClaim",
  };
}

const FIRST = ["Ava", "Luca", "Maya", "Sora", "Noah", "Emma", "Mira", "Jonas", "Inès", "Kofi", "Lena", "Ravi"];
const LAST = ["Chen", "Rossi", "Patel", "Tanaka", "Smith", "Dubois", "Okafor", "Berg", "Silva", "Mensah", "Novák", "Iyer"];
const COMPANIES = ["Okafor Boutique", "Rossi Moda", "Chen & Co", "Maison Dubois", "Nordlicht Store", "Café Olé Goods", "東京セレクト", "Harbor Goods", "Blue Fern", "Atelier Sud"];
const PLACES = [
  { city: "New York", provinceCode: "NY", countryCode: "US", zip: "10013" },
  { city: "Milano", provinceCode: null, countryCode: "IT", zip: "20121" },
  { city: "Paris", provinceCode: null, countryCode: "FR", zip: "75003" },
  { city: "Tokyo", provinceCode: null, countryCode: "JP", zip: "150-0001" },
  { city: "Chicago", provinceCode: "IL", countryCode: "US", zip: "60601" },
  { city: "Berlin", provinceCode: null, countryCode: "DE", zip: "10115" },
];
const STYLES = ["Oxford Shirt", "Wool Blazer", "Linen Trousers", "Denim Jacket", "Cashmere Knit", "Trench Coat", "Pleated Skirt", "Canvas Tote", "Silk Blouse", "Field Parka"];
const COLORS = ["Black", "Navy", "Sand", "Olive", "Rust", "Ivory", "Crème"];
const SIZES = ["XS", "S", "M", "L", "XL"];

const hasTag = (tags: readonly string[], tag: string) => tags.some((candidate) => candidate.toLowerCase() === tag.toLowerCase());

export class Day {
  readonly knowledge: DayKnowledge = {
    everTaggedCustomers: new Set(),
    untaggedCustomers: new Map(),
    untaggedProducts: new Map(),
    approvedOrders: new Set(),
    pendingOrders: new Set(),
  };
  /** Merchant, retailer and JOOR actions carried out (not counting the dawn seed). */
  actions = 0;
  /** Customers and styles the retailers order from: they stay tagged, whole and undeleted all day. */
  private readonly stableCustomers = new Set<string>();
  private readonly stableProducts = new Set<string>();
  private readonly neverTaggedProducts = new Set<string>();
  private locations: LocationRecord[] = [];
  private serial = 0;

  constructor(
    private readonly shop: FakeShop,
    private readonly joor: JoorFake,
    private readonly accountId: string,
    private readonly random: () => number,
  ) {}

  private next(): number {
    this.serial += 1;
    return this.serial;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  // ---------------------------------------------------------------- dawn

  seed(customers: number, products: number): Seeded {
    const east = this.shop.addLocation("Warehouse East");
    const outlet = this.shop.addLocation("Outlet");
    this.locations = [this.shop.locations.get(this.shop.primaryLocationId)!, east, outlet];
    for (let i = 0; i < customers; i++) {
      const customer = this.createCustomer(i < (customers * 2) / 3);
      if (i < 6) this.stableCustomers.add(customer.id);
    }
    for (let i = 0; i < products; i++) {
      const product = this.createProduct(i < (products * 3) / 4, i % 2 === 1 ? LINESHEETS[(i >> 1) % LINESHEETS.length] : null);
      if (i < 5) this.stableProducts.add(product.id);
    }
    const priceTypeId = this.joor.addPriceType(this.accountId, { label: "USD Wholesale", currency: "USD" });
    this.joor.addPriceType(this.accountId, { label: "EUR Wholesale", currency: "EUR" });
    return { priceTypeId, inventoryLocationIds: [this.shop.primaryLocationId, east.id].map((id) => `gid://shopify/Location/${id}`) };
  }

  // ---------------------------------------------------------------- a burst

  /** One busy moment: a handful of actions whose webhooks reach the app as one shuffled burst. */
  burst(sender: BurstSender, size: number, orders: boolean): void {
    sender.burst(() => {
      for (let i = 0; i < size; i++) this.act(orders);
    });
  }

  private act(orders: boolean): void {
    const actions: Array<[number, () => boolean]> = [
      [3, () => Boolean(this.createCustomer(this.chance(0.6)))],
      [5, () => this.editCustomer()],
      [2, () => this.tagCustomer()],
      [2, () => this.untagCustomer()],
      [1, () => this.deleteCustomer()],
      [2, () => Boolean(this.createProduct(true, this.chance(0.4) ? this.pick(LINESHEETS) ?? null : null))],
      [3, () => this.editProduct()],
      [3, () => this.changePrice()],
      [2, () => this.addVariant()],
      [1, () => this.deleteVariant()],
      [1, () => this.tagProduct()],
      [1, () => this.untagProduct()],
      [2, () => this.moveLinesheet()],
      [1, () => this.deleteProduct()],
      [8, () => this.sellOrRestock()],
      [orders ? 4 : 0, () => this.placeOrder()],
      [orders ? 3 : 0, () => this.approveOrder()],
      [1, () => this.validateConnections()],
    ];
    const total = actions.reduce((sum, [weight]) => sum + weight, 0);
    let draw = this.random() * total;
    for (const [weight, run] of actions) {
      draw -= weight;
      if (draw >= 0) continue;
      try {
        if (run()) this.actions += 1;
      } catch (error) {
        // Shopify refusing a merchant's edit (a clash of emails or variants) is part of a day too.
        if (!(error instanceof UserErrors)) throw error;
      }
      return;
    }
  }

  // ---------------------------------------------------------------- customers

  private taggedCustomers(): CustomerRecord[] {
    return [...this.shop.customers.values()].filter((customer) => hasTag(customer.tags, CUSTOMER_TAG));
  }

  private address() {
    const place = this.pick(PLACES)!;
    return { company: this.chance(0.7) ? this.pick(COMPANIES)! : null, address1: `${this.int(1, 400)} Market St`, ...place };
  }

  private createCustomer(tagged: boolean): CustomerRecord {
    const n = this.next();
    const first = this.pick(FIRST)!;
    const last = this.pick(LAST)!;
    const customer = this.shop.createCustomer({
      firstName: first,
      lastName: last,
      email: `buyer${n}@retailer${n}.test`,
      phone: `+1212555${String(n).padStart(4, "0")}`,
      tags: tagged ? [CUSTOMER_TAG, "Wholesale"] : ["Retail"],
      addresses: Array.from({ length: this.int(1, 2) }, () => this.address()),
    });
    if (tagged) this.knowledge.everTaggedCustomers.add(customer.id);
    return customer;
  }

  private editCustomer(): boolean {
    const customer = this.pick(this.taggedCustomers());
    if (!customer) return false;
    const n = this.next();
    switch (this.int(0, 3)) {
      case 0:
        this.shop.updateCustomer(customer.id, { lastName: `${this.pick(LAST)}-${n}` });
        break;
      case 1:
        this.shop.updateCustomer(customer.id, { email: `buyer${n}@moved${n}.test` });
        break;
      case 2:
        this.shop.updateCustomer(customer.id, { addresses: [this.address(), ...customer.addresses.map(({ id: _id, ...rest }) => rest)] });
        break;
      default:
        this.shop.updateCustomer(customer.id, { note: `Called on day ${n}` });
    }
    return true;
  }

  private tagCustomer(): boolean {
    const customer = this.pick(
      [...this.shop.customers.values()].filter((c) => !hasTag(c.tags, CUSTOMER_TAG) && !this.knowledge.untaggedCustomers.has(c.id)),
    );
    if (!customer) return false;
    this.shop.addCustomerTags(customer.id, [CUSTOMER_TAG]);
    this.knowledge.everTaggedCustomers.add(customer.id);
    return true;
  }

  /** Removes the tag, then edits the customer so that any later write to JOOR would show. */
  private untagCustomer(): boolean {
    const customer = this.pick(this.taggedCustomers().filter((c) => !this.stableCustomers.has(c.id)));
    if (!customer) return false;
    this.shop.removeCustomerTags(customer.id, [CUSTOMER_TAG]);
    const marker = `Untagged${customer.id}`;
    this.shop.updateCustomer(customer.id, { lastName: marker, email: `${marker.toLowerCase()}@gone.test` });
    this.knowledge.untaggedCustomers.set(customer.id, marker);
    return true;
  }

  private deleteCustomer(): boolean {
    const customer = this.pick([...this.shop.customers.values()].filter((c) => !this.stableCustomers.has(c.id)));
    if (!customer) return false;
    this.shop.deleteCustomer(customer.id);
    return true;
  }

  // ---------------------------------------------------------------- products

  private products(filter: (product: ProductRecord) => boolean): ProductRecord[] {
    return [...this.shop.products.values()].filter(filter);
  }

  private tagged(product: ProductRecord): boolean {
    return hasTag(product.tags, PRODUCT_TAG);
  }

  /** Tagged, and free to be reshaped or taken away (not a style the retailers order from). */
  private changeable(product: ProductRecord): boolean {
    return this.tagged(product) && !this.stableProducts.has(product.id);
  }

  private stock(): Record<string, number> {
    return Object.fromEntries(this.locations.map((location, index) => [location.id, this.int(0, index === 0 ? 12 : 6)]));
  }

  private barcode(): string {
    return String(800_000_000_000 + this.next());
  }

  private createProduct(tagged: boolean, linesheet: string | null): ProductRecord {
    const n = this.next();
    const colors = COLORS.slice(this.int(0, 3)).slice(0, this.int(1, 2));
    const sizes = SIZES.slice(this.int(0, 2)).slice(0, this.int(2, 3));
    const cells = colors.flatMap((color) => sizes.map((size) => [color, size]));
    // Some styles are not sold in every combination: JOOR still gets the full grid (INACTIVE cells).
    const sold = cells.length > 2 && this.chance(0.3) ? cells.slice(1) : cells;
    const product = this.shop.createProduct({
      title: `${this.pick(STYLES)} ${n}`,
      descriptionHtml: `<p>Style ${n}, <strong>made in small runs</strong>.</p>`,
      tags: [...(tagged ? [PRODUCT_TAG] : []), ...(linesheet ? [`${LINESHEET_PREFIX}${linesheet}`] : [])],
      options: ["Color", "Size"],
      media: [{ url: `https://cdn.example.test/faults/${n}.jpg`, mimeType: "image/jpeg" }],
      variants: sold.map(
        ([color, size], index): VariantInput => ({
          sku: `FB-${n}-${index + 1}`,
          barcode: this.barcode(),
          price: `${this.int(40, 300)}.${this.pick(["00", "50", "95"])}`,
          options: [color, size],
          inventory: this.stock(),
        }),
      ),
    });
    if (!tagged) this.neverTaggedProducts.add(product.id);
    return product;
  }

  private editProduct(): boolean {
    const product = this.pick(this.products((p) => this.tagged(p)));
    if (!product) return false;
    const n = this.next();
    if (this.chance(0.5)) this.shop.updateProduct(product.id, { title: `${this.pick(STYLES)} ${n}` });
    else this.shop.updateProduct(product.id, { descriptionHtml: `<p>Restyled on day ${n}.</p>` });
    return true;
  }

  private changePrice(): boolean {
    const product = this.pick(this.products((p) => this.tagged(p)));
    const variantId = product && this.pick(product.variantIds);
    if (!variantId) return false;
    this.shop.updateVariant(variantId, { price: `${this.int(40, 300)}.${this.pick(["00", "25", "99"])}` });
    return true;
  }

  private addVariant(): boolean {
    const product = this.pick(this.products((p) => this.changeable(p)));
    if (!product) return false;
    const color = this.pick(COLORS)!;
    const size = this.pick(SIZES)!;
    this.shop.addVariant(product.id, {
      sku: `FB-${product.id}-${this.next()}`,
      barcode: this.barcode(),
      price: `${this.int(40, 300)}.00`,
      options: [color, size],
      inventory: this.stock(),
    });
    return true;
  }

  private deleteVariant(): boolean {
    const product = this.pick(this.products((p) => this.changeable(p) && p.variantIds.length > 1));
    const variantId = product && this.pick(product.variantIds);
    if (!variantId) return false;
    this.shop.deleteVariant(variantId);
    return true;
  }

  private tagProduct(): boolean {
    const product = this.pick(this.products((p) => this.neverTaggedProducts.has(p.id)));
    if (!product) return false;
    this.shop.updateProduct(product.id, { tags: [...product.tags, PRODUCT_TAG] });
    this.neverTaggedProducts.delete(product.id);
    return true;
  }

  /** Removes the tag, then renames the style so that any later write to JOOR would show. */
  private untagProduct(): boolean {
    const product = this.pick(this.products((p) => this.changeable(p)));
    if (!product) return false;
    this.shop.updateProduct(product.id, { tags: product.tags.filter((tag) => !hasTag([tag], PRODUCT_TAG)) });
    const marker = `Retired style ${product.id}`;
    this.shop.updateProduct(product.id, { title: marker });
    this.knowledge.untaggedProducts.set(product.id, marker);
    return true;
  }

  private moveLinesheet(): boolean {
    const product = this.pick(this.products((p) => this.changeable(p)));
    if (!product) return false;
    const others = product.tags.filter((tag) => !tag.startsWith(LINESHEET_PREFIX));
    const linesheet = this.pick([...LINESHEETS, null]);
    this.shop.updateProduct(product.id, { tags: linesheet ? [...others, `${LINESHEET_PREFIX}${linesheet}`] : others });
    return true;
  }

  private deleteProduct(): boolean {
    const product = this.pick(this.products((p) => !this.stableProducts.has(p.id)));
    if (!product) return false;
    this.shop.deleteProduct(product.id);
    this.neverTaggedProducts.delete(product.id);
    return true;
  }

  private sellOrRestock(): boolean {
    const variantId = this.pick([...this.shop.variants.keys()]);
    const location = this.pick(this.locations);
    if (!variantId || !location) return false;
    const quantity = this.chance(0.7) ? this.int(1, 3) : -this.int(2, 8);
    this.shop.sell({ variantId, locationId: location.id, quantity });
    return true;
  }

  // ---------------------------------------------------------------- JOOR

  /** A retailer's order for styles JOOR has, placed in JOOR: approved at once or left pending for now. */
  private placeOrder(): boolean {
    const customerId = this.pick([...this.stableCustomers]);
    const variants = [...this.stableProducts].flatMap((id) => this.shop.product(id).variantIds.map((variantId) => this.shop.variant(variantId)));
    if (!customerId || variants.length === 0) return false;
    const customer = this.shop.customer(customerId);
    const chosen = new Set(Array.from({ length: this.int(1, 3) }, () => this.pick(variants)!));
    const approved = this.chance(0.6);
    const orderId = this.joor.addOrder(this.accountId, {
      status: approved ? "APPROVED" : "PENDING",
      fields: {
        order_currency: "USD",
        customer_code: customerId,
        customer_name: customer.addresses[0]?.company ?? `${customer.firstName} ${customer.lastName}`,
        customer_purchase_order: `PO-${this.next()}`,
        payment_method_name: "Net 30",
        shipping_method_name: "Ground",
        order_delivery_name: "Fall27",
      },
      lines: [...chosen].map((variant) => ({ item_upc: variant.barcode ?? "", item_quantity: this.int(1, 4), item_price: 42.5 })),
    });
    (approved ? this.knowledge.approvedOrders : this.knowledge.pendingOrders).add(orderId);
    return true;
  }

  private approveOrder(): boolean {
    const orderId = this.pick([...this.knowledge.pendingOrders]);
    if (!orderId) return false;
    this.joor.approveOrder(this.accountId, orderId);
    this.knowledge.pendingOrders.delete(orderId);
    this.knowledge.approvedOrders.add(orderId);
    return true;
  }

  /** JOOR's data team accepts the connections waiting for it. */
  private validateConnections(): boolean {
    return this.joor.validateConnections(this.accountId) > 0;
  }
}
