import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flowOptionsSchema, readFlowOptions } from "./options";
import { getShopConfiguration, loadJoorConnection, saveJoorConnection } from "./settings.server";

const credentials = {
  v2Token: "v2-secret-token",
  v4: { clientId: "client", clientSecret: "client-secret", username: "brand@example.com", password: "hunter2" },
};

describe("shop settings", () => {
  it("stores JOOR credentials sealed and opens them again", async () => {
    await saveJoorConnection("a.myshopify.com", { environment: "sandbox", accountId: "1234", credentials });
    const row = await prisma.shopSettings.findUniqueOrThrow({ where: { shop: "a.myshopify.com" } });
    expect(row.joorSecrets).not.toContain("v2-secret-token");
    expect(row.joorSecrets).not.toContain("hunter2");
    expect(await loadJoorConnection("a.myshopify.com")).toEqual({ environment: "sandbox", accountId: "1234", credentials });
    expect(await loadJoorConnection("b.myshopify.com")).toBeNull();
  });

  it("keeps shops apart", async () => {
    await saveJoorConnection("c.myshopify.com", { environment: "production", accountId: "9", credentials });
    expect((await loadJoorConnection("c.myshopify.com"))?.accountId).toBe("9");
    expect((await loadJoorConnection("a.myshopify.com"))?.accountId).not.toBe("9");
  });

  it("makes inventory and orders depend on the catalog flow", async () => {
    await prisma.shopSettings.create({
      data: { shop: "d.myshopify.com", inventoryEnabled: true, ordersEnabled: true, catalogEnabled: false },
    });
    const configuration = await getShopConfiguration("d.myshopify.com");
    expect(configuration?.flows).toEqual({ customers: false, catalog: false, inventory: false, orders: false });
  });

  it("defaults to the JOOR_ENABLED tag and a five-minute order poll", () => {
    expect(readFlowOptions(null)).toMatchObject({ customerTags: ["JOOR_ENABLED"], productTag: "JOOR_ENABLED", ordersPollMinutes: 5 });
  });

  it.each([
    [null, {}],
    ["not json", {}],
    ['{"customerTags":["JOOR","WHOLESALE"]}', { customerTags: ["JOOR", "WHOLESALE"] }],
    ['{"customerTags":[],"ordersPollMinutes":500,"productTag":"X"}', { productTag: "X" }],
  ])("reads stored options %j with defaults for what is missing or invalid", (stored, expected) => {
    expect(readFlowOptions(stored)).toEqual({ ...flowOptionsSchema.parse({}), ...expected });
  });
});
