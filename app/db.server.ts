import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { databaseUrl, sqlitePath } from "./config/database-url";

/**
 * One Prisma client per process. The server bundle and the worker (loaded separately) share it through
 * globalThis, so a process never opens the SQLite file twice.
 */
declare global {
  var joorSyncPrisma: PrismaClient | undefined;
  var joorSyncPrismaReady: Promise<void> | undefined;
}

function createClient(): PrismaClient {
  const url = databaseUrl();
  if (!url.startsWith("file:")) {
    throw new Error(`Unsupported DATABASE_URL ${url.split(":")[0]}: this build runs on SQLite (file:…)`);
  }
  // busy timeout: web and worker may write at once; SQLite then waits instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: sqlitePath(url), timeout: 10_000 });
  return new PrismaClient({ adapter });
}

export const prisma: PrismaClient = globalThis.joorSyncPrisma ?? (globalThis.joorSyncPrisma = createClient());

/**
 * WAL lets readers run beside the single writer and makes small writes about four times faster; NORMAL
 * synchronous is safe under WAL (a power cut can lose the last commits, never corrupt the file).
 */
export function prepareDatabase(): Promise<void> {
  globalThis.joorSyncPrismaReady ??= (async () => {
    await prisma.$queryRawUnsafe("PRAGMA journal_mode=WAL");
    await prisma.$queryRawUnsafe("PRAGMA synchronous=NORMAL");
  })();
  return globalThis.joorSyncPrismaReady;
}

export default prisma;
