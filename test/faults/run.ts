/**
 * `npm run test:faults`: a day of traffic against the fakes with faults everywhere, then a check that JOOR and
 * Shopify ended exactly as they must.
 *
 * The runner hosts the fake JOOR and the fake Shopify as local HTTP servers and plays the day (day.ts) in
 * bursts; the app runs as it does in production, in processes of its own on one database: the real web server
 * (the development build of `npm run sandbox:build`, worker external) taking the webhooks, and sync workers
 * (worker.ts), each killed with SIGKILL at random moments and started again. By default that is one web
 * process and two workers on a SQLite file of the run's own. When DATABASE_URL is a postgresql:// URL to a
 * fresh database (`node scripts/with-postgres.mjs tsx test/faults/run.ts` makes one), the app runs scaled out
 * on it instead: two web processes behind a round-robin forwarder (balancer.ts), now and then one of them
 * killed too, and three workers. During the day JOOR answers 429s, 5xx, hangs, late and partial replies;
 * Shopify throttles and fails; webhooks come duplicated, shuffled and late. Then the faults stop, the app is
 * left to catch up (read from its database), and verify.ts compares the fakes' state with what the day's
 * records must be. It prints the setup, what it injected, what it checked and what it found, and exits 1 on
 * anything lost, duplicated or unexpected.
 *
 * FAULTS_SEED replays a day's actions and fault draws (the interleaving with the processes is real time). Logs
 * of every process go to test-results/faults-<time>/; after a failure the fakes' final state (fakes.json) is
 * kept there too, with the SQLite file or, on PostgreSQL, the engine's tables (database.json).
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { databaseDialect } from "~/config/database-url";
import { seededRandom } from "../fakes/joor/faults";
import { freePort } from "../e2e/sandbox-process";
import { Day, dayOptions, type Seeded } from "./day";
import { installShop } from "../support/install-shop";
import { startProcess, waitUntilServing, type AppProcess } from "./processes";
import { formatReport, type Setup } from "./report";
import { startBalancer, type Balancer } from "./balancer";
import { API_KEY, API_SECRET, APP_CREDIT_ENV, JOOR_ACCOUNT, JOOR_TIMEOUT_MS, SHOP, startWorld, type World } from "./world";

/** The whole run; a hung step ends the run instead of the CI job. */
const RUN_TIMEOUT_MS = 6 * 60_000;
const BURSTS = 24;
/** Orders are placed and approved in the first bursts, so their imports settle before the day ends. */
const ORDER_BURSTS = 12;
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
  const { startOneOffTask } = await import("~/flows/full-sync.server");
  const { TaskKind } = await import("~/flows/task-kinds");
  const { armOrdersPoll } = await import("~/orders/schedule.server");

  const options = await installShop({
    shop: SHOP,
    accessToken: world.accessToken,
    joor: JOOR_ACCOUNT,
    flows: { customers: true, catalog: true, inventory: true, orders: true },
    options: dayOptions(seeded),
  });
  await startOneOffTask(prisma, SHOP, TaskKind.customersBackfill);
  await startOneOffTask(prisma, SHOP, TaskKind.catalogBackfill);
  await armOrdersPoll(prisma, SHOP, options.ordersPollMinutes, new Date());
  return options;
}

/** SQLite: the embedded shape. PostgreSQL: the app scaled out, several web and worker processes on one database. */
function setupFor(databaseUrl: string | undefined): Setup {
  return databaseDialect(databaseUrl || "file:") === "postgresql"
    ? { database: "PostgreSQL", webProcesses: 2, workers: 3 }
    : { database: "SQLite", webProcesses: 1, workers: 2 };
}

/** Share of kills that hit a web process, when another one serves meanwhile. */
const WEB_KILL_SHARE = 0.2;

/**
 * Kills a random process every few seconds and starts it again a moment later, until `stopped()`: mostly a
 * worker; with more than one web process now and then a web process, which is back serving before the next
 * kill (the forwarder always has one to send to).
 */
async function killAtRandom(
  workers: AppProcess[],
  webs: Array<{ process: AppProcess; healthUrl: string }>,
  random: () => number,
  stopped: () => boolean,
): Promise<{ workerKills: number; webKills: number }> {
  const kills = { workerKills: 0, webKills: 0 };
  const between = (min: number, max: number) => min + random() * (max - min);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  while (!stopped()) {
    await sleep(between(3_000, 9_000));
    if (stopped()) break;
    const web = webs.length > 1 && random() < WEB_KILL_SHARE ? pick(webs) : null;
    const victim = web?.process ?? pick(workers);
    await victim.kill();
    kills[web ? "webKills" : "workerKills"] += 1;
    await sleep(between(200, 1_500));
    victim.restart();
    if (web) await waitUntilServing(web.healthUrl, web.process, 60_000);
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

/** The app's engine tables after a failure on PostgreSQL, whose throwaway server goes when the run ends. */
async function dumpDatabase(file: string): Promise<void> {
  const { prisma } = await import("~/db.server");
  const [syncStates, scheduledTasks, orderImports, activityEvents] = await Promise.all([
    prisma.syncState.findMany({ orderBy: [{ kind: "asc" }, { gid: "asc" }] }),
    prisma.scheduledTask.findMany({ orderBy: { kind: "asc" } }),
    prisma.orderImport.findMany({ orderBy: { joorOrderId: "asc" } }),
    prisma.activityEvent.findMany({ orderBy: { createdAt: "asc" } }),
  ]);
  await writeFile(file, JSON.stringify({ syncStates, scheduledTasks, orderImports, activityEvents }, null, 1));
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

let processes: AppProcess[] = [];
let world: World | null = null;
let balancer: Balancer | null = null;

async function main(): Promise<number> {
  const started = Date.now();
  const seed = Number(process.env.FAULTS_SEED || 20260301);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logDir = path.resolve("test-results", `faults-${stamp}`);
  await mkdir(logDir, { recursive: true });
  const databaseFile = path.join(logDir, "faults.sqlite");
  const setup = setupFor(process.env.DATABASE_URL);
  const postgres = setup.database === "PostgreSQL";
  let passed = false;
  try {
    world = await startWorld(seed);
    const day = new Day(world.shop, world.joor, JOOR_ACCOUNT.accountId, seededRandom(seed + 3));
    const seeded = day.seed(40, 24);

    const webPorts: number[] = [];
    for (let index = 0; index < setup.webProcesses; index++) webPorts.push(await freePort());
    // Several web processes are reached the way a load balancer reaches replicas: through one address.
    if (webPorts.length > 1) balancer = await startBalancer(webPorts);
    const appUrl = balancer?.url ?? `http://127.0.0.1:${webPorts[0]}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: postgres ? process.env.DATABASE_URL : `file:${databaseFile}`,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      JOOR_API_URL: world.joorUrl,
      SHOPIFY_ADMIN_ORIGIN: world.shopifyUrl,
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

    const webs = webPorts.map((port, index) => ({
      process: startProcess(`web-${index + 1}`, "app/server/start.server.ts", { ...env, PORT: String(port) }, logDir),
      healthUrl: `http://127.0.0.1:${port}/healthz`,
    }));
    processes.push(...webs.map((web) => web.process));
    await Promise.all(webs.map((web) => waitUntilServing(web.healthUrl, web.process, 60_000)));
    const sender = world.deliverWebhooksTo(appUrl, seed + 4);
    const workers = Array.from({ length: setup.workers }, (_, index) =>
      startProcess(`worker-${index + 1}`, "test/faults/worker.ts", { ...env, SYNC_WORKER_NAME: `faults-worker-${index + 1}` }, logDir),
    );
    processes.push(...workers);

    console.log(
      `Fault run, seed ${seed}: ${BURSTS} bursts on ${setup.database} against ${setup.webProcesses} web and ${setup.workers} worker processes ` +
        `(logs in ${path.relative(process.cwd(), logDir)})`,
    );
    world.faultsOn();
    let dayOver = false;
    const killing = killAtRandom(workers, webs, seededRandom(seed + 5), () => dayOver);
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
      setup,
      faults: { ...world.counts(), ...kills },
      forwarded: balancer ? { answered: [...balancer.answered], failed: balancer.failed } : undefined,
      verdict,
      outstanding,
      givenUp: await givenUp(prisma, SHOP),
      exited: processes.filter((child) => !child.running).map((child) => child.name),
      wallMs: Date.now() - started,
    });
    console.log(report.text);
    passed = report.passed;
    if (!passed) {
      await dumpFakes(world, path.join(logDir, "fakes.json"));
      if (postgres) await dumpDatabase(path.join(logDir, "database.json"));
      for (const child of processes) console.log(`\nLast lines of ${path.relative(".", child.logFile)}:\n${await tail(child.logFile, 15)}`);
    }
    await prisma.$disconnect();
    return passed ? 0 : 1;
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    processes = [];
    await balancer?.close();
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
