/**
 * intake: signed products/update deliveries at concurrency 50 for 20 s against the real webhook route, and in
 * the same run against a route that only calls `authenticate.webhook`. No worker runs, so the figures are the
 * request path's alone: verify, record the delivery, mark the product for sync, answer.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_WEBHOOK_API_VERSION, signWebhookBody } from "../fakes/shopify/webhooks";
import { productPayload } from "../fakes/shopify/payloads";
import { stringifyPayload } from "../fakes/shopify/json";
import { percentile, type Figure } from "./figures";
import { accepted, runLoad, type LoadRequest, type LoadResult } from "./load";
import type { Scenario } from "./scenario";
import { API_SECRET, installShop, SHOP, startBenchApp, startBenchWorld } from "./setup";

const CONCURRENCY = 50;
const DURATION_MS = 20_000;
const WARM_UP_MS = 3_000;
const PRODUCTS = 1_000;

/** A products/update delivery of one of the shop's products, with a webhook id of its own. */
function deliveries(bodies: string[], path: string): (index: number) => LoadRequest {
  const signatures = bodies.map((body) => signWebhookBody(body, API_SECRET));
  return (index) => {
    const which = index % bodies.length;
    return {
      path,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": signatures[which],
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": DEFAULT_WEBHOOK_API_VERSION,
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
      },
      body: bodies[which],
    };
  };
}

function figuresOf(result: LoadResult): { perSecond: number; p50: number; p99: number; errors: number } {
  const ok = accepted(result);
  return {
    perSecond: ok / (result.elapsedMs / 1000),
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    errors: result.failures + [...result.statuses].filter(([status]) => status < 200 || status >= 300).reduce((sum, [, count]) => sum + count, 0),
  };
}

export const intake: Scenario = async (context) => {
  const world = await startBenchWorld();
  const products = Array.from({ length: PRODUCTS }, (_, index) =>
    world.shop.createProduct({
      title: `Bench style ${index + 1}`,
      tags: ["wholesale"],
      options: ["Color", "Size"],
      variants: ["S", "M", "L"].map((size, position) => ({ options: ["Black", size], barcode: `0${index}${position}`, price: "120.00", inventory: 5 })),
    }),
  );
  const bodies = products.map((product) => stringifyPayload(productPayload(world.shop, product)));
  await installShop(world, { flows: { catalog: true, inventory: true }, options: { productTag: "wholesale" } });
  const app = await startBenchApp(world, { workers: 0, logDir: context.logDir, webScript: "test/bench/web.ts" });
  try {
    const load = (path: string, durationMs: number) => runLoad({ baseUrl: app.url, concurrency: CONCURRENCY, durationMs, request: deliveries(bodies, path) });
    await load("/bench/authenticate-only", WARM_UP_MS);
    const warmUp = await load("/webhooks", WARM_UP_MS);
    const bare = figuresOf(await load("/bench/authenticate-only", DURATION_MS));
    const measured = await load("/webhooks", DURATION_MS);
    const real = figuresOf(measured);

    const { prisma } = await import("~/db.server");
    const recorded = await prisma.webhookDelivery.count({ where: { shop: SHOP } });
    const answered = accepted(warmUp) + accepted(measured);
    const note = `${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s, ${PRODUCTS} products; load generator on the same machine`;
    const figures: Figure[] = [
      { scenario: "intake", name: "webhooks accepted", value: real.perSecond, unit: "/s", target: { kind: "min", value: 1_000 }, note },
      { scenario: "intake", name: "latency p50", value: real.p50, unit: "ms" },
      { scenario: "intake", name: "latency p99", value: real.p99, unit: "ms", target: { kind: "max", value: 50 } },
      { scenario: "intake", name: "errors", value: real.errors, unit: "", target: { kind: "max", value: 0 } },
      { scenario: "intake", name: "authenticate-only route", value: bare.perSecond, unit: "/s", note: `p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms` },
      { scenario: "intake", name: "ratio to authenticate-only", value: real.perSecond / bare.perSecond, unit: "", target: { kind: "min", value: 0.5 } },
      { scenario: "intake", name: "accepted but not recorded", value: answered - recorded, unit: "", target: { kind: "max", value: 0 }, note: `${recorded} deliveries in the database` },
    ];
    return figures;
  } finally {
    await app.stop();
    await world.close();
  }
};
