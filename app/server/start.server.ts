import type { Server } from "node:http";
import { assertEncryptionConfigured } from "~/crypto.server";
import { prepareDatabase } from "~/db.server";
import { log } from "~/logger.server";
import { startInProcessWorker } from "~/sync/worker-process.server";
import type { WorkerHandle } from "~/sync/worker.server";
import { createHttpApp, loadServerBuild } from "./http.server";

/**
 * Production entry (`npm start`): the web server and, unless WORKER=external, the sync worker in the same
 * process (the embedded SQLite default). SIGTERM stops taking requests, lets the worker finish its batch and
 * release its leases, then exits.
 */
async function main(): Promise<void> {
  assertEncryptionConfigured();
  const running: { server?: Server; worker?: WorkerHandle } = {};
  // Listening before anything starts: a signal that arrives while the server starts still stops it gracefully.
  const shutdown = async (signal: string) => {
    log.info("Shutting down", { signal });
    running.server?.close();
    await running.worker?.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  await prepareDatabase();
  const build = await loadServerBuild();
  const port = Number(process.env.PORT || 3000);
  running.server = createHttpApp(build).listen(port, () => log.info("joor-sync listening", { port }));
  if (process.env.WORKER !== "external") running.worker = startInProcessWorker();
}

main().catch((error: unknown) => {
  log.error("joor-sync failed to start", { error });
  process.exit(1);
});
