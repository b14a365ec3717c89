import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * JOOR credentials at rest: AES-256-GCM with a 32-byte key from `ENCRYPTION_KEY` (base64 or hex).
 * Each envelope names the key it was sealed with, so `ENCRYPTION_KEYS_PREVIOUS` (comma-separated) can hold
 * retired keys during a rotation: old envelopes still open, and every new seal uses the current key.
 * Outside production a fixed development key is used when none is set; production refuses to start without one.
 */
const FORMAT = "v1";
const DEVELOPMENT_KEY = createHash("sha256").update("joor-sync development key (not secret)").digest();

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(text: string): Key {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (bytes.length !== 32) throw new Error("An encryption key must be 32 bytes, given as base64 or 64 hex digits");
  return { id: keyId(bytes), bytes };
}

function keyId(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 8);
}

function currentKey(): Key {
  const configured = process.env.ENCRYPTION_KEY;
  if (configured) return parseKey(configured);
  if (process.env.NODE_ENV === "production") {
    throw new Error("ENCRYPTION_KEY is not set: JOOR credentials cannot be stored safely");
  }
  return { id: keyId(DEVELOPMENT_KEY), bytes: DEVELOPMENT_KEY };
}

function allKeys(): Key[] {
  const previous = (process.env.ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .filter((k) => k.trim() !== "")
    .map(parseKey);
  return [currentKey(), ...previous];
}

/** Throws when the configuration cannot protect secrets; called at startup so production fails fast. */
export function assertEncryptionConfigured(): void {
  allKeys();
}

export function seal(plaintext: string): string {
  const key = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, key.id, iv.toString("base64"), tag.toString("base64"), body.toString("base64")].join(":");
}

export function open(envelope: string): string {
  const [format, id, iv, tag, body] = envelope.split(":");
  if (format !== FORMAT || !id || !iv || !tag || body === undefined) throw new Error("Not an encrypted value");
  const key = allKeys().find((k) => k.id === id);
  if (!key) throw new Error("The key that sealed this value is not configured");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

/** True when the envelope was sealed with a key other than the current one (it should be re-sealed). */
export function needsResealing(envelope: string): boolean {
  return envelope.split(":")[1] !== currentKey().id;
}
