/** The database the app and the Prisma CLI use: `DATABASE_URL`, else the embedded SQLite file. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL || "file:./prisma/dev.sqlite";
}

/** SQLite (`file:…`, the embedded default) or PostgreSQL (`postgresql://…` or `postgres://…`). */
export type DatabaseDialect = "sqlite" | "postgresql";

export function databaseDialect(url = databaseUrl()): DatabaseDialect {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`Unsupported DATABASE_URL ${url.split(":")[0]}: use file:… (SQLite) or postgresql://… (PostgreSQL)`);
}

/** The SQLite file behind a `file:` URL; the better-sqlite3 driver adapter takes a path, not a URL. */
export function sqlitePath(url = databaseUrl()): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

/** Where each dialect's Prisma schema lives (its migrations sit beside it). */
export const PRISMA_SCHEMAS: Record<DatabaseDialect, string> = {
  sqlite: "prisma/schema.prisma",
  postgresql: "prisma/postgres/schema.prisma",
};
