import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseDialect, databaseUrl, PRISMA_SCHEMAS, sqlitePath } from "./app/config/database-url";
import { postgresAdapter } from "./app/db/postgres-adapter.server";

// Prisma's Rust engines cannot be downloaded on every machine, so the CLI uses the JS engine and the schema
// engine runs migrations through this driver adapter. DATABASE_URL picks the dialect: its schema (with the
// migrations beside it) and its adapter.
const dialect = databaseDialect();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: PRISMA_SCHEMAS[dialect],
  async adapter() {
    if (dialect === "sqlite") return new PrismaBetterSQLite3({ url: sqlitePath() });
    // The CLI never closes the adapter: idle connections must not keep the process alive once it is done.
    return postgresAdapter(databaseUrl(), { allowExitOnIdle: true });
  },
});
