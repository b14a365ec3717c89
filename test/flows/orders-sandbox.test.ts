import { describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { prisma } from "~/db.server";
import { startOneOffTask } from "~/flows/full-sync.server";
import { TaskKind } from "~/flows/task-kinds";
import { armOrdersPoll } from "~/orders/schedule.server";
import { flowOptionsSchema } from "~/settings/options";
import { saveJoorConnection } from "~/settings/settings.server";
import { sessionStorage, SCOPES } from "~/shopify.server";
import { markInstalled } from "~/shops.server";
import { DEMO_JOOR, DEMO_SHOP, seedDemo } from "../sandbox/demo-data";
import { ordersSuite } from "./orders-support";

const harness = ordersSuite();

describe("the sandbox's demo brand", () => {
  it("imports its approved demo orders for Maison Dubois, found by the JOOR connection's email", async () => {
    const h = harness();
    // What test/sandbox/start.ts does, against this test's fakes.
    const accessToken = "shpat_demo_orders";
    const demo = seedDemo(h.shopify, h.joor, accessToken);
    await sessionStorage.storeSession(
      new Session({ id: `offline_${DEMO_SHOP}`, shop: DEMO_SHOP, state: "", isOnline: false, scope: SCOPES.join(","), accessToken }),
    );
    await markInstalled(DEMO_SHOP, SCOPES.join(","));
    await saveJoorConnection(DEMO_SHOP, DEMO_JOOR);
    const options = flowOptionsSchema.parse({
      priceTypeId: demo.priceTypeId,
      wholesalePercentOfRetail: 50,
      madeToOrderLinesheets: ["Spring27"],
      orderInventory: "alwaysClaim",
    });
    await prisma.shopSettings.update({
      where: { shop: DEMO_SHOP },
      data: { customersEnabled: true, catalogEnabled: true, inventoryEnabled: true, ordersEnabled: true, options: JSON.stringify(options) },
    });
    await startOneOffTask(prisma, DEMO_SHOP, TaskKind.catalogBackfill, h.clock.date());
    await armOrdersPoll(prisma, DEMO_SHOP, options.ordersPollMinutes, h.clock.date());

    await h.drain({ horizonMs: 60_000 });

    const shop = h.shopify.shop(DEMO_SHOP);
    const emma = [...shop.customers.values()].find((customer) => customer.email === "emma@retailer6.test")!;
    const orders = [...shop.orders.values()];
    expect(orders.map((order) => order.poNumber).sort()).toEqual(["PO-FALL26-1", "PO-FALL26-2"]);
    expect(orders.every((order) => order.customerId === emma.id && order.lineItems.length === 3 && order.tags.includes("JOOR"))).toBe(true);
    const rows = await prisma.orderImport.findMany({ where: { shop: DEMO_SHOP } });
    expect(rows.map((row) => row.status)).toEqual(["imported", "imported"]);
    for (const row of rows) expect(h.joor.orderExport(DEMO_JOOR.accountId, row.joorOrderId).state).toBe("exported");
  });
});
