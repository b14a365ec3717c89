import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { httpError } from "~/sync/errors";
import { flowSuite, SHOP } from "./harness";

const reads: string[] = [];
let failuresLeft = 0;

const harness = flowSuite({
  register(registry, services) {
    registry.registerSyncHandler("customer", async ({ shop, states }) => {
      const admin = await services.admin(shop);
      const data = await admin.request<{ nodes: Array<{ id: string; email: string | null } | null> }>(
        `query Emails($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id email } } }`,
        { ids: states.map((s) => s.gid) },
      );
      if (failuresLeft-- > 0) throw httpError("JOOR", 503, "busy");
      return states.map((state) => {
        const email = data.nodes.find((node) => node?.id === state.gid)?.email ?? "";
        reads.push(email);
        return { gid: state.gid, status: "synced" as const, details: { email } };
      });
    });
  },
});

describe("the flow harness", () => {
  it("carries a merchant's change through intake and the engine to the handler", async () => {
    const h = harness();
    failuresLeft = 2;
    reads.length = 0;
    const customer = h.shop.createCustomer({ email: "buyer@example.com", tags: ["JOOR_ENABLED"] });
    const before = h.clock.now();
    const summary = await h.drain();

    const state = await prisma.syncState.findUniqueOrThrow({
      where: { shop_kind_gid: { shop: SHOP, kind: "customer", gid: `gid://shopify/Customer/${customer.id}` } },
    });
    expect(state.status).toBe("synced");
    expect(JSON.parse(state.details ?? "null")).toEqual({ email: "buyer@example.com" });
    expect(reads).toEqual(["buyer@example.com"]);
    // Two transient failures: the clock moved through both backoffs instead of waiting for them.
    expect(summary.batches).toBe(3);
    expect(h.clock.now() - before).toBeGreaterThanOrEqual(1_000);
  });
});
