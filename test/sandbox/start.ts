/**
 * `npm run sandbox`: the real app server and worker on SQLite, against local JOOR and Shopify simulators
 * seeded with a demo brand. Everything here is local-only; none of it is part of the production server.
 *
 * It runs a development build (`npm run sandbox:build`): a production build compiles the local overrides, such
 * as the App Bridge stand-in, out of the server bundle.
 *
 * SANDBOX_FRESH=1 installs the app on the demo shop without configuring it, so the app opens on onboarding;
 * the demo JOOR account's credentials are printed to enter there.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import express from "express";
import { createJoorFake } from "../fakes/joor";
import { serveLocally } from "../fakes/http";
import { createShopifyFake } from "../fakes/shopify";
import { createWebhookSender } from "../fakes/shopify/webhooks";
import { controlPanel } from "./control-panel";
import { DEMO_JOOR, DEMO_SHOP, seedDemo } from "./demo-data";
import { appBridgeStandIn, embeddedDocumentParams, mintSessionToken } from "./embedded";
import { sendShopHostsTo } from "./shop-hosts";

const port = Number(process.env.PORT || 3000);
const appUrl = `http://localhost:${port}`;
const apiKey = "sandbox-api-key";
const apiSecret = "sandbox-api-secret";
const fresh = process.env.SANDBOX_FRESH === "1";

async function main(): Promise<void> {
  if (process.env.NODE_ENV === "production") throw new Error("The sandbox never runs with NODE_ENV=production");
  const joor = createJoorFake();
  const shopify = createShopifyFake({ apiKey, apiSecret });
  const [joorServer, shopifyServer] = await Promise.all([serveLocally(joor.handler), serveLocally(shopify.handler)]);

  Object.assign(process.env, {
    NODE_ENV: "development",
    SHOPIFY_API_KEY: apiKey,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    DATABASE_URL: process.env.DATABASE_URL || "file:./prisma/sandbox.sqlite",
    JOOR_API_URL: joorServer.url,
    SHOPIFY_ADMIN_ORIGIN: shopifyServer.url,
    APP_BRIDGE_URL: `${appUrl}/_sandbox/app-bridge.js`,
  });
  migrate();
  sendShopHostsTo(shopifyServer.url);

  // App modules read their configuration when first imported, so they load after the environment is set.
  const { prisma, prepareDatabase } = await import("~/db.server");
  const { sessionStorage, SCOPES } = await import("~/shopify.server");
  const { markInstalled } = await import("~/shops.server");
  const { startInProcessWorker } = await import("~/sync/worker-process.server");
  const { createHttpApp, loadServerBuild } = await import("~/server/http.server");
  const { Session } = await import("@shopify/shopify-api");
  await prepareDatabase();

  const accessToken = `shpat_${randomBytes(12).toString("hex")}`;
  const demo = seedDemo(shopify, joor, accessToken);
  shopify.attachWebhooks(createWebhookSender({ secret: apiSecret, target: { baseUrl: appUrl } }));
  await sessionStorage.storeSession(
    new Session({ id: `offline_${DEMO_SHOP}`, shop: DEMO_SHOP, state: "", isOnline: false, scope: SCOPES.join(","), accessToken }),
  );
  await markInstalled(DEMO_SHOP, SCOPES.join(","));
  if (fresh) console.log(`Fresh install: connect JOOR in the app with ${JSON.stringify(DEMO_JOOR)}`);
  else await configureDemoBrand(demo.priceTypeId);

  const embedded = { shop: DEMO_SHOP, apiKey, apiSecret };
  const sandboxRoutes = express.Router();
  sandboxRoutes.get("/_sandbox/app-bridge.js", (_req, res) => {
    res.type("application/javascript").send(appBridgeStandIn());
  });
  sandboxRoutes.get("/_sandbox/id-token", (_req, res) => {
    res.type("text/plain").send(mintSessionToken(embedded));
  });
  sandboxRoutes.use(controlPanel({ shopify, joor, prisma }));
  sandboxRoutes.get("/", (_req, res) => res.redirect("/_sandbox"));

  const build = await loadServerBuild();
  const server = createHttpApp(build, [sandboxRoutes, embeddedDocumentParams(embedded)]).listen(port, () => {
    console.log(`joor-sync sandbox: ${appUrl}/_sandbox (control panel), ${appUrl}/app (the embedded app)`);
    console.log(`simulated JOOR at ${joorServer.url}, simulated Shopify Admin at ${shopifyServer.url}`);
  });
  const worker = startInProcessWorker();

  const stop = async () => {
    server.close();
    await worker.stop();
    await Promise.all([joorServer.close(), shopifyServer.close()]);
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

/** The demo brand as if it had finished onboarding just now: JOOR connected, every flow on, first syncs started. */
async function configureDemoBrand(priceTypeId: string): Promise<void> {
  const { prisma } = await import("~/db.server");
  const { saveJoorConnection } = await import("~/settings/settings.server");
  const { flowOptionsSchema } = await import("~/settings/options");
  const { startOneOffTask } = await import("~/flows/full-sync.server");
  const { TaskKind } = await import("~/flows/task-kinds");
  await saveJoorConnection(DEMO_SHOP, DEMO_JOOR);
  // The demo orders ask for more than some variants hold: the brand claims stock even when it runs short.
  const options = flowOptionsSchema.parse({
    priceTypeId,
    wholesalePercentOfRetail: 50,
    madeToOrderLinesheets: ["Spring27"],
    orderInventory: "alwaysClaim",
  });
  await prisma.shopSettings.update({
    where: { shop: DEMO_SHOP },
    data: { customersEnabled: true, catalogEnabled: true, inventoryEnabled: true, ordersEnabled: true, options: JSON.stringify(options) },
  });
  await startOneOffTask(prisma, DEMO_SHOP, TaskKind.customersBackfill);
  await startOneOffTask(prisma, DEMO_SHOP, TaskKind.catalogBackfill);
  const { armOrdersPoll } = await import("~/orders/schedule.server");
  await armOrdersPoll(prisma, DEMO_SHOP, options.ordersPollMinutes, new Date());
}

function migrate(): void {
  const script = fileURLToPath(new URL("../../scripts/prisma.mjs", import.meta.url));
  const result = spawnSync(process.execPath, [script, "migrate", "deploy"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) throw new Error("Database migration failed");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
