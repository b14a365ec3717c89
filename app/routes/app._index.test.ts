import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flowSuite, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";
import { action, loader } from "./app._index";

const harness = flowSuite({ register: () => undefined });
const OTHER = "other-brand.myshopify.com";

async function seedStates() {
  await prisma.syncState.createMany({
    data: [
      { shop: SHOP, kind: "customer", gid: "gid://shopify/Customer/1", status: "synced", lastSyncedAt: new Date("2026-11-20T10:00:00Z") },
      { shop: SHOP, kind: "customer", gid: "gid://shopify/Customer/2", status: "pending" },
      {
        shop: SHOP,
        kind: "customer",
        gid: "gid://shopify/Customer/3",
        status: "failed",
        lastError: "customer_name is required",
        details: JSON.stringify({ name: "Ava Chen" }),
      },
      { shop: SHOP, kind: "product", gid: "gid://shopify/Product/9", status: "stopped" },
      { shop: OTHER, kind: "customer", gid: "gid://shopify/Customer/4", status: "failed", lastError: "other shop's" },
    ],
  });
}

describe("dashboard", () => {
  it("shows each flow's counts, last sync and latest errors for this shop only", async () => {
    const h = harness();
    await h.configure({}, { customers: true, catalog: true });
    await seedStates();
    const response = await callRoute(loader, adminRequest("/app", { shop: SHOP }));
    const body = await response.json();
    const customers = body.flows.find((flow: { key: string }) => flow.key === "customers");
    expect(customers).toMatchObject({
      enabled: true,
      counts: { synced: 1, pending: 1, failed: 1, stopped: 0 },
      lastSyncedAt: "2026-11-20T10:00:00.000Z",
      failures: [{ label: "Ava Chen", reason: "customer_name is required" }],
    });
    expect(body.flows.find((flow: { key: string }) => flow.key === "catalog").counts.stopped).toBe(1);
    expect(JSON.stringify(body)).not.toContain("other shop's");
    expect(body.credits).toMatchObject({ used: 0, limit: 300 });
  });

  it("retries a failed record, but never another shop's", async () => {
    harness();
    await seedStates();
    const mine = await prisma.syncState.findFirstOrThrow({ where: { shop: SHOP, status: "failed" } });
    const theirs = await prisma.syncState.findFirstOrThrow({ where: { shop: OTHER } });

    const retried = await callRoute(action, adminRequest("/app", { shop: SHOP, form: { intent: "retry", id: mine.id } }));
    expect(retried.status).toBe(200);
    expect((await prisma.syncState.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe("dirty");

    const refused = await callRoute(action, adminRequest("/app", { shop: SHOP, form: { intent: "retry", id: theirs.id } }));
    expect(refused.status).toBe(400);
    expect((await prisma.syncState.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("failed");
  });

  it("starts a flow's full sync as a task", async () => {
    harness();
    const response = await callRoute(action, adminRequest("/app", { shop: SHOP, form: { intent: "syncNow", flow: "customers" } }));
    expect(response.status).toBe(200);
    const task = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: "customers-backfill" } } });
    expect(task.status).toBe("scheduled");
    const bad = await callRoute(action, adminRequest("/app", { shop: SHOP, form: { intent: "syncNow", flow: "everything" } }));
    expect(bad.status).toBe(400);
  });
});
