/**
 * No secret ever reaches a log line. One full run with every flow, at debug level, with everything the app and
 * the Shopify library print captured: settings saved and the connection tested through the routes (secrets
 * typed in), a customer, a product, a stock change and a JOOR order synced through the real handlers, and the
 * error paths (a v4 token JOOR no longer accepts, a revoked v2 token, JOOR server errors retried and given up
 * on, a mistyped password in the connection test). Then every captured line is searched for each secret.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerCatalogSync } from "~/catalog/register.server";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { registerInventorySync } from "~/inventory/sync.server";
import { v2AuthorizationHeader } from "~/joor/auth.server";
import { setLogSink, type LogSink } from "~/logger.server";
import { registerOrderImport } from "~/orders/poll.server";
import { armOrdersPoll } from "~/orders/schedule.server";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { TEST_JOOR_ACCOUNT } from "../fakes/joor/harness";
import { webhookRequest } from "../fakes/shopify/webhooks";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "../flows/harness";
import { adminRequest, callRoute } from "../routes/admin-request";

const harness = flowSuite({
  register(registry, services) {
    registerCustomerSync(registry, services);
    registerCatalogSync(registry, services);
    registerInventorySync(registry, services);
    registerOrderImport(registry, services);
  },
  shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } },
  // A small credit window: JOOR answers 429 during the run, and the rate-limit path logs.
  joor: { credits: { limit: 12, windowSeconds: 60 } },
});

const KEY = randomBytes(32);
const ROTATED_KEY = randomBytes(32);
const MISTYPED_PASSWORD = "mistyped-password-8812";
/** Every session token the tests mint starts with this header ({"alg":"HS256",…} in base64url). */
const JWT_PREFIX = "eyJhbGciOi";
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug"] as const;

const lines: string[] = [];
let previousSink: LogSink;

beforeAll(() => {
  vi.stubEnv("ENCRYPTION_KEY", KEY.toString("base64"));
  vi.stubEnv("LOG_LEVEL", "debug");
  previousSink = setLogSink((line) => lines.push(line));
  // The Shopify library prints through the console: captured too.
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    });
  }
});
afterAll(() => {
  setLogSink(previousSink);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Every answer the settings routes gave, as text: searched for secrets with the log lines. */
const replies: string[] = [];

async function settingsPage(): Promise<{ values: SettingsFormValues; credentialsUnreadable: boolean }> {
  const { loader } = await import("~/routes/app.settings");
  const text = await (await callRoute(loader, adminRequest("/app/settings", { shop: SHOP }))).text();
  replies.push(text);
  return JSON.parse(text) as { values: SettingsFormValues; credentialsUnreadable: boolean };
}

/** The settings form as the page posts it: what the loader sent, with `changes` typed in. */
async function postSettings(changes: Partial<SettingsFormValues>, intent: "save" | "test"): Promise<{ status: number; body: unknown }> {
  const { action } = await import("~/routes/app.settings");
  const { values } = await settingsPage();
  const form: Record<string, string[]> = { intent: [intent] };
  for (const [name, value] of toFormEntries({ ...values, ...changes })) (form[name] ??= []).push(value);
  const response = await callRoute(action, adminRequest("/app/settings", { shop: SHOP, form }));
  const text = await response.text();
  replies.push(text);
  return { status: response.status, body: JSON.parse(text) };
}

/** Lets JOOR finish and validate what was submitted, then runs everything due. */
async function syncAll(h: FlowHarness): Promise<void> {
  await h.drain({ horizonMs: 10 * 60_000 });
  h.joor.finishBulkJobs(JOOR_ACCOUNT);
  h.joor.validateConnections(JOOR_ACCOUNT);
  await h.drain({ horizonMs: 10 * 60_000 });
}

async function pollOrders(h: FlowHarness): Promise<void> {
  await armOrdersPoll(prisma, SHOP, 60, h.clock.date());
  await h.drain({ horizonMs: 30 * 60_000 });
}

describe("secrets in the logs of a full run", () => {
  it("never appear, while the run logs its work and its errors", async () => {
    const h = harness();
    // Every delivery is sent twice: the intake logs the duplicate (debug).
    h.webhooks({ duplicateSameId: 1 });
    const account = h.joor.account(JOOR_ACCOUNT);
    const priceTypeId = [...account.priceTypes.keys()][0];

    // Settings through the route, every secret typed in, every flow on.
    const saved = await postSettings(
      {
        v2Token: TEST_JOOR_ACCOUNT.v2Token,
        v4ClientSecret: TEST_JOOR_ACCOUNT.v4.clientSecret,
        v4Password: TEST_JOOR_ACCOUNT.v4.password,
        customersEnabled: true,
        catalogEnabled: true,
        inventoryEnabled: true,
        ordersEnabled: true,
        priceTypeId,
        wholesalePercentOfRetail: "50",
        ordersPollMinutes: "60",
      },
      "save",
    );
    expect(saved).toMatchObject({ status: 200, body: { errors: {} } });
    expect((await postSettings({}, "test")).body).toMatchObject({ result: { v2: { ok: true }, v4: { ok: true } } });
    expect((await postSettings({ v4Password: MISTYPED_PASSWORD }, "test")).body).toMatchObject({ result: { v4: { ok: false } } });

    // A customer, a product with stock, a stock change and an approved order, each synced by its flow.
    const customer = h.shop.createCustomer({ firstName: "Lena", lastName: "Vogt", email: "lena@vogt.example", tags: ["JOOR_ENABLED"] });
    const product = h.shop.createProduct({
      title: "Linen Shirt",
      tags: ["JOOR_ENABLED"],
      options: ["Color", "Size"],
      variants: [
        { options: ["White", "S"], barcode: "990000000001", sku: "LS-W-S", price: "80.00", inventory: 5 },
        { options: ["White", "M"], barcode: "990000000002", sku: "LS-W-M", price: "80.00", inventory: 5 },
      ],
    });
    await syncAll(h);
    expect((await prisma.syncState.findMany({ where: { shop: SHOP } })).map((state) => state.status)).not.toContain("failed");
    h.shop.setInventory({ variantId: product.variantIds[0], available: 2 });
    await syncAll(h);
    h.joor.addOrder(JOOR_ACCOUNT, {
      status: "APPROVED",
      fields: { order_currency: "USD", customer_code: customer.id, customer_name: "Vogt Boutique" },
      lines: [{ item_upc: "990000000001", item_quantity: 2, item_price: 40 }],
    });
    await pollOrders(h);
    expect(await prisma.orderImport.findMany({ where: { shop: SHOP }, select: { status: true } })).toEqual([{ status: "imported" }]);

    // JOOR's errors: an expired v4 token (logged in again), server errors (retried, then given up on), and a
    // revoked v2 token (the record fails for good).
    h.joor.expireAccessTokens();
    h.shop.updateProduct(product.id, { title: "Linen Shirt, relaxed" });
    h.joor.faults.failNext = 2;
    await syncAll(h);
    h.joor.faults.failNext = 50;
    h.shop.updateCustomer(customer.id, { lastName: "Vogt-Maier" });
    await h.drain({ horizonMs: 1_000 });
    h.joor.faults.failNext = 0;
    account.v2Token = "revoked-in-joor";
    await syncAll(h);
    const customerState = await prisma.syncState.findFirstOrThrow({ where: { shop: SHOP, kind: "customer" } });
    expect(customerState.lastError).toMatch(/401/);
    account.v2Token = TEST_JOOR_ACCOUNT.v2Token;

    // Shopify's errors: server errors retried, and a webhook that fails its signature check.
    h.shopify.setFaults({ failNext: 2 });
    h.shop.updateProduct(product.id, { title: "Linen Shirt, slim" });
    await syncAll(h);
    const { action: intake } = await import("~/routes/webhooks");
    const forged = webhookRequest({ url: "https://joor-sync.test/webhooks", topic: "products/update", shop: SHOP, secret: "guessed", payload: { id: 1 } });
    expect((await callRoute(intake, forged)).status).toBe(401);

    // The key is rotated without keeping the old one: the stored credentials cannot be opened (logged), and
    // the merchant enters them again.
    vi.stubEnv("ENCRYPTION_KEY", ROTATED_KEY.toString("hex"));
    expect((await settingsPage()).credentialsUnreadable).toBe(true);
    const retyped = await postSettings(
      {
        v2Token: TEST_JOOR_ACCOUNT.v2Token,
        v4ClientId: TEST_JOOR_ACCOUNT.v4.clientId,
        v4ClientSecret: TEST_JOOR_ACCOUNT.v4.clientSecret,
        v4Username: TEST_JOOR_ACCOUNT.v4.username,
        v4Password: TEST_JOOR_ACCOUNT.v4.password,
      },
      "save",
    );
    expect(retyped).toMatchObject({ status: 200, body: { errors: {} } });

    const accessToken = (await prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).accessToken;
    const issuedJoorTokens = [...h.joor.state.accessTokens.keys(), ...h.joor.state.refreshTokens.keys()];
    const secrets: Record<string, string> = {
      "the v2 token": TEST_JOOR_ACCOUNT.v2Token,
      "the v2 Authorization header": v2AuthorizationHeader(TEST_JOOR_ACCOUNT.v2Token),
      "the v2 token in base64": Buffer.from(TEST_JOOR_ACCOUNT.v2Token).toString("base64"),
      "the v4 client secret": TEST_JOOR_ACCOUNT.v4.clientSecret,
      "the v4 password": TEST_JOOR_ACCOUNT.v4.password,
      "the mistyped password": MISTYPED_PASSWORD,
      "the Shopify access token": accessToken,
      "the Shopify app secret": process.env.SHOPIFY_API_SECRET ?? "",
      "the encryption key (base64)": KEY.toString("base64"),
      "the encryption key (hex)": KEY.toString("hex"),
      "the new encryption key (base64)": ROTATED_KEY.toString("base64"),
      "the new encryption key (hex)": ROTATED_KEY.toString("hex"),
      "a session token": JWT_PREFIX,
      ...Object.fromEntries(issuedJoorTokens.map((token, index) => [`JOOR token ${index + 1}`, token])),
    };
    expect(issuedJoorTokens.length).toBeGreaterThan(2);

    // The run logged its work and its errors at every level: the search below covers real output.
    const entries = lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as { level?: string; msg?: string }];
      } catch {
        return [];
      }
    });
    const levels = new Set(entries.map((entry) => entry.level));
    expect(["debug", "info", "warn"].filter((level) => !levels.has(level))).toEqual([]);
    const messages = entries.map((entry) => entry.msg ?? "");
    for (const logged of [/server error; retrying/, /Shopify request failed/, /rate limit/, /HMAC invalid/, /could not be opened/]) {
      expect(messages.some((message) => logged.test(message)), String(logged)).toBe(true);
    }
    expect(lines.some((line) => line.includes("[shopify-app/"))).toBe(true);

    // What the merchant reads is a log too: every stored reason and message, and the routes' replies.
    const stored = [
      ...(await prisma.activityEvent.findMany({ where: { shop: SHOP } })).map((event) => `${event.message ?? ""} ${event.details ?? ""}`),
      ...(await prisma.syncState.findMany({ where: { shop: SHOP } })).map((state) => `${state.lastError ?? ""} ${state.details ?? ""}`),
      ...(await prisma.scheduledTask.findMany({ where: { shop: SHOP } })).map((task) => `${task.lastError ?? ""} ${task.state ?? ""}`),
      ...(await prisma.orderImport.findMany({ where: { shop: SHOP } })).map((order) => `${order.reason ?? ""} ${order.details ?? ""}`),
    ];
    expect(stored.some((text) => text.includes("401")), "the revoked token's refusal is recorded").toBe(true);

    const leaks = Object.entries(secrets).flatMap(([name, secret]) =>
      [...lines, ...stored, ...replies].filter((line) => line.includes(secret)).map((line) => `${name}: ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
