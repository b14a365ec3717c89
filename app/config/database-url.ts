/** The database the app and the Prisma CLI use: `DATABASE_URL`, else the embedded SQLite file. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL || "file:./prisma/dev.sqlite";
}

/** The SQLite file behind a `file:` URL; the better-sqlite3 driver adapter takes a path, not a URL. */
export function sqlitePath(url = databaseUrl()): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}
