/**
 * freshness: how long a change made in Shopify takes to show in JOOR, under a steady load that fits JOOR's
 * credit budget. Every beat a style is edited (title, description or a variant's price, in turn) and a few
 * other styles sell a unit; the scenario watches the JOOR fake's memory every 50 ms and times each change from
 * the merchant's action to the moment JOOR first holds the new value.
 */
import { descriptionText } from "~/catalog/mapping";
import { displayValue } from "~/catalog/conventions";
import { formatCents, toCents } from "~/catalog/prices";
import { creditBudgetConfig, WRITE_CREDITS } from "~/joor/budget";
import { createWebhookSender } from "../fakes/shopify/webhooks";
import { compareCatalog, expectedVariant, JoorView } from "./catalog-mirror";
import { percentile, type Figure } from "./figures";
import { ChangeClock, planBeats, shortestBeatMs, type Beat } from "./freshness-load";
import { editedValue, writesByPath } from "./product-traffic";
import type { Scenario } from "./scenario";
import { API_SECRET, JOOR_ACCOUNT, JOOR_QUOTA, startBenchApp, type BenchApp } from "./setup";
import { MEASURED_SENDER_SEED, phaseLogDir, SETUP_NOTE, syncedCatalog, type SyncedCatalog } from "./synced-catalog";

const PRODUCTS = 100;
const LOAD_MS = 180_000;
const SALES_PER_BEAT = 4;
/** A beat's changes cost at most one style write and one stock write when the app batches them per kind. */
const WRITES_PER_BEAT = 2;
const POLL_MS = 50;
/** A change not in JOOR this long after the load ended counts as never arriving. */
const CATCH_UP_MS = 120_000;
const SEED = 21;
const TARGET_P95_SECONDS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Reader = (joor: JoorView) => string | undefined;

/** Makes one beat's changes in Shopify, telling the clock what JOOR must come to hold and how to read it. */
function playBeat(beat: Beat, catalog: SyncedCatalog, clock: ChangeClock, readers: Map<string, Reader>): void {
  const { shop } = catalog.world;
  const expect = (key: string, value: string, reader: Reader) => {
    readers.set(key, reader);
    clock.expect(key, value, Date.now());
  };
  const { edit } = beat;
  const edited = catalog.products[edit.product];
  const value = editedValue(edit.field, edit.product, edit.serial);
  if (edit.field === "title") {
    expect(`name:${edited.id}`, displayValue(value), (joor) => joor.style(edited.id)?.name);
    shop.updateProduct(edited.id, { title: value });
  } else if (edit.field === "description") {
    expect(`description:${edited.id}`, descriptionText(value), (joor) => joor.style(edited.id)?.description);
    shop.updateProduct(edited.id, { descriptionHtml: value });
  } else {
    const upc = shop.variant(edited.variantIds[edit.variant]).barcode ?? "";
    expect(`price:${upc}`, formatCents(toCents(value) ?? 0), (joor) => joor.price(upc)?.retail);
    shop.updateVariant(edited.variantIds[edit.variant], { price: value });
  }
  for (const sale of beat.sales) {
    const variant = shop.variant(catalog.products[sale.product].variantIds[sale.variant]);
    const upc = variant.barcode ?? "";
    const after = expectedVariant(shop, variant, catalog.mirror).stock - 1;
    expect(`stock:${upc}`, String(after), (joor) => {
      const stock = joor.stock(upc);
      return stock === undefined ? undefined : String(stock);
    });
    shop.sell({ variantId: variant.id, quantity: 1 });
  }
}

/** Looks at JOOR every POLL_MS until `done()`, resolving each change JOOR holds. */
async function watch(catalog: SyncedCatalog, clock: ChangeClock, readers: Map<string, Reader>, done: () => boolean): Promise<void> {
  const account = catalog.world.joor.account(JOOR_ACCOUNT.accountId);
  while (!done()) {
    const keys = clock.pendingKeys();
    if (keys.length > 0) {
      const joor = new JoorView(account, catalog.mirror);
      const at = Date.now();
      for (const key of keys) clock.observe(key, readers.get(key)?.(joor), at);
    }
    await sleep(POLL_MS);
  }
}

export const freshness: Scenario = async (context) => {
  const catalog = await syncedCatalog(context, PRODUCTS);
  const { world } = catalog;
  const budget = creditBudgetConfig({ limit: JOOR_QUOTA.limit, windowSeconds: JOOR_QUOTA.windowSeconds });
  const usableCredits = budget.limit - budget.priorityReserve;
  const beatMs = shortestBeatMs(WRITES_PER_BEAT, { usableCredits, windowMs: budget.windowMs, writeCredits: WRITE_CREDITS });
  const beats = planBeats({ durationMs: LOAD_MS, beatMs, salesPerBeat: SALES_PER_BEAT, products: PRODUCTS, seed: SEED });

  let app: BenchApp | null = null;
  try {
    app = await startBenchApp(world, { workers: context.workers, logDir: await phaseLogDir(context, "measured") });
    const sender = createWebhookSender({ secret: API_SECRET, target: { baseUrl: app.url }, seed: MEASURED_SENDER_SEED });
    world.shopify.attachWebhooks(sender);
    const firstCall = world.joor.calls.length;
    const clock = new ChangeClock();
    const readers = new Map<string, Reader>();
    let loadOver = false;
    let catchUpEnds = Number.POSITIVE_INFINITY;
    const watching = watch(catalog, clock, readers, () => (loadOver && clock.pendingCount() === 0) || Date.now() > catchUpEnds);

    const started = Date.now();
    for (const beat of beats) {
      const due = started + beat.at;
      if (due > Date.now()) await sleep(due - Date.now());
      playBeat(beat, catalog, clock, readers);
    }
    const loadSeconds = (Date.now() - started) / 1000;
    loadOver = true;
    catchUpEnds = Date.now() + CATCH_UP_MS;
    await watching;
    await sender.idle();

    const lost = clock.pendingCount();
    const latencies = [...clock.latencies().map((ms) => ms / 1000), ...Array<number>(lost).fill(Number.POSITIVE_INFINITY)];
    const calls = world.joor.calls.slice(firstCall);
    const credits = calls.reduce((sum, call) => sum + call.credits, 0);
    const writes = calls.filter((call) => call.method !== "GET" && call.credits > 0).length;
    const elapsedSeconds = (Date.now() - started) / 1000;
    const undelivered = sender.deliveries.filter((record) => record.status === null || record.status < 200 || record.status >= 300);
    const mirror = compareCatalog(world.shop, world.joor.account(JOOR_ACCOUNT.accountId), catalog.mirror);

    const figure = (name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({ scenario: "freshness", name, value, unit, ...extra });
    const edits = beats.length;
    const sales = beats.length * SALES_PER_BEAT;
    return [
      figure("p50 Shopify change → JOOR", percentile(latencies, 50), "s"),
      figure("p95 Shopify change → JOOR", percentile(latencies, 95), "s", {
        target: { kind: "max", value: TARGET_P95_SECONDS },
        note: `JOOR fake's state looked at every ${POLL_MS} ms; ${SETUP_NOTE}`,
      }),
      figure("slowest change", Math.max(...clock.latencies()) / 1000, "s", { note: "of the changes that reached JOOR" }),
      figure("changes", latencies.length, "", {
        note: `${edits} style edits (title, description, price in turn) and ${sales} one-unit sales of other styles, a beat every ${beatMs / 1000} s for ${Math.round(loadSeconds)} s over ${PRODUCTS} styles; ${lost} not in JOOR ${CATCH_UP_MS / 1000} s after the load${lost > 0 ? ` (${clock.pendingKeys().slice(0, 3).join(", ")})` : ""}; ${undelivered.length} of ${sender.deliveries.length} webhook deliveries not answered 2xx${undelivered.length > 0 ? ` (${undelivered.slice(0, 3).map((record) => `${record.topic}: ${record.error ?? `HTTP ${record.status}`}`).join("; ")})` : ""}; afterwards ${mirror.differenceCount} difference(s) between JOOR and Shopify${mirror.differenceCount > 0 ? ` (${mirror.differences.slice(0, 3).join("; ")})` : ""}`,
      }),
      figure("JOOR credits used", credits, "credits", {
        note: `${writes} writes (${writesByPath(calls)}) in ${Math.round(elapsedSeconds)} s; quota ${JOOR_QUOTA.limit} per ${JOOR_QUOTA.windowSeconds} s, ${usableCredits} of them for sync (the rest kept for order polling); the beat was sized for ${WRITES_PER_BEAT} writes`,
      }),
      figure("JOOR credits per quota window", (credits * JOOR_QUOTA.windowSeconds * 1000) / (beats.length * beatMs), "credits", {
        note: `the rate spent over the load's ${(beats.length * beatMs) / 1000} s (${beats.length} beats), per ${JOOR_QUOTA.windowSeconds} s; ${usableCredits} can be spent`,
      }),
    ];
  } finally {
    world.shopify.attachWebhooks(null);
    await app?.stop();
    await world.close();
  }
};
