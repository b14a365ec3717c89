/**
 * backfill: a brand turns the app on with 10,000 tagged customers and 1,000 tagged products × 12 variants
 * already in Shopify. Both first syncs start from bulk operations; the scenario waits until JOOR holds every
 * connection, style, SKU, price, image, linesheet and stock level, then until the app has nothing left to
 * do, and compares the JOOR write calls made with the fewest JOOR's batch sizes allow.
 *
 * JOOR's real quota (300 credits per 300 s) would make the run wait on JOOR's window for most of an hour, so
 * JOOR and the app both run with the same quota compressed in time (300 credits per 10 s): the app still has
 * to pace itself to it, and the wall time the credits imply at the real quota is reported beside the
 * measured one.
 */
import { createWebhookSender } from "../fakes/shopify/webhooks";
import type { JoorFake } from "../fakes/joor";
import type { CreditSettings } from "../fakes/joor/credits";
import type { Figure } from "./figures";
import { BRAND_TAG, LINESHEET_PREFIX, seedRetailers, seedStyles, type SeededStyle } from "./brand";
import { backfillRecords, minimumWriteCalls, writeKindOf, type WriteKind } from "./minimum-calls";
import { meterPoints } from "./points-meter";
import type { Scenario } from "./scenario";
import { API_SECRET, installShop, JOOR_ACCOUNT, JOOR_QUOTA, SHOP, SHOPIFY_BUCKET, startBenchApp, startBenchWorld, waitFor, type BenchApp, type BenchWorld } from "./setup";

const SCENARIO = "backfill";
const CUSTOMERS = 10_000;
const PRODUCTS = 1_000;
/** Wholesale is half of retail (the "wholesale % of retail" rule). */
const WHOLESALE_PERCENT = 50;

/** JOOR's quota, compressed: the same credits per window, a window 30 times shorter. */
const COMPRESSED_QUOTA: CreditSettings = { limit: JOOR_QUOTA.limit, windowSeconds: 10 };
/**
 * Shopify's restore rate, compressed the same way: reading 10,000 customers and 12,000 SKUs back takes tens of
 * thousands of points, most of an hour at 100 points a second.
 */
const COMPRESSED_RESTORE_RATE = 10 * SHOPIFY_BUCKET.restoreRate;
const DONE_WITHIN_MS = 15 * 60_000;
/** The app has settled once no record is due within this long (JOOR job checks, linesheet waits). */
const SETTLED_HORIZON_MS = 60_000;

type Missing = Record<"connections" | "products" | "skus" | "prices" | "images" | "linesheets" | "stock", number>;

/** What JOOR does not hold yet, per kind (all zero when the backfill is complete). */
function missingInJoor(joor: JoorFake, customerIds: readonly string[], styles: readonly SeededStyle[], priceTypeId: string): Missing {
  const account = joor.account(JOOR_ACCOUNT.accountId);
  const codes = new Set([...account.connections.values()].map((connection) => connection.customerCode));
  const productIds = new Map([...account.products.values()].map((product) => [product.product_identifier, product.id]));
  const skuByUpc = new Map<string, string>();
  for (const sku of account.skus.values()) {
    if (sku.status !== "ACTIVE") continue;
    for (const identifier of sku.identifiers) if (identifier.type === "upc") skuByUpc.set(identifier.value, sku.id);
  }
  const priced = new Set([...account.prices.values()].filter((price) => price.price_type_id === priceTypeId).map((price) => price.sku_id));
  const withImages = new Set([...account.assets.values()].map((asset) => asset.product_id));
  const onLinesheets = new Set([...account.collections.values()].flatMap((collection) => collection.items.map((item) => item.product_id)));
  const missing: Missing = { connections: 0, products: 0, skus: 0, prices: 0, images: 0, linesheets: 0, stock: 0 };
  for (const id of customerIds) if (!codes.has(id)) missing.connections += 1;
  for (const product of styles) {
    const productId = productIds.get(product.id);
    if (!productId) missing.products += 1;
    if (!productId || !withImages.has(productId)) missing.images += 1;
    if (!productId || !onLinesheets.has(productId)) missing.linesheets += 1;
    for (const variant of product.variants) {
      const skuId = skuByUpc.get(variant.upc);
      if (!skuId) missing.skus += 1;
      if (!skuId || !priced.has(skuId)) missing.prices += 1;
      const stock = skuId ? account.inventory.get(skuId)?.get("Default|") : undefined;
      if (stock?.inventory !== variant.available) missing.stock += 1;
    }
  }
  return missing;
}

function describeMissing(missing: Missing): string {
  const left = Object.entries(missing).filter(([, count]) => count > 0);
  return left.length === 0 ? "nothing missing" : `JOOR still lacks ${left.map(([kind, count]) => `${count} ${kind}`).join(", ")}`;
}

/** Work the app still has: records due soon or held by a worker, backfill tasks not done. */
async function outstanding(): Promise<string[]> {
  const { prisma } = await import("~/db.server");
  const now = new Date();
  const [records, leased, tasks] = await Promise.all([
    prisma.syncState.groupBy({
      by: ["kind", "status"],
      where: {
        shop: SHOP,
        OR: [
          { status: { in: ["dirty", "retry", "throttled"] } },
          { status: "pending", nextAttemptAt: { lte: new Date(now.getTime() + SETTLED_HORIZON_MS) } },
        ],
      },
      _count: true,
    }),
    prisma.syncState.count({ where: { shop: SHOP, leaseExpiresAt: { gt: now } } }),
    prisma.scheduledTask.findMany({ where: { shop: SHOP, status: { notIn: ["done", "failed"] } }, select: { kind: true, status: true } }),
  ]);
  return [
    ...records.map((group) => `${group._count} ${group.kind} ${group.status}`),
    ...(leased > 0 ? [`${leased} record(s) held by a worker`] : []),
    ...tasks.map((task) => `task ${task.kind} ${task.status}`),
  ];
}

function writeBreakdown(calls: JoorFake["calls"]): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const kind = writeKindOf(call);
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, count]) => `${kind} ${count}`).join(", ");
}

export const backfill: Scenario = async (ctx) => {
  const world: BenchWorld = await startBenchWorld({ credits: COMPRESSED_QUOTA });
  let app: BenchApp | null = null;
  try {
    const priceTypeId = world.joor.addPriceType(JOOR_ACCOUNT.accountId, { label: "Wholesale USD", currency: "USD" });
    // Written before the app is told about the shop: seeding sends no webhooks.
    const customerIds = seedRetailers(world.shop, CUSTOMERS);
    const styles = seedStyles(world.shop, PRODUCTS, (style, variant) => (style + variant) % 40);
    await installShop(world, {
      flows: { customers: true, catalog: true, inventory: true },
      options: { customerTags: [BRAND_TAG], productTag: BRAND_TAG, collectionTagPrefix: LINESHEET_PREFIX, priceTypeId, wholesalePercentOfRetail: WHOLESALE_PERCENT },
    });
    app = await startBenchApp(world, { workers: ctx.workers, logDir: ctx.logDir, credits: COMPRESSED_QUOTA });
    // Attached after seeding: the app hears only what happens from now on, such as its bulk operations finishing.
    world.shopify.attachWebhooks(createWebhookSender({ secret: API_SECRET, target: { baseUrl: app.url } }));
    const bucket = world.shopify.bucket(SHOP);
    bucket.restoreRate = COMPRESSED_RESTORE_RATE;
    const points = meterPoints(bucket);
    const firstCall = world.joor.calls.length;

    const { prisma } = await import("~/db.server");
    const { startOneOffTask } = await import("~/flows/full-sync.server");
    const { TaskKind } = await import("~/flows/task-kinds");
    const started = Date.now();
    await startOneOffTask(prisma, SHOP, TaskKind.customersBackfill);
    await startOneOffTask(prisma, SHOP, TaskKind.catalogBackfill);

    await waitFor(() => Object.values(missingInJoor(world.joor, customerIds, styles, priceTypeId)).every((count) => count === 0), {
      timeoutMs: DONE_WITHIN_MS,
      intervalMs: 1_000,
      describe: () => describeMissing(missingInJoor(world.joor, customerIds, styles, priceTypeId)),
    });
    const wallMs = Date.now() - started;
    // Writes the app still makes after JOOR holds everything count too.
    await waitFor(async () => (await outstanding()).length === 0, {
      timeoutMs: 5 * 60_000,
      intervalMs: 1_000,
      describe: async () => `the app still has work: ${(await outstanding()).join("; ")}`,
    });
    const peakRss = app.peakRssMb();

    const calls = world.joor.calls.slice(firstCall);
    const writes = calls.filter((call) => writeKindOf(call) !== null);
    const refused = writes.filter((call) => call.status === 429).length;
    const credits = calls.reduce((sum, call) => sum + call.credits, 0);
    const minimum = minimumWriteCalls(backfillRecords(customerIds.length, styles.map((style) => style.shape)));
    const minimumBreakdown = (Object.keys(minimum.byKind) as WriteKind[]).map((kind) => `${kind} ${minimum.byKind[kind]}`).join(", ");
    const spentPoints = points.spent();
    const figures: Figure[] = [
      {
        scenario: SCENARIO,
        name: "JOOR write calls ÷ minimum",
        value: writes.length / minimum.total,
        unit: "×",
        target: { kind: "max", value: 1.1 },
        note: `${writes.length} write calls (${writeBreakdown(calls)}${refused ? `; ${refused} refused with 429` : ""}) ÷ ${minimum.total}`,
      },
      {
        scenario: SCENARIO,
        name: "JOOR write calls",
        value: writes.length,
        unit: "calls",
        note: `non-GET calls to JOOR's API from the start of both backfills until the app had nothing left to do`,
      },
      {
        scenario: SCENARIO,
        name: "minimum JOOR write calls",
        value: minimum.total,
        unit: "calls",
        note: `every record JOOR must hold in calls as full as JOOR's batch sizes allow (${minimumBreakdown})`,
      },
      {
        scenario: SCENARIO,
        name: "wall time",
        value: wallMs / 1000,
        unit: "s",
        note:
          `start of both backfills until JOOR held everything; JOOR and the app at ${COMPRESSED_QUOTA.limit} credits per ` +
          `${COMPRESSED_QUOTA.windowSeconds} s, Shopify restoring ${COMPRESSED_RESTORE_RATE} points/s (anchors compressed in time)`,
      },
      {
        scenario: SCENARIO,
        name: "wall time at JOOR's real quota",
        value: (credits / JOOR_QUOTA.limit) * JOOR_QUOTA.windowSeconds,
        unit: "s",
        note: `${credits} JOOR credits spent ÷ ${JOOR_QUOTA.limit} × ${JOOR_QUOTA.windowSeconds} s: what the credits alone take at ${JOOR_QUOTA.limit} credits per ${JOOR_QUOTA.windowSeconds} s`,
      },
      {
        scenario: SCENARIO,
        name: "wall time at Shopify's standard rate",
        value: spentPoints / SHOPIFY_BUCKET.restoreRate,
        unit: "s",
        note: `${Math.round(spentPoints)} Admin API points spent ÷ ${SHOPIFY_BUCKET.restoreRate} points/s; the run restored ${COMPRESSED_RESTORE_RATE} points/s`,
      },
      {
        scenario: SCENARIO,
        name: "peak RSS",
        value: peakRss,
        unit: "MB",
        target: { kind: "max", value: 300 },
        note:
          ctx.workers === 0
            ? "peak (VmHWM) of the app's one process: the web server with the worker inside"
            : `largest peak (VmHWM) of the app's processes: the web server and ${ctx.workers} worker process(es)`,
      },
    ];
    return figures;
  } finally {
    await app?.stop();
    await world.close();
  }
};
