import type { MetafieldRecord } from "./model";
import { customerPayload } from "./payloads";
import type { FakeShop, MetafieldSetInput } from "./shop";

/**
 * Shopify sends customers/update when a customer's metafield is written; the fake's metafieldsSet does not.
 * Installing this on a shop adds that webhook (one per customer per write) and returns the log of every
 * metafieldsSet input, so a test can count the app's writes.
 */
export function emitCustomerUpdatesOnMetafieldWrites(shop: FakeShop): MetafieldSetInput[] {
  const writes: MetafieldSetInput[] = [];
  const setMetafields = shop.setMetafields.bind(shop);
  shop.setMetafields = (inputs: MetafieldSetInput[]): MetafieldRecord[] => {
    const records = setMetafields(inputs);
    writes.push(...inputs);
    for (const ownerId of new Set(inputs.map((input) => input.ownerId))) {
      const customer = ownerId.startsWith("gid://shopify/Customer/") ? shop.findCustomer(ownerId) : undefined;
      if (!customer) continue;
      customer.updatedAt = shop.now();
      shop.recordEvent("customers/update", customerPayload(shop, customer));
    }
    return records;
  };
  return writes;
}
