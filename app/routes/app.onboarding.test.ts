import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import type { FlowProgress } from "~/onboarding/steps";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { getShopConfiguration, loadJoorConnection } from "~/settings/settings.server";
import { TEST_JOOR_ACCOUNT } from "../../test/fakes/joor/harness";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";
import { loader as dashboardLoader } from "./app._index";
import { action, loader } from "./app.onboarding";

const harness = flowSuite({ register: () => undefined });

/** The harness installs its shop with JOOR connected; a first visit has nothing. */
async function forgetJoor(): Promise<void> {
  await prisma.shopSettings.update({ where: { shop: SHOP }, data: { joorAccountId: null, joorSecrets: null } });
}

interface LoaderBody {
  values: SettingsFormValues;
  connected: boolean;
  flows: FlowProgress[];
}

async function load(): Promise<LoaderBody> {
  return (await callRoute(loader, adminRequest("/app/onboarding", { shop: SHOP }))).json();
}

const CONNECTION: Partial<SettingsFormValues> = {
  joorEnvironment: "production",
  joorAccountId: JOOR_ACCOUNT,
  v2Token: TEST_JOOR_ACCOUNT.v2Token,
  v4ClientId: TEST_JOOR_ACCOUNT.v4.clientId,
  v4ClientSecret: TEST_JOOR_ACCOUNT.v4.clientSecret,
  v4Username: TEST_JOOR_ACCOUNT.v4.username,
  v4Password: TEST_JOOR_ACCOUNT.v4.password,
};

/** The whole form as onboarding posts it: the loader's values with what the merchant entered. */
async function post(changes: Partial<SettingsFormValues>, intent: "test" | "save") {
  const { values } = await load();
  const form: Record<string, string[]> = { intent: [intent] };
  for (const [name, value] of toFormEntries({ ...values, ...changes })) (form[name] ??= []).push(value);
  return callRoute(action, adminRequest("/app/onboarding", { shop: SHOP, form }));
}

describe("the dashboard on a first visit", () => {
  it("sends a shop without a JOOR connection to onboarding, keeping the embedded parameters", async () => {
    harness();
    await forgetJoor();
    const page = await callRoute(dashboardLoader, adminRequest("/app", { shop: SHOP }));
    expect(page.status).toBe(302);
    const location = new URL(page.headers.get("Location") ?? "", "https://joor-sync.test");
    expect(location.pathname).toBe("/app/onboarding");
    expect(location.searchParams.get("shop")).toBe(SHOP);
    expect(location.searchParams.get("id_token")).toBeTruthy();

    const data = await callRoute(dashboardLoader, adminRequest("/app?_data=routes%2Fapp._index", { shop: SHOP }));
    expect(new URL(data.headers.get("Location") ?? "", "https://joor-sync.test").searchParams.has("_data")).toBe(false);
  });

  it("opens as usual once JOOR is connected", async () => {
    harness();
    const page = await callRoute(dashboardLoader, adminRequest("/app", { shop: SHOP }));
    expect(page.status).toBe(200);
  });
});

describe("/app/onboarding", () => {
  it("starts a first visit from the default options, with nothing connected", async () => {
    harness();
    await forgetJoor();
    const body = await load();
    expect(body.connected).toBe(false);
    expect(body.values).toMatchObject({ joorAccountId: "", v2Token: "", customerTags: "JOOR_ENABLED", productTag: "JOOR_ENABLED", catalogEnabled: false });
  });

  it("tests the entered connection against JOOR and shows JOOR's answer, saving nothing", async () => {
    harness();
    await forgetJoor();
    const refused = await (await post({ ...CONNECTION, v4Password: "wrong" }, "test")).json();
    expect(refused.result.v2).toEqual({ ok: true });
    expect(refused.result.v4.ok).toBe(false);
    expect(refused.result.v4.message).toMatch(/\S/);
    const accepted = await (await post(CONNECTION, "test")).json();
    expect(accepted.result).toEqual({ v2: { ok: true }, v4: { ok: true } });
    expect(await loadJoorConnection(SHOP)).toBeNull();

    const empty = await post({}, "test");
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors.joorAccountId).toBe("Enter the JOOR account id");
  });

  it("refuses a setup with a flow missing the catalog, and saves nothing", async () => {
    harness();
    await forgetJoor();
    const response = await post({ ...CONNECTION, inventoryEnabled: true }, "save");
    expect(response.status).toBe(400);
    expect((await response.json()).errors.inventoryEnabled).toMatch(/catalog/);
    expect(await loadJoorConnection(SHOP)).toBeNull();
  });

  it("saves the connection, flows and tags together and starts the first syncs, whose progress it then shows", async () => {
    harness();
    await forgetJoor();
    const response = await post({ ...CONNECTION, customersEnabled: true, catalogEnabled: true, productTag: "WHOLESALE" }, "save");
    expect(response.status).toBe(200);
    expect((await response.json()).startedTasks).toEqual([TaskKind.customersBackfill, TaskKind.catalogBackfill]);
    expect((await loadJoorConnection(SHOP))?.accountId).toBe(JOOR_ACCOUNT);
    const configuration = await getShopConfiguration(SHOP);
    expect(configuration?.flows).toMatchObject({ customers: true, catalog: true, inventory: false });
    expect(configuration?.options.productTag).toBe("WHOLESALE");

    await prisma.syncState.create({ data: { shop: SHOP, kind: "product", gid: "gid://shopify/Product/1", status: "synced" } });
    const body = await load();
    expect(body.connected).toBe(true);
    const catalog = body.flows.find((candidate) => candidate.key === "catalog");
    expect(catalog).toMatchObject({ enabled: true, counts: { synced: 1 } });
    expect(catalog?.tasks.map((task) => [task.kind, task.status])).toEqual([[TaskKind.catalogBackfill, "scheduled"]]);
    expect(JSON.stringify(body)).not.toContain(TEST_JOOR_ACCOUNT.v4.password);
  });
});
