import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { retryOrderImport } from "~/orders/actions.server";
import { readDetails } from "~/orders/store.server";
import { JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";
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
  shopifyOrdersFor,
} from "./orders-support";

const harness = ordersSuite();

function available(h: FlowHarness, variantId: string): number {
  return h.shop.availableTotal(h.shop.variant(variantId).inventoryItemId);
}

describe("orders flow: approved JOOR orders become Shopify orders", () => {
  it("imports an approved order with its lines, prices, addresses, terms and tags, and tells JOOR", async () => {
    const h = harness();
    await configureOrders(h, { orderTags: ["Wholesale"] });
    const product = await catalogProduct(h);
    const customer = h.shop.createCustomer({ email: "buyer@boutique.test", firstName: "Ava", lastName: "Chen" });
    const joorId = approvedOrder(
      h,
      {
        customer_code: customer.id,
        customer_name: "Chen Boutique",
        customer_purchase_order: "PO-77",
        payment_method_name: "Net 30",
        shipping_method_name: "Ground",
        date_ship_start: "2027-01-15",
        date_ship_end: "2027-02-15",
        order_delivery_name: "Fall26",
        order_comments: "Please pack by size",
        shipping_name: "Ava Chen",
        shipping_address_1: "1 Market St",
        shipping_city: "New York",
        shipping_region: "NY",
        shipping_postal_code: "10001",
        shipping_country_iso_two: "us",
      },
      [
        { item_upc: barcodeOf(h, product, 0), item_quantity: 6, item_price: 44.5 },
        { item_upc: barcodeOf(h, product, 3), item_quantity: 2, item_price: 45 },
      ],
    );

    await pollOrders(h);

    const [row] = await importRows(joorId);
    expect(row).toMatchObject({ status: "imported", exportGeneration: 0, attempts: 1, reason: null });
    expect(row.acknowledgedAt).not.toBeNull();
    expect(readDetails(row)).toMatchObject({ customer: "code", matchedBy: { upc: 2, sku: 0, style: 0 } });
    const [order] = shopifyOrdersFor(h, joorId);
    expect(row.shopifyOrderGid).toBe(`gid://shopify/Order/${order.id}`);
    expect(order).toMatchObject({
      customerId: customer.id,
      poNumber: "PO-77",
      financialStatus: "PENDING",
      currencyCode: "USD",
      sourceName: "joor",
      tags: ["JOOR", "Wholesale"],
      inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
    });
    expect(order.lineItems.map((line) => [line.variantId, line.quantity, line.unitPrice])).toEqual([
      [product.variantIds[0], 6, "44.50"],
      [product.variantIds[3], 2, "45.00"],
    ]);
    expect(order.shippingAddress).toMatchObject({ address1: "1 Market St", city: "New York", zip: "10001", countryCode: "US" });
    expect(order.note).toContain("Payment terms: Net 30");
    expect(order.note).toContain("Ship window: 2027-01-15 – 2027-02-15");
    expect(order.note).toContain("Linesheet: Fall26");
    expect(order.note).toContain("Comments: Please pack by size");
    expect(order.customAttributes).toEqual([
      { key: "JOOR order ID", value: joorId },
      { key: "Ship start", value: "2027-01-15" },
      { key: "Ship end", value: "2027-02-15" },
    ]);
    expect(h.joor.orderExport(JOOR_ACCOUNT, joorId)).toMatchObject({ state: "exported", description: `Imported as Shopify order ${order.name}` });
    expect(acknowledgementCalls(h)).toBe(1);
    // Read-only listing: never sync=1.
    const listings = h.joor.calls.filter((call) => call.path === "/v2/order/");
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.every((call) => call.query.includes("sync=0") && call.query.includes("order_type=6") && call.query.includes("export_status=5"))).toBe(true);

    // The next poll finds nothing new: no second order, no second acknowledgement.
    await pollOrders(h);
    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
    expect(acknowledgementCalls(h)).toBe(1);
    expect(await prisma.orderImport.count({ where: { shop: SHOP } })).toBe(1);
  });

  describe("line matching", () => {
    it("matches by UPC through the catalog, by barcode or SKU in Shopify, and by style + color + size", async () => {
      const h = harness();
      await configureOrders(h);
      const style = await catalogProduct(h);
      // Not tagged for JOOR: the catalog never sent it, so only Shopify knows its barcode and SKU.
      const untracked = h.shop.createProduct({
        title: "Canvas Tote",
        options: ["Color"],
        variants: [
          { options: ["Natural"], barcode: "777000000001", sku: "TOTE-NAT", inventory: 5 },
          { options: ["Black"], barcode: null, sku: "TOTE-BLK", inventory: 5 },
        ],
      });
      const joorId = approvedOrder(h, {}, [
        { item_upc: barcodeOf(h, style, 1), item_quantity: 1, item_price: 40 },
        { item_upc: "777000000001", item_quantity: 2, item_price: 10 },
        { item_upc: "TOTE-BLK", item_quantity: 3, item_price: 10 },
        { item_number: style.id, item_color: "blue", item_size: "m", item_quantity: 4, item_price: 41 },
        { item_upc: "not-a-known-upc", item_number: style.id, item_color_code: "white", item_size: "S", item_quantity: 5, item_price: 42 },
      ]);

      await pollOrders(h);

      const [row] = await importRows(joorId);
      expect(row.status).toBe("imported");
      expect(readDetails(row).matchedBy).toEqual({ upc: 2, sku: 1, style: 2 });
      const [order] = shopifyOrdersFor(h, joorId);
      expect(order.lineItems.map((line) => [line.variantId, line.quantity])).toEqual([
        [style.variantIds[1], 1],
        [untracked.variantIds[0], 2],
        [untracked.variantIds[1], 3],
        [style.variantIds[3], 4],
        [style.variantIds[0], 5],
      ]);
    });

    it("fails an order with an unknown UPC visibly, tells JOOR why, and imports it on Retry once fixed", async () => {
      const h = harness();
      await configureOrders(h);
      const style = await catalogProduct(h);
      const joorId = approvedOrder(h, {}, [
        { item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 },
        { item_upc: "123456789012", item_quantity: 1, item_price: 40 },
      ]);

      await pollOrders(h);
      const [failed] = await importRows(joorId);
      expect(failed).toMatchObject({ status: "failed", reason: "Line 2: unknown UPC 123456789012" });
      expect(failed.acknowledgedAt).not.toBeNull();
      expect(shopifyOrdersFor(h, joorId)).toHaveLength(0);
      expect(h.joor.orderExport(JOOR_ACCOUNT, joorId)).toMatchObject({ state: "failed", description: "Line 2: unknown UPC 123456789012" });

      // JOOR keeps listing a failed order; polls leave it alone and do not tell JOOR again.
      const acks = acknowledgementCalls(h);
      await pollOrders(h);
      expect(acknowledgementCalls(h)).toBe(acks);
      expect((await importRows(joorId))[0].attempts).toBe(0);

      // The merchant gives the variant that barcode; the catalog sends it, then Retry.
      h.shop.updateVariant(style.variantIds[2], { barcode: "123456789012" });
      await h.drain({ horizonMs: 60_000 });
      expect(await retryOrderImport(SHOP, failed.id)).toMatchObject({ ok: true });
      await pollOrders(h);

      const [retried] = await importRows(joorId);
      expect(retried).toMatchObject({ status: "imported", exportGeneration: 0, reason: null });
      expect(shopifyOrdersFor(h, joorId)[0].lineItems.map((line) => line.variantId)).toEqual([style.variantIds[0], style.variantIds[2]]);
      expect(h.joor.orderExport(JOOR_ACCOUNT, joorId).state).toBe("exported");
    });

    it("fails only the order with an unreadable field, with the reason, and imports the rest of the page", async () => {
      const h = harness();
      await configureOrders(h);
      const style = await catalogProduct(h);
      const odd = approvedOrder(h, { order_comments: { nested: "not text" } }, [
        { item_upc: barcodeOf(h, style, 0), item_quantity: "three" as unknown as number, item_price: 40 },
      ]);
      const good = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }]);

      await pollOrders(h);
      expect((await importRows(odd))[0]).toMatchObject({ status: "failed", reason: "Line 1 has no quantity" });
      expect(h.joor.orderExport(JOOR_ACCOUNT, odd)).toMatchObject({ state: "failed", description: "Line 1 has no quantity" });
      expect((await importRows(good))[0]).toMatchObject({ status: "imported" });
      expect(shopifyOrdersFor(h, good)).toHaveLength(1);
    });
  });

  describe("customers", () => {
    it("finds the customer by the order's email, then by the JOOR connection's contact email", async () => {
      const h = harness();
      await configureOrders(h);
      const style = await catalogProduct(h);
      const byOrderEmail = h.shop.createCustomer({ email: "orders@lumiere.test", lastName: "Roux" });
      const byConnection = h.shop.createCustomer({ email: "emma@dubois.test", lastName: "Dubois" });
      h.joor.addConnection(JOOR_ACCOUNT, { customer_code: "RET-0001", customer_name: "Maison Dubois", customer_contact_email: "Emma@Dubois.test" });
      const line = [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }];
      const first = approvedOrder(h, { customer_code: "RET-0009", billing_email: "ORDERS@lumiere.test" }, line);
      const second = approvedOrder(h, { customer_code: "RET-0001", customer_name: "Maison Dubois" }, line);
      const third = approvedOrder(h, { customer_code: "RET-0001", customer_name: "Maison Dubois" }, line);

      await pollOrders(h);

      expect(shopifyOrdersFor(h, first)[0].customerId).toBe(byOrderEmail.id);
      expect(shopifyOrdersFor(h, second)[0].customerId).toBe(byConnection.id);
      expect(shopifyOrdersFor(h, third)[0].customerId).toBe(byConnection.id);
      expect((await importRows()).map((row) => readDetails(row).customer)).toEqual(["email", "email", "email"]);
      // One connection lookup served both of the retailer's orders.
      expect(h.joor.calls.filter((call) => call.path.startsWith("/v2/connection/customer_code/")).map((call) => call.path)).toEqual([
        "/v2/connection/customer_code/RET-0001/",
      ]);
      expect(h.shop.customers.size).toBe(2);
    });

    it("creates the customer when none matches, writes the Shopify id back to JOOR as the customer code, and reuses it", async () => {
      const h = harness();
      await configureOrders(h, { writeBackCustomerCode: true });
      const style = await catalogProduct(h);
      h.joor.addConnection(JOOR_ACCOUNT, { customer_code: "RET-0042", customer_name: "Harbor Goods", customer_contact_email: "buyer@harbor.test" });
      const line = [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }];
      const fields = { customer_code: "RET-0042", customer_name: "Harbor Goods", customer_buyer_name: "Jo Harbor", shipping_address_1: "9 Pier Rd", shipping_city: "Boston", shipping_country_iso_two: "US" };
      const first = approvedOrder(h, fields, line);

      await pollOrders(h);

      const created = [...h.shop.customers.values()].find((customer) => customer.email === "buyer@harbor.test");
      expect(created).toMatchObject({ firstName: "Jo", lastName: "Harbor", tags: [] });
      expect(shopifyOrdersFor(h, first)[0].customerId).toBe(created!.id);
      expect(readDetails((await importRows(first))[0]).customer).toBe("created");
      expect(h.joor.connection(JOOR_ACCOUNT, created!.id)).toMatchObject({ customer_name: "Harbor Goods" });
      expect(h.joor.connection(JOOR_ACCOUNT, "RET-0042")).toBeUndefined();
      expect((await importRows(first))[0].followUp).toBeNull();

      // The retailer's next order carries the new code: found by it, no second customer.
      const second = approvedOrder(h, { ...fields, customer_code: created!.id }, line);
      await pollOrders(h);
      expect(shopifyOrdersFor(h, second)[0].customerId).toBe(created!.id);
      expect(h.shop.customers.size).toBe(1);
    });

    it("reuses the customer an earlier order of the same customer code created, even without any email", async () => {
      const h = harness();
      await configureOrders(h);
      const style = await catalogProduct(h);
      const line = [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }];
      const first = approvedOrder(h, { customer_code: "RET-0077", customer_name: "No Email Co" }, line);
      await pollOrders(h);
      const second = approvedOrder(h, { customer_code: "RET-0077", customer_name: "No Email Co" }, line);
      await pollOrders(h);

      expect(h.shop.customers.size).toBe(1);
      const [customer] = h.shop.customers.values();
      expect(shopifyOrdersFor(h, first)[0].customerId).toBe(customer.id);
      expect(shopifyOrdersFor(h, second)[0].customerId).toBe(customer.id);
      expect((await importRows()).map((row) => readDetails(row).customer)).toEqual(["created", "earlier"]);
      // Write-back is off by default: JOOR's code is untouched.
      expect(h.joor.calls.some((call) => call.method === "PUT" && call.path.startsWith("/v2/connection/"))).toBe(false);
    });

    it("imports without a customer when the merchant does not want customers created", async () => {
      const h = harness();
      await configureOrders(h, { createOrderCustomers: false });
      const style = await catalogProduct(h);
      const joorId = approvedOrder(h, { customer_code: "RET-0100", shipping_email: "nobody@nowhere.test" }, [
        { item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 },
      ]);
      await pollOrders(h);
      expect(shopifyOrdersFor(h, joorId)[0]).toMatchObject({ customerId: null });
      expect(readDetails((await importRows(joorId))[0]).customer).toBe("none");
      expect(h.shop.customers.size).toBe(0);
    });
  });

  it("fails only the order whose lookup Shopify refuses, and imports the others", async () => {
    const h = harness();
    await configureOrders(h);
    const style = await catalogProduct(h);
    const customer = h.shop.createCustomer({ email: "ok@shop.test", lastName: "Fine" });
    const refused = approvedOrder(h, { customer_code: "424242" }, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }]);
    const fine = approvedOrder(h, { customer_code: customer.id }, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 1, item_price: 40 }]);
    // The first order's customer lookup is the poll's first Shopify request.
    h.shopify.setFaults({ failNext: 1, errorStatus: 400 });

    await pollOrders(h);

    expect((await importRows(refused))[0]).toMatchObject({ status: "failed", reason: expect.stringMatching(/HTTP 400/) });
    expect(h.joor.orderExport(JOOR_ACCOUNT, refused).state).toBe("failed");
    expect((await importRows(fine))[0].status).toBe("imported");
  });

  describe("stock", () => {
    it("claims stock only if available: an order that cannot be covered fails with the reason, JOOR is told", async () => {
      const h = harness();
      await configureOrders(h, { orderInventory: "claimIfAvailable" });
      const style = await catalogProduct(h, shirt({}, 3));
      const covered = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 2, item_price: 40 }]);
      const short = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 1), item_quantity: 5, item_price: 40 }]);

      await pollOrders(h);

      expect(available(h, style.variantIds[0])).toBe(1);
      expect(available(h, style.variantIds[1])).toBe(3);
      const [failed] = await importRows(short);
      expect(failed.status).toBe("failed");
      expect(failed.reason).toMatch(/^Stock claim failed: Unable to claim inventory for Oxford Shirt - White \/ M: 5 requested, 3 available/);
      expect(h.joor.orderExport(JOOR_ACCOUNT, short)).toMatchObject({ state: "failed", description: failed.reason });
      expect((await importRows(covered))[0].status).toBe("imported");
    });

    it("always claims when told to (stock may go below zero), and leaves stock alone when told to", async () => {
      const h = harness();
      await configureOrders(h, { orderInventory: "alwaysClaim" });
      const style = await catalogProduct(h, shirt({}, 3));
      approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 0), item_quantity: 5, item_price: 40 }]);
      await pollOrders(h);
      expect(available(h, style.variantIds[0])).toBe(-2);

      await configureOrders(h, { orderInventory: "leaveStock" });
      const untouched = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, style, 1), item_quantity: 5, item_price: 40 }]);
      await pollOrders(h);
      expect(available(h, style.variantIds[1])).toBe(3);
      expect(shopifyOrdersFor(h, untouched)[0].inventoryBehaviour).toBe("BYPASS");
    });

    it("never claims stock for made-to-order lines", async () => {
      const h = harness();
      await configureOrders(h, { orderInventory: "claimIfAvailable", madeToOrderLinesheets: ["Spring27"] });
      const stocked = await catalogProduct(h, shirt({}, 5));
      const madeToOrder = await catalogProduct(h, shirt({ title: "Linen Trousers", tags: ["JOOR_ENABLED", "Collection_Spring27"] }, 0));
      const mixed = approvedOrder(h, {}, [
        { item_upc: barcodeOf(h, stocked, 0), item_quantity: 2, item_price: 40 },
        { item_upc: barcodeOf(h, madeToOrder, 0), item_quantity: 4, item_price: 60 },
      ]);
      const onlyMadeToOrder = approvedOrder(h, {}, [{ item_upc: barcodeOf(h, madeToOrder, 1), item_quantity: 4, item_price: 60 }]);

      await pollOrders(h);

      expect(available(h, stocked.variantIds[0])).toBe(3);
      expect(available(h, madeToOrder.variantIds[0])).toBe(0);
      expect(available(h, madeToOrder.variantIds[1])).toBe(0);
      const [mixedOrder] = shopifyOrdersFor(h, mixed);
      expect(mixedOrder.inventoryBehaviour).toBe("DECREMENT_OBEYING_POLICY");
      expect(mixedOrder.lineItems[1]).toMatchObject({
        variantId: null,
        title: "Linen Trousers",
        variantTitle: "White / S",
        quantity: 4,
        properties: [{ name: "Made to order", value: "Yes" }],
      });
      const [onlyOrder] = shopifyOrdersFor(h, onlyMadeToOrder);
      expect(onlyOrder).toMatchObject({ inventoryBehaviour: "BYPASS" });
      expect(onlyOrder.lineItems[0].variantId).toBe(madeToOrder.variantIds[1]);
    });
  });
});
