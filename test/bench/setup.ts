/**
 * What every bench scenario stands on: the fakes served over loopback HTTP as the anchors describe
 * them (JOOR with its credit window and 50 ms latency; Shopify restoring 100 points a second), the app's own
 * processes against them (the real web server, worker external, and `npm run worker` processes) on the
 * scenario's database, and a shop installed as if onboarding had just finished.
 *
 * A scenario runs in a process of its own (scenario.ts), so its database, its app modules and its memory are
 * its own; DATABASE_URL is set before it starts.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { serveLocally, type LocalServer } from "../fakes/http";
import { createJoorFake, type JoorFake } from "../fakes/joor";
import type { CreditSettings } from "../fakes/joor/credits";
import { createShopifyFake, type FakeShop, type ShopifyFake } from "../fakes/shopify";
import { freePort } from "../e2e/sandbox-process";
import { startProcess, waitUntilServing, type AppProcess } from "../faults/processes";
import { installShop as installBrand } from "../support/install-shop";
import type { FlowOptions } from "~/settings/options";

export const SHOP = "bench-brand.myshopify.com";
export const API_KEY = "bench-api-key";
export const API_SECRET = "bench-api-secret";
export const JOOR_ACCOUNT = {
  environment: "sandbox" as const,
  accountId: "500600",
  credentials: {
    v2Token: "bench-v2-token",
    v4: { clientId: "bench-client", clientSecret: "bench-client-secret", username: "ops@bench-brand.test", password: "bench-password" },
  },
};

/** JOOR's documented quota: 300 credits per 300-second window. */
export const JOOR_QUOTA: CreditSettings = { limit: 300, windowSeconds: 300 };
export const JOOR_LATENCY_MS = 50;
/** Shopify's Admin API on a standard plan: a 1,000-point bucket restoring 100 points a second (the anchor). */
export const SHOPIFY_BUCKET = { maximumAvailable: 1_000, restoreRate: 100 };

export interface BenchWorld {
  shopify: ShopifyFake;
  shop: FakeShop;
  joor: JoorFake;
  accessToken: string;
  joorUrl: string;
  shopifyUrl: string;
  /** Where the app's web server listens (every app started in this world). */
  appPort: number;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** JOOR's credit window (default JOOR_QUOTA). Setup phases may lift it; measured phases use the quota. */
  credits?: CreditSettings;
}

export async function startBenchWorld(options: WorldOptions = {}): Promise<BenchWorld> {
  const joor = createJoorFake({ credits: options.credits ?? JOOR_QUOTA, faults: { latencyMs: JOOR_LATENCY_MS }, bulkConnectionPolls: 0 });
  joor.addAccount({ accountId: JOOR_ACCOUNT.accountId, v2Token: JOOR_ACCOUNT.credentials.v2Token, v4: JOOR_ACCOUNT.credentials.v4 });
  const shopify = createShopifyFake({ apiKey: API_KEY, apiSecret: API_SECRET, bucket: SHOPIFY_BUCKET, bulk: { stepMs: 200 } });
  const accessToken = `shpat_${randomBytes(12).toString("hex")}`;
  const shop = shopify.addShop(SHOP, { accessToken, name: "Bench Brand", currencyCode: "USD", locationName: "Warehouse" });
  const [joorServer, shopifyServer]: LocalServer[] = await Promise.all([serveLocally(joor.handler), serveLocally(shopify.handler)]);
  const world: BenchWorld = {
    shopify,
    shop,
    joor,
    accessToken,
    joorUrl: joorServer.url,
    shopifyUrl: shopifyServer.url,
    appPort: await freePort(),
    async close() {
      await Promise.all([joorServer.close(), shopifyServer.close()]);
    },
  };
  // The scenario's own process reads and seeds the app's database with the app's modules, which read their
  // configuration from the environment when first imported.
  Object.assign(process.env, appEnvironment(world, {}));
  return world;
}

export interface AppOptions {
  /**
   * `npm run worker` processes beside the web server; 0 runs the worker inside the web process, the embedded
   * SQLite default (test/bench/web.ts, intake's server, runs none).
   */
  workers: number;
  logDir: string;
  /** The app's view of JOOR's quota (JOOR_CREDIT_LIMIT / JOOR_CREDIT_WINDOW_SECONDS); default JOOR_QUOTA. */
  credits?: CreditSettings;
  /** Extra environment for every process, e.g. SYNC_* settings. */
  env?: NodeJS.ProcessEnv;
  /** Entry of the web process (default the production entry, app/server/start.server.ts). */
  webScript?: string;
}

export interface BenchApp {
  url: string;
  web: AppProcess;
  workers: AppProcess[];
  /** Highest resident set size (VmHWM) seen so far across the app's processes, in MB; sampled every 250 ms. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** The app's environment: local overrides (development mode honours them) pointing at the fakes. */
export function appEnvironment(world: BenchWorld, options: Pick<AppOptions, "credits" | "env">): NodeJS.ProcessEnv {
  const port = world.appPort;
  const credits = options.credits ?? JOOR_QUOTA;
  return {
    ...process.env,
    NODE_ENV: "development",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    JOOR_API_URL: world.joorUrl,
    SHOPIFY_ADMIN_ORIGIN: world.shopifyUrl,
    PORT: String(port),
    WORKER: "external",
    LOG_LEVEL: "warn",
    JOOR_CREDIT_LIMIT: String(credits.limit),
    JOOR_CREDIT_WINDOW_SECONDS: String(credits.windowSeconds),
    ...options.env,
  };
}

/** Peak resident memory of a process in MB (Linux /proc), or 0 once it has gone. */
function peakRssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function startBenchApp(world: BenchWorld, options: AppOptions): Promise<BenchApp> {
  const env = { ...appEnvironment(world, options), WORKER: options.workers === 0 ? "" : "external" };
  const web = startProcess("web", options.webScript ?? "app/server/start.server.ts", env, options.logDir);
  const url = `http://127.0.0.1:${world.appPort}`;
  await waitUntilServing(`${url}/healthz`, web, 60_000);
  const workers = Array.from({ length: options.workers }, (_, index) =>
    startProcess(`worker-${index + 1}`, "app/sync/worker-process.server.ts", { ...env, SYNC_WORKER_NAME: `bench-worker-${index + 1}` }, options.logDir),
  );
  const peaks = new Map<string, number>();
  const sample = () => {
    for (const child of [web, ...workers]) peaks.set(child.name, Math.max(peaks.get(child.name) ?? 0, peakRssOf(child.pid)));
  };
  const sampler = setInterval(sample, 250);
  return {
    url,
    web,
    workers,
    peakRssMb() {
      sample();
      return Math.max(0, ...peaks.values());
    },
    async stop() {
      clearInterval(sampler);
      sample();
      await Promise.all([web, ...workers].map((child) => child.stop()));
    },
  };
}

export interface InstallOptions {
  flows: { customers?: boolean; catalog?: boolean; inventory?: boolean; orders?: boolean };
  options?: Partial<FlowOptions>;
}

/** The bench's brand, installed as if onboarding had just finished (no first sync started). */
export function installShop(world: BenchWorld, install: InstallOptions): Promise<FlowOptions> {
  return installBrand({ shop: SHOP, accessToken: world.accessToken, joor: JOOR_ACCOUNT, ...install });
}

/**
 * Waits until `check` answers true (polled every `intervalMs`), returning how long it took; throws with
 * `describe()`'s account of what is missing when `timeoutMs` passes first.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => string | Promise<string> },
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > options.timeoutMs) {
      const detail = options.describe ? `: ${await options.describe()}` : "";
      throw new Error(`Not done within ${Math.round(options.timeoutMs / 1000)} s${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
