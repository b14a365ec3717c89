import { describe, expect, it } from "vitest";
import { catalogBackfillHandler, readBackfillState, startCatalogBackfill } from "~/catalog/backfill.server";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { startBulkQuery } from "~/shopify/bulk.server";
import type { TaskContext } from "~/sync/registry";
import { taskProgress } from "~/sync/tasks.server";
import { catalogSuite, joorAccount, joorCollection, joorStyle, joorWrites, NEW_STYLE_WRITES } from "./catalog-support";
import { SHOP, type FlowHarness } from "./harness";

const { configured } = catalogSuite({ bulk: { maxConcurrent: 1 } });

/** Products that existed before the app: created while no webhook reaches it. */
async function existingCatalog(count: number): Promise<{ h: FlowHarness; ids: string[] }> {
  const h = await configured();
  h.shopify.attachWebhooks(null);
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const product = h.shop.createProduct({
      title: `Style ${index}`,
      tags: index % 10 === 9 ? ["Other"] : ["JOOR_ENABLED", "Collection_Core"],
      options: ["Size"],
      media: [{ url: `https://cdn.shopify.com/s/files/style-${index}.jpg` }],
      variants: ["S", "M"].map((size, position) => ({
        options: [size],
        barcode: String(300000000000 + index * 10 + position),
        price: "40.00",
      })),
    });
    if (!product.tags.includes("Other")) ids.push(product.id);
  }
  h.webhooks({});
  return { h, ids };
}

function taskContext(state: unknown, saved: unknown[]): TaskContext {
  return {
    shop: SHOP,
    kind: TaskKind.catalogBackfill,
    task: {
      id: "direct",
      shop: SHOP,
      kind: TaskKind.catalogBackfill,
      status: "running",
      nextRunAt: new Date(),
      intervalSeconds: null,
      attempts: 0,
      lastRunAt: null,
      lastError: null,
      state,
    },
    state,
    saveState: async (next) => {
      saved.push(next);
    },
    signal: new AbortController().signal,
  };
}

describe("catalog backfill", () => {
  it("streams every tagged product into the sync and sends the catalog in a few JOOR calls", async () => {
    const { h, ids } = await existingCatalog(55);
    const graphqlBefore = h.shopify.requests.length;
    await startCatalogBackfill(SHOP, h.services);
    await h.drain();

    expect(ids).toHaveLength(50);
    for (const id of ids) expect(joorStyle(h.joor, id)).toBeDefined();
    expect(joorCollection(h.joor, "Core")?.items).toHaveLength(50);
    // 100 SKUs still go in one call.
    expect(joorWrites(h.joor)).toEqual(NEW_STYLE_WRITES);
    // Bulk start and status, then the batch's product reads packed by query cost (nine products a request).
    expect(h.shopify.requests.length - graphqlBefore).toBe(2 + Math.ceil(50 / 9));

    const [task] = await taskProgress(prisma, SHOP, TaskKind.catalogBackfill);
    expect(task).toMatchObject({ status: "done", progress: { done: 50, total: 50 } });
  });

  it("fills every price call, while each style's new grid still travels whole", async () => {
    const h = await configured();
    h.shopify.attachWebhooks(null);
    // 25 styles of 3 colors × 4 sizes: 300 SKUs in calls of 8 whole grids (96), 300 prices in calls of 100.
    for (let index = 0; index < 25; index++) {
      h.shop.createProduct({
        title: `Grid ${index}`,
        tags: ["JOOR_ENABLED"],
        options: ["Color", "Size"],
        variants: ["Black", "Navy", "Sand"].flatMap((color, row) =>
          ["S", "M", "L", "XL"].map((size, column) => ({
            options: [color, size],
            barcode: String(500000000000 + index * 100 + row * 10 + column),
            price: "40.00",
          })),
        ),
      });
    }
    h.webhooks({});
    await startCatalogBackfill(SHOP, h.services);
    await h.drain();

    const writes = joorWrites(h.joor);
    expect(writes.filter((path) => path === "/v4/skus/bulk_create")).toHaveLength(4);
    expect(writes.filter((path) => path === "/v4/prices/bulk_create")).toHaveLength(3);
    expect(joorAccount(h.joor).prices.size).toBe(300);
  });

  it("tries again later while another bulk operation runs", async () => {
    const { h } = await existingCatalog(3);
    await startBulkQuery(await h.services.admin(SHOP), "{ customers { edges { node { id } } } }");
    const saved: unknown[] = [];

    const before = h.clock.now();
    const result = await catalogBackfillHandler(h.services)(taskContext(null, saved));

    const at = (result as { nextRunAt: Date }).nextRunAt.getTime();
    expect(at).toBeGreaterThanOrEqual(before + 30_000);
    expect(at).toBeLessThanOrEqual(h.clock.now() + 30_000);
    expect(saved).toEqual([]);
  });

  it("resumes a half-marked result where the saved progress says", async () => {
    const { h, ids } = await existingCatalog(30);
    const handler = catalogBackfillHandler(h.services);
    const saved: unknown[] = [];
    expect(await handler(taskContext(null, saved))).toMatchObject({ waiting: true });
    await h.settle();
    const started = readBackfillState(saved.at(-1));

    // An earlier run marked the first 20 and then died.
    const resumed = { ...started, progress: { done: 20, total: null } };
    expect(await handler(taskContext(resumed, saved))).toEqual({ done: true });

    const marked = await prisma.syncState.findMany({ where: { shop: SHOP, kind: "product" } });
    expect(marked.map((row) => row.gid).sort()).toEqual(ids.slice(20).map((id) => `gid://shopify/Product/${id}`).sort());
    expect(readBackfillState(saved.at(-1))).toMatchObject({ finished: true, progress: { done: ids.length, total: ids.length } });
  });
});
