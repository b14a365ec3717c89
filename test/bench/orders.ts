/**
 * orders: 500 approved JOOR orders imported into Shopify at once ("Import now"), against the rate Shopify's
 * cost limit allows. A few styles are synced first (so order lines map by UPC) and the retailers are already
 * JOOR connections. Measured from the first orderCreate to the last: orders a second, beside the fastest the
 * cost limit allows for orderCreate's own points (every other point the app spends meanwhile is its overhead
 * and counts against it); then every JOOR order must be in Shopify exactly once and acknowledged to JOOR.
 */
import type { OrderRecord } from "../fakes/shopify";
import type { OrderInput } from "../fakes/shopify/shop";
import { MUTATION_FIELD_COST } from "../fakes/shopify/cost";
import { createWebhookSender } from "../fakes/shopify/webhooks";
import { BRAND_TAG, seedRetailers, seedStyles, type SeededStyle } from "./brand";
import type { Figure } from "./figures";
import { fastestImportSeconds, shareOfAllowedRate, steadyOrderRate } from "./order-rate";
import { meterPoints } from "./points-meter";
import type { Scenario } from "./scenario";
import { API_SECRET, installShop, JOOR_ACCOUNT, SHOP, SHOPIFY_BUCKET, startBenchApp, startBenchWorld, waitFor, type BenchApp, type BenchWorld } from "./setup";

const SCENARIO = "orders";
const ORDERS = 500;
const STYLES = 10;
const RETAILERS = 50;
/** orderCreate is one top-level mutation field, which the fake (like Shopify) charges a flat price. */
const ORDER_CREATE_POINTS = MUTATION_FIELD_COST;

/** A small deterministic generator, so every run places the same orders. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** 500 approved orders in JOOR from the retailers, each of 1–3 lines of the synced styles' variants. */
function placeOrders(world: BenchWorld, retailers: readonly string[], styles: readonly SeededStyle[]): string[] {
  const random = sequence(8);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const variants = styles.flatMap((style) => style.variants);
  return Array.from({ length: ORDERS }, (_, index) => {
    const retailer = pick(retailers);
    const lines = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(variants)));
    return world.joor.addOrder(JOOR_ACCOUNT.accountId, {
      status: "APPROVED",
      fields: {
        order_currency: "USD",
        customer_code: retailer,
        customer_name: `Retailer ${retailer}`,
        customer_purchase_order: `PO-${index + 1}`,
        payment_method_name: "Net 30",
        shipping_method_name: "Ground",
        order_delivery_name: "Fall 27",
      },
      lines: [...lines].map((variant) => ({ item_upc: variant.upc, item_quantity: 1 + Math.floor(random() * 4), item_price: 40 })),
    });
  });
}

/** When each Shopify order was created, and the bucket and points spent at the first. */
interface CreateLog {
  times: number[];
  startAvailable: number | null;
  pointsAtFirst: number;
  pointsAtLast: number;
}

export const orders: Scenario = async (ctx) => {
  const world = await startBenchWorld();
  let app: BenchApp | null = null;
  try {
    const styles = seedStyles(world.shop, STYLES, () => 10_000);
    const retailers = seedRetailers(world.shop, RETAILERS);
    for (const id of retailers) {
      world.joor.addConnection(JOOR_ACCOUNT.accountId, { customer_code: id, customer_name: `Retailer ${id}`, customer_contact_email: `buyer@retailer-${id}.test` });
    }
    await installShop(world, { flows: { catalog: true, orders: true }, options: { productTag: BRAND_TAG } });
    app = await startBenchApp(world, { workers: ctx.workers, logDir: ctx.logDir });
    world.shopify.attachWebhooks(createWebhookSender({ secret: API_SECRET, target: { baseUrl: app.url } }));

    const { prisma } = await import("~/db.server");
    const { startOneOffTask } = await import("~/flows/full-sync.server");
    const { TaskKind } = await import("~/flows/task-kinds");
    const { importOrdersNow } = await import("~/orders/actions.server");
    await startOneOffTask(prisma, SHOP, TaskKind.catalogBackfill);
    const styleGids = styles.map((style) => `gid://shopify/Product/${style.id}`);
    await waitFor(async () => (await prisma.syncState.count({ where: { shop: SHOP, gid: { in: styleGids }, status: "synced" } })) === STYLES, {
      timeoutMs: 3 * 60_000,
      intervalMs: 500,
      describe: async () => `${await prisma.syncState.count({ where: { shop: SHOP, gid: { in: styleGids }, status: "synced" } })} of ${STYLES} styles synced`,
    });

    const joorOrderIds = placeOrders(world, retailers, styles);
    const bucket = world.shopify.bucket(SHOP);
    const points = meterPoints(bucket);
    const log: CreateLog = { times: [], startAvailable: null, pointsAtFirst: 0, pointsAtLast: 0 };
    const createOrder = world.shop.createOrder.bind(world.shop);
    world.shop.createOrder = (input: OrderInput, behaviour): OrderRecord => {
      const order = createOrder(input, behaviour);
      if (log.startAvailable === null) {
        // The fake took orderCreate's points before running it: the bucket held them a moment ago.
        const status = bucket.status();
        log.startAvailable = Math.min(status.maximumAvailable, status.currentlyAvailable + ORDER_CREATE_POINTS);
        log.pointsAtFirst = points.spent() - ORDER_CREATE_POINTS;
      }
      log.times.push(Date.now());
      log.pointsAtLast = points.spent();
      return order;
    };

    const answer = await importOrdersNow(SHOP);
    if (!answer.ok) throw new Error(`Import now was refused: ${answer.message}`);
    const account = world.joor.account(JOOR_ACCOUNT.accountId);
    // Acknowledged either way: imported (exported) or failed with the reason.
    const acknowledged = () => joorOrderIds.filter((id) => account.orders.get(id)?.export.state !== "never").length;
    await waitFor(() => acknowledged() === ORDERS, {
      timeoutMs: 5 * 60_000,
      intervalMs: 250,
      describe: () => `${world.shop.orders.size} Shopify orders, ${acknowledged()} of ${ORDERS} JOOR orders acknowledged`,
    });

    const bySource = new Map<string, number>();
    for (const order of world.shop.orders.values()) {
      if (order.sourceIdentifier) bySource.set(order.sourceIdentifier, (bySource.get(order.sourceIdentifier) ?? 0) + 1);
    }
    const duplicates = [...bySource.values()].reduce((sum, copies) => sum + Math.max(0, copies - 1), 0);
    const missing = joorOrderIds.filter((id) => !bySource.has(id) || account.orders.get(id)?.export.state !== "exported").length;

    const measuredSeconds = (log.times[log.times.length - 1] - log.times[0]) / 1000;
    const limit = { restoreRate: SHOPIFY_BUCKET.restoreRate, startAvailable: log.startAvailable ?? 0 };
    const allowedSeconds = fastestImportSeconds(log.times.length, ORDER_CREATE_POINTS, limit);
    const pointsPerOrder = (log.pointsAtLast - log.pointsAtFirst) / log.times.length;
    const figures: Figure[] = [
      {
        scenario: SCENARIO,
        name: "import rate ÷ allowed rate",
        value: 100 * shareOfAllowedRate(measuredSeconds, allowedSeconds),
        unit: "%",
        target: { kind: "min", value: 80 },
        note:
          `allowed: ${log.times.length} orderCreates × ${ORDER_CREATE_POINTS} points less the ${limit.startAvailable} points in the bucket at the first, ` +
          `restored at ${SHOPIFY_BUCKET.restoreRate} points/s = ${allowedSeconds.toFixed(1)} s; measured ${measuredSeconds.toFixed(1)} s`,
      },
      {
        scenario: SCENARIO,
        name: "orders imported per second",
        value: log.times.length / measuredSeconds,
        unit: "orders/s",
        note: "first orderCreate to the last, one poll run after Import now",
      },
      {
        scenario: SCENARIO,
        name: "allowed orders per second",
        value: log.times.length / allowedSeconds,
        unit: "orders/s",
        note: `Shopify's cost limit for orderCreate's own ${ORDER_CREATE_POINTS} points, from the bucket as it stood at the first; ${steadyOrderRate(ORDER_CREATE_POINTS, SHOPIFY_BUCKET.restoreRate)}/s once that is spent`,
      },
      {
        scenario: SCENARIO,
        name: "Admin API points per imported order",
        value: pointsPerOrder,
        unit: "points",
        note: `every point the app spent between the first and last orderCreate ÷ orders; orderCreate itself costs ${ORDER_CREATE_POINTS}`,
      },
      {
        scenario: SCENARIO,
        name: "duplicate Shopify orders",
        value: duplicates,
        unit: "orders",
        target: { kind: "max", value: 0 },
        note: "Shopify orders beyond the first per JOOR order id (source identifier)",
      },
      {
        scenario: SCENARIO,
        name: "orders not imported or not acknowledged",
        value: missing,
        unit: "orders",
        target: { kind: "max", value: 0 },
        note: `of ${ORDERS} approved JOOR orders: without a Shopify order, or not marked exported in JOOR`,
      },
    ];
    return figures;
  } finally {
    await app?.stop();
    await world.close();
  }
};
