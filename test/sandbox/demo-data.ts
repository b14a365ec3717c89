import type { JoorFake } from "../fakes/joor";
import type { ShopifyFake } from "../fakes/shopify";

/** The sandbox's demo brand: one Shopify shop and one JOOR account, small enough to follow by eye. */
export const DEMO_SHOP = "joor-sync-demo.myshopify.com";
export const DEMO_JOOR = {
  environment: "sandbox" as const,
  accountId: "100200",
  credentials: {
    v2Token: "sandbox-v2-token",
    v4: { clientId: "sandbox-client", clientSecret: "sandbox-client-secret", username: "demo@brand.test", password: "sandbox-password" },
  },
};

const RETAILERS = [
  { first: "Ava", last: "Chen", company: "Chen & Co Boutique", city: "New York", country: "US", tagged: true },
  { first: "Luca", last: "Rossi", company: "Rossi Moda", city: "Milano", country: "IT", tagged: true },
  { first: "Maya", last: "Patel", company: "Patel Outfitters", city: "Chicago", country: "US", tagged: true },
  { first: "Sora", last: "Tanaka", company: "東京セレクト", city: "Tokyo", country: "JP", tagged: true },
  { first: "Noah", last: "Smith", company: null, city: "Austin", country: "US", tagged: false },
  { first: "Emma", last: "Dubois", company: "Maison Dubois", city: "Paris", country: "FR", tagged: false },
];

const STYLES = [
  { title: "Oxford Shirt", colors: ["White", "Blue"], sizes: ["S", "M", "L"], price: "89.00", tags: ["JOOR_ENABLED", "Collection_Fall26"] },
  { title: "Wool Blazer", colors: ["Navy", "Charcoal"], sizes: ["38", "40", "42"], price: "349.00", tags: ["JOOR_ENABLED", "Collection_Fall26"] },
  { title: "Linen Trousers", colors: ["Sand"], sizes: ["30", "32", "34"], price: "129.00", tags: ["JOOR_ENABLED", "Collection_Spring27"] },
  { title: "Silk Scarf", colors: [], sizes: [], price: "59.00", tags: ["JOOR_ENABLED"] },
  { title: "Gift Card", colors: [], sizes: [], price: "50.00", tags: [] },
];

/** What the demo brand's settings need from the seeded JOOR account. */
export interface DemoSeed {
  priceTypeId: string;
}

export function seedDemo(shopify: ShopifyFake, joor: JoorFake, accessToken: string): DemoSeed {
  const shop = shopify.addShop(DEMO_SHOP, { accessToken, name: "Demo Brand", currencyCode: "USD" });
  const [nyc, la] = [shop.addLocation("Warehouse NYC"), shop.addLocation("Showroom LA")];

  RETAILERS.forEach((r, i) => {
    shop.createCustomer({
      firstName: r.first,
      lastName: r.last,
      email: `${r.first.toLowerCase()}@retailer${i + 1}.test`,
      phone: `+1555000${String(i + 1).padStart(4, "0")}`,
      tags: r.tagged ? ["JOOR_ENABLED"] : [],
      addresses: [{ firstName: r.first, lastName: r.last, company: r.company, address1: `${i + 1} Market St`, city: r.city, countryCode: r.country, zip: `1000${i}` }],
    });
  });

  let barcode = 400_000_000_000;
  const upcs: string[] = [];
  STYLES.forEach((style, i) => {
    const options = [...(style.colors.length ? ["Color"] : []), ...(style.sizes.length ? ["Size"] : [])];
    const combos = style.colors.length
      ? style.colors.flatMap((c) => (style.sizes.length ? style.sizes.map((s) => [c, s]) : [[c]]))
      : [["Default Title"]];
    shop.createProduct({
      title: style.title,
      descriptionHtml: `<p>${style.title} from the demo brand.</p>`,
      vendor: "Demo Brand",
      tags: style.tags,
      options,
      media: [{ url: `https://cdn.example.test/demo/${i + 1}.jpg`, mimeType: "image/jpeg" }],
      variants: combos.map((values, j) => {
        barcode += 1;
        upcs.push(String(barcode));
        return {
          sku: `DEMO-${i + 1}-${j + 1}`,
          barcode: String(barcode),
          price: style.price,
          options: values,
          inventory: { [nyc.id]: 5 + j, [la.id]: j % 3 },
        };
      }),
    });
  });

  joor.addAccount({ accountId: DEMO_JOOR.accountId, v2Token: DEMO_JOOR.credentials.v2Token, v4: DEMO_JOOR.credentials.v4 });
  const priceTypeId = joor.addPriceType(DEMO_JOOR.accountId, { label: "USD Wholesale", currency: "USD" });
  joor.addPriceType(DEMO_JOOR.accountId, { label: "EUR Wholesale", currency: "EUR" });
  joor.addConnection(DEMO_JOOR.accountId, {
    customer_code: "RET-0001",
    customer_name: "Maison Dubois",
    customer_contact_email: "emma@retailer6.test",
  });
  joor.addConnection(DEMO_JOOR.accountId, {
    customer_code: "RET-0002",
    customer_name: "Harbor Goods",
    customer_contact_email: "buyer@harborgoods.test",
  });
  [upcs.slice(0, 3), upcs.slice(6, 9)].forEach((lineUpcs, i) => {
    joor.addOrder(DEMO_JOOR.accountId, {
      status: "APPROVED",
      fields: {
        order_currency: "USD",
        customer_code: "RET-0001",
        customer_name: "Maison Dubois",
        customer_purchase_order: `PO-FALL26-${i + 1}`,
        payment_method_name: "Net 30",
        shipping_method_name: "Ground",
        date_ship_start: "2027-01-15",
        date_ship_end: "2027-02-15",
        order_delivery_name: "Fall26",
      },
      lines: lineUpcs.map((upc) => ({ item_upc: upc, item_quantity: 6, item_price: 44.5 })),
    });
  });
  return { priceTypeId };
}
