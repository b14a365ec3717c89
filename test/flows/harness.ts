/**
 * End-to-end flow tests: the real webhook intake, sync engine, handlers and JOOR/Shopify clients, against the
 * fakes under msw. A merchant action on the fake shop emits signed webhooks into the intake route; `drain()`
 * runs the engine until nothing is due, moving a shared clock forward through backoffs and rechecks instead of
 * waiting for them.
 */
import { randomBytes } from "node:crypto";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { FlowServices } from "~/flows/services.server";
import type { FlowOptions } from "~/settings/options";
import { HandlerRegistry } from "~/sync/registry";
import { engineTransactions, runSyncBatch, runTask, type RunContext } from "~/sync/runner.server";
import { claimBatch, DUE_SYNC_STATUSES } from "~/sync/sync-state.server";
import { claimTask } from "~/sync/tasks.server";
import { createJoorFake, joorMswHandlers, type JoorFake, type JoorFakeOptions } from "../fakes/joor";
import { joorCredentials, TEST_JOOR_ACCOUNT } from "../fakes/joor/harness";
import {
  createShopifyFake,
  createWebhookSender,
  type FakeShop,
  type ShopifyFake,
  type ShopifyFakeOptions,
  type WebhookSenderOptions,
} from "../fakes/shopify";

export const SHOP = "flow-brand.myshopify.com";
export const JOOR_ACCOUNT = TEST_JOOR_ACCOUNT.accountId;
const WEBHOOK_URL = "https://joor-sync.test/webhooks";

/** Real time plus an offset the harness moves forward: always at or after the wall clock, never backwards. */
export interface HarnessClock {
  now(): number;
  date(): Date;
  advance(ms: number): void;
  /** Moves to `at` when that is ahead. */
  advanceTo(at: number): void;
  sleep(ms: number): Promise<void>;
}

function harnessClock(): HarnessClock {
  let offset = 0;
  const clock: HarnessClock = {
    now: () => Date.now() + offset,
    date: () => new Date(clock.now()),
    advance: (ms) => {
      offset += Math.max(0, ms);
    },
    advanceTo: (at) => clock.advance(at - clock.now()),
    sleep: async (ms) => clock.advance(ms),
  };
  return clock;
}

export interface DrainOptions {
  /** Jump the clock at most this far ahead to reach the next due work (default 2 hours). */
  horizonMs?: number;
  /** Units of work (batches and tasks) before giving up (default 500). */
  maxUnits?: number;
}

export interface DrainSummary {
  batches: number;
  tasks: number;
}

export interface FlowHarness {
  shop: FakeShop;
  shopify: ShopifyFake;
  joor: JoorFake;
  clock: HarnessClock;
  services: FlowServices;
  registry: HandlerRegistry;
  /** Saves flow options (merged over the defaults) and switches flows on or off. */
  configure(options?: Partial<FlowOptions>, flows?: Partial<Record<"customers" | "catalog" | "inventory" | "orders", boolean>>): Promise<void>;
  /** Changes how webhooks are delivered (duplicates, reordering, delays) from now on. */
  webhooks(options: Partial<Omit<WebhookSenderOptions, "secret" | "target">>): void;
  /** Waits for webhook deliveries and bulk operations in flight. */
  settle(): Promise<void>;
  drain(options?: DrainOptions): Promise<DrainSummary>;
}

export interface FlowSuiteOptions {
  /** Registers the flow's handlers on the suite's registry with the suite's services. */
  register(registry: HandlerRegistry, services: FlowServices): void;
  shopify?: ShopifyFakeOptions;
  joor?: JoorFakeOptions;
}

/**
 * Call once per test file. Every test gets fresh fakes, a freshly installed shop with JOOR connected (all
 * flows off until `configure`), and empty sync tables.
 */
export function flowSuite(options: FlowSuiteOptions): () => FlowHarness {
  const server = setupServer();
  let current: FlowHarness | null = null;
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());
  afterEach(async () => {
    await current?.settle();
    current?.shopify.attachWebhooks(null);
    current = null;
    server.resetHandlers();
  });

  beforeEach(async () => {
    const { prisma } = await import("~/db.server");
    const { clearV4TokenCache } = await import("~/joor/auth.server");
    await Promise.all([
      prisma.syncState.deleteMany(),
      prisma.scheduledTask.deleteMany(),
      prisma.activityEvent.deleteMany(),
      prisma.webhookDelivery.deleteMany(),
      prisma.shopSettings.deleteMany(),
      prisma.session.deleteMany(),
      prisma.joorBudget.deleteMany(),
      prisma.joorConnection.deleteMany(),
      prisma.orderImport.deleteMany(),
    ]);
    clearV4TokenCache();

    const clock = harnessClock();
    const joor = createJoorFake({ now: clock.now, ...options.joor });
    joor.addAccount(TEST_JOOR_ACCOUNT);
    // The fake's throttle bucket runs on the harness clock, and the Admin client waits out a throttle by moving
    // that clock: a real-sized bucket without real waits.
    const shopify = createShopifyFake({ now: clock.now, ...options.shopify });
    const accessToken = `shpat_${randomBytes(12).toString("hex")}`;
    const shop = shopify.addShop(SHOP, { accessToken });
    server.resetHandlers(...shopify.mswHandlers(), ...joorMswHandlers(joor));

    // Imported after msw is listening: the Shopify library captures fetch when it loads.
    const { sessionStorage, SCOPES } = await import("~/shopify.server");
    const { Session } = await import("@shopify/shopify-api");
    const { markInstalled } = await import("~/shops.server");
    const { saveJoorConnection } = await import("~/settings/settings.server");
    const { requireShopConfiguration } = await import("~/flows/services.server");
    const { joorClientFor } = await import("~/joor/joor-for-shop.server");
    const { adminClientFor } = await import("~/shopify/admin-for-shop.server");
    const { action } = await import("~/routes/webhooks");
    const { flowOptionsSchema } = await import("~/settings/options");

    await sessionStorage.storeSession(
      new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: SCOPES.join(","), accessToken }),
    );
    await markInstalled(SHOP, SCOPES.join(","));
    await saveJoorConnection(SHOP, { environment: "production", accountId: JOOR_ACCOUNT, credentials: joorCredentials() });

    const intake = (request: Request) => action({ request, params: {}, context: {} }) as Promise<Response>;
    const secret = process.env.SHOPIFY_API_SECRET ?? "";
    const attach = (sender: Partial<WebhookSenderOptions>) =>
      shopify.attachWebhooks(
        createWebhookSender({ ...sender, secret, target: { baseUrl: new URL(WEBHOOK_URL).origin, fetch: intake } }),
      );
    attach({});

    const services: FlowServices = {
      joor: (domain) => joorClientFor(domain, { now: clock.now, sleep: clock.sleep, random: () => 0.5, timeoutMs: 2_000 }),
      admin: (domain) => adminClientFor(domain, { sleep: clock.sleep }),
      configuration: requireShopConfiguration,
      now: clock.date,
    };
    const registry = new HandlerRegistry();
    options.register(registry, services);

    const context: RunContext = {
      transact: engineTransactions(prisma),
      registry,
      leaseMs: 120_000,
      now: clock.date,
      random: () => 0.5,
      policy: { baseMs: 1_000, factor: 2, capMs: 300_000, maxAttempts: 8 },
      pendingRecheckMs: 3_600_000,
      waitTimeoutMs: 3_600_000,
    };

    const nextDue = async (): Promise<number | null> => {
      const [record, task] = await Promise.all([
        prisma.syncState.findFirst({
          where: { status: { in: DUE_SYNC_STATUSES }, kind: { in: registry.syncKinds() } },
          orderBy: { nextAttemptAt: "asc" },
        }),
        prisma.scheduledTask.findFirst({
          where: { status: { in: ["scheduled", "retry", "waiting"] }, kind: { in: registry.taskKinds() } },
          orderBy: { nextRunAt: "asc" },
        }),
      ]);
      const times = [record?.nextAttemptAt, task?.nextRunAt].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
      return times.length ? Math.min(...times) : null;
    };

    const harness: FlowHarness = {
      shop,
      shopify,
      joor,
      clock,
      services,
      registry,
      async configure(flowOptions = {}, flows = {}) {
        const stored = flowOptionsSchema.parse({ ...flowOptionsSchema.parse({}), ...flowOptions });
        await prisma.shopSettings.update({
          where: { shop: SHOP },
          data: {
            options: JSON.stringify(stored),
            ...(flows.customers === undefined ? {} : { customersEnabled: flows.customers }),
            ...(flows.catalog === undefined ? {} : { catalogEnabled: flows.catalog }),
            ...(flows.inventory === undefined ? {} : { inventoryEnabled: flows.inventory }),
            ...(flows.orders === undefined ? {} : { ordersEnabled: flows.orders }),
          },
        });
      },
      webhooks: attach,
      settle: () => shopify.settle(),
      async drain({ horizonMs = 2 * 3_600_000, maxUnits = 500 } = {}) {
        const summary: DrainSummary = { batches: 0, tasks: 0 };
        for (let unit = 0; unit < maxUnits; unit++) {
          await shopify.settle();
          const now = clock.date();
          const task = await context.transact((db) =>
            claimTask(db, { owner: "flow-test", kinds: registry.taskKinds(), leaseMs: context.leaseMs, now }),
          );
          if (task) {
            await runTask(task, context).done;
            summary.tasks += 1;
            continue;
          }
          const batch = await context.transact((db) =>
            claimBatch(db, { owner: "flow-test", kinds: registry.syncKinds(), batchSize: 50, leaseMs: context.leaseMs, now }),
          );
          if (batch) {
            await runSyncBatch(batch, context).done;
            summary.batches += 1;
            continue;
          }
          const due = await nextDue();
          if (due === null || due > clock.now() + horizonMs) return summary;
          clock.advanceTo(due);
        }
        throw new Error(`Work was still due after ${maxUnits} units`);
      },
    };
    current = harness;
    return harness;
  });

  return () => {
    if (!current) throw new Error("The flow harness exists only inside a test");
    return current;
  };
}
