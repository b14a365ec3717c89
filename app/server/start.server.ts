import type { Server } from "node:http";
import { assertEncryptionConfigured } from "~/crypto.server";
import { prepareDatabase } from "~/db.server";
import { log } from "~/logger.server";
import { startInProcessWorker } from "~/sync/worker-process.server";
import { createHttpApp, loadServerBuild } from "./http.server";

/**
 * Production entry (`npm start`): the web server and, unless WORKER=external, the sync worker in the same
 * process (the embedded SQLite default). SIGTERM stops taking requests, lets the worker finish its batch and
 * release its leases, then exits.
 */
async function main(): Promise<void> {
  assertEncryptionConfigured();
  await prepareDatabase();
  const build = await loadServerBuild();
  const port = Number(process.env.PORT || 3000);
  const server: Server = createHttpApp(build).listen(port, () => log.info("joor-sync listening", { port }));
  const worker = process.env.WORKER === "external" ? undefined : startInProcessWorker();

  const shutdown = async (signal: string) => {
    log.info("Shutting down", { signal });
    server.close();
    await worker?.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  log.error("joor-sync failed to start", { error });
  process.exit(1);
});
