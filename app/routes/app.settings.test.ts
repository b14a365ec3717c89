import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { getShopConfiguration, loadJoorConnection } from "~/settings/settings.server";
import { TEST_JOOR_ACCOUNT } from "../../test/fakes/joor/harness";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";

const harness = flowSuite({ register: () => undefined });

const SECRETS = [TEST_JOOR_ACCOUNT.v2Token, TEST_JOOR_ACCOUNT.v4.clientSecret, TEST_JOOR_ACCOUNT.v4.password];

async function load() {
  const { loader } = await import("./app.settings");
  return callRoute(loader, adminRequest("/app/settings", { shop: SHOP }));
}

interface LoaderBody {
  values: SettingsFormValues;
  savedSecrets: Record<string, boolean>;
  locations: { ok: true; value: Array<{ id: string; name: string }> } | { ok: false; message: string };
  priceTypes: { ok: true; value: Array<{ id: string; label: string }> } | { ok: false; message: string };
}

/** The form exactly as the page would post it, from what the loader sent, with `changes` typed in. */
async function postForm(changes: Partial<SettingsFormValues>, intent = "save") {
  const { values } = (await (await load()).json()) as LoaderBody;
  const form: Record<string, string[]> = { intent: [intent] };
  for (const [name, value] of toFormEntries({ ...values, ...changes })) (form[name] ??= []).push(value);
  const { action } = await import("./app.settings");
  return callRoute(action, adminRequest("/app/settings", { shop: SHOP, form }));
}

const settingsRow = (shop: string) => prisma.shopSettings.findUniqueOrThrow({ where: { shop } });

describe("/app/settings loader", () => {
  it("shows the stored settings, JOOR's price types and the shop's locations, and never a secret", async () => {
    const h = harness();
    const warehouse = h.shop.addLocation("Warehouse");
    await h.configure({ customerTags: ["JOOR", "WHOLESALE"] }, { customers: true });

    const response = await load();
    expect(response.status).toBe(200);
    const raw = await response.text();
    for (const secret of SECRETS) expect(raw).not.toContain(secret);

    const body = JSON.parse(raw) as LoaderBody;
    expect(body.values).toMatchObject({
      joorEnvironment: "production",
      joorAccountId: JOOR_ACCOUNT,
      v4ClientId: TEST_JOOR_ACCOUNT.v4.clientId,
      v4Username: TEST_JOOR_ACCOUNT.v4.username,
      v2Token: "",
      v4ClientSecret: "",
      v4Password: "",
      customersEnabled: true,
      catalogEnabled: false,
      customerTags: "JOOR, WHOLESALE",
    });
    expect(body.savedSecrets).toEqual({ v2Token: true, v4ClientSecret: true, v4Password: true });
    expect(body.priceTypes).toEqual({ ok: true, value: [{ id: expect.any(String), label: "Wholesale USD · USD" }] });
    expect(body.locations.ok && body.locations.value.map((l) => l.name)).toEqual(["Shop location", "Warehouse"]);
    expect(body.locations.ok && body.locations.value[1]!.id).toBe(`gid://shopify/Location/${warehouse.id}`);
  });

  it("still answers when JOOR cannot be reached, keeping the stored price type and warning", async () => {
    const h = harness();
    await h.configure({ priceTypeId: "777" });
    h.joor.faults.match = /price_types/;
    h.joor.faults.failNext = 1;

    const response = await load();
    expect(response.status).toBe(200);
    const body = (await response.json()) as LoaderBody;
    expect(body.values.priceTypeId).toBe("777");
    expect(body.priceTypes.ok).toBe(false);
    expect(!body.priceTypes.ok && body.priceTypes.message).toMatch(/^Could not load JOOR's price types: .*503/);
  });
});

describe("/app/settings action", () => {
  it("saves options, switches and replaced credentials together", async () => {
    harness();
    const response = await postForm({
      catalogEnabled: true,
      inventoryEnabled: true,
      productTag: "WHOLESALE",
      ordersPollMinutes: "15",
      v2Token: "replaced-v2-token",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ intent: "save", errors: {}, startedTasks: [TaskKind.catalogBackfill] });

    const configuration = await getShopConfiguration(SHOP);
    expect(configuration?.flows).toEqual({ customers: false, catalog: true, inventory: true, orders: false });
    expect(configuration?.options).toMatchObject({ productTag: "WHOLESALE", ordersPollMinutes: 15 });
    const connection = await loadJoorConnection(SHOP);
    expect(connection?.credentials).toEqual({ v2Token: "replaced-v2-token", v4: TEST_JOOR_ACCOUNT.v4 });
    expect((await settingsRow(SHOP)).joorSecrets).not.toContain("replaced-v2-token");
  });

  it("returns field errors and saves nothing when a field is invalid", async () => {
    harness();
    const before = await settingsRow(SHOP);
    const response = await postForm({ customersEnabled: true, inventoryEnabled: true, productTag: "", v2Token: "typed-but-refused" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      intent: "save",
      startedTasks: [],
      errors: { productTag: "Enter a tag", inventoryEnabled: "Inventory sync needs the catalog sync: turn on Catalog too" },
    });
    expect(await settingsRow(SHOP)).toEqual(before);
    expect(await prisma.scheduledTask.count()).toBe(0);
  });

  it("starts the customers backfill once when customers is switched on, even if switched on again", async () => {
    const h = harness();
    const response = await postForm({ customersEnabled: true });
    expect(await response.json()).toMatchObject({ startedTasks: [TaskKind.customersBackfill] });
    const tasks = await prisma.scheduledTask.findMany({ where: { shop: SHOP, kind: { not: TaskKind.reconcileSweep } } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: TaskKind.customersBackfill, status: "scheduled", intervalSeconds: null });
    expect(tasks[0]!.nextRunAt.getTime()).toBeLessThanOrEqual(h.clock.now());

    // Off and on again while the first is still pending: still one task, still due now.
    await postForm({ customersEnabled: false });
    expect(await (await postForm({ customersEnabled: true })).json()).toMatchObject({ startedTasks: [TaskKind.customersBackfill] });
    expect(await prisma.scheduledTask.count({ where: { shop: SHOP, kind: TaskKind.customersBackfill } })).toBe(1);

    // Saving an option the customer mapping does not read starts nothing new; one it reads re-syncs.
    expect(await (await postForm({ ordersPollMinutes: "10" })).json()).toMatchObject({ startedTasks: [] });
    expect(await (await postForm({ salesRepCode: "REP-1" })).json()).toMatchObject({ startedTasks: [TaskKind.customersBackfill] });
  });

  it("leaves another shop's settings untouched", async () => {
    harness();
    const other = "other-brand.myshopify.com";
    await prisma.shopSettings.create({
      data: { shop: other, joorAccountId: "9999", joorSecrets: "v1:sealed:elsewhere", customersEnabled: false, options: '{"productTag":"OTHER"}' },
    });
    const before = await settingsRow(other);
    await postForm({ customersEnabled: true, catalogEnabled: true, productTag: "MINE", v4Password: "new-password" });
    expect(await settingsRow(other)).toEqual(before);
    expect(await prisma.scheduledTask.count({ where: { shop: other } })).toBe(0);
    expect((await getShopConfiguration(SHOP))?.options.productTag).toBe("MINE");
  });

  it("tests the connection as entered, without saving it, and shows JOOR's answer per API", async () => {
    harness();
    const good = await postForm({}, "test");
    expect(await good.json()).toEqual({ intent: "test", errors: {}, result: { v2: { ok: true }, v4: { ok: true } } });

    const before = await settingsRow(SHOP);
    const wrong = await postForm({ v4Password: "not-the-password" }, "test");
    const body = (await wrong.json()) as { result: { v2: { ok: boolean }; v4: { ok: boolean; message?: string } } };
    expect(body.result.v2).toEqual({ ok: true });
    expect(body.result.v4.ok).toBe(false);
    expect(body.result.v4.message).toMatch(/JOOR refused the v4 login/);
    expect(await settingsRow(SHOP)).toEqual(before);
  });

  it("answers a connection test with field errors when the connection is incomplete", async () => {
    harness();
    const response = await postForm({ v4ClientId: "" }, "test");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ intent: "test", result: null, errors: { v4ClientId: "Enter the v4 client id" } });
  });
});
