import { Worker } from "node:worker_threads";
import { beforeEach, describe, expect, it } from "vitest";
import { databaseDialect, sqlitePath } from "~/config/database-url";
import { prisma } from "~/db.server";
import { resetEngineTables } from "../../test/sync/db";
import { engineTransactions } from "./runner.server";
import { markDirty } from "./sync-state.server";

const shop = "alpha.myshopify.com";
const gid = "gid://shopify/Product/1";

/**
 * Another process writing to the same SQLite file: a thread with a connection of its own, waiting up to 5 s for
 * the write lock as the app's connections do. Resolves once its write has committed; `started` once it is
 * about to write.
 */
function writeFromAnotherProcess(sql: string): { started: Promise<void>; committed: Promise<void> } {
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads");
     const Database = require("better-sqlite3");
     const db = new Database(workerData.file, { timeout: 5000 });
     parentPort.postMessage("started");
     db.prepare(workerData.sql).run();
     db.close();`,
    { eval: true, workerData: { file: sqlitePath(), sql } },
  );
  const started = new Promise<void>((resolve) => worker.once("message", () => resolve()));
  const committed = new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`The other writer exited with ${code}`))));
  });
  return { started, committed };
}

beforeEach(() => resetEngineTables());

describe.skipIf(databaseDialect() !== "sqlite")("engine transactions on SQLite", () => {
  it("survive another process committing between the step's first read and its first write", async () => {
    await markDirty(prisma, { shop, kind: "product", gid });
    let other: ReturnType<typeof writeFromAnotherProcess> | undefined;
    await engineTransactions(prisma)(async (db) => {
      await db.syncState.findMany({ where: { shop } });
      other = writeFromAnotherProcess(`UPDATE "SyncState" SET "attempts" = 7 WHERE "gid" = '${gid}'`);
      await other.started;
      // Time for the other process to commit, were it allowed to.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await db.syncState.updateMany({ where: { gid }, data: { lastError: "written by the engine" } });
    });
    await other?.committed;
    // Both writes landed: the other process waited for the engine's transaction instead of breaking it.
    expect(await prisma.syncState.findFirstOrThrow({ where: { gid } })).toMatchObject({ lastError: "written by the engine", attempts: 7 });
  });
});
