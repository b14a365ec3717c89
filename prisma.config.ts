import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqlitePath } from "./app/config/database-url";

// Prisma's Rust engines cannot be downloaded on every machine, so the CLI uses the JS engine and the schema
// engine runs migrations through this driver adapter.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url: sqlitePath() });
  },
});
