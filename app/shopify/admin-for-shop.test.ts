import { Session } from "@shopify/shopify-api";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopGoneError } from "~/sync/errors";
import { createShopifyFake } from "../../test/fakes/shopify";
import { ADMIN_API_VERSION } from "./api-version";

/**
 * The Shopify library captures `fetch` when it is imported, so msw must be listening before
 * ~/shopify.server loads: the modules under test are imported dynamically after `listen`.
 */
const fake = createShopifyFake();
const server = setupServer(...fake.mswHandlers());

let shopifyServer: typeof import("~/shopify.server");
let adminClientFor: typeof import("./admin-for-shop.server").adminClientFor;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  shopifyServer = await import("~/shopify.server");
  ({ adminClientFor } = await import("./admin-for-shop.server"));
});
afterAll(() => server.close());

function offlineSession(shop: string, fields: Partial<Session>): Session {
  return new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, ...fields });
}

describe("adminClientFor", () => {
  it("uses the API version the app is configured with", () => {
    expect(ADMIN_API_VERSION).toBe(shopifyServer.API_VERSION);
  });

  it("loads the stored offline session and queries with its token", async () => {
    const shop = "stored.myshopify.com";
    fake.addShop(shop, { name: "Stored" });
    const token = fake.issueOfflineToken(shop);
    await shopifyServer.sessionStorage.storeSession(
      offlineSession(shop, { accessToken: token.accessToken, scope: token.scope }),
    );
    const admin = await adminClientFor(shop);
    const data = await admin.request<{ shop: { name: string } }>("{ shop { name } }");
    expect(data.shop.name).toBe("Stored");
  });

  it("refreshes an expiring token through the token endpoint before using it", async () => {
    const shop = "expiring.myshopify.com";
    fake.addShop(shop, { name: "Expiring" });
    const token = fake.issueOfflineToken(shop, { expiring: true, expiresInSec: 60 });
    await shopifyServer.sessionStorage.storeSession(
      offlineSession(shop, {
        accessToken: token.accessToken,
        scope: token.scope,
        expires: token.expires,
        refreshToken: token.refreshToken,
        refreshTokenExpires: token.refreshTokenExpires,
      }),
    );
    const admin = await adminClientFor(shop);
    await expect(admin.request("{ shop { name } }")).resolves.toEqual({ shop: { name: "Expiring" } });
    const stored = await shopifyServer.sessionStorage.loadSession(`offline_${shop}`);
    expect(stored?.accessToken).toMatch(/^shpat_/);
    expect(stored?.accessToken).not.toBe(token.accessToken);
    expect(stored?.refreshToken).not.toBe(token.refreshToken);
    expect(fake.requests.some((r) => r.path === "/admin/oauth/access_token" && r.status === 200)).toBe(true);
  });

  it("answers ShopGoneError when the shop has no session", async () => {
    const error = await adminClientFor("uninstalled.myshopify.com").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopGoneError);
    expect(error).toMatchObject({ terminal: true, code: "SHOP_UNINSTALLED" });
  });
});
