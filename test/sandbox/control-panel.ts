import express, { type Router } from "express";
import type { PrismaClient } from "@prisma/client";
import type { JoorFake } from "../fakes/joor";
import { snapshot, type ShopifyFake } from "../fakes/shopify";
import { DEMO_JOOR, DEMO_SHOP } from "./demo-data";

/**
 * The sandbox control panel: acts as the merchant in Shopify and as the retailer/brand in JOOR, and shows
 * what reached JOOR and how each record's sync state moved, so a newcomer can watch a sync happen.
 */
export function controlPanel(deps: { shopify: ShopifyFake; joor: JoorFake; prisma: PrismaClient }): Router {
  const { shopify, joor, prisma } = deps;
  const shop = () => shopify.shop(DEMO_SHOP);
  const router = express.Router();
  // Only the panel's own API reads JSON here; every other body (webhooks) must reach the app untouched.
  router.use("/_sandbox/api", express.json());

  router.get("/_sandbox", (_req, res) => {
    res.type("html").send(PAGE);
  });

  router.get("/_sandbox/api/state", async (_req, res) => {
    const demo = snapshot(shop());
    const states = await prisma.syncState.findMany({ where: { shop: DEMO_SHOP }, orderBy: { updatedAt: "desc" }, take: 30 });
    const account = joor.account(DEMO_JOOR.accountId);
    res.json({
      customers: demo.customers.map((c) => ({ id: c.id, name: `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim(), email: c.email, tags: c.tags })),
      products: demo.products.map((p) => ({
        id: p.id,
        title: p.title,
        tags: p.tags,
        variants: p.variants.map((v) => ({ id: v.id, sku: v.sku, price: v.price, available: shop().availableTotal(v.inventoryItemId) })),
      })),
      joorConnections: [...account.connections.values()].map((c) => ({
        id: c.connectionId,
        customerCode: c.customerCode,
        name: c.fields.customer_name ?? null,
        pendingValidation: c.pendingValidation,
      })),
      joorOrders: [...account.orders.values()].map((o) => ({ id: o.id, status: o.status, export: o.export.state, lines: o.lines.length })),
      joorCalls: joor.calls.slice(-25).reverse(),
      credits: joor.creditUsage(DEMO_JOOR.accountId),
      // What the merchant enters on onboarding or settings to connect the demo JOOR account.
      joorLogin: DEMO_JOOR,
      syncStates: states.map((s) => ({ kind: s.kind, gid: s.gid, status: s.status, attempts: s.attempts, lastError: s.lastError, updatedAt: s.updatedAt })),
    });
  });

  const act = (run: (body: Record<string, unknown>, params: Record<string, string>) => unknown) =>
    (req: express.Request, res: express.Response) => {
      try {
        res.json({ ok: true, result: run(req.body ?? {}, req.params) ?? null });
      } catch (error) {
        res.status(400).json({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    };

  router.post("/_sandbox/api/customers/:id/tags", act((body, { id }) => {
    const tags = [String(body.tag ?? "JOOR_ENABLED")];
    return body.remove ? shop().removeCustomerTags(id, tags).tags : shop().addCustomerTags(id, tags).tags;
  }));
  router.post("/_sandbox/api/customers/:id/rename", act((body, { id }) => shop().updateCustomer(id, { lastName: String(body.lastName ?? "Renamed") }).lastName));
  router.post("/_sandbox/api/products/:id/tags", act((body, { id }) => {
    const product = shop().product(id);
    const tag = String(body.tag ?? "JOOR_ENABLED");
    const tags = body.remove ? product.tags.filter((t) => t !== tag) : [...new Set([...product.tags, tag])];
    return shop().updateProduct(id, { tags }).tags;
  }));
  router.post("/_sandbox/api/variants/:id/price", act((_body, { id }) => {
    const variant = shop().variant(id);
    return shop().updateVariant(id, { price: (Number(variant.price) + 1).toFixed(2) }).price;
  }));
  router.post("/_sandbox/api/variants/:id/sell", act((_body, { id }) => shop().sell({ variantId: id, quantity: 1 }).available));
  router.post("/_sandbox/api/variants/:id/restock", act((_body, { id }) => shop().sell({ variantId: id, quantity: -5 }).available));
  router.post("/_sandbox/api/joor/orders/:id/approve", act((_body, { id }) => {
    joor.approveOrder(DEMO_JOOR.accountId, id);
    return id;
  }));
  router.post("/_sandbox/api/joor/orders/:id/reexport", act((_body, { id }) => {
    joor.setOrderToReExport(DEMO_JOOR.accountId, id);
    return id;
  }));
  router.post("/_sandbox/api/joor/orders", act(() => {
    const upc = snapshot(shop()).products[0]?.variants[0]?.barcode ?? "";
    return joor.addOrder(DEMO_JOOR.accountId, {
      status: "PENDING",
      fields: { order_currency: "USD", customer_code: "RET-0002", customer_name: "Harbor Goods" },
      lines: [{ item_upc: upc, item_quantity: 3, item_price: 44.5 }],
    });
  }));
  router.post("/_sandbox/api/joor/connections/validate", act(() => joor.validateConnections(DEMO_JOOR.accountId)));
  return router;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>joor-sync sandbox</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f1f1f1;color:#1a1a1a}
header{background:#ffb800;padding:10px 16px;font-weight:600;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px;padding:12px}
section{background:#fff;border-radius:10px;padding:12px;box-shadow:0 1px 2px #0002;overflow:auto}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%}td,th{padding:4px 6px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
button{font:inherit;font-size:12px;margin:1px;padding:2px 8px;border-radius:6px;border:1px solid #bbb;background:#fafafa;cursor:pointer}
.tag{background:#e4f0ff;border-radius:4px;padding:0 4px;margin-right:2px;font-size:12px}.muted{color:#666}.err{color:#b00}
</style></head><body>
<header><span>Sandbox control panel: simulated Shopify store and JOOR account</span>
<a href="/app" style="color:inherit">Open the app</a><span id="credits" class="muted"></span></header>
<main>
<section><h2>Shopify customers</h2><table id="customers"></table></section>
<section><h2>Shopify products</h2><table id="products"></table></section>
<section><h2>JOOR orders <button data-post="/_sandbox/api/joor/orders">New pending order</button>
<button data-post="/_sandbox/api/joor/connections/validate">Validate pending connections</button></h2><table id="orders"></table></section>
<section><h2>Sync states (newest first)</h2><table id="states"></table></section>
<section><h2>JOOR connections</h2><table id="connections"></table></section>
<section><h2>JOOR account to connect</h2><table id="login"></table></section>
<section><h2>Calls JOOR received (newest first)</h2><table id="calls"></table></section>
</main>
<script>
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const btn = (label, url, body) => '<button data-post="' + esc(url) + '" data-body="' + esc(JSON.stringify(body || {})) + '">' + esc(label) + "</button>";
const tags = (list) => list.map((t) => '<span class="tag">' + esc(t) + "</span>").join("");
async function refresh() {
  const s = await (await fetch("/_sandbox/api/state")).json();
  document.getElementById("credits").textContent = "JOOR credits used this window: " + s.credits.used + " (" + s.credits.remaining + " left)";
  document.getElementById("customers").innerHTML = s.customers.map((c) => "<tr><td>" + esc(c.name) + '<div class="muted">' + esc(c.email) + "</div></td><td>" + tags(c.tags) + "</td><td>" +
    (c.tags.includes("JOOR_ENABLED") ? btn("Untag", "/_sandbox/api/customers/" + c.id + "/tags", { remove: true }) : btn("Tag JOOR_ENABLED", "/_sandbox/api/customers/" + c.id + "/tags", {})) +
    btn("Rename", "/_sandbox/api/customers/" + c.id + "/rename", { lastName: "Renamed" + Math.floor(Math.random() * 100) }) + "</td></tr>").join("");
  document.getElementById("products").innerHTML = s.products.map((p) => "<tr><td><b>" + esc(p.title) + "</b> " + tags(p.tags) + "<br>" +
    (p.tags.includes("JOOR_ENABLED") ? btn("Untag", "/_sandbox/api/products/" + p.id + "/tags", { remove: true }) : btn("Tag JOOR_ENABLED", "/_sandbox/api/products/" + p.id + "/tags", {})) +
    "</td><td>" + p.variants.map((v) => esc(v.sku) + " $" + esc(v.price) + " stock " + esc(v.available) + " " + btn("+$1", "/_sandbox/api/variants/" + v.id + "/price") +
    btn("Sell 1", "/_sandbox/api/variants/" + v.id + "/sell") + btn("Restock 5", "/_sandbox/api/variants/" + v.id + "/restock")).join("<br>") + "</td></tr>").join("");
  document.getElementById("orders").innerHTML = "<tr><th>Order</th><th>Status</th><th>Export</th><th></th></tr>" + s.joorOrders.map((o) => "<tr><td>" + esc(o.id) + "</td><td>" + esc(o.status) + "</td><td>" + esc(o.export) + "</td><td>" +
    (o.status === "APPROVED" ? btn("Set to re-export", "/_sandbox/api/joor/orders/" + o.id + "/reexport") : btn("Approve", "/_sandbox/api/joor/orders/" + o.id + "/approve")) + "</td></tr>").join("");
  document.getElementById("states").innerHTML = "<tr><th>Record</th><th>Status</th><th>Attempts</th><th>Error</th></tr>" + s.syncStates.map((r) => "<tr><td>" + esc(r.kind) + '<div class="muted">' + esc(r.gid) + "</div></td><td>" + esc(r.status) + "</td><td>" + esc(r.attempts) + '</td><td class="err">' + esc(r.lastError) + "</td></tr>").join("");
  document.getElementById("connections").innerHTML = "<tr><th>Retailer</th><th>Customer code</th><th>State</th></tr>" + s.joorConnections.map((c) => "<tr><td>" + esc(c.name) + '<div class="muted">' + esc(c.id) + "</div></td><td>" + esc(c.customerCode) + "</td><td>" + (c.pendingValidation ? "pending validation" : "validated") + "</td></tr>").join("");
  const login = s.joorLogin, v4 = login.credentials.v4;
  document.getElementById("login").innerHTML = [["Environment", login.environment], ["Account id", login.accountId], ["v2 API token", login.credentials.v2Token],
    ["v4 client id", v4.clientId], ["v4 client secret", v4.clientSecret], ["v4 username", v4.username], ["v4 password", v4.password]]
    .map(([k, v]) => "<tr><td>" + esc(k) + "</td><td><code>" + esc(v) + "</code></td></tr>").join("");
  document.getElementById("calls").innerHTML = s.joorCalls.map((c) => "<tr><td>" + esc(new Date(c.time).toLocaleTimeString()) + "</td><td>" + esc(c.method) + " " + esc(c.path) + "</td><td>" + esc(c.status) + "</td><td>" + esc(c.credits) + " cr</td></tr>").join("");
}
document.addEventListener("click", async (event) => {
  const url = event.target.getAttribute && event.target.getAttribute("data-post");
  if (!url) return;
  await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: event.target.getAttribute("data-body") || "{}" });
  refresh();
});
refresh();
setInterval(refresh, 2000);
</script></body></html>`;
