/**
 * A brand's Shopify catalog and wholesale customers, written straight into the fake shop (before the app hears
 * webhooks, so seeding sends none): tagged retailers with an address, and tagged styles of 3 colors × 4 sizes
 * with barcodes, a price, stock and one image each.
 */
import type { FakeShop } from "../fakes/shopify";
import type { StyleShape } from "./minimum-calls";

export const BRAND_TAG = "JOOR_ENABLED";
export const LINESHEET_PREFIX = "Collection_";
const COLORS = ["Black", "Navy", "Sand"];
const SIZES = ["S", "M", "L", "XL"];
const LINESHEETS = ["Fall 27", "Holiday 27", "Resort 28", "Spring 28"];
export const RETAIL_PRICE = "80.00";

export interface SeededVariant {
  id: string;
  upc: string;
  available: number;
}

export interface SeededStyle {
  /** The product's numeric id (JOOR's style number). */
  id: string;
  variants: SeededVariant[];
  shape: StyleShape;
}

/** `count` retailers carrying the brand's customer tag; returns their numeric ids. */
export function seedRetailers(shop: FakeShop, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    return shop.createCustomer({
      firstName: "Buyer",
      lastName: `No. ${n}`,
      email: `buyer${n}@retailer${n}.test`,
      tags: [BRAND_TAG],
      addresses: [
        {
          company: `Retailer ${n}`,
          address1: `${n} Market St`,
          city: "Portland",
          province: "Oregon",
          provinceCode: "OR",
          zip: "97201",
          countryCode: "US",
          phone: "+1 503 555 0100",
        },
      ],
    }).id;
  });
}

/** `count` tagged styles, each on one of four linesheets; `stock` gives each variant's available quantity. */
export function seedStyles(shop: FakeShop, count: number, stock: (style: number, variant: number) => number): SeededStyle[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const linesheet = LINESHEETS[n % LINESHEETS.length];
    const cells = COLORS.flatMap((color) => SIZES.map((size) => ({ color, size })));
    const variants = cells.map((cell, position) => ({ ...cell, upc: String(400_000_000_000 + n * 100 + position), available: stock(n, position) }));
    const product = shop.createProduct({
      title: `Style ${n}`,
      descriptionHtml: `<p>Style ${n}, in ${COLORS.length} colors.</p>`,
      tags: [BRAND_TAG, `${LINESHEET_PREFIX}${linesheet}`],
      options: ["Color", "Size"],
      media: [{ url: `https://cdn.bench-brand.test/styles/${n}.jpg`, mimeType: "image/jpeg" }],
      variants: variants.map(({ color, size, upc, available }) => ({
        options: [color, size],
        sku: `S${n}-${color}-${size}`,
        barcode: upc,
        price: RETAIL_PRICE,
        inventory: available,
        mediaIndex: 0,
      })),
    });
    return {
      id: product.id,
      variants: variants.map(({ upc, available }, position) => ({ id: product.variantIds[position], upc, available })),
      shape: { colors: COLORS.length, sizes: SIZES.length, variants: variants.length, images: 1, linesheets: [linesheet] },
    };
  });
}
