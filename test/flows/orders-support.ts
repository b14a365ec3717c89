/**
 * Helpers for the orders flow tests: a suite running the real catalog sync and the orders poll, a tagged style
 * the catalog has sent to JOOR, approved JOOR orders, and hooks into the clients to stop a run at a chosen step.
 */
import { prisma } from "~/db.server";
import { registerCatalogSync } from "~/catalog/register.server";
import type { FlowServices } from "~/flows/services.server";
import type { JoorClient } from "~/joor/client.server";
import type { JoorOrderAck } from "~/joor/types";
import { ORDERS_POLL_DEFAULTS, registerOrderImport, type OrdersPollSettings } from "~/orders/poll.server";
import { armOrdersPoll } from "~/orders/schedule.server";
import type { FlowOptions } from "~/settings/options";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { JoorFakeOptions, JsonRecord } from "../fakes/joor";
import type { OrderRecord, ProductInput, ProductRecord, ShopifyFakeOptions } from "../fakes/shopify";
import { flowSuite, JOOR_ACCOUNT, SHOP, type FlowHarness } from "./harness";

/** Hooks a test sets to interrupt a run between two steps (reset before every test). */
export interface Interrupts {
  /** Called after Shopify answered an orderCreate, before the app sees the answer. */
  afterOrderCreate?: () => void;
  /** Called before the acknowledgements are sent. */
  beforeAcknowledge?: (acks: JoorOrderAck[]) => void;
  /** Rewrites a page of JOOR's order list. */
  listPage?: (page: Awaited<ReturnType<JoorClient["listOrders"]>>, startFrom: number) => Awaited<ReturnType<JoorClient["listOrders"]>>;
}

export const interrupts: Interrupts = {};

function intercepted(services: FlowServices): FlowServices {
  return {
    ...services,
    async admin(shop) {
      const client = await services.admin(shop);
      const request = client.request.bind(client);
      const wrapped: AdminClient["request"] = async (query, variables, options) => {
        const result = await request(query, variables, options);
        if (/\borderCreate\(/.test(query)) interrupts.afterOrderCreate?.();
        return result as never;
      };
      return Object.assign(client, { request: wrapped });
    },
    async joor(shop) {
      const client = await services.joor(shop);
      const acknowledge = client.acknowledgeOrders.bind(client);
      const list = client.listOrders.bind(client);
      return Object.assign(client, {
        acknowledgeOrders: async (acks: JoorOrderAck[]) => {
          interrupts.beforeAcknowledge?.(acks);
          return acknowledge(acks);
        },
        listOrders: async (query: Parameters<JoorClient["listOrders"]>[0] = {}) => {
          const page = await list(query);
          return interrupts.listPage ? interrupts.listPage(page, query.startFrom ?? 0) : page;
        },
      });
    },
  };
}

export interface OrdersSuiteOptions {
  shopify?: ShopifyFakeOptions;
  joor?: JoorFakeOptions;
  poll?: Partial<OrdersPollSettings>;
}

/** Call once per orders test file. */
export function ordersSuite(options: OrdersSuiteOptions = {}): () => FlowHarness {
  const harness = flowSuite({
    register(registry, services) {
      for (const key of Object.keys(interrupts) as (keyof Interrupts)[]) delete interrupts[key];
      registerCatalogSync(registry, services);
      registerOrderImport(registry, intercepted(services), { ...ORDERS_POLL_DEFAULTS, ...options.poll });
    },
    // A catalog write costs many points: a roomy bucket unless the test says otherwise.
    shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 }, ...options.shopify },
    joor: options.joor,
  });
  return harness;
}

/** Polls run hourly in these tests, so a drain stops after the poll it was asked for (and any waits it set). */
export const TEST_POLL_MINUTES = 60;
const DRAIN_HORIZON_MS = 30 * 60_000;

/** Switches catalog and orders on with JOOR's first price type, then `options`. */
export async function configureOrders(h: FlowHarness, options: Partial<FlowOptions> = {}): Promise<void> {
  const priceTypeId = [...h.joor.account(JOOR_ACCOUNT).priceTypes.keys()][0];
  await h.configure(
    { priceTypeId, wholesalePercentOfRetail: 50, ordersPollMinutes: TEST_POLL_MINUTES, ...options },
    { catalog: true, orders: true },
  );
}

let nextBarcode = 880_000_000_000;

/** A tagged Color × Size style, every variant with its own barcode and `stock` available. */
export function shirt(overrides: Partial<ProductInput> = {}, stock = 10): ProductInput {
  const variants = [
    ["White", "S"],
    ["White", "M"],
    ["Blue", "S"],
    ["Blue", "M"],
  ].map(([color, size]) => ({ options: [color, size], barcode: String(nextBarcode++), sku: `OX-${color}-${size}-${nextBarcode}`, price: "90.00", inventory: stock }));
  return { title: "Oxford Shirt", tags: ["JOOR_ENABLED", "Collection_Fall26"], options: ["Color", "Size"], variants, ...overrides };
}

/** Creates the product in Shopify and lets the catalog sync send it to JOOR. */
export async function catalogProduct(h: FlowHarness, input: ProductInput = shirt()): Promise<ProductRecord> {
  const product = h.shop.createProduct(input);
  await h.drain({ horizonMs: DRAIN_HORIZON_MS });
  return product;
}

export function barcodeOf(h: FlowHarness, product: ProductRecord, index: number): string {
  return h.shop.variant(product.variantIds[index]).barcode ?? "";
}

export interface OrderLineSeed {
  item_upc?: string;
  item_number?: string;
  item_color?: string;
  item_color_code?: string;
  item_size?: string;
  item_name?: string;
  item_quantity: number;
  item_price: number;
  item_retail_price?: number;
  item_comment?: string;
}

/** An approved JOOR order; returns its id. */
export function approvedOrder(h: FlowHarness, fields: JsonRecord, lines: OrderLineSeed[]): string {
  return h.joor.addOrder(JOOR_ACCOUNT, { status: "APPROVED", fields: { order_currency: "USD", ...fields }, lines });
}

/** Runs the poll now and everything it leads to (limit waits, retries), but not the next regular poll. */
export async function pollOrders(h: FlowHarness): Promise<void> {
  await armOrdersPoll(prisma, SHOP, TEST_POLL_MINUTES, h.clock.date());
  await h.drain({ horizonMs: DRAIN_HORIZON_MS });
}

export function importRows(joorOrderId?: string) {
  return prisma.orderImport.findMany({
    where: { shop: SHOP, ...(joorOrderId ? { joorOrderId } : {}) },
    orderBy: [{ joorOrderId: "asc" }, { exportGeneration: "asc" }],
  });
}

/** The Shopify orders carrying this JOOR order id. */
export function shopifyOrdersFor(h: FlowHarness, joorOrderId: string): OrderRecord[] {
  return [...h.shop.orders.values()].filter((order) => order.sourceIdentifier === joorOrderId);
}

/** How many acknowledgement calls reached JOOR. */
export function acknowledgementCalls(h: FlowHarness): number {
  return h.joor.calls.filter((call) => call.path === "/v4/orders/bulk_update" && call.status === 200).length;
}
