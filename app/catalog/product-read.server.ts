import { V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import type { AdminClient } from "~/shopify/admin-client.server";
import { SyncError } from "~/sync/errors";
import {
  mediaPageSchema,
  packReads,
  pageQuery,
  productNodeSchema,
  productsQuery,
  toCatalogProduct,
  variantPageSchema,
  type CatalogProduct,
  type ReadSize,
  type WholesaleField,
} from "./shopify-product";

export interface ProductRead {
  gid: string;
  size: ReadSize;
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;

function unreadable(what: string, detail: string): SyncError {
  return new SyncError(`Shopify answered an unexpected ${what}: ${detail}`, { terminal: true, code: "UNEXPECTED_SHAPE" });
}

/**
 * Reads the products (null for one that no longer exists) with their variants and media: as few requests as
 * the query cost allows, then further pages for any product with more variants or images than were asked for.
 */
export async function readCatalogProducts(
  admin: AdminClient,
  reads: ProductRead[],
  wholesale: WholesaleField | null,
  signal?: AbortSignal,
): Promise<Map<string, CatalogProduct | null>> {
  const found = new Map<string, CatalogProduct | null>();
  const valid = reads.filter((read) => {
    if (!PRODUCT_GID.test(read.gid)) found.set(read.gid, null);
    return PRODUCT_GID.test(read.gid);
  });
  const wholesaleVariables: Record<string, string> = wholesale
    ? { wholesaleNamespace: wholesale.namespace, wholesaleKey: wholesale.key }
    : {};
  for (const request of packReads(valid, wholesale !== null)) {
    signal?.throwIfAborted();
    const variables = Object.fromEntries(request.map((read, index) => [`id${index}`, read.gid]));
    const data = await admin.request<Record<string, unknown>>(
      productsQuery(
        request.map((read) => read.size),
        wholesale !== null,
      ),
      { ...variables, ...wholesaleVariables },
    );
    for (const [index, read] of request.entries()) {
      const raw = data[`p${index}`];
      if (raw === null || raw === undefined) {
        found.set(read.gid, null);
        continue;
      }
      const parsed = productNodeSchema.safeParse(raw);
      if (!parsed.success) throw unreadable("product", parsed.error.message);
      const product = toCatalogProduct(parsed.data);
      await readRemainingPages(admin, product, parsed.data, wholesaleVariables, wholesale !== null, signal);
      found.set(read.gid, product);
    }
  }
  return found;
}

async function readRemainingPages(
  admin: AdminClient,
  product: CatalogProduct,
  node: { variants: { pageInfo: PageInfo }; media: { pageInfo: PageInfo } },
  wholesaleVariables: Record<string, string>,
  withWholesale: boolean,
  signal?: AbortSignal,
): Promise<void> {
  let variants = node.variants.pageInfo;
  while (variants.hasNextPage) {
    signal?.throwIfAborted();
    const data = await admin.request<{ product: { variants: unknown } | null }>(pageQuery("variants", withWholesale), {
      id: product.gid,
      after: variants.endCursor,
      ...wholesaleVariables,
    });
    if (!data.product) return;
    const page = variantPageSchema.safeParse(data.product.variants);
    if (!page.success) throw unreadable("variant page", page.error.message);
    product.variants.push(...page.data.nodes);
    variants = page.data.pageInfo;
  }
  // One image more than JOOR takes is enough to tell the merchant some were left out.
  let media = node.media.pageInfo;
  while (media.hasNextPage && product.media.length <= V4_BULK_MAX_RECORDS) {
    signal?.throwIfAborted();
    const data = await admin.request<{ product: { media: unknown } | null }>(pageQuery("media", withWholesale), {
      id: product.gid,
      after: media.endCursor,
    });
    if (!data.product) return;
    const page = mediaPageSchema.safeParse(data.product.media);
    if (!page.success) throw unreadable("media page", page.error.message);
    product.media.push(...page.data.nodes);
    media = page.data.pageInfo;
  }
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
