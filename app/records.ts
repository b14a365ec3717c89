/** The kinds of Shopify records the flows keep in sync; SyncState.kind holds one of these. */
export const RecordKind = {
  customer: "customer",
  product: "product",
  inventoryItem: "inventoryItem",
} as const;

export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export function shopifyGid(type: string, id: string | number | bigint): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id at the end of a GID, as a string (ids can exceed 2^53). */
export function legacyId(gid: string): string {
  const match = /\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match) throw new Error(`Not a Shopify GID: ${gid}`);
  return match[1];
}
