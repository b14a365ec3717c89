/**
 * Every route file in app/routes/ is either public (listed with the reason) or protected; a new route file
 * without a case here fails the first test. For each protected route, every loader and action is called:
 * - without a valid session token (none, forged, expired, for another app): refused, with no shop's data, and
 *   nothing changed;
 * - with shop A's token: no loader output carries any of shop B's data (B has rows in every table, marked),
 *   also when the URL names shop B; every action given B's record ids leaves all of B's rows as they were,
 *   while the same post with A's own ids does act (so a refusal for another reason cannot pass the test).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { flowSuite, SHOP } from "../flows/harness";
import { webhookRequest } from "../fakes/shopify/webhooks";
import { adminRequest, callRoute } from "../routes/admin-request";
import { adminHost, mintSessionToken } from "../sandbox/embedded";
import { FOREIGN_MINUTE_CREDITS, SHARED_CUSTOMER_GID, seedTenant, snapshotTenant, tenantOptions, type Tenant, type TenantRows } from "./tenants";

const harness = flowSuite({ register: () => undefined });

const ROUTES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../app/routes");
const ROUTE_FILES = new Map(
  readdirSync(ROUTES_DIR)
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => [file.replace(/\.tsx?$/, ""), path.join(ROUTES_DIR, file)]),
);

const A: Tenant = { shop: SHOP, mark: "alphaQ7", base: 1000, sharedImportGeneration: 0 };
const B: Tenant = { shop: "bravo-brand.myshopify.com", mark: "bravoZ9", base: 2000, sharedImportGeneration: 1 };
const API_KEY = process.env.SHOPIFY_API_KEY ?? "";
const API_SECRET = process.env.SHOPIFY_API_SECRET ?? "";

/** Routes anyone may call, and why that is safe. */
const PUBLIC: Record<string, string> = {
  _index: "Only redirects: to /app with the shop's parameters, or to the login page. Reads nothing.",
  "auth.$": "Shopify's OAuth and session-token bounce; authenticate.admin itself runs it and it returns no data.",
  "auth.login": "The login form: takes a shop domain and starts Shopify's OAuth. Reads nothing.",
  healthz: "Liveness for load balancers: database and worker state only, no shop's data.",
  webhooks: "Shopify's deliveries, authenticated by their HMAC signature (tested below and in the corpus) instead of a session.",
};

type Form = Record<string, string | string[]>;

interface Load {
  path: string;
  params?: Record<string, string>;
  /** The output shows the signed-in shop's own rows: proof that the other shop's would have shown if unscoped. */
  showsOwn?: boolean;
  /** Top-level fields of the JSON answer that repeat the query (a search for B's marker echoes it). */
  echoes?: string[];
}

interface Post {
  name: string;
  path: string;
  params?: Record<string, string>;
  /** The post, naming the given shop's rows. */
  form: (rows: TenantRows) => Form | Promise<Form>;
  /** The same post with the signed-in shop's own ids changes its rows. */
  changesOwn: boolean;
  method?: "POST" | "OPTIONS";
}

interface ProtectedRoute {
  loads: Load[];
  posts: Post[];
}

/** The settings form as the page posts it: what the loader sent, every flow on, a secret typed in. */
async function settingsForm(intent: "save" | "test"): Promise<Form> {
  const { loader } = await import("~/routes/app.settings");
  const { values } = (await (await callRoute(loader, adminRequest("/app/settings", { shop: A.shop }))).json()) as { values: SettingsFormValues };
  const form: Form = { intent };
  const changed = { ...values, customersEnabled: true, catalogEnabled: true, inventoryEnabled: true, ordersEnabled: true, v2Token: "typed-v2-token" };
  for (const [name, value] of toFormEntries(changed)) form[name] = [...((form[name] as string[] | undefined) ?? []), value];
  return form;
}

const PROTECTED: Record<string, ProtectedRoute> = {
  app: { loads: [{ path: "/app" }], posts: [] },
  "app._index": {
    loads: [{ path: "/app", showsOwn: true }],
    posts: [
      { name: "retry a customer", path: "/app", form: (r) => ({ intent: "retry", id: r.customerUpload }), changesOwn: true },
      { name: "retry a product", path: "/app", form: (r) => ({ intent: "retry", id: r.productFailed }), changesOwn: true },
      { name: "sync customers now", path: "/app", form: () => ({ intent: "syncNow", flow: "customers" }), changesOwn: true },
      { name: "sync catalog now", path: "/app", form: () => ({ intent: "syncNow", flow: "catalog" }), changesOwn: true },
      { name: "import orders now", path: "/app", form: () => ({ intent: "importOrders" }), changesOwn: false },
    ],
  },
  "app.activity": {
    loads: [
      { path: "/app/activity", showsOwn: true },
      { path: "/app/activity?flow=customers&status=failed", showsOwn: true },
      { path: `/app/activity?flow=${B.mark}flow`, echoes: ["filter"] },
      { path: `/app/activity?record=${B.mark}`, echoes: ["filter"] },
      { path: `/app/activity?before=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}_zzzz`, showsOwn: true },
    ],
    posts: [],
  },
  "app.customers._index": {
    loads: [
      { path: "/app/customers", showsOwn: true },
      { path: "/app/customers?list=update", showsOwn: true },
      { path: `/app/customers?q=${B.mark}`, echoes: ["search"] },
      { path: "/app/customers?page=2" },
    ],
    posts: [
      { name: "sync all customers", path: "/app/customers", form: () => ({ intent: "sync-all" }), changesOwn: true },
      { name: "mark for upload", path: "/app/customers", form: (r) => ({ intent: "mark", list: "upload", ids: [r.customerUpload] }), changesOwn: true },
      { name: "mark for update", path: "/app/customers", form: (r) => ({ intent: "mark", list: "update", ids: [r.customerUpdate] }), changesOwn: true },
    ],
  },
  "app.customers.export.$list": {
    loads: [
      { path: "/app/customers/export/upload", params: { list: "upload" }, showsOwn: true },
      { path: "/app/customers/export/update", params: { list: "update" }, showsOwn: true },
      { path: "/app/customers/export/joor", params: { list: "joor" }, showsOwn: true },
    ],
    posts: [],
  },
  "app.customers.matching": {
    loads: [
      { path: "/app/customers/matching", showsOwn: true },
      { path: "/app/customers/matching?view=skipped", showsOwn: true },
      { path: "/app/customers/matching?view=linked", showsOwn: true },
      { path: `/app/customers/matching?q=${B.mark}`, echoes: ["search"] },
      { path: `/app/customers/matching?customerSearch=${B.mark}` },
    ],
    posts: [
      { name: "download connections", path: "/app/customers/matching", form: () => ({ intent: "download" }), changesOwn: true },
      {
        name: "confirm one match",
        path: "/app/customers/matching",
        form: (r) => ({ intent: "confirm", id: r.connectionOpen, gid: r.customerUploadGid }),
        changesOwn: true,
      },
      { name: "confirm exact emails", path: "/app/customers/matching", form: () => ({ intent: "confirm-emails" }), changesOwn: true },
      { name: "confirm selected", path: "/app/customers/matching", form: (r) => ({ intent: "confirm-selected", ids: [r.connectionOpen] }), changesOwn: true },
      { name: "create customers", path: "/app/customers/matching", form: (r) => ({ intent: "create", ids: [r.connectionOpen, r.connectionSkipped] }), changesOwn: true },
      { name: "skip", path: "/app/customers/matching", form: (r) => ({ intent: "skip", ids: [r.connectionOpen] }), changesOwn: true },
      { name: "unskip", path: "/app/customers/matching", form: (r) => ({ intent: "unskip", ids: [r.connectionSkipped] }), changesOwn: true },
    ],
  },
  "app.onboarding": {
    loads: [{ path: "/app/onboarding", showsOwn: true }],
    posts: [
      { name: "save", path: "/app/onboarding", form: () => settingsForm("save"), changesOwn: true },
      { name: "test the connection", path: "/app/onboarding", form: () => settingsForm("test"), changesOwn: false },
    ],
  },
  "app.orders": {
    loads: ["all", "imported", "failed", "review", "waiting"].map((view) => ({ path: `/app/orders?view=${view}`, showsOwn: view !== "waiting" })),
    posts: [
      { name: "import now", path: "/app/orders", form: () => ({ intent: "importNow" }), changesOwn: false },
      { name: "retry an order", path: "/app/orders", form: (r) => ({ intent: "retry", id: r.orderFailed }), changesOwn: true },
      { name: "import again", path: "/app/orders", form: (r) => ({ intent: "importAgain", id: r.orderReview }), changesOwn: true },
      { name: "ignore", path: "/app/orders", form: (r) => ({ intent: "ignore", id: r.orderReview }), changesOwn: true },
    ],
  },
  "app.settings": {
    loads: [{ path: "/app/settings", showsOwn: true }],
    posts: [
      { name: "save", path: "/app/settings", form: () => settingsForm("save"), changesOwn: true },
      { name: "test the connection", path: "/app/settings", form: () => settingsForm("test"), changesOwn: false },
    ],
  },
  "api.blocks.$block": {
    loads: [
      { path: `/api/blocks/customer?id=gid://shopify/Customer/${A.base + 1}`, params: { block: "customer" }, showsOwn: true },
      { path: `/api/blocks/customer?id=${SHARED_CUSTOMER_GID}`, params: { block: "customer" }, showsOwn: true },
      { path: `/api/blocks/customer?id=gid://shopify/Customer/${B.base + 1}`, params: { block: "customer" } },
      { path: `/api/blocks/customer?id=gid://shopify/Customer/${B.base + 2}`, params: { block: "customer" } },
      { path: `/api/blocks/product?id=gid://shopify/Product/${A.base + 3}`, params: { block: "product" }, showsOwn: true },
      { path: `/api/blocks/product?id=gid://shopify/Product/${B.base + 3}`, params: { block: "product" } },
    ],
    posts: [
      { name: "write", path: "/api/blocks/customer", params: { block: "customer" }, form: (r) => ({ id: r.customerUploadGid }), changesOwn: false },
      { name: "preflight", path: "/api/blocks/customer", params: { block: "customer" }, form: () => ({}), changesOwn: false, method: "OPTIONS" },
    ],
  },
};

type Handler = Parameters<typeof callRoute>[0];
interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

async function routeModule(name: string): Promise<RouteModule> {
  const file = ROUTE_FILES.get(name);
  if (!file) throw new Error(`No route file ${name}`);
  return (await import(file)) as RouteModule;
}

function formBody(form: Form): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  return body;
}

/** Shop A's request for a post; OPTIONS is the browser's preflight, which carries no token. */
function postRequest(post: Post, form: Form): Request {
  if (post.method === "OPTIONS") {
    return new Request(new URL(post.path, "https://joor-sync.test"), {
      method: "OPTIONS",
      headers: { Origin: "https://extensions.shopifycdn.com", "Access-Control-Request-Method": "GET" },
    });
  }
  return adminRequest(post.path, { shop: A.shop, form });
}

/** A's token, but the URL names shop B (the parameters a tampered link would carry). */
function namingOtherShop(request: Request): Request {
  const url = new URL(request.url);
  url.searchParams.set("shop", B.shop);
  url.searchParams.set("host", adminHost(B.shop));
  return new Request(url, request);
}

type Credential = "none" | "embedded parameters only" | "forged" | "expired" | "another app's";

const CREDENTIALS: Credential[] = ["none", "embedded parameters only", "forged", "expired", "another app's"];

/** A request to `target` carrying the given (missing or invalid) credential. */
function withoutValidToken(target: string, credential: Credential, body?: URLSearchParams): Request {
  const url = new URL(target, "https://joor-sync.test");
  const headers = new Headers(body ? { "Content-Type": "application/x-www-form-urlencoded" } : {});
  const tokens: Record<Exclude<Credential, "none" | "embedded parameters only">, string> = {
    forged: mintSessionToken({ shop: A.shop, apiKey: API_KEY, apiSecret: "not-the-app-secret" }),
    expired: mintSessionToken({ shop: A.shop, apiKey: API_KEY, apiSecret: API_SECRET }, Date.now() - 2 * 3_600_000),
    "another app's": mintSessionToken({ shop: A.shop, apiKey: "another-app", apiSecret: API_SECRET }),
  };
  if (credential !== "none") {
    url.searchParams.set("shop", A.shop);
    url.searchParams.set("host", adminHost(A.shop));
    url.searchParams.set("embedded", "1");
  }
  if (credential !== "none" && credential !== "embedded parameters only") {
    url.searchParams.set("id_token", tokens[credential]);
    headers.set("Authorization", `Bearer ${tokens[credential]}`);
  }
  return new Request(url, { method: body ? "POST" : "GET", headers, body });
}

function withoutEchoes(text: string, echoes: string[] = []): string {
  if (echoes.length === 0) return text;
  const body = JSON.parse(text) as Record<string, unknown>;
  for (const key of echoes) delete body[key];
  return JSON.stringify(body);
}

/** Refused: never a 2xx; a redirect only into the app's own authentication; no shop's data in the answer. */
async function expectRefused(response: Response, what: string): Promise<void> {
  expect(response.status, `${what} must not succeed`).toBeGreaterThanOrEqual(300);
  if (response.status < 400) {
    const location = new URL(response.headers.get("Location") ?? "", "https://joor-sync.test");
    expect(`${location.origin}${location.pathname}`, `${what} redirects into the app's authentication`).toMatch(
      /^https:\/\/joor-sync\.test\/auth\/(login|session-token)$/,
    );
  }
  const text = await response.text();
  expect(text, what).not.toContain(A.mark);
  expect(text, what).not.toContain(B.mark);
}

let rows: { a: TenantRows; b: TenantRows };

beforeEach(async () => {
  await prisma.joorCreditMinute.deleteMany();
  rows = { a: await seedTenant(A), b: await seedTenant(B, { install: true }) };
  await prisma.shopSettings.update({ where: { shop: A.shop }, data: { options: tenantOptions(A) } });
});

const protectedNames = Object.keys(PROTECTED);
const postCases = protectedNames.flatMap((name) => PROTECTED[name]!.posts.map((post) => ({ name, post })));

describe("route inventory", () => {
  it("lists every route file in app/routes as public or protected, and nothing else", () => {
    expect([...ROUTE_FILES.keys()].sort()).toEqual([...Object.keys(PUBLIC), ...protectedNames].sort());
    expect(Object.keys(PUBLIC).filter((name) => protectedNames.includes(name))).toEqual([]);
  });

  it("gives the other shop rows in every table, and compares every table", async () => {
    harness();
    const snapshot = await snapshotTenant(B);
    expect(Object.keys(snapshot).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    expect(Object.entries(snapshot).filter(([, tableRows]) => tableRows.length === 0)).toEqual([]);
  });

  it.each(protectedNames)("%s: has a case for its loader and for its action", async (name) => {
    const module = await routeModule(name);
    expect(Boolean(module.loader), "a loader needs load cases and vice versa").toBe(PROTECTED[name]!.loads.length > 0);
    expect(Boolean(module.action), "an action needs post cases and vice versa").toBe(PROTECTED[name]!.posts.length > 0);
  });
});

describe("protected routes without a valid session token", () => {
  // One test per route: each builds both shops' data once and tries every loader and post with every credential.
  it.each(protectedNames)("%s: refused, nothing shown, nothing changed", async (name) => {
    harness();
    const { loader, action } = await routeModule(name);
    const before = { a: await snapshotTenant(A), b: await snapshotTenant(B) };
    for (const credential of CREDENTIALS) {
      for (const load of PROTECTED[name]!.loads) {
        await expectRefused(await callRoute(loader!, withoutValidToken(load.path, credential), load.params), `GET ${load.path}, ${credential}`);
      }
      for (const post of PROTECTED[name]!.posts.filter((candidate) => candidate.method !== "OPTIONS")) {
        const request = withoutValidToken(post.path, credential, formBody(await post.form(rows.a)));
        await expectRefused(await callRoute(action!, request, post.params), `${post.name}, ${credential}`);
      }
    }
    expect({ a: await snapshotTenant(A), b: await snapshotTenant(B) }).toEqual(before);
  });
});

describe("shop A signed in: nothing of shop B's", () => {
  it.each(protectedNames.filter((name) => PROTECTED[name]!.loads.length > 0))("%s: no loader shows any of B's data", async (name) => {
    harness();
    const { loader } = await routeModule(name);
    for (const load of PROTECTED[name]!.loads) {
      for (const request of [adminRequest(load.path, { shop: A.shop }), namingOtherShop(adminRequest(load.path, { shop: A.shop }))]) {
        const response = await callRoute(loader!, request, load.params);
        const text = withoutEchoes(await response.text(), load.echoes);
        for (const foreign of [B.mark, String(FOREIGN_MINUTE_CREDITS), "2031-03-03"]) {
          expect(text, `${load.path} shows ${foreign}`).not.toContain(foreign);
        }
        if (load.showsOwn) {
          expect(response.status, load.path).toBe(200);
          expect(text, `${load.path} shows the signed-in shop's rows`).toContain(A.mark);
        }
      }
    }
  });

  it.each(postCases)("$name action ($post.name) with B's ids changes none of B's rows", async ({ name, post }) => {
    harness();
    const { action } = await routeModule(name);
    const [before, own] = [await snapshotTenant(B), await snapshotTenant(A)];
    for (const request of [postRequest(post, await post.form(rows.b)), namingOtherShop(postRequest(post, await post.form(rows.b)))]) {
      const response = await callRoute(action!, request, post.params);
      expect(await response.text()).not.toContain(B.mark);
    }
    expect(await snapshotTenant(B)).toEqual(before);

    if (post.changesOwn) {
      await callRoute(action!, postRequest(post, await post.form(rows.a)), post.params);
      expect(await snapshotTenant(A), "the same post with A's own ids acts on A's rows").not.toEqual(own);
    }
  });
});

describe("public routes", () => {
  it("reads no shop's data in the health check", async () => {
    harness();
    const { loader } = await routeModule("healthz");
    const response = await callRoute(loader!, new Request("https://joor-sync.test/healthz"));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(A.mark);
    expect(text).not.toContain(B.mark);
  });

  it("only redirects from the root", async () => {
    harness();
    const { loader } = await routeModule("_index");
    const anonymous = await callRoute(loader!, new Request("https://joor-sync.test/"));
    expect([anonymous.status, anonymous.headers.get("Location")]).toEqual([302, "/auth/login"]);
    const fromShopify = await callRoute(loader!, new Request(`https://joor-sync.test/?shop=${B.shop}`));
    expect(fromShopify.status).toBe(302);
    expect(await fromShopify.text()).toBe("");
  });

  it("refuses a webhook signed with another secret, recording nothing", async () => {
    harness();
    const { action } = await routeModule("webhooks");
    const before = await snapshotTenant(B);
    const request = webhookRequest({
      url: "https://joor-sync.test/webhooks",
      topic: "customers/update",
      shop: B.shop,
      secret: "not-the-app-secret",
      payload: { id: B.base + 1 },
    });
    expect((await callRoute(action!, request)).status).toBe(401);
    expect(await snapshotTenant(B)).toEqual(before);
  });
});
