import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { BLOCK_ROUTES, type CustomerBlockData, type ProductBlockData } from "../../extensions/shared/block-data";
import { flowSuite, SHOP } from "../../test/flows/harness";
import { callRoute } from "../../test/routes/admin-request";
import { mintSessionToken } from "../../test/sandbox/embedded";
import { action, customerBlockData, loader, productBlockData } from "./api.blocks.$block";

const harness = flowSuite({ register: () => undefined });
const OTHER = "other-brand.myshopify.com";
const CUSTOMER = "gid://shopify/Customer/501";
const PRODUCT = "gid://shopify/Product/77";
/** Where admin UI extensions run: never the app's own origin. */
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

interface BlockRequestOptions {
  token?: string | null;
  method?: "GET" | "OPTIONS";
}

function blockRequest(block: keyof typeof BLOCK_ROUTES, id: string, { token, method = "GET" }: BlockRequestOptions = {}): Request {
  const url = new URL(BLOCK_ROUTES[block], "https://joor-sync.test");
  url.searchParams.set("id", id);
  const headers = new Headers({ Origin: EXTENSION_ORIGIN });
  const bearer = token === undefined ? mintSessionToken({ shop: SHOP, apiKey: process.env.SHOPIFY_API_KEY ?? "", apiSecret: process.env.SHOPIFY_API_SECRET ?? "" }) : token;
  if (bearer !== null) headers.set("Authorization", `Bearer ${bearer}`);
  if (method === "OPTIONS") headers.set("Access-Control-Request-Method", "GET");
  return new Request(url, { method, headers });
}

/** The route's `:block` parameter, read back from the path the extensions call. */
const paramsOf = (request: Request) => ({ block: new URL(request.url).pathname.split("/").pop() ?? "" });

async function get<T>(request: Request): Promise<{ response: Response; body: { ok: boolean; data?: T; error?: string } }> {
  const response = await callRoute(loader, request, paramsOf(request));
  return { response, body: await response.json() };
}

describe("the admin blocks' data routes", () => {
  it("refuse a request without a session token, with CORS headers the block can read", async () => {
    harness();
    const { response, body } = await get(blockRequest("customer", CUSTOMER, { token: null }));
    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(body.ok).toBe(false);
  });

  it("refuse a forged session token", async () => {
    harness();
    const response = await callRoute(loader, blockRequest("product", PRODUCT, { token: "forged.token.value" }), { block: "product" });
    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answer the browser's preflight with CORS headers", async () => {
    harness();
    const request = blockRequest("customer", CUSTOMER, { method: "OPTIONS", token: null });
    const response = await callRoute(action, request, paramsOf(request));
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });

  it("answer through cors, and refuse an id of the wrong kind", async () => {
    harness();
    const { response } = await get(blockRequest("customer", CUSTOMER));
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const wrong = await get(blockRequest("customer", PRODUCT));
    expect(wrong.response.status).toBe(400);
    expect(wrong.response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("show a synced customer's link, and never another shop's record", async () => {
    harness();
    await prisma.syncState.createMany({
      data: [
        {
          shop: SHOP,
          kind: "customer",
          gid: CUSTOMER,
          status: "synced",
          joorId: "C-9",
          lastSyncedAt: new Date("2026-11-20T10:00:00Z"),
          details: JSON.stringify({ customerCode: "501", email: "ava@retailer.test", validation: "validated" }),
        },
        { shop: OTHER, kind: "customer", gid: "gid://shopify/Customer/502", status: "synced", joorId: "C-OTHER" },
      ],
    });
    const { body } = await get<CustomerBlockData>(blockRequest("customer", CUSTOMER));
    expect(body.data).toEqual({
      state: "synced",
      customerCode: "501",
      connectionId: "C-9",
      lastSyncedAt: "2026-11-20T10:00:00.000Z",
      message: null,
      matchingPath: "/app/customers/matching?q=ava%40retailer.test",
    });
    const theirs = await get<CustomerBlockData>(blockRequest("customer", "gid://shopify/Customer/502"));
    expect(theirs.body.data?.state).toBe("not_linked");
  });

  it("show a customer waiting for JOOR's validation", async () => {
    harness();
    await prisma.syncState.create({
      data: {
        shop: SHOP,
        kind: "customer",
        gid: CUSTOMER,
        status: "pending",
        joorId: "C-9",
        lastError: "Waiting for JOOR to validate the new connection",
        details: JSON.stringify({ customerCode: "501", validation: "pending" }),
      },
    });
    const { body } = await get<CustomerBlockData>(blockRequest("customer", CUSTOMER));
    expect(body.data).toMatchObject({ state: "pending_validation", customerCode: "501", message: "Waiting for JOOR to validate the new connection" });
  });

  it("show an unknown customer as not linked, with the way to the matching screen", async () => {
    harness();
    const { body } = await get<CustomerBlockData>(blockRequest("customer", CUSTOMER));
    expect(body.data).toEqual({
      state: "not_linked",
      customerCode: null,
      connectionId: null,
      lastSyncedAt: null,
      message: null,
      matchingPath: "/app/customers/matching",
    });
  });

  it("show a customer linked on the matching screen before its first sync", async () => {
    harness();
    await prisma.joorConnection.create({
      data: { shop: SHOP, connectionId: "C-7", customerCode: "501", status: "linked", linkedGid: CUSTOMER, linkedAt: new Date("2026-11-21T08:00:00Z") },
    });
    const { body } = await get<CustomerBlockData>(blockRequest("customer", CUSTOMER));
    expect(body.data).toMatchObject({ state: "synced", customerCode: "501", connectionId: "C-7", lastSyncedAt: "2026-11-21T08:00:00.000Z" });
  });

  it("show a synced style with its linesheets, warnings and SKU errors", async () => {
    harness();
    await prisma.syncState.create({
      data: {
        shop: SHOP,
        kind: "product",
        gid: PRODUCT,
        status: "synced",
        joorId: "P-3",
        lastSyncedAt: new Date("2026-11-20T11:00:00Z"),
        details: JSON.stringify({
          productId: "P-3",
          styleNumber: "OXF-1",
          madeToOrder: true,
          linesheets: [{ key: "fall26", name: "Fall26" }],
          warnings: ["Variant Blue / L has no barcode and was left out"],
          cells: [{ key: "blue|l", color: "Blue", size: "L", colorCode: "BLU", skuId: "S-1", variantId: "gid://shopify/ProductVariant/9", upc: null, hash: "h" }],
          skuErrors: { "gid://shopify/ProductVariant/9": "UPC already used by another SKU" },
        }),
      },
    });
    await prisma.syncState.create({ data: { shop: OTHER, kind: "product", gid: PRODUCT, status: "failed", lastError: "other shop's" } });
    const { body } = await get<ProductBlockData>(blockRequest("product", PRODUCT));
    expect(body.data).toEqual({
      state: "synced",
      styleNumber: "OXF-1",
      joorProductId: "P-3",
      linesheets: ["Fall26"],
      madeToOrder: true,
      lastSyncedAt: "2026-11-20T11:00:00.000Z",
      message: null,
      warnings: ["Variant Blue / L has no barcode and was left out"],
      skuErrors: ["Blue / L: UPC already used by another SKU"],
    });
  });

  it("show a style on its way, and an unknown product as not synced", async () => {
    harness();
    await prisma.syncState.create({ data: { shop: SHOP, kind: "product", gid: PRODUCT, status: "retry", lastError: "JOOR answered 503" } });
    const pending = await get<ProductBlockData>(blockRequest("product", PRODUCT));
    expect(pending.body.data).toMatchObject({ state: "syncing", message: "JOOR answered 503", linesheets: [], lastSyncedAt: null });
    const unknown = await get<ProductBlockData>(blockRequest("product", "gid://shopify/Product/78"));
    expect(unknown.body.data?.state).toBe("not_synced");
  });
});

describe("block data from sync states", () => {
  const state = (status: string, details: unknown = {}) => ({ status, lastError: null, joorId: null, details: JSON.stringify(details), lastSyncedAt: null });

  it("reads each customer status as the link a merchant understands", () => {
    expect(customerBlockData(state("dirty"), null).state).toBe("syncing");
    expect(customerBlockData(state("pending", { validation: null }), null).state).toBe("syncing");
    expect(customerBlockData(state("failed"), null).state).toBe("failed");
    expect(customerBlockData(state("stopped"), null).state).toBe("stopped");
  });

  it("reads each product status as the style's state", () => {
    expect(productBlockData(state("dirty")).state).toBe("syncing");
    expect(productBlockData(state("failed")).state).toBe("failed");
    expect(productBlockData(state("stopped")).state).toBe("stopped");
    expect(productBlockData(state("synced", "not json")).linesheets).toEqual([]);
  });
});
