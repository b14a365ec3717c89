import { describe, expect, it } from "vitest";
import { prisma } from "./db.server";
import { markInstalled, markUninstalled } from "./shops.server";

describe("install lifecycle", () => {
  it("uninstall stops the shop's work and a reinstall resumes it", async () => {
    const shop = "cycle.myshopify.com";
    await markInstalled(shop, "read_products");
    await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "t" } });
    await prisma.scheduledTask.create({ data: { shop, kind: "orders.poll" } });
    await prisma.syncState.create({
      data: { shop, kind: "product", gid: "gid://shopify/Product/1", status: "retry", nextAttemptAt: new Date(Date.now() + 3_600_000) },
    });

    await markUninstalled(shop, new Date(), prisma);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shop } })).uninstalledAt).not.toBeNull();
    expect((await prisma.scheduledTask.findFirstOrThrow({ where: { shop } })).status).toBe("paused");

    await markInstalled(shop, "read_products,write_orders");
    const settings = await prisma.shopSettings.findUniqueOrThrow({ where: { shop } });
    expect(settings).toMatchObject({ uninstalledAt: null, scopes: "read_products,write_orders" });
    expect((await prisma.scheduledTask.findFirstOrThrow({ where: { shop } })).status).not.toBe("paused");
    expect((await prisma.syncState.findFirstOrThrow({ where: { shop } })).nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
