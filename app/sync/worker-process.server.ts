import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { prepareDatabase } from "../db.server";
import { log } from "../logger.server";
import { registerHandlers } from "./handlers.server";
import { startWorker, type WorkerHandle, type WorkerOptions } from "./worker.server";

/** Worker settings from the environment; unset or empty values keep the defaults. */
export function workerOptionsFromEnv(env: Record<string, string | undefined> = process.env): WorkerOptions {
  const read = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive whole number, got "${raw}"`);
    return value;
  };
  return {
    owner: env.SYNC_WORKER_NAME || undefined,
    batchSize: read("SYNC_BATCH_SIZE"),
    leaseMs: read("SYNC_LEASE_MS"),
    idleMs: read("SYNC_IDLE_MS"),
    concurrency: read("SYNC_CONCURRENCY"),
    shutdownTimeoutMs: read("SYNC_SHUTDOWN_TIMEOUT_MS"),
  };
}

/**
 * Starts the sync worker inside the calling process (the web server, embedded SQLite default) with every flow's
 * handlers. The caller has run prepareDatabase() and calls stop() on shutdown.
 */
export function startInProcessWorker(overrides: WorkerOptions = {}): WorkerHandle {
  registerHandlers();
  return startWorker({ ...workerOptionsFromEnv(), ...overrides });
}

/** `npm run worker`: the same worker as a process of its own; SIGTERM/SIGINT finish the running batch, then exit. */
async function main(): Promise<void> {
  await prepareDatabase();
  let worker: WorkerHandle | null = null;
  const shutdown = (signal: string) => {
    log.info("Sync worker shutting down", { signal });
    (worker?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("Sync worker shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  // Listening before the worker starts (and says so): a signal sent the moment it has started stops it
  // gracefully instead of killing the process.
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  worker = startInProcessWorker();
}

function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main().catch((error: unknown) => {
    log.error("The sync worker failed to start", { error });
    process.exit(1);
  });
}
