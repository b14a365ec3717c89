/**
 * A sync worker process for the fault run: `npm run worker`'s worker (every flow's handlers, the settings from
 * SYNC_* variables) with the day compressed into minutes — retries back off over seconds instead of minutes,
 * and a JOOR request is given up after JOOR_TIMEOUT_MS rather than 30 s. The run kills it with SIGKILL at
 * random moments and starts it again; SIGTERM stops it gracefully.
 */
import { sendShopHostsTo } from "../sandbox/shop-hosts";

const RETRY = { baseMs: 1_000, factor: 2, capMs: 8_000 };

async function main(): Promise<void> {
  const adminOrigin = process.env.SHOPIFY_ADMIN_ORIGIN;
  if (!adminOrigin) throw new Error("SHOPIFY_ADMIN_ORIGIN must name the simulated Shopify");
  // The Shopify library calls https://{shop} itself when it loads a session; those calls go to the simulator.
  sendShopHostsTo(adminOrigin);
  const { prepareDatabase } = await import("~/db.server");
  const { defaultFlowServices } = await import("~/flows/services.server");
  const { joorClientFor } = await import("~/joor/joor-for-shop.server");
  const { registerHandlers } = await import("~/sync/handlers.server");
  const { startWorker } = await import("~/sync/worker.server");
  const { workerOptionsFromEnv } = await import("~/sync/worker-process.server");

  await prepareDatabase();
  const timeoutMs = Number(process.env.JOOR_TIMEOUT_MS || 3_000);
  registerHandlers(undefined, { ...defaultFlowServices, joor: (shop) => joorClientFor(shop, { timeoutMs }) });
  const worker = startWorker({ ...workerOptionsFromEnv(), retry: RETRY });
  process.once("SIGTERM", () => {
    void worker.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
