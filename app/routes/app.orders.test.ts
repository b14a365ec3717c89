import { AppProvider } from "@shopify/polaris";
import english from "@shopify/polaris/locales/en.json";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { flowSuite, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";
import { action as dashboardAction, loader as dashboardLoader } from "./app._index";
import Orders, { action, loader } from "./app.orders";

const harness = flowSuite({ register: () => undefined });
const OTHER = "other-brand.myshopify.com";

const payload = (id: string, po: string) =>
  JSON.stringify({
    order_id: id,
    order_currency: "USD",
    customer_name: "Maison Dubois",
    customer_purchase_order: po,
    line_items: [
      { item_upc: "1", item_quantity: 2, item_price: 10 },
      { item_upc: "2", item_quantity: 1, item_price: 5.5 },
    ],
  });

async function seedImports() {
  const base = { details: JSON.stringify({ warnings: [] }) };
  await prisma.orderImport.createMany({
    data: [
      { ...base, shop: SHOP, joorOrderId: "501", status: "imported", shopifyOrderGid: "gid://shopify/Order/9001", shopifyOrderName: "#1001", acknowledgedAt: new Date(), payload: payload("501", "PO-1") },
      { ...base, shop: SHOP, joorOrderId: "501", exportGeneration: 1, status: "review", reason: "Changed or set to re-export in JOOR after it was imported", payload: payload("501", "PO-1b") },
      { ...base, shop: SHOP, joorOrderId: "502", status: "failed", reason: "Line 2: unknown UPC 123", acknowledgedAt: new Date(), payload: payload("502", "PO-2") },
      { ...base, shop: SHOP, joorOrderId: "503", status: "queued", payload: payload("503", "PO-3") },
      { ...base, shop: OTHER, joorOrderId: "601", status: "failed", reason: "other shop's reason", payload: payload("601", "PO-X") },
    ],
  });
}

async function rowOf(joorOrderId: string, shop = SHOP, exportGeneration = 0) {
  return prisma.orderImport.findUniqueOrThrow({ where: { shop_joorOrderId_exportGeneration: { shop, joorOrderId, exportGeneration } } });
}

async function pageData(view?: string) {
  const response = await callRoute(loader, adminRequest(`/app/orders${view ? `?view=${view}` : ""}`, { shop: SHOP }));
  expect(response.status).toBe(200);
  return response.json();
}

function render(data: unknown): string {
  const router = createMemoryRouter([{ id: "orders", path: "/", element: h(Orders) }], { hydrationData: { loaderData: { orders: data } } });
  return renderToString(h(AppProvider, { i18n: english }, h(RouterProvider, { router })));
}

describe("the orders page", () => {
  it("lists this shop's imports with their Shopify order, reason and JOOR id, per view", async () => {
    harness();
    await seedImports();
    const all = await pageData();
    expect(all.counts).toEqual({ imported: 1, failed: 1, review: 1, waiting: 1, all: 4 });
    expect(JSON.stringify(all)).not.toContain("other shop's");
    const byId = (generation: number, id: string) => all.rows.find((row: { joorOrderId: string; generation: number }) => row.joorOrderId === id && row.generation === generation);
    expect(byId(0, "501")).toMatchObject({ status: "imported", shopifyOrder: { name: "#1001", url: "shopify://admin/orders/9001" }, lines: 2, total: "25.50", poNumber: "PO-1" });
    expect(byId(1, "501")).toMatchObject({ status: "review", shopifyOrder: null, earlierOrder: { name: "#1001", url: "shopify://admin/orders/9001" }, poNumber: "PO-1b" });
    expect(byId(0, "502")).toMatchObject({ status: "failed", reason: "Line 2: unknown UPC 123", acknowledged: true });

    const failed = await pageData("failed");
    expect(failed.rows.map((row: { joorOrderId: string }) => row.joorOrderId)).toEqual(["502"]);
    expect((await pageData("nonsense")).view).toBe("all");

    const html = render(all);
    expect(html).toContain("Retry");
    expect(html).toContain("Import as a new order");
    expect(html).toContain("Ignore");
    expect(html).toContain("shopify://admin/orders/9001");
    expect(html).toContain("Line 2: unknown UPC 123");
    expect(html).toContain("JOOR 501");
  });

  it("retries a failed order, decides on a returned one, and never touches another shop's rows", async () => {
    const h = harness();
    await h.configure({}, { catalog: true, orders: true });
    await seedImports();
    const post = (form: Record<string, string>) => callRoute(action, adminRequest("/app/orders", { shop: SHOP, form }));

    const retried = await post({ intent: "retry", id: (await rowOf("502")).id });
    expect(retried.status).toBe(200);
    expect(await rowOf("502")).toMatchObject({ status: "queued", reason: null, acknowledgedAt: null });
    const poll = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.ordersPoll } } });
    expect(poll).toMatchObject({ status: "scheduled", intervalSeconds: 300 });

    expect((await post({ intent: "retry", id: (await rowOf("502")).id })).status).toBe(400);
    expect((await post({ intent: "retry", id: (await rowOf("601", OTHER)).id })).status).toBe(400);
    expect((await rowOf("601", OTHER)).status).toBe("failed");

    expect((await post({ intent: "ignore", id: (await rowOf("501", SHOP, 1)).id })).status).toBe(200);
    expect((await rowOf("501", SHOP, 1)).status).toBe("ignored");
    expect((await post({ intent: "importAgain", id: (await rowOf("501", SHOP, 1)).id })).status).toBe(400);

    expect((await post({ intent: "importNow" })).status).toBe(200);
    expect((await post({ intent: "delete" })).status).toBe(400);
  });

  it("will not import when the orders flow is off", async () => {
    harness();
    const response = await callRoute(action, adminRequest("/app/orders", { shop: SHOP, form: { intent: "importNow" } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: "Order import is switched off in Settings" });
    expect(await prisma.scheduledTask.count({ where: { kind: TaskKind.ordersPoll } })).toBe(0);
  });
});

describe("the dashboard's orders card", () => {
  it("shows the counts and the poll, and imports now", async () => {
    const h = harness();
    await h.configure({ ordersPollMinutes: 15 }, { catalog: true, orders: true });
    await seedImports();
    const before = await (await callRoute(dashboardLoader, adminRequest("/app", { shop: SHOP }))).json();
    expect(before.orders).toMatchObject({ enabled: true, counts: { imported: 1, failed: 1, review: 1, waiting: 1 }, poll: null });

    const response = await callRoute(dashboardAction, adminRequest("/app", { shop: SHOP, form: { intent: "importOrders" } }));
    expect(response.status).toBe(200);
    const after = await (await callRoute(dashboardLoader, adminRequest("/app", { shop: SHOP }))).json();
    expect(after.orders.poll).toMatchObject({ status: "scheduled", intervalMinutes: 15 });
  });
});
