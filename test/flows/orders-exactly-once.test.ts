import { describe, expect, it } from "vitest";
import { decideReturnedOrder } from "~/orders/actions.server";
import { JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";
import {
  acknowledgementCalls,
  approvedOrder,
  barcodeOf,
  catalogProduct,
  configureOrders,
  importRows,
  interrupts,
  ordersSuite,
  pollOrders,
  shopifyOrdersFor,
} from "./orders-support";
import type { ProductRecord } from "../fakes/shopify";

// Small pages, so a few orders already span several.
const harness = ordersSuite({ poll: { pageSize: 2 } });

async function withStyle(): Promise<{ h: FlowHarness; style: ProductRecord }> {
  const h = harness();
  await configureOrders(h);
  return { h, style: await catalogProduct(h) };
}

function line(h: FlowHarness, style: ProductRecord, index = 0, quantity = 1) {
  return { item_upc: barcodeOf(h, style, index), item_quantity: quantity, item_price: 40 };
}

describe("orders flow: each JOOR order export becomes exactly one Shopify order", () => {
  it("finds the order by its source identifier after a crash between orderCreate and the local record", async () => {
    const { h, style } = await withStyle();
    const before = approvedOrder(h, {}, [line(h, style)]);
    const joorId = approvedOrder(h, {}, [line(h, style)]);
    let creates = 0;
    interrupts.afterOrderCreate = () => {
      creates += 1;
      if (creates === 2) throw new Error("The worker process was killed");
    };
    const acks: string[][] = [];
    interrupts.beforeAcknowledge = (sent) => acks.push(sent.map((ack) => ack.id));

    await pollOrders(h);

    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    expect(h.shop.orders.size).toBe(2);
    expect(creates).toBe(2);
    const [row] = await importRows(joorId);
    expect(row).toMatchObject({ status: "imported", attempts: 1, shopifyOrderGid: `gid://shopify/Order/${shopifyOrdersFor(h, joorId)[0].id}` });
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).state).toBe("exported");
    // The order recorded before the crash was told to JOOR in the same run; the recovered one later.
    expect(acks).toEqual([[before], [joorId]]);
  });

  it("creates the order on the next attempt when the lost answer hid a refusal (no order in Shopify)", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, {}, [line(h, style)]);
    // The orderCreate is the poll's first Shopify request: it gets a 503 before Shopify does anything.
    h.shopify.setFaults({ failNext: 1 });

    await pollOrders(h);

    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    expect((await importRows(joorId))[0]).toMatchObject({ status: "imported", attempts: 2 });
    expect(acknowledgementCalls(h)).toBe(1);
  });

  it("acknowledges later when the process dies after the record and before telling JOOR, without a second order", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, {}, [line(h, style)]);
    const attempts: string[][] = [];
    interrupts.beforeAcknowledge = (acks) => {
      attempts.push(acks.map((ack) => `${ack.id}:${ack.export_status}`));
      if (attempts.length === 1) throw new Error("The worker process was killed");
    };

    await pollOrders(h);

    expect(attempts).toEqual([[`${joorId}:SUCCESS`], [`${joorId}:SUCCESS`]]);
    expect(acknowledgementCalls(h)).toBe(1);
    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).state).toBe("exported");
    expect((await importRows(joorId))[0].acknowledgedAt).not.toBeNull();
  });

  it("imports an order JOOR lists twice (shifted across pages) once, and tells JOOR once", async () => {
    const { h, style } = await withStyle();
    const ids = [0, 1, 2, 3, 4].map(() => approvedOrder(h, {}, [line(h, style)]));
    let previousLast: unknown = null;
    interrupts.listPage = (page, startFrom) => {
      const orders = startFrom > 0 && previousLast ? [previousLast as (typeof page.orders)[number], ...page.orders] : page.orders;
      previousLast = page.orders.at(-1) ?? null;
      return { ...page, orders };
    };
    const sent: string[] = [];
    interrupts.beforeAcknowledge = (acks) => sent.push(...acks.map((ack) => ack.id));

    await pollOrders(h);

    expect(h.shop.orders.size).toBe(5);
    for (const id of ids) expect(shopifyOrdersFor(h, id)).toHaveLength(1);
    expect((await importRows()).map((row) => row.joorOrderId).sort()).toEqual([...ids].sort());
    expect(sent.sort()).toEqual([...ids].sort());
  });

  it("keeps a changed order that comes back after import for the merchant; importing it again tags the old order", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, { customer_purchase_order: "PO-1" }, [line(h, style)]);
    await pollOrders(h);
    const [original] = shopifyOrdersFor(h, joorId);

    h.joor.modifyOrder(JOOR_ACCOUNT, joorId, { lines: [line(h, style, 0, 3), line(h, style, 2, 1)] });
    await pollOrders(h);

    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    const [first, returned] = await importRows(joorId);
    expect(first.status).toBe("imported");
    expect(returned).toMatchObject({ exportGeneration: 1, status: "review", acknowledgedAt: null });
    // JOOR still lists it as modified; the poll keeps waiting for the merchant.
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).modifiedSinceExport).toBe(true);
    await pollOrders(h);
    expect(await importRows(joorId)).toHaveLength(2);

    expect(await decideReturnedOrder(SHOP, returned.id, "import")).toMatchObject({ ok: true });
    await pollOrders(h);

    const orders = shopifyOrdersFor(h, joorId);
    expect(orders).toHaveLength(2);
    const replacement = orders.find((order) => order.id !== original.id)!;
    expect(replacement.lineItems.map((item) => [item.variantId, item.quantity])).toEqual([
      [style.variantIds[0], 3],
      [style.variantIds[2], 1],
    ]);
    expect(replacement.note).toContain(`Replaces: Shopify order ${original.name}`);
    const old = h.shop.findOrder(original.id)!;
    expect(old.tags).toContain("JOOR-replaced");
    expect(old.note).toContain(`Replaced by Shopify order ${replacement.name}`);
    const rows = await importRows(joorId);
    expect(rows[1]).toMatchObject({ status: "imported", shopifyOrderGid: `gid://shopify/Order/${replacement.id}`, followUp: null });
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId)).toMatchObject({ state: "exported", modifiedSinceExport: false });

    // Nothing more happens on later polls.
    await pollOrders(h);
    expect(shopifyOrdersFor(h, joorId)).toHaveLength(2);
    expect(await importRows(joorId)).toHaveLength(2);
  });

  it("ignores a re-export when the merchant says so, and tells JOOR the earlier order stands", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, {}, [line(h, style)]);
    await pollOrders(h);
    const acks = acknowledgementCalls(h);

    h.joor.setOrderToReExport(JOOR_ACCOUNT, joorId);
    await pollOrders(h);
    const returned = (await importRows(joorId))[1];
    expect(returned.status).toBe("review");

    expect(await decideReturnedOrder(SHOP, returned.id, "ignore")).toMatchObject({ ok: true });
    await pollOrders(h);

    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    expect((await importRows(joorId))[1]).toMatchObject({ status: "ignored" });
    expect((await importRows(joorId))[1].acknowledgedAt).not.toBeNull();
    expect(acknowledgementCalls(h)).toBe(acks + 1);
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId)).toMatchObject({ state: "exported", modifiedSinceExport: false });
    expect(await decideReturnedOrder(SHOP, returned.id, "import")).toMatchObject({ ok: false });

    // Set to re-export again: a third generation waits, beside the same Shopify order.
    h.joor.setOrderToReExport(JOOR_ACCOUNT, joorId);
    await pollOrders(h);
    expect((await importRows(joorId)).map((row) => row.status)).toEqual(["imported", "ignored", "review"]);
  });

  it("tries a failed order again by itself once it is changed in JOOR", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, {}, [{ item_upc: "000000000000", item_quantity: 1, item_price: 40 }]);
    await pollOrders(h);
    expect((await importRows(joorId))[0]).toMatchObject({ status: "failed", reason: "Line 1: unknown UPC 000000000000" });

    h.joor.modifyOrder(JOOR_ACCOUNT, joorId, { lines: [line(h, style, 1)] });
    await pollOrders(h);

    const rows = await importRows(joorId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "imported", exportGeneration: 0 });
    expect(shopifyOrdersFor(h, joorId)[0].lineItems[0].variantId).toBe(style.variantIds[1]);
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).state).toBe("exported");
  });

  it("does not import an order JOOR no longer lists as approved", async () => {
    const { h, style } = await withStyle();
    const joorId = approvedOrder(h, {}, [{ item_upc: "000000000000", item_quantity: 1, item_price: 40 }]);
    await pollOrders(h);
    const [failed] = await importRows(joorId);
    h.joor.modifyOrder(JOOR_ACCOUNT, joorId, { status: "CANCELLED", lines: [line(h, style)] });
    await pollOrders(h);
    expect(shopifyOrdersFor(h, joorId)).toHaveLength(0);
    expect((await importRows(joorId))[0]).toMatchObject({ id: failed.id, status: "failed" });
  });
});
