import { createRequire } from "node:module";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseDialect, databaseUrl, sqlitePath } from "./config/database-url";
import { postgresAdapter } from "./db/postgres-adapter.server";

/**
 * One Prisma client per process. The server bundle and the worker (loaded separately) share it through
 * globalThis, so a process never opens the SQLite file (or a PostgreSQL pool) twice.
 */
declare global {
  var joorSyncPrisma: PrismaClient | undefined;
  var joorSyncPrismaReady: Promise<void> | undefined;
}

type PostgresClientClass = new (options: { adapter: PrismaPg; transactionOptions: typeof transactionOptions }) => unknown;

/**
 * A transaction waits up to 10 s to start (Prisma's default is 2 s): under a burst of webhooks every request
 * wants a connection of the PostgreSQL pool (or SQLite's single writer) at once, and queueing briefly beats
 * answering Shopify with an error.
 */
const transactionOptions = { maxWait: 10_000 };

/**
 * A new client on `url` (default DATABASE_URL): SQLite for `file:…`, PostgreSQL for `postgresql://…`. The app
 * uses the `prisma` singleton; tests and tools open a second client to act as another process.
 */
export function createDatabaseClient(url = databaseUrl()): PrismaClient {
  if (databaseDialect(url) === "postgresql") {
    // The client generated from prisma/postgres/schema.prisma (into node_modules/.prisma/postgres), loaded at run
    // time rather than bundled, because it reads its query compiler from its own folder. Its models and methods
    // are the SQLite client's, field for field (test/schema checks the two schemas), so the app keeps one type:
    // this cast is the only place the two clients meet.
    const { PrismaClient: PostgresClient } = createRequire(import.meta.url)(".prisma/postgres") as {
      PrismaClient: PostgresClientClass;
    };
    return new PostgresClient({ adapter: postgresAdapter(url), transactionOptions }) as PrismaClient;
  }
  // busy timeout: web and worker may write at once; SQLite then waits instead of failing.
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqlitePath(url), timeout: 10_000 }), transactionOptions });
}

export const prisma: PrismaClient = globalThis.joorSyncPrisma ?? (globalThis.joorSyncPrisma = createDatabaseClient());

/**
 * Called once at start-up, before serving or working. SQLite: WAL lets readers run beside the single writer and
 * makes small writes about four times faster; NORMAL synchronous is safe under WAL (a power cut can lose the
 * last commits, never corrupt the file). PostgreSQL needs no settings, but a first query connects now: an
 * unreachable database fails the start, and the client's one-off set-up is done before work begins.
 */
export function prepareDatabase(): Promise<void> {
  globalThis.joorSyncPrismaReady ??= (async () => {
    if (databaseDialect() === "postgresql") {
      await prisma.$queryRawUnsafe("SELECT 1");
      return;
    }
    await prisma.$queryRawUnsafe("PRAGMA journal_mode=WAL");
    await prisma.$queryRawUnsafe("PRAGMA synchronous=NORMAL");
  })();
  return globalThis.joorSyncPrismaReady;
}

export default prisma;
