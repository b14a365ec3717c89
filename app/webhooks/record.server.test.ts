import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { RecordKind } from "~/records";
import type { WebhookHint } from "./hints";
import { recordDelivery, type Delivery } from "./record.server";

const SHOP = "group.myshopify.com";

function productUpdate(webhookId: string, productId: number): Delivery {
  const hint: WebhookHint = { type: "record", kind: RecordKind.product, gid: `gid://shopify/Product/${productId}` };
  return { shop: SHOP, topic: "PRODUCTS_UPDATE", webhookId, eventId: null, hint, body: { id: productId } };
}

async function dirtySeq(productId: number): Promise<number | undefined> {
  const row = await prisma.syncState.findUnique({
    where: { shop_kind_gid: { shop: SHOP, kind: RecordKind.product, gid: `gid://shopify/Product/${productId}` } },
  });
  return row?.dirtySeq;
}

describe("recordDelivery", () => {
  it("records concurrent deliveries in shared transactions, each answered after its commit", async () => {
    const transaction = vi.spyOn(prisma, "$transaction");
    const answers = await Promise.all(Array.from({ length: 60 }, (_, index) => recordDelivery(productUpdate(`w-${index}`, 1000 + (index % 20)))));
    expect(answers.every((fresh) => fresh)).toBe(true);
    expect(await prisma.webhookDelivery.count({ where: { shop: SHOP } })).toBe(60);
    expect(await prisma.syncState.count({ where: { shop: SHOP, status: "dirty" } })).toBe(20);
    // The first delivery goes alone; the 59 that arrived while it was written share the next transaction.
    expect(transaction.mock.calls.length).toBeLessThanOrEqual(3);
    transaction.mockRestore();
  });

  it("applies a webhook id once, whether repeated within a group or delivered again later", async () => {
    const answers = await Promise.all([
      recordDelivery(productUpdate("w-same", 1)),
      recordDelivery(productUpdate("w-same", 1)),
      recordDelivery(productUpdate("w-other", 2)),
    ]);
    expect(answers.filter((fresh) => fresh)).toHaveLength(2);
    expect(await recordDelivery(productUpdate("w-same", 1))).toBe(false);
    expect(await dirtySeq(1)).toBe(1);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "w-same" } })).toBe(1);
  });

  it("marks a record again for each new delivery that arrives after the previous one", async () => {
    await recordDelivery(productUpdate("w-a", 5));
    await recordDelivery(productUpdate("w-b", 5));
    expect(await dirtySeq(5)).toBe(2);
  });

  it("applies other hints where they arrived: a product changed after an uninstall is still marked", async () => {
    await prisma.shopSettings.create({ data: { shop: SHOP } });
    const uninstalled: Delivery = { shop: SHOP, topic: "APP_UNINSTALLED", webhookId: "w-gone", eventId: null, hint: { type: "uninstalled" }, body: {} };
    const answers = await Promise.all([recordDelivery(productUpdate("w-first", 7)), recordDelivery(uninstalled), recordDelivery(productUpdate("w-last", 8))]);
    expect(answers).toEqual([true, true, true]);
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } })).uninstalledAt).not.toBeNull();
    expect(await dirtySeq(7)).toBe(1);
    expect(await dirtySeq(8)).toBe(1);
  });

  it("fails only the delivery that cannot be applied; the rest of its group is recorded", async () => {
    const broken: Delivery = {
      shop: SHOP,
      topic: "CUSTOMERS_REDACT",
      webhookId: "w-broken",
      eventId: null,
      // A compliance request whose application throws inside the transaction.
      hint: { type: "compliance", request: "customers/redact", customerGid: "gid://shopify/Customer/1" },
      body: null,
    };
    const compliance = await import("~/compliance/apply.server");
    const apply = vi.spyOn(compliance, "applyComplianceRequest").mockRejectedValue(new Error("cannot apply"));
    const results = await Promise.allSettled([recordDelivery(productUpdate("w-x", 10)), recordDelivery(productUpdate("w-y", 11)), recordDelivery(broken), recordDelivery(productUpdate("w-z", 12))]);
    apply.mockRestore();
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await prisma.webhookDelivery.findUnique({ where: { webhookId: "w-broken" } })).toBeNull();
    expect(await Promise.all([10, 11, 12].map(dirtySeq))).toEqual([1, 1, 1]);
  });
});
