/**
 * Malformed settings (./settings/malformed.json) posted through the settings route exactly as the page posts
 * the form, each with every sync switched on and a secret typed in: the answer puts one error on the field at
 * fault, and nothing is saved (no setting, no secret, no sync started). Connection fields are also tried with
 * "Test connection", which must not reach JOOR with them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { parseSettingsForm } from "~/settings/form";
import { toFormEntries, type SettingsField, type SettingsFormValues } from "~/settings/form-fields";
import { loadJoorConnection } from "~/settings/settings.server";
import { flowSuite, SHOP } from "../flows/harness";
import { adminRequest, callRoute } from "../routes/admin-request";

const harness = flowSuite({ register: () => undefined });

interface MalformedSettings {
  name: string;
  changes: Partial<Record<SettingsField, string | string[]>>;
  field: SettingsField;
  message: string;
}

const CASES = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "settings", "malformed.json"), "utf8"),
) as MalformedSettings[];

const CONNECTION_FIELDS: SettingsField[] = ["joorEnvironment", "joorAccountId", "v2Token", "v4ClientId", "v4ClientSecret", "v4Username", "v4Password"];

/** What the page would post: the loader's values, every sync on, a secret typed in, then the case's changes. */
async function pageValues(changes: MalformedSettings["changes"]): Promise<SettingsFormValues> {
  const { loader } = await import("~/routes/app.settings");
  const { values } = (await (await callRoute(loader, adminRequest("/app/settings", { shop: SHOP }))).json()) as { values: SettingsFormValues };
  return {
    ...values,
    customersEnabled: true,
    catalogEnabled: true,
    inventoryEnabled: true,
    ordersEnabled: true,
    v2Token: "typed-but-refused-token",
    ...(changes as Partial<SettingsFormValues>),
  };
}

async function post(values: SettingsFormValues, intent: "save" | "test") {
  const form: Record<string, string[]> = { intent: [intent] };
  for (const [name, value] of toFormEntries(values)) (form[name] ??= []).push(value);
  const { action } = await import("~/routes/app.settings");
  const response = await callRoute(action, adminRequest("/app/settings", { shop: SHOP, form }));
  return { status: response.status, body: (await response.json()) as { errors: Record<string, string> } };
}

async function stored() {
  return {
    settings: await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } }),
    tasks: await prisma.scheduledTask.findMany({ where: { shop: SHOP } }),
  };
}

describe("malformed settings", () => {
  it.each(CASES)("$name: an error on $field, nothing saved", async ({ changes, field, message }) => {
    const h = harness();
    const before = await stored();
    const values = await pageValues(changes);

    // The route's parser alone gives the same answer as the whole route.
    const credentials = (await loadJoorConnection(SHOP))?.credentials ?? null;
    expect(parseSettingsForm(new URLSearchParams(toFormEntries(values)), credentials)).toEqual({ ok: false, errors: { [field]: message } });
    const saved = await post(values, "save");
    expect(saved.status).toBe(400);
    expect(saved.body.errors).toEqual({ [field]: message });
    expect(await stored()).toEqual(before);

    if (CONNECTION_FIELDS.includes(field)) {
      const calls = h.joor.calls.length;
      const tested = await post(values, "test");
      expect(tested.status).toBe(400);
      expect(tested.body.errors).toEqual({ [field]: message });
      expect(h.joor.calls.length).toBe(calls);
      expect(await stored()).toEqual(before);
    }
  });

  it("reads a file posted in place of a field as empty, with the error on that field", async () => {
    harness();
    const before = await stored();
    const form = new FormData();
    form.append("intent", "save");
    for (const [name, value] of toFormEntries(await pageValues({}))) if (name !== "productTag") form.append(name, value);
    form.append("productTag", new File(["JOOR_ENABLED"], "tag.txt", { type: "text/plain" }));
    const signed = adminRequest("/app/settings", { shop: SHOP });
    const { action } = await import("~/routes/app.settings");
    const response = await callRoute(action, new Request(signed.url, { method: "POST", headers: { Authorization: signed.headers.get("Authorization") ?? "" }, body: form }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual({ productTag: "Enter a tag" });
    expect(await stored()).toEqual(before);
  });
});
