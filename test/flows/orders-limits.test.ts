import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { joorBudgetKey } from "~/joor/budget.server";
import { JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";
import {
  approvedOrder,
  barcodeOf,
  catalogProduct,
  configureOrders,
  importRows,
  ordersSuite,
  pollOrders,
  shirt,
} from "./orders-support";

// A development store: 5 orderCreate calls a minute.
const harness = ordersSuite({ shopify: { orderCreateLimit: { max: 5, windowMs: 60_000 } } });

function ordersCreatedAt(h: FlowHarness): number[] {
  return [...h.shop.orders.values()].map((order) => Date.parse(order.createdAt)).sort((a, b) => a - b);
}

describe("orders flow: Shopify's and JOOR's limits", () => {
  it("waits out the development store's 5 orders a minute without losing or failing an order", async () => {
    const h = harness();
    await configureOrders(h);
    const style = await catalogProduct(h, shirt({}, 1_000));
    const ids = Array.from({ length: 12 }, () => approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }]));
    const started = h.clock.now();

    await pollOrders(h);

    const rows = await importRows();
    expect(rows.map((row) => row.status)).toEqual(ids.map(() => "imported"));
    expect(rows.every((row) => row.attempts === 1 && row.acknowledgedAt !== null)).toBe(true);
    expect(h.shop.orders.size).toBe(12);
    // Never more than five in any minute, so the twelve took at least two more minutes.
    const created = ordersCreatedAt(h);
    created.forEach((at, index) => {
      if (index >= 5) expect(at - created[index - 5]).toBeGreaterThanOrEqual(60_000);
    });
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(120_000);
    for (const id of ids) expect(h.joor.orderExport(JOOR_ACCOUNT, id).state).toBe("exported");
    const poll = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.ordersPoll } } });
    expect(poll).toMatchObject({ status: "scheduled", attempts: 0, lastError: null });
  });

  it("waits out Shopify's cost throttling", async () => {
    const h = harness();
    await configureOrders(h);
    const style = await catalogProduct(h, shirt({}, 1_000));
    const ids = Array.from({ length: 4 }, () => approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 1), item_quantity: 1, item_price: 40 }]));
    const bucket = h.shopify.bucket(SHOP);
    bucket.restoreRate = 2;
    bucket.setAvailable(0);
    const started = h.clock.now();

    await pollOrders(h);

    expect((await importRows()).map((row) => row.status)).toEqual(ids.map(() => "imported"));
    expect(h.shop.orders.size).toBe(4);
    expect(h.clock.now() - started).toBeGreaterThan(5_000);
  });

  it("polls with the credits other flows may not spend", async () => {
    const h = harness();
    await configureOrders(h);
    const style = await catalogProduct(h, shirt({}, 1_000));
    const joorId = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }]);
    // Other flows used everything but JOOR's reserve for order polling in this window.
    await prisma.joorBudget.upsert({
      where: { account: joorBudgetKey("production", JOOR_ACCOUNT) },
      create: { account: joorBudgetKey("production", JOOR_ACCOUNT), windowStart: h.clock.date(), creditsUsed: 275 },
      update: { windowStart: h.clock.date(), creditsUsed: 275, blockedUntil: null },
    });

    await pollOrders(h);

    expect((await importRows(joorId))[0].status).toBe("imported");
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).state).toBe("exported");
    // Within the same window, past what the other flows may use.
    const budget = await prisma.joorBudget.findUniqueOrThrow({ where: { account: joorBudgetKey("production", JOOR_ACCOUNT) } });
    expect(budget.creditsUsed).toBeGreaterThan(275);
  });
});
