import { z } from "zod";

/**
 * The product as the catalog sync reads it from the Admin GraphQL API, and the queries that read it. Reads are
 * packed by Shopify's query cost (one request holds as many products as its cost allows, each asked for about
 * as many variants and images as it had last time), then any product with more is paged on its own.
 */

export interface CatalogVariant {
  /** Numeric id (legacyResourceId), a string: ids can exceed 2^53. */
  id: string;
  sku: string | null;
  barcode: string | null;
  /** Decimal string, e.g. "129.99". */
  price: string;
  position: number;
  options: Array<{ name: string; value: string }>;
  /** Numeric id of the variant's inventory item. */
  inventoryItemId: string | null;
  imageUrl: string | null;
  /** Raw value of the wholesale metafield, when one is configured and set. */
  wholesale: string | null;
}

export interface CatalogMedia {
  /** IMAGE, VIDEO, EXTERNAL_VIDEO, MODEL_3D. */
  contentType: string;
  mimeType: string | null;
  url: string | null;
}

export interface CatalogProduct {
  gid: string;
  /** Numeric id. */
  id: string;
  title: string;
  handle: string;
  descriptionHtml: string;
  tags: string[];
  variants: CatalogVariant[];
  media: CatalogMedia[];
}

export interface ReadSize {
  variants: number;
  media: number;
}

/** A product read for the first time is asked for this many variants and images; more are paged. */
export const FIRST_READ_SIZE: ReadSize = { variants: 16, media: 8 };
/** Page sizes when a product has more than its first read returned. */
export const PAGE_SIZE: ReadSize = { variants: 100, media: 50 };
/** Requested cost per request: below Shopify's 1000-point maximum per query. */
export const READ_COST_BUDGET = 800;

/** Enough for what the product had last time plus a little growth; unknown products get FIRST_READ_SIZE. */
export function readSizeFor(shape: ReadSize | null): ReadSize {
  if (!shape) return FIRST_READ_SIZE;
  return {
    variants: Math.min(PAGE_SIZE.variants, shape.variants + 2),
    media: Math.min(PAGE_SIZE.media, shape.media + 2),
  };
}

/**
 * Requested cost of one product in the batch query, by Shopify's published rules: 1 per object, a connection
 * 2 plus `first` × its node's cost (a variant: itself, selectedOptions, inventoryItem, image and the metafield).
 */
export function productReadCost(size: ReadSize, withWholesale: boolean): number {
  const variant = 4 + (withWholesale ? 1 : 0);
  return 1 + (2 + size.variants * variant) + (2 + size.media * 2);
}

/** Splits the products into requests whose cost stays within the budget (at least one product each). */
export function packReads<T extends { size: ReadSize }>(entries: T[], withWholesale: boolean, budget = READ_COST_BUDGET): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let cost = 0;
  for (const entry of entries) {
    const entryCost = productReadCost(entry.size, withWholesale);
    if (current.length > 0 && cost + entryCost > budget) {
      requests.push(current);
      current = [];
      cost = 0;
    }
    current.push(entry);
    cost += entryCost;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

export interface WholesaleField {
  namespace: string;
  key: string;
}

/** "namespace.key" → its parts; null when empty or malformed. */
export function wholesaleField(option: string): WholesaleField | null {
  const dot = option.indexOf(".");
  if (dot <= 0 || dot === option.length - 1) return null;
  return { namespace: option.slice(0, dot), key: option.slice(dot + 1) };
}

const PAGE_INFO = "pageInfo { hasNextPage endCursor }";

function fragments(withWholesale: boolean): Record<"product" | "variant" | "media", string> {
  const wholesale = withWholesale ? " wholesale: metafield(namespace: $wholesaleNamespace, key: $wholesaleKey) { value }" : "";
  return {
    product: "fragment CatalogProductFields on Product { id legacyResourceId title handle descriptionHtml tags }",
    variant:
      "fragment CatalogVariantFields on ProductVariant { legacyResourceId sku barcode price position " +
      `selectedOptions { name value } inventoryItem { legacyResourceId } image { url }${wholesale} }`,
    media: "fragment CatalogMediaFields on Media { mediaContentType ... on MediaImage { mimeType image { url } } }",
  };
}

function wholesaleVariables(withWholesale: boolean): string {
  return withWholesale ? ", $wholesaleNamespace: String!, $wholesaleKey: String!" : "";
}

const variantsSelection = (first: number, after = "") =>
  `variants(first: ${first}${after}) { nodes { ...CatalogVariantFields } ${PAGE_INFO} }`;
const mediaSelection = (first: number, after = "") => `media(first: ${first}${after}) { nodes { ...CatalogMediaFields } ${PAGE_INFO} }`;

/** One request for several products, each under the alias p<i> with its own page sizes; variables $id<i>. */
export function productsQuery(sizes: ReadSize[], withWholesale: boolean): string {
  const variables = sizes.map((_, index) => `$id${index}: ID!`).join(", ");
  const products = sizes
    .map(
      (size, index) =>
        `  p${index}: product(id: $id${index}) { ...CatalogProductFields ${variantsSelection(size.variants)} ${mediaSelection(size.media)} }`,
    )
    .join("\n");
  const { product, variant, media } = fragments(withWholesale);
  return `query CatalogProducts(${variables}${wholesaleVariables(withWholesale)}) {\n${products}\n}\n${product}\n${variant}\n${media}`;
}

/** The next page of one product's variants or images. */
export function pageQuery(part: "variants" | "media", withWholesale: boolean): string {
  const { variant, media } = fragments(withWholesale);
  if (part === "variants") {
    return (
      `query CatalogProductVariants($id: ID!, $after: String${wholesaleVariables(withWholesale)}) {\n` +
      `  product(id: $id) { ${variantsSelection(PAGE_SIZE.variants, ", after: $after")} }\n}\n${variant}`
    );
  }
  return `query CatalogProductMedia($id: ID!, $after: String) {\n  product(id: $id) { ${mediaSelection(PAGE_SIZE.media, ", after: $after")} }\n}\n${media}`;
}

const numericId = z.union([z.string(), z.number()]).transform(String);
const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

const variantSchema = z
  .object({
    legacyResourceId: numericId,
    sku: z.string().nullable().optional(),
    barcode: z.string().nullable().optional(),
    price: z.union([z.string(), z.number()]).transform(String),
    position: z.number().int(),
    selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })),
    inventoryItem: z.object({ legacyResourceId: numericId }).nullable().optional(),
    image: z.object({ url: z.string() }).nullable().optional(),
    wholesale: z.object({ value: z.string() }).nullable().optional(),
  })
  .transform(
    (variant): CatalogVariant => ({
      id: variant.legacyResourceId,
      sku: variant.sku ?? null,
      barcode: variant.barcode ?? null,
      price: variant.price,
      position: variant.position,
      options: variant.selectedOptions,
      inventoryItemId: variant.inventoryItem?.legacyResourceId ?? null,
      imageUrl: variant.image?.url ?? null,
      wholesale: variant.wholesale?.value ?? null,
    }),
  );

const mediaSchema = z
  .object({
    mediaContentType: z.string().optional(),
    mimeType: z.string().nullable().optional(),
    image: z.object({ url: z.string() }).nullable().optional(),
  })
  .transform((media): CatalogMedia => ({
    contentType: media.mediaContentType ?? "IMAGE",
    mimeType: media.mimeType ?? null,
    url: media.image?.url ?? null,
  }));

export const variantPageSchema = z.object({ nodes: z.array(variantSchema), pageInfo: pageInfoSchema });
export const mediaPageSchema = z.object({ nodes: z.array(mediaSchema), pageInfo: pageInfoSchema });

export const productNodeSchema = z.object({
  id: z.string(),
  legacyResourceId: numericId,
  title: z.string(),
  handle: z.string(),
  descriptionHtml: z.string().nullable().optional(),
  tags: z.array(z.string()),
  variants: variantPageSchema,
  media: mediaPageSchema,
});
export type ProductNode = z.infer<typeof productNodeSchema>;

export function toCatalogProduct(node: ProductNode): CatalogProduct {
  return {
    gid: node.id,
    id: node.legacyResourceId,
    title: node.title,
    handle: node.handle,
    descriptionHtml: node.descriptionHtml ?? "",
    tags: node.tags,
    variants: [...node.variants.nodes],
    media: [...node.media.nodes],
  };
}
