/**
 * A malformed JOOR reply inside a running flow: the record or task keeps its work, says what JOOR sent, and
 * is retried later; once JOOR answers properly it completes exactly once. Replies come from ./joor.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerCatalogSync } from "~/catalog/register.server";
import { registerCustomerSync } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { registerOrderImport } from "~/orders/poll.server";
import { armOrdersPoll } from "~/orders/schedule.server";
import { flowSuite, JOOR_ACCOUNT, SHOP } from "../flows/harness";
import { approvedOrder, barcodeOf, catalogProduct, configureOrders, importRows, shopifyOrdersFor, TEST_POLL_MINUTES } from "../flows/orders-support";

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), "joor");

const harness = flowSuite({
  register(registry, services) {
    registerCustomerSync(registry, services);
    registerCatalogSync(registry, services);
    registerOrderImport(registry, services);
  },
  shopify: { bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } },
});

/** Only what is due now: a retry scheduled for later waits. */
const DUE_NOW = { horizonMs: 0 };
const SETTLE = { horizonMs: 30 * 60_000 };

/**
 * From now on, JOOR's reply to `method path` is replaced by the corpus file (status 200) while `garbled()` is
 * true. The request still reaches JOOR first: JOOR did the work, only its answer was lost.
 */
function garbleReplies(method: string, pathname: string, file: string): { stop(): void; garbled: () => number } {
  const body = readFileSync(path.join(CORPUS, file), "utf8");
  const contentType = file.endsWith(".html") ? "text/html" : "application/json";
  const original = globalThis.fetch;
  let on = true;
  let count = 0;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const sent = init?.method ?? (input instanceof Request ? input.method : "GET");
    if (!on || sent !== method || new URL(url).pathname !== pathname) return response;
    count += 1;
    return new Response(body, { status: 200, headers: { "content-type": contentType } });
  });
  return {
    stop: () => {
      on = false;
    },
    garbled: () => count,
  };
}

afterEach(() => vi.restoreAllMocks());

describe("a malformed JOOR reply in a flow", () => {
  it("keeps the customer to sync, says what JOOR sent, and syncs it once JOOR answers properly", async () => {
    const h = harness();
    await h.configure({}, { customers: true });
    const reply = garbleReplies("POST", "/v2/bulk-connection", "maintenance.html");
    const customer = h.shop.createCustomer({ firstName: "Ines", lastName: "Moreau", email: "ines@moreau.example", tags: ["JOOR_ENABLED"] });
    const gid = `gid://shopify/Customer/${customer.id}`;
    const state = () => prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: SHOP, kind: "customer", gid } } });

    await h.drain(DUE_NOW);
    expect(reply.garbled()).toBeGreaterThan(0);
    const waiting = await state();
    expect(waiting.status).toBe("retry");
    expect(waiting.lastError).toMatch(/unreadable reply to POST \/v2\/bulk-connection: an HTML page \("Maintenance"\)/);
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(h.clock.now());

    reply.stop();
    await h.drain(SETTLE);
    h.joor.finishBulkJobs(JOOR_ACCOUNT);
    h.joor.validateConnections(JOOR_ACCOUNT);
    // Through JOOR's hourly validation recheck.
    await h.drain({ horizonMs: 2 * 3_600_000 });
    expect((await state()).status).toBe("synced");
    const connections = [...h.joor.account(JOOR_ACCOUNT).connections.values()].filter((connection) => connection.customerCode === customer.id);
    expect(connections).toHaveLength(1);
  });

  it("keeps the orders poll, says what JOOR sent, and imports the order once on a later run", async () => {
    const h = harness();
    await configureOrders(h);
    const product = await catalogProduct(h);
    const joorId = approvedOrder(h, { customer_name: "Moreau Boutique" }, [{ item_upc: barcodeOf(h, product, 0), item_quantity: 2, item_price: 40 }]);
    const reply = garbleReplies("GET", "/v2/order/", "truncated-orders.json");

    await armOrdersPoll(prisma, SHOP, TEST_POLL_MINUTES, h.clock.date());
    await h.drain(DUE_NOW);
    expect(reply.garbled()).toBeGreaterThan(0);
    const poll = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.ordersPoll } } });
    expect(poll.status).toBe("retry");
    expect(poll.lastError).toMatch(/unreadable reply to GET \/v2\/order\/: truncated or invalid JSON/);
    expect(await importRows(joorId)).toEqual([]);

    reply.stop();
    await h.drain(SETTLE);
    expect((await importRows(joorId)).map((row) => row.status)).toEqual(["imported"]);
    expect(shopifyOrdersFor(h, joorId)).toHaveLength(1);
  });
});
