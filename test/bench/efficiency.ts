/**
 * efficiency: 10,000 products/update webhooks over 1,000 tagged styles — 80% sales (stock only), 15% real
 * edits, 5% redeliveries — delivered at a steady pace to the real app at JOOR's quota; then the JOOR credits
 * it spent until it was quiet and JOOR matched Shopify for every style, price and SKU's stock, beside the naive
 * integration's 5 credits per webhook.
 */
import type { DeliveryRecord } from "../fakes/shopify/webhooks";
import type { Figure } from "./figures";
import { creditsPerThousand, editedValue, EFFICIENCY_MIX, planProductTraffic, writesByPath, type TrafficStep } from "./product-traffic";
import type { Scenario } from "./scenario";
import { JOOR_QUOTA, startBenchApp, type BenchApp } from "./setup";
import {
  deliveredProductUpdates,
  phaseLogDir,
  RedeliveringSender,
  SETUP_NOTE,
  syncedCatalog,
  waitUntilMirrored,
  type SyncedCatalog,
} from "./synced-catalog";

const PRODUCTS = 1_000;
const WEBHOOKS = 10_000;
/** The deliveries are spread evenly over this long: about 100 webhooks a second. */
const DELIVERY_MS = 100_000;
const QUIET_TIMEOUT_MS = 12 * 60_000;
const SEED = 8;
const NAIVE_CREDITS_PER_WEBHOOK = 5;
const TARGET_CREDITS_PER_THOUSAND = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Carries out one step as the merchant or Shopify would; answers the products/update it caused, if any. */
function perform(
  step: TrafficStep,
  catalog: SyncedCatalog,
  sender: RedeliveringSender,
  sent: Array<Promise<DeliveryRecord[]> | null>,
  redeliveries: Array<Promise<void>>,
): Promise<DeliveryRecord[]> | null {
  const { shop } = catalog.world;
  if (step.kind === "duplicate") {
    const original = sent[step.of];
    if (!original) throw new Error(`Step ${step.of} sent no products/update`);
    redeliveries.push(sender.redeliver(original));
    return null;
  }
  const product = catalog.products[step.product];
  const variantId = product.variantIds[step.variant];
  if (step.kind === "sale") shop.sell({ variantId, quantity: 1 });
  else if (step.field === "title") shop.updateProduct(product.id, { title: editedValue("title", step.product, step.serial) });
  else if (step.field === "description") shop.updateProduct(product.id, { descriptionHtml: editedValue("description", step.product, step.serial) });
  else shop.updateVariant(variantId, { price: editedValue("price", step.product, step.serial) });
  return sender.latestProductUpdate();
}

export const efficiency: Scenario = async (context) => {
  const catalog = await syncedCatalog(context, PRODUCTS);
  const { world } = catalog;
  const steps = planProductTraffic({ webhooks: WEBHOOKS, products: PRODUCTS, mix: EFFICIENCY_MIX, seed: SEED });

  let app: BenchApp | null = null;
  try {
    app = await startBenchApp(world, { workers: context.workers, logDir: await phaseLogDir(context, "measured") });
    const sender = new RedeliveringSender(app.url);
    world.shopify.attachWebhooks(sender);
    const firstCall = world.joor.calls.length;
    const started = Date.now();

    const sent: Array<Promise<DeliveryRecord[]> | null> = [];
    const redeliveries: Array<Promise<void>> = [];
    for (const [index, step] of steps.entries()) {
      const due = started + (index * DELIVERY_MS) / steps.length;
      if (due > Date.now()) await sleep(due - Date.now());
      sent.push(perform(step, catalog, sender, sent, redeliveries));
    }
    await sender.idle();
    await Promise.all(redeliveries);
    const deliveredSeconds = (Date.now() - started) / 1000;

    const report = await waitUntilMirrored(catalog, QUIET_TIMEOUT_MS);
    const quietSeconds = (Date.now() - started) / 1000;
    const calls = world.joor.calls.slice(firstCall);
    const credits = calls.reduce((sum, call) => sum + call.credits, 0);
    const writes = calls.filter((call) => call.method !== "GET" && call.credits > 0).length;
    const refused = calls.filter((call) => call.status === 429).length;
    const { delivered, failed } = deliveredProductUpdates(sender);
    const stockWebhooks = sender.deliveries.filter((record) => record.topic === "inventory_levels/update").length;
    const counts = steps.reduce<Record<string, number>>((tally, step) => ({ ...tally, [step.kind]: (tally[step.kind] ?? 0) + 1 }), {});

    const figure = (name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({ scenario: "efficiency", name, value, unit, ...extra });
    return [
      figure("webhooks delivered", delivered, "", {
        note: `products/update: ${counts.sale} sales, ${counts.edit} edits, ${counts.duplicate} redeliveries (same webhook id), over ${PRODUCTS} styles in ${Math.round(deliveredSeconds)} s; ${failed.length} not answered 2xx${failed.length > 0 ? ` (${[...new Set(failed)].slice(0, 3).join("; ")})` : ""}. The sales also delivered ${stockWebhooks} inventory_levels/update`,
      }),
      figure("JOOR credits spent", credits, "credits", {
        note: `until quiet and JOOR matched Shopify for ${report.styles} styles and ${report.skus} SKUs (name, description, prices, stock); includes the stock writes the inventory_levels/update webhooks caused; ${refused} JOOR 429s`,
      }),
      figure("credits per 1,000 webhooks", creditsPerThousand(credits, delivered), "credits", {
        target: { kind: "max", value: TARGET_CREDITS_PER_THOUSAND },
        note: `JOOR quota ${JOOR_QUOTA.limit} credits per ${JOOR_QUOTA.windowSeconds} s; ${SETUP_NOTE}`,
      }),
      figure("naive credits", delivered * NAIVE_CREDITS_PER_WEBHOOK, "credits", { note: "one JOOR write (5 credits) per webhook" }),
      figure("JOOR write calls", writes, "calls", { note: writesByPath(calls) }),
      figure("wall time to quiet", quietSeconds, "s", {
        note: `from the first delivery; deliveries took ${Math.round(deliveredSeconds)} s (setup's first sync, anchors lifted: ${Math.round(catalog.setupSeconds)} s)`,
      }),
    ];
  } finally {
    world.shopify.attachWebhooks(null);
    await app?.stop();
    await world.close();
  }
};
