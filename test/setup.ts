import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Every test file gets its own SQLite database with the committed migrations applied, so files run in
 * parallel without sharing state, and the migrations themselves are exercised by every run.
 */
const dir = mkdtempSync(path.join(tmpdir(), "joor-sync-test-"));
const file = path.join(dir, "test.sqlite");
process.env.DATABASE_URL = `file:${file}`;
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://joor-sync.test";
process.env.LOG_LEVEL ??= "error";

const migrations = path.resolve(__dirname, "../prisma/migrations");
const db = new Database(file);
db.pragma("journal_mode = WAL");
for (const name of readdirSync(migrations).filter((n) => /^\d/.test(n)).sort()) {
  db.exec(readFileSync(path.join(migrations, name, "migration.sql"), "utf8"));
}
db.close();
