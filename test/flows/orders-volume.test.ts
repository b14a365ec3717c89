import { describe, expect, it } from "vitest";
import { JOOR_ACCOUNT } from "./harness";
import {
  acknowledgementCalls,
  approvedOrder,
  barcodeOf,
  catalogProduct,
  configureOrders,
  importRows,
  ordersSuite,
  pollOrders,
  shirt,
} from "./orders-support";

const harness = ordersSuite();

describe("orders flow: a busy poll", () => {
  it("imports 200 orders in one poll: every page read, each order once, acknowledged in bulk", async () => {
    const h = harness();
    // Stock claims are covered elsewhere; here each would only add a stock webhook per order.
    await configureOrders(h, { orderInventory: "leaveStock" });
    const style = await catalogProduct(h, shirt({}, 1_000));
    const customer = h.shop.createCustomer({ email: "big@retailer.test", lastName: "Big" });
    const ids = Array.from({ length: 200 }, (_, n) =>
      approvedOrder(h, { customer_code: customer.id, customer_purchase_order: `PO-${n}` }, [
        { item_upc: barcodeOf(h, style, n % 4), item_quantity: 1 + (n % 3), item_price: 40 },
      ]),
    );

    await pollOrders(h);

    const rows = await importRows();
    expect(rows).toHaveLength(200);
    expect(rows.every((row) => row.status === "imported" && row.attempts === 1 && row.acknowledgedAt !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.shopifyOrderGid)).size).toBe(200);
    expect(h.shop.orders.size).toBe(200);
    expect([...h.shop.orders.values()].every((order) => order.customerId === customer.id)).toBe(true);
    for (const id of ids) expect(h.joor.orderExport(JOOR_ACCOUNT, id).state).toBe("exported");
    // Every page read before anything was acknowledged; 200 acknowledgements in two bulk calls.
    const calls = h.joor.calls.filter((call) => call.path === "/v2/order/" || call.path === "/v4/orders/bulk_update");
    expect(calls.map((call) => (call.path === "/v2/order/" ? `list ${new URLSearchParams(call.query).get("start_from")}` : "ack"))).toEqual([
      "list 0",
      "list 50",
      "list 100",
      "list 150",
      "ack",
      "ack",
    ]);
    expect(acknowledgementCalls(h)).toBe(2);
  });
});
