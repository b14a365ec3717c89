/**
 * What the efficiency and freshness scenarios start from: a shop whose tagged styles are already in JOOR,
 * with their SKUs, prices and stock. Getting there is setup, not measurement, so it runs with JOOR's credit
 * window and Shopify's restore rate lifted; afterwards both are put back to the anchors and the app's
 * own record of JOOR's window starts fresh, as JOOR's does.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { CreditSettings } from "../fakes/joor/credits";
import type { ProductRecord } from "../fakes/shopify";
import { createWebhookSender, webhookRequest, WebhookSender, type DeliveryRecord, type WebhookEvent } from "../fakes/shopify/webhooks";
import { compareCatalog, type MirrorOptions, type MirrorReport } from "./catalog-mirror";
import { BENCH_PRODUCT_TAG, benchProduct } from "./product-traffic";
import type { ScenarioContext } from "./scenario";
import {
  API_SECRET,
  installShop,
  JOOR_ACCOUNT,
  JOOR_QUOTA,
  SHOP,
  SHOPIFY_BUCKET,
  startBenchApp,
  startBenchWorld,
  waitFor,
  type BenchApp,
  type BenchWorld,
} from "./setup";

/** Setup only: enough credits that getting the catalog into JOOR never waits for a window. */
const SETUP_CREDITS: CreditSettings = { limit: 1_000_000, windowSeconds: 300 };
/** Setup only: Shopify points restored per second, so reading the catalog for its first sync takes seconds. */
const SETUP_RESTORE_RATE = 20_000;
const SETUP_TIMEOUT_MS = 8 * 60_000;

export const WHOLESALE_PERCENT = 50;

/**
 * Webhook senders draw their webhook ids from a seeded generator: setup's and the measured phase's must differ,
 * or the measured phase's first deliveries repeat ids the app has seen and are taken for redeliveries.
 */
const SETUP_SENDER_SEED = 1;
export const MEASURED_SENDER_SEED = 2;

/** Changed from the anchors for setup only; the measured phase runs at the anchors. */
export const SETUP_NOTE =
  "setup (first sync of the catalog) ran with JOOR's window and Shopify's restore rate lifted; measured at the anchors with a fresh JOOR window";

export interface SyncedCatalog {
  world: BenchWorld;
  products: ProductRecord[];
  mirror: MirrorOptions;
  /** Seconds the first sync took (setup, not a figure of the issue). */
  setupSeconds: number;
}

/** A folder of its own for one phase's app logs. */
export async function phaseLogDir(context: ScenarioContext, phase: string): Promise<string> {
  const dir = path.join(context.logDir, phase);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The app's sync work still to do: records due, waiting on a retry or rate limit, or held by a worker. */
export async function outstandingSync(): Promise<string[]> {
  const { prisma } = await import("~/db.server");
  const now = new Date();
  const [due, leased] = await Promise.all([
    prisma.syncState.groupBy({
      by: ["kind", "status"],
      where: { shop: SHOP, OR: [{ status: { in: ["dirty", "retry", "throttled"] } }, { status: "pending", nextAttemptAt: { lte: new Date(now.getTime() + 5 * 60_000) } }] },
      _count: true,
    }),
    prisma.syncState.count({ where: { shop: SHOP, leaseExpiresAt: { gt: now } } }),
  ]);
  const reasons = due.map((group) => `${group._count} ${group.kind} record(s) ${group.status}`);
  if (leased > 0) reasons.push(`${leased} record(s) held by a worker`);
  return reasons;
}

/** Records the app gave up on, with their reasons. */
export async function failedRecords(): Promise<string[]> {
  const { prisma } = await import("~/db.server");
  const rows = await prisma.syncState.findMany({ where: { shop: SHOP, status: "failed" }, select: { kind: true, gid: true, lastError: true }, take: 5 });
  return rows.map((row) => `${row.kind} ${row.gid}: ${row.lastError ?? "no reason"}`);
}

/** Quiet and JOOR matching the shop; answers the mirror report of the last look. */
export async function waitUntilMirrored(catalog: Pick<SyncedCatalog, "world" | "mirror">, timeoutMs: number): Promise<MirrorReport> {
  let report: MirrorReport = compareCatalog(catalog.world.shop, catalog.world.joor.account(JOOR_ACCOUNT.accountId), catalog.mirror);
  let outstanding: string[] = [];
  await waitFor(
    async () => {
      outstanding = await outstandingSync();
      report = compareCatalog(catalog.world.shop, catalog.world.joor.account(JOOR_ACCOUNT.accountId), catalog.mirror);
      return outstanding.length === 0 && report.differenceCount === 0;
    },
    {
      timeoutMs,
      intervalMs: 500,
      describe: async () =>
        [
          outstanding.join(", ") || "no sync work outstanding",
          `${report.differenceCount} difference(s) between JOOR and Shopify: ${report.differences.slice(0, 3).join("; ")}`,
          ...(await failedRecords()),
        ].join(" | "),
    },
  );
  return report;
}

/**
 * Sends webhooks as the fake's sender does, and keeps each products/update delivery at hand so the scenario
 * can have Shopify redeliver it (same webhook id) later.
 */
export class RedeliveringSender extends WebhookSender {
  #latestProductUpdate: Promise<DeliveryRecord[]> | null = null;
  readonly redeliveries: Array<{ status: number | null }> = [];
  readonly #url: string;

  constructor(appUrl: string) {
    super({ secret: API_SECRET, target: { baseUrl: appUrl }, seed: MEASURED_SENDER_SEED });
    this.#url = `${appUrl}/webhooks`;
  }

  override send(event: WebhookEvent): Promise<DeliveryRecord[]> {
    const sent = super.send(event);
    if (event.topic === "products/update") this.#latestProductUpdate = sent;
    return sent;
  }

  /** The products/update delivery the last merchant action caused. */
  latestProductUpdate(): Promise<DeliveryRecord[]> {
    if (!this.#latestProductUpdate) throw new Error("No products/update was sent yet");
    return this.#latestProductUpdate;
  }

  /** Delivers an earlier delivery again, same webhook id and body, as Shopify does when it retries. */
  async redeliver(delivery: Promise<DeliveryRecord[]>): Promise<void> {
    const original = (await delivery).find((record) => record.kind === "original");
    if (!original) throw new Error("Nothing to redeliver");
    let status: number | null = null;
    try {
      const response = await fetch(
        webhookRequest({
          url: this.#url,
          topic: original.topic,
          shop: original.shop,
          secret: API_SECRET,
          body: original.body,
          webhookId: original.webhookId,
          eventId: original.eventId,
        }),
      );
      await response.arrayBuffer();
      status = response.status;
    } finally {
      this.redeliveries.push({ status });
    }
  }
}

/** products/update deliveries answered 2xx (originals and redeliveries), and what became of the others. */
export function deliveredProductUpdates(sender: RedeliveringSender): { delivered: number; failed: string[] } {
  const ok = (status: number | null) => status !== null && status >= 200 && status < 300;
  const attempts = [
    ...sender.deliveries.filter((record) => record.topic === "products/update"),
    ...sender.redeliveries.map((record) => ({ ...record, error: undefined })),
  ];
  return {
    delivered: attempts.filter((attempt) => ok(attempt.status)).length,
    failed: attempts.filter((attempt) => !ok(attempt.status)).map((attempt) => attempt.error ?? `HTTP ${attempt.status}`),
  };
}

/**
 * The shop with `count` tagged styles, installed with the catalog and inventory flows on, and the first sync
 * done: every style, SKU, price and stock level in JOOR. The setup app is stopped before this returns.
 */
export async function syncedCatalog(context: ScenarioContext, count: number): Promise<SyncedCatalog> {
  const { prisma } = await import("~/db.server");
  const { startOneOffTask } = await import("~/flows/full-sync.server");
  const { TaskKind } = await import("~/flows/task-kinds");

  const world = await startBenchWorld({ credits: SETUP_CREDITS });
  const bucket = world.shopify.bucket(SHOP);
  bucket.restoreRate = SETUP_RESTORE_RATE;
  const products = Array.from({ length: count }, (_, index) => world.shop.createProduct(benchProduct(index)));
  const account = world.joor.account(JOOR_ACCOUNT.accountId);
  const [priceTypeId] = account.priceTypes.keys();
  const options = await installShop(world, {
    flows: { catalog: true, inventory: true },
    options: { productTag: BENCH_PRODUCT_TAG, priceTypeId, wholesalePercentOfRetail: WHOLESALE_PERCENT },
  });
  const mirror: MirrorOptions = {
    productTag: options.productTag,
    priceTypeId,
    wholesalePercentOfRetail: WHOLESALE_PERCENT,
    joorWarehouse: options.joorWarehouse,
  };

  const started = Date.now();
  let app: BenchApp | null = null;
  try {
    app = await startBenchApp(world, { workers: context.workers, logDir: await phaseLogDir(context, "setup"), credits: SETUP_CREDITS });
    // The bulk operation's finish webhook wakes the backfill.
    world.shopify.attachWebhooks(createWebhookSender({ secret: API_SECRET, target: { baseUrl: app.url }, seed: SETUP_SENDER_SEED }));
    await startOneOffTask(prisma, SHOP, TaskKind.catalogBackfill);
    await waitUntilMirrored({ world, mirror }, SETUP_TIMEOUT_MS);
  } finally {
    world.shopify.attachWebhooks(null);
    await app?.stop();
  }
  const setupSeconds = (Date.now() - started) / 1000;

  bucket.restoreRate = SHOPIFY_BUCKET.restoreRate;
  bucket.setAvailable(SHOPIFY_BUCKET.maximumAvailable);
  world.joor.settings.credits = { ...JOOR_QUOTA };
  account.credits = { windowStart: null, used: 0 };
  await prisma.joorBudget.deleteMany({});
  return { world, products, mirror, setupSeconds };
}
