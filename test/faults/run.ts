/**
 * `npm run test:faults`: a day of traffic against the fakes with faults everywhere, then a check that JOOR and
 * Shopify ended exactly as they must.
 *
 * The runner hosts the fake JOOR and the fake Shopify as local HTTP servers and plays the day (day.ts) in
 * bursts; the app runs as it does in production, in processes of its own on one SQLite file: the real web
 * server (the development build of `npm run sandbox:build`, worker external) taking the webhooks, and two sync
 * workers (worker.ts), each killed with SIGKILL at random moments and started again. During the day JOOR
 * answers 429s, 5xx, hangs, late and partial replies; Shopify throttles and fails; webhooks come duplicated,
 * shuffled and late. Then the faults stop, the app is left to catch up (read from its database), and
 * verify.ts compares the fakes' state with what the day's records must be. It prints what it injected, what
 * it checked and what it found, and exits 1 on anything lost, duplicated or unexpected.
 *
 * FAULTS_SEED replays a day's actions and fault draws (the interleaving with the processes is real time). Logs
 * of every process go to test-results/faults-<time>/; after a failure the database and the fakes' final state
 * (fakes.json) are kept there too.
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../fakes/joor/faults";
import { freePort } from "../e2e/sandbox-process";
import { Day, dayOptions, type Seeded } from "./day";
import { startProcess, waitUntilServing, type AppProcess } from "./processes";
import { formatReport } from "./report";
import { API_KEY, API_SECRET, APP_CREDIT_ENV, JOOR_ACCOUNT, JOOR_TIMEOUT_MS, SHOP, startWorld, type World } from "./world";

/** The whole run; a hung step ends the run instead of the CI job. */
const RUN_TIMEOUT_MS = 6 * 60_000;
const BURSTS = 24;
/** Orders are placed and approved in the first bursts, so their imports settle before the day ends. */
const ORDER_BURSTS = 12;
const WORKERS = 2;
/** After the faults stop, the app has this long to catch up. */
const CATCH_UP_MS = 150_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function migrate(env: NodeJS.ProcessEnv): void {
  const script = fileURLToPath(new URL("../../scripts/prisma.mjs", import.meta.url));
  const result = spawnSync(process.execPath, [script, "migrate", "deploy"], { stdio: "ignore", env });
  if (result.status !== 0) throw new Error("Database migration failed");
}

/** The brand as if it had finished onboarding: offline session, JOOR connected, every flow on, first syncs started. */
async function install(world: World, seeded: Seeded) {
  const { prisma } = await import("~/db.server");
  const { sessionStorage, SCOPES } = await import("~/shopify.server");
  const { markInstalled } = await import("~/shops.server");
  const { saveJoorConnection } = await import("~/settings/settings.server");
  const { flowOptionsSchema } = await import("~/settings/options");
  const { startOneOffTask } = await import("~/flows/full-sync.server");
  const { TaskKind } = await import("~/flows/task-kinds");
  const { armOrdersPoll } = await import("~/orders/schedule.server");
  const { Session } = await import("@shopify/shopify-api");

  await sessionStorage.storeSession(
    new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: SCOPES.join(","), accessToken: world.accessToken }),
  );
  await markInstalled(SHOP, SCOPES.join(","));
  await saveJoorConnection(SHOP, JOOR_ACCOUNT);
  const options = flowOptionsSchema.parse(dayOptions(seeded));
  await prisma.shopSettings.update({
    where: { shop: SHOP },
    data: { customersEnabled: true, catalogEnabled: true, inventoryEnabled: true, ordersEnabled: true, options: JSON.stringify(options) },
  });
  await startOneOffTask(prisma, SHOP, TaskKind.customersBackfill);
  await startOneOffTask(prisma, SHOP, TaskKind.catalogBackfill);
  await armOrdersPoll(prisma, SHOP, options.ordersPollMinutes, new Date());
  return options;
}

/** Kills a random worker every few seconds and starts it again a moment later, until `stopped()`. */
async function killAtRandom(workers: AppProcess[], random: () => number, stopped: () => boolean): Promise<number> {
  let kills = 0;
  const between = (min: number, max: number) => min + random() * (max - min);
  while (!stopped()) {
    await sleep(between(3_000, 9_000));
    if (stopped()) break;
    const victim = workers[Math.floor(random() * workers.length)];
    await victim.kill();
    kills += 1;
    await sleep(between(200, 1_500));
    victim.restart();
  }
  return kills;
}

/** Polls the app's database until nothing is left to do twice in a row, or the time is up. */
async function waitForQuiet(since: Date, world: World): Promise<string[]> {
  const { prisma } = await import("~/db.server");
  const { outstandingWork } = await import("./quiet");
  const { registerHandlers } = await import("~/sync/handlers.server");
  const { HandlerRegistry } = await import("~/sync/registry");
  const registry = new HandlerRegistry();
  registerHandlers(registry);
  const kinds = { sync: registry.syncKinds(), task: registry.taskKinds() };
  const deadline = Date.now() + CATCH_UP_MS;
  let quietBefore = false;
  let reasons: string[] = [];
  let told = Date.now();
  while (Date.now() < deadline) {
    await world.sender?.settled();
    reasons = await outstandingWork(prisma, SHOP, since, kinds);
    if (reasons.length === 0 && quietBefore) return [];
    quietBefore = reasons.length === 0;
    if (reasons.length > 0 && Date.now() - told >= 10_000) {
      console.log(`  still catching up: ${reasons.join("; ")}`);
      told = Date.now();
    }
    await sleep(1_500);
  }
  return reasons;
}

/** The fakes' final state, for reading a failure afterwards. */
async function dumpFakes(world: World, file: string): Promise<void> {
  const account = world.joor.account(JOOR_ACCOUNT.accountId);
  const values = <T>(map: Map<string, T>) => [...map.values()];
  const joor = {
    connections: values(account.connections),
    products: values(account.products),
    skus: values(account.skus),
    prices: values(account.prices),
    collections: values(account.collections),
    assets: values(account.assets),
    inventory: [...account.inventory].map(([skuId, stock]) => ({ skuId, stock: Object.fromEntries(stock) })),
    orders: values(account.orders),
  };
  const shop = {
    customers: values(world.shop.customers),
    products: values(world.shop.products),
    variants: values(world.shop.variants),
    inventoryItems: values(world.shop.inventoryItems).map((item) => ({ ...item, levels: values(item.levels) })),
    orders: values(world.shop.orders),
    events: world.shop.events.map((event) => ({ topic: event.topic, at: event.at })),
  };
  await writeFile(file, JSON.stringify({ joor, shop, calls: world.joor.calls }, null, 1));
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

let processes: AppProcess[] = [];
let world: World | null = null;

async function main(): Promise<number> {
  const started = Date.now();
  const seed = Number(process.env.FAULTS_SEED || 20260301);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logDir = path.resolve("test-results", `faults-${stamp}`);
  await mkdir(logDir, { recursive: true });
  const databaseFile = path.join(logDir, "faults.sqlite");
  let passed = false;
  try {
    world = await startWorld(seed);
    const day = new Day(world.shop, world.joor, JOOR_ACCOUNT.accountId, seededRandom(seed + 3));
    const seeded = day.seed(40, 24);

    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: `file:${databaseFile}`,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      JOOR_API_URL: world.joorUrl,
      SHOPIFY_ADMIN_ORIGIN: world.shopifyUrl,
      PORT: String(port),
      WORKER: "external",
      SYNC_IDLE_MS: "300",
      SYNC_LEASE_MS: "8000",
      SYNC_BATCH_SIZE: "10",
      SYNC_SHUTDOWN_TIMEOUT_MS: "3000",
      JOOR_TIMEOUT_MS: String(JOOR_TIMEOUT_MS),
      LOG_LEVEL: "warn",
      ...APP_CREDIT_ENV,
    };
    // The runner installs the shop and reads the app's database with the app's own modules.
    Object.assign(process.env, env);
    migrate(env);
    const options = await install(world, seeded);

    const web = startProcess("web", "app/server/start.server.ts", env, logDir);
    processes.push(web);
    await waitUntilServing(`${appUrl}/healthz`, web, 60_000);
    const sender = world.deliverWebhooksTo(appUrl, seed + 4);
    const workers = Array.from({ length: WORKERS }, (_, index) =>
      startProcess(`worker-${index + 1}`, "test/faults/worker.ts", { ...env, SYNC_WORKER_NAME: `faults-worker-${index + 1}` }, logDir),
    );
    processes.push(...workers);

    console.log(`Fault run, seed ${seed}: ${BURSTS} bursts against ${WORKERS} workers (logs in ${path.relative(process.cwd(), logDir)})`);
    world.faultsOn();
    let dayOver = false;
    const killing = killAtRandom(workers, seededRandom(seed + 5), () => dayOver);
    const random = seededRandom(seed + 6);
    for (let burst = 0; burst < BURSTS; burst++) {
      day.burst(sender, 6 + Math.floor(random() * 7), burst < ORDER_BURSTS);
      await sleep(2_000 + random() * 2_000);
    }
    dayOver = true;
    const kills = await killing;
    world.faultsOff();
    console.log(`Day over after ${Math.round((Date.now() - started) / 1000)} s: ${day.actions} actions; faults off, catching up`);

    // The merchant's "Import now": a poll that sees every approval of the day.
    const { importOrdersNow } = await import("~/orders/actions.server");
    const pollAsked = new Date();
    await importOrdersNow(SHOP, pollAsked);
    const outstanding = await waitForQuiet(pollAsked, world);

    const { AdminClient } = await import("~/shopify/admin-client.server");
    const { verify } = await import("./verify");
    const { givenUp } = await import("./quiet");
    const { prisma } = await import("~/db.server");
    const admin = new AdminClient({ shop: SHOP, accessToken: world.accessToken, origin: world.shopifyUrl });
    const verdict = await verify({ shop: world.shop, joor: world.joor, accountId: JOOR_ACCOUNT.accountId, options, admin, knowledge: day.knowledge });
    const report = formatReport({
      faults: { ...world.counts(), workerKills: kills },
      verdict,
      outstanding,
      givenUp: await givenUp(prisma, SHOP),
      exited: processes.filter((child) => !child.running).map((child) => child.name),
      wallMs: Date.now() - started,
    });
    console.log(report.text);
    await prisma.$disconnect();
    passed = report.passed;
    if (!passed) {
      await dumpFakes(world, path.join(logDir, "fakes.json"));
      for (const child of processes) console.log(`\nLast lines of ${path.relative(".", child.logFile)}:\n${await tail(child.logFile, 15)}`);
    }
    return passed ? 0 : 1;
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    processes = [];
    await world?.close();
    if (passed) for (const suffix of ["", "-wal", "-shm"]) await rm(`${databaseFile}${suffix}`, { force: true });
  }
}

const deadline = setTimeout(() => {
  console.error(`The fault run did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes`);
  void Promise.all(processes.map((child) => child.kill())).finally(() => process.exit(1));
}, RUN_TIMEOUT_MS);

main().then(
  (code) => {
    clearTimeout(deadline);
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    clearTimeout(deadline);
    void Promise.all(processes.map((child) => child.stop())).finally(() => process.exit(1));
  },
);
