/**
 * The settings page rendered to HTML from given loader and action data (no browser): what the merchant sees for
 * saved secrets, field errors and lookups that failed. react-router-dom is the router under @remix-run/react.
 */
import { AppProvider } from "@shopify/polaris";
import english from "@shopify/polaris/locales/en.json";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { formValuesFrom } from "~/settings/form";
import { flowOptionsSchema } from "~/settings/options";
import Settings from "./app.settings";

const CREDENTIALS = {
  v2Token: "v2-secret",
  v4: { clientId: "client-id", clientSecret: "client-secret", username: "brand@example.com", password: "pw-secret" },
};

function loaderData(overrides: Record<string, unknown> = {}) {
  const options = { ...flowOptionsSchema.parse({}), priceTypeId: "9", inventoryLocationIds: ["gid://shopify/Location/5"] };
  return {
    values: formValuesFrom({
      environment: "production",
      accountId: "4711",
      credentials: CREDENTIALS,
      flows: { customers: true, catalog: false, inventory: false, orders: false },
      options,
    }),
    savedSecrets: { v2Token: true, v4ClientSecret: true, v4Password: false },
    credentialsUnreadable: false,
    locations: { ok: true, value: [{ id: "gid://shopify/Location/1", name: "Main store" }] },
    priceTypes: { ok: true, value: [{ id: "9", label: "Wholesale USD · USD" }] },
    ...overrides,
  };
}

function render(data: ReturnType<typeof loaderData>, actionData?: unknown): string {
  const router = createMemoryRouter([{ id: "settings", path: "/", element: h(Settings) }], {
    hydrationData: { loaderData: { settings: data }, actionData: actionData === undefined ? undefined : { settings: actionData } },
  });
  return renderToString(h(AppProvider, { i18n: english }, h(RouterProvider, { router })));
}

describe("the settings page", () => {
  it("shows saved secrets as saved, with a field to replace them, and never their values", () => {
    const html = render(loaderData());
    expect(html).toContain("Replace v2 API token");
    expect(html).toContain("Replace v4 client secret");
    expect(html).toContain("Saved ••••. Leave empty to keep it.");
    expect(html).not.toContain("Replace v4 password");
    expect(html).toContain("client-id");
    expect(html).not.toMatch(/v2-secret|client-secret|pw-secret/);
  });

  it("puts each error from a refused save on its field", () => {
    const html = render(loaderData(), {
      intent: "save",
      startedTasks: [],
      errors: { productTag: "Enter a tag", inventoryEnabled: "Inventory sync needs the catalog sync: turn on Catalog too" },
    });
    expect(html).toContain("Nothing was saved. Each problem is shown on its field.");
    expect(html).toMatch(/Product tag[\s\S]*Enter a tag/);
    expect(html).toMatch(/Inventory → JOOR[\s\S]*Inventory sync needs the catalog sync/);
  });

  it("names the first syncs a save started", () => {
    const html = render(loaderData(), { intent: "save", errors: {}, startedTasks: ["customers-backfill"] });
    expect(html).toContain("Settings saved");
    expect(html).toContain("The first customer sync has started.");
  });

  it("keeps the stored price type and location when JOOR and Shopify could not be asked", () => {
    const html = render(
      loaderData({
        priceTypes: { ok: false, message: "Could not load JOOR's price types: JOOR did not answer within 900 ms" },
        locations: { ok: false, message: "Could not read the shop's locations: Shopify is unreachable" },
      }),
    );
    expect(html).toContain("Could not load JOOR&#x27;s price types: JOOR did not answer within 900 ms");
    expect(html).toContain("Saved price type 9");
    expect(html).toContain("Could not read the shop&#x27;s locations: Shopify is unreachable");
    expect(html).toContain("gid://shopify/Location/5");
  });
});
