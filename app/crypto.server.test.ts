import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { assertEncryptionConfigured, needsResealing, open, seal } from "./crypto.server";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("hex");

afterEach(() => vi.unstubAllEnvs());

describe("credential encryption", () => {
  it("round-trips and never stores the plaintext", () => {
    vi.stubEnv("ENCRYPTION_KEY", keyA);
    const envelope = seal("v2-token-1234");
    expect(envelope).not.toContain("v2-token-1234");
    expect(open(envelope)).toBe("v2-token-1234");
    expect(seal("same")).not.toBe(seal("same"));
  });

  it("detects tampering", () => {
    vi.stubEnv("ENCRYPTION_KEY", keyA);
    const parts = seal("secret").split(":");
    const body = Buffer.from(parts[4], "base64");
    body[0] ^= 1;
    parts[4] = body.toString("base64");
    expect(() => open(parts.join(":"))).toThrow();
  });

  it("opens values sealed with a previous key during a rotation, and seals with the new one", () => {
    vi.stubEnv("ENCRYPTION_KEY", keyA);
    const old = seal("secret");
    vi.stubEnv("ENCRYPTION_KEY", keyB);
    expect(() => open(old)).toThrow(/not configured/);
    vi.stubEnv("ENCRYPTION_KEYS_PREVIOUS", keyA);
    expect(open(old)).toBe("secret");
    expect(needsResealing(old)).toBe(true);
    expect(needsResealing(seal("secret"))).toBe(false);
  });

  it("refuses to run in production without a key, and rejects a short key", () => {
    vi.stubEnv("ENCRYPTION_KEY", "");
    vi.stubEnv("NODE_ENV", "production");
    expect(() => assertEncryptionConfigured()).toThrow(/ENCRYPTION_KEY is not set/);
    vi.stubEnv("ENCRYPTION_KEY", randomBytes(16).toString("base64"));
    expect(() => assertEncryptionConfigured()).toThrow(/32 bytes/);
    vi.stubEnv("ENCRYPTION_KEY", keyA);
    expect(() => assertEncryptionConfigured()).not.toThrow();
  });
});
