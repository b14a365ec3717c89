import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

/**
 * Every test file gets its own database with the committed migrations applied, so files run in parallel
 * without sharing state, and the migrations themselves are exercised by every run:
 * - by default a SQLite file in a temp dir, migrated here;
 * - under `npm run test:postgres` (scripts/with-postgres.mjs sets TEST_POSTGRES_TEMPLATE_URL to a migrated
 *   database on a throwaway server) a new PostgreSQL database copied from that one.
 */
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://joor-sync.test";
process.env.LOG_LEVEL ??= "error";

const template = process.env.TEST_POSTGRES_TEMPLATE_URL;
if (template) {
  const url = new URL(template);
  const source = decodeURIComponent(url.pathname.slice(1));
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  // Connected to the maintenance database: PostgreSQL copies a template only while nobody is connected to it.
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.href;
} else {
  const dir = mkdtempSync(path.join(tmpdir(), "joor-sync-test-"));
  const file = path.join(dir, "test.sqlite");
  process.env.DATABASE_URL = `file:${file}`;
  const migrations = path.resolve(__dirname, "../prisma/migrations");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  for (const name of readdirSync(migrations).filter((n) => /^\d/.test(n)).sort()) {
    db.exec(readFileSync(path.join(migrations, name, "migration.sql"), "utf8"));
  }
  db.close();
}
