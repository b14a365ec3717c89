/**
 * Rotating the encryption key of the stored JOOR credentials: the new key goes in ENCRYPTION_KEY and the old
 * one in ENCRYPTION_KEYS_PREVIOUS. Stored credentials keep opening, the next save of the settings (secrets
 * left empty, as the page posts them) seals them under the new key, and the old key can then be retired.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { needsResealing, open } from "~/crypto.server";
import { prisma } from "~/db.server";
import { formValuesFrom } from "./form";
import { toFormEntries } from "./form-fields";
import { readStoredSettings } from "./form.server";
import type { JoorCredentials } from "./joor-credentials";
import { saveSettingsForm } from "./save.server";
import { loadJoorConnection, saveJoorConnection } from "./settings.server";

const OLDEST = randomBytes(32).toString("hex");
const OLD = randomBytes(32).toString("base64");
const NEW = randomBytes(32).toString("hex");

const CREDENTIALS: JoorCredentials = {
  v2Token: "rotation-v2-token",
  v4: { clientId: "joor-sync", clientSecret: "rotation-client-secret", username: "brand@example.com", password: "rotation-password" },
};

function useKeys(current: string, previous: string[] = []): void {
  vi.stubEnv("ENCRYPTION_KEY", current);
  vi.stubEnv("ENCRYPTION_KEYS_PREVIOUS", previous.join(", "));
}

async function sealedFor(shop: string): Promise<string> {
  return (await prisma.shopSettings.findUniqueOrThrow({ where: { shop } })).joorSecrets ?? "";
}

async function connect(shop: string): Promise<string> {
  await saveJoorConnection(shop, { environment: "production", accountId: "4711", credentials: CREDENTIALS });
  return sealedFor(shop);
}

afterEach(() => vi.unstubAllEnvs());

describe("encryption key rotation", () => {
  it("opens credentials sealed under a previous key, re-seals them on the next save, and then needs the new key only", async () => {
    const shop = "rotation.myshopify.com";
    useKeys(OLD);
    const underOld = await connect(shop);

    useKeys(NEW, [OLD]);
    expect(needsResealing(underOld)).toBe(true);
    expect((await loadJoorConnection(shop))?.credentials).toEqual(CREDENTIALS);
    const stored = await readStoredSettings(prisma, shop);
    expect(stored.credentialsUnreadable).toBe(false);

    // The page posts every secret empty: the stored ones are kept, sealed afresh.
    const saved = await saveSettingsForm(shop, new URLSearchParams(toFormEntries(formValuesFrom(stored))));
    expect(saved).toMatchObject({ ok: true });
    const underNew = await sealedFor(shop);
    expect(underNew).not.toBe(underOld);
    expect(needsResealing(underNew)).toBe(false);
    expect(underNew).not.toContain(CREDENTIALS.v2Token);

    useKeys(NEW);
    expect((await loadJoorConnection(shop))?.credentials).toEqual(CREDENTIALS);
    expect(() => open(underOld)).toThrow(/not configured/);
  });

  it("keeps several previous keys, in any order, each opening what it sealed", async () => {
    useKeys(OLDEST);
    const underOldest = await connect("oldest.myshopify.com");
    useKeys(OLD);
    const underOld = await connect("old.myshopify.com");

    useKeys(NEW, [OLD, OLDEST]);
    expect(JSON.parse(open(underOldest))).toEqual(CREDENTIALS);
    expect(JSON.parse(open(underOld))).toEqual(CREDENTIALS);
  });

  it("shows credentials sealed under a retired key as unreadable, asking for them again, without failing", async () => {
    const shop = "not-resaved.myshopify.com";
    useKeys(OLD);
    await connect(shop);

    useKeys(NEW);
    const stored = await readStoredSettings(prisma, shop);
    expect(stored).toMatchObject({ credentials: null, credentialsUnreadable: true, accountId: "4711" });
    await expect(loadJoorConnection(shop)).rejects.toThrow(/not configured/);
  });
});
