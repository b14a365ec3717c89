import { describe, expect, it } from "vitest";
import { registerCatalogSync } from "~/catalog/register.server";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { registerInventorySync } from "~/inventory/sync.server";
import { registerOrderImport } from "~/orders/poll.server";
import { armOrdersPoll } from "~/orders/schedule.server";
import { flowOptionsSchema } from "~/settings/options";
import { seededRandom } from "../fakes/joor/faults";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "../flows/harness";
import { Day, dayOptions, PRODUCT_TAG } from "./day";
import { verify, type VerifyInput } from "./verify";

/**
 * The end-of-day check against the app's own work: after the real flows synced a small day, it finds nothing
 * wrong; every kind of damage it is meant to catch, done to JOOR or Shopify afterwards, is reported.
 */
const harness = flowSuite({
  register(registry, services) {
    registerCustomerSync(registry, services);
    registerCatalogSync(registry, services);
    registerInventorySync(registry, services);
    registerOrderImport(registry, services);
  },
  shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } },
});

/** Far enough for JOOR's jobs and the follow-ups, short of the hourly validation recheck. */
const SETTLE = { horizonMs: 10 * 60_000 };

async function syncedDay(h: FlowHarness): Promise<VerifyInput> {
  const day = new Day(h.shop, h.joor, JOOR_ACCOUNT, seededRandom(7));
  // An hourly poll: the drains below end before it comes round again.
  const options = flowOptionsSchema.parse({ ...dayOptions(day.seed(6, 4)), ordersPollMinutes: 60 });
  await h.configure(options, { customers: true, catalog: true, inventory: true, orders: true });
  await h.drain(SETTLE);

  const customer = [...h.shop.customers.values()].find((c) => day.knowledge.everTaggedCustomers.has(c.id))!;
  const product = [...h.shop.products.values()].find((p) => p.tags.includes(PRODUCT_TAG))!;
  const variant = h.shop.variant(product.variantIds[0]);
  const orderId = h.joor.addOrder(JOOR_ACCOUNT, {
    status: "APPROVED",
    fields: { order_currency: "USD", customer_code: customer.id, customer_name: "Buyer" },
    lines: [{ item_upc: variant.barcode ?? "", item_quantity: 2, item_price: 40 }],
  });
  day.knowledge.approvedOrders.add(orderId);
  await armOrdersPoll(prisma, SHOP, options.ordersPollMinutes, h.clock.date());
  await h.drain(SETTLE);
  return { shop: h.shop, joor: h.joor, accountId: JOOR_ACCOUNT, options, admin: await h.services.admin(SHOP), knowledge: day.knowledge };
}

describe("the end-of-day check", () => {
  it("finds nothing wrong with what the app synced", async () => {
    const input = await syncedDay(harness());
    const verdict = await verify(input);

    expect({ lost: verdict.lost, duplicated: verdict.duplicated, unexpected: verdict.unexpected }).toEqual({ lost: [], duplicated: [], unexpected: [] });
    expect(verdict.checked).toMatchObject({ customers: 4, styles: 3, orders: 1, linesheets: 1 });
    expect(verdict.checked.SKUs).toBeGreaterThanOrEqual(6);
    expect(verdict.checked.prices).toBe(verdict.checked["stock levels"]);
  });

  it("reports what is missing, stale, doubled or written where it must not be", async () => {
    const h = harness();
    const input = await syncedDay(h);
    const account = h.joor.account(JOOR_ACCOUNT);
    const [lost, stale, untagged] = [...account.connections.values()];
    account.connections.delete(lost.connectionId);
    stale.fields = { ...stale.fields, customer_contact_email: "old@example.test" };
    input.knowledge.untaggedCustomers.set(untagged.customerCode!, "Gone for good");
    untagged.fields = { ...untagged.fields, customer_contact_name: "Gone for good" };
    const sku = [...account.skus.values()].find((entry) => entry.status === "ACTIVE")!;
    account.skus.set("copy", { ...sku, id: "copy" });
    const price = [...account.prices.values()].find((entry) => entry.sku_id !== sku.id)!;
    price.wholesale_value = "0.01";
    const [order] = h.shop.orders.values();
    h.shop.createOrder({
      sourceIdentifier: order.sourceIdentifier,
      lineItems: order.lineItems.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
    });

    const verdict = await verify(input);

    expect(verdict.lost).toEqual(
      expect.arrayContaining([
        `customer ${lost.customerCode}'s JOOR connection: missing`,
        `customer ${stale.customerCode}'s JOOR connection: customer_contact_email is "old@example.test", expected ${JSON.stringify(h.shop.customer(stale.customerCode!).email)}`,
        expect.stringMatching(/price for SKU .*: wholesale_value is "0.01", expected "\d+\.\d\d"$/),
      ]),
    );
    expect(verdict.duplicated).toEqual(
      expect.arrayContaining([
        `JOOR SKU with external id ${sku.external_id}: 2 copies`,
        `JOOR order ${order.sourceIdentifier} in Shopify: 2 copies`,
      ]),
    );
    expect(verdict.unexpected).toContain(`customer ${untagged.customerCode}: its JOOR connection was updated after the tag was removed`);
  });
});
