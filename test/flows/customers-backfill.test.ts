import { describe, expect, it } from "vitest";
import { BULK_BUSY_RETRY_MS, BACKFILL_CHUNK, startCustomersBackfill } from "~/customers/backfill.server";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { legacyId } from "~/records";
import { startBulkQuery } from "~/shopify/bulk.server";
import type { TaskContext, TaskResult } from "~/sync/registry";
import type { CustomerInput, CustomerRecord } from "../fakes/shopify";
import { emitCustomerUpdatesOnMetafieldWrites } from "../fakes/shopify/customer-metafield-webhooks";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

const harness = flowSuite({
  // Shopify runs one bulk query per shop at a time.
  shopify: { bulk: { maxConcurrent: 1 } },
  register: registerCustomerSync,
});

const SETTLE = { horizonMs: 10 * 60_000 };

async function setup(customersOn = true): Promise<FlowHarness> {
  const h = harness();
  await h.configure({ customerTags: ["JOOR_ENABLED", "Wholesale Partner"] }, { customers: customersOn });
  emitCustomerUpdatesOnMetafieldWrites(h.shop);
  return h;
}

/** Customers that existed before the app: created without webhooks reaching it. */
function existingCustomers(h: FlowHarness, count: number, input: (index: number) => CustomerInput): CustomerRecord[] {
  h.shopify.attachWebhooks(null);
  const created = Array.from({ length: count }, (_, index) => h.shop.createCustomer(input(index)));
  h.webhooks({});
  return created;
}

function seedShop(h: FlowHarness) {
  const tagged = existingCustomers(h, 120, (index) => ({
    firstName: `Buyer ${index}`,
    email: `buyer${index}@stores.example`,
    tags: [index % 2 ? "joor_enabled" : "Wholesale Partner", "Spring"],
    addresses: [{ company: `Store ${index}`, city: "Austin", countryCode: "US" }],
  }));
  const untagged = existingCustomers(h, 30, (index) => ({ email: `shopper${index}@mail.example`, tags: index % 2 ? ["retail"] : [] }));
  return { tagged, untagged };
}

const gidOf = (customer: CustomerRecord) => `gid://shopify/Customer/${customer.id}`;

/** The fake's record of a bulk operation, to hold it "running" for as long as a test needs. */
function bulkOperation(h: FlowHarness, gid: string) {
  const operation = h.shop.bulkOperations.get(legacyId(gid));
  if (!operation) throw new Error(`No bulk operation ${gid}`);
  return operation;
}

function customerRows() {
  return prisma.syncState.findMany({ where: { shop: SHOP, kind: "customer" }, orderBy: { gid: "asc" } });
}

function backfillTask() {
  return prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.customersBackfill } } });
}

/** Calls the task handler directly, as the engine would, keeping its saved state between calls. */
function directRunner(h: FlowHarness) {
  const handler = h.registry.taskHandler(TaskKind.customersBackfill)?.handler;
  if (!handler) throw new Error("customers-backfill is not registered");
  let saved: unknown = null;
  return {
    saved: () => saved,
    /** `killAfterSaves`: the process dies at that save (the lease is gone), as a killed worker would. */
    run(killAfterSaves = Infinity): Promise<TaskResult> {
      let saves = 0;
      const context: TaskContext = {
        shop: SHOP,
        kind: TaskKind.customersBackfill,
        task: {
          id: "direct",
          shop: SHOP,
          kind: TaskKind.customersBackfill,
          status: "running",
          nextRunAt: h.clock.date(),
          intervalSeconds: null,
          attempts: 0,
          lastRunAt: null,
          lastError: null,
          state: saved,
        },
        state: saved,
        async saveState(state) {
          if (saves++ >= killAfterSaves) throw new Error("The lease on this work was lost");
          saved = state;
        },
        signal: new AbortController().signal,
      };
      return handler(context);
    },
  };
}

describe("customers backfill", () => {
  it("marks exactly the tagged customers and syncs them in a few JOOR calls", async () => {
    const h = await setup();
    const { tagged } = seedShop(h);
    expect(await customerRows()).toHaveLength(0);

    await startCustomersBackfill(SHOP, h.clock.date());
    await h.drain(SETTLE);

    expect(await backfillTask()).toMatchObject({ status: "done", lastError: null });
    expect(JSON.parse((await backfillTask()).state ?? "null")).toMatchObject({ phase: "done", progress: { done: 120, total: 120 } });
    const rows = await customerRows();
    expect(rows.map((row) => row.gid).sort()).toEqual(tagged.map(gidOf).sort());
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(["pending"]));
    expect(h.joor.account(JOOR_ACCOUNT).connections.size).toBe(120);
    // One bulk job per claimed batch of 50 customers.
    expect(h.joor.calls.filter((call) => call.method !== "GET")).toHaveLength(3);
    expect(h.joor.calls.length).toBeLessThan(15);
  });

  it("resumes from its saved place after the process is killed mid-stream", async () => {
    const h = await setup();
    const { tagged } = seedShop(h);
    const runner = directRunner(h);

    expect(await runner.run()).toMatchObject({ waiting: true });
    await h.settle();
    // Saves: the result link, then one per chunk; the worker dies at the second chunk's save.
    await expect(runner.run(2)).rejects.toThrow("lease");
    expect(runner.saved()).toMatchObject({ phase: "reading", processed: BACKFILL_CHUNK, progress: { done: BACKFILL_CHUNK } });

    expect(await runner.run()).toEqual({ done: true });
    const rows = await customerRows();
    expect(rows.map((row) => row.gid).sort()).toEqual(tagged.map(gidOf).sort());
    // The first chunk was not marked again after the restart; only the chunk whose save was lost was.
    const marks = rows.map((row) => row.dirtySeq);
    expect(marks.filter((seq) => seq === 1)).toHaveLength(BACKFILL_CHUNK);
    expect(marks.filter((seq) => seq === 2)).toHaveLength(120 - BACKFILL_CHUNK);
    expect(await runner.run()).toEqual({ done: true });
  });

  it("waits its turn while another bulk operation of the shop runs", async () => {
    const h = await setup();
    seedShop(h);
    const other = await startBulkQuery(await h.services.admin(SHOP), "{ products { edges { node { id } } } }");
    await h.settle();
    const operation = bulkOperation(h, other.id);
    operation.status = "RUNNING";
    const runner = directRunner(h);

    const before = h.clock.now();
    const result = await runner.run();
    expect("nextRunAt" in result && result.nextRunAt.getTime() - before).toBeGreaterThanOrEqual(BULK_BUSY_RETRY_MS);
    expect(runner.saved()).toBeNull();

    operation.status = "COMPLETED";
    expect(await runner.run()).toMatchObject({ waiting: true });
    expect(runner.saved()).toMatchObject({ phase: "running", operationId: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\//) });
  });

  it("waits again when woken while its own operation still runs", async () => {
    const h = await setup();
    seedShop(h);
    const runner = directRunner(h);
    expect(await runner.run()).toMatchObject({ waiting: true });
    await h.settle();
    const saved = runner.saved() as { operationId: string };
    const operation = bulkOperation(h, saved.operationId);
    // Another task's operation finished and woke every waiting task; this one's is still running.
    operation.status = "RUNNING";
    expect(await runner.run()).toMatchObject({ waiting: true });
    expect(runner.saved()).toEqual(saved);

    operation.status = "COMPLETED";
    expect(await runner.run()).toEqual({ done: true });
    expect(await customerRows()).toHaveLength(120);
  });

  it("refuses to run while customer sync is off", async () => {
    const h = await setup(false);
    seedShop(h);
    await startCustomersBackfill(SHOP, h.clock.date());
    await h.drain(SETTLE);
    expect(await backfillTask()).toMatchObject({ status: "failed", lastError: expect.stringContaining("Customer sync is off") });
    expect(await customerRows()).toHaveLength(0);
  });

  it("keeps a backfill under way when started again, and starts afresh once it is done", async () => {
    const h = await setup();
    const first = await startCustomersBackfill(SHOP, h.clock.date());
    const progress = { phase: "running", operationId: "gid://shopify/BulkOperation/1", processed: 0, url: null, progress: { done: 0, total: null } };
    await prisma.scheduledTask.update({ where: { id: first.id }, data: { status: "waiting", state: JSON.stringify(progress) } });

    expect(await startCustomersBackfill(SHOP, h.clock.date())).toMatchObject({ id: first.id, status: "waiting", state: progress });

    await prisma.scheduledTask.update({ where: { id: first.id }, data: { status: "done" } });
    expect(await startCustomersBackfill(SHOP, h.clock.date())).toMatchObject({ id: first.id, status: "scheduled", state: null });
  });
});
