// Runs the Prisma CLI without its Rust engines. The schema uses the JS engine with a driver adapter
// (prisma.config.ts), so the engine binaries are never executed; pointing these variables at an existing
// file only stops the CLI from trying to download them, which fails on machines without internet access.
//
// DATABASE_URL picks the schema (prisma/schema.prisma for file:…, prisma/postgres/schema.prisma for
// postgresql://…). A plain `generate` builds both clients, because the dialect is chosen at run time.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const placeholder = fileURLToPath(import.meta.url);
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const args = process.argv.slice(2);

function run(databaseUrl) {
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    DATABASE_URL: databaseUrl,
  };
  const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);
  const preload = postgres ? ["--require", fileURLToPath(new URL("./unref-engine-timers.cjs", import.meta.url))] : [];
  const result = spawnSync(process.execPath, [...preload, cli, ...args], { stdio: "inherit", env });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
}

/**
 * A client generated to its own folder gets its own copy of Prisma's runtime, so `Prisma.sql` fragments and
 * Prisma's error classes from `@prisma/client` (which the app imports whatever the database) would not be
 * recognised by it (`instanceof`). The copy is the same code: point it at the one the app already loads.
 */
function shareRuntime() {
  const copy = fileURLToPath(new URL("../node_modules/.prisma/postgres/runtime/client.js", import.meta.url));
  if (existsSync(copy)) writeFileSync(copy, 'module.exports = require("@prisma/client/runtime/client.js");\n');
}

const generateBoth = args[0] === "generate" && !args.some((arg) => arg.startsWith("--schema"));
if (generateBoth) {
  // generate never connects: the PostgreSQL URL only has to look like one.
  for (const url of ["file:./prisma/dev.sqlite", "postgresql://localhost/joor_sync"]) {
    const status = run(url);
    if (status !== 0) process.exit(status);
  }
  shareRuntime();
  process.exit(0);
}
const status = run(process.env.DATABASE_URL || "file:./prisma/dev.sqlite");
if (args[0] === "generate") shareRuntime();
process.exit(status);
