import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { ACTIVITY_PAGE_SIZE } from "~/dashboard/activity-log.server";
import { flowSuite, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";
import { loader } from "./app.activity";

const harness = flowSuite({ register: () => undefined });

async function seed() {
  const base = Date.parse("2026-11-20T10:00:00Z");
  await prisma.activityEvent.createMany({
    data: [
      ...Array.from({ length: ACTIVITY_PAGE_SIZE + 5 }, (_, i) => ({
        shop: SHOP,
        flow: i % 2 ? "customers" : "catalog",
        action: "sync",
        status: i % 3 ? "failed" : "stopped",
        recordGid: `gid://shopify/Customer/${i}`,
        label: `Record ${i}`,
        message: `JOOR said no to ${i}`,
        createdAt: new Date(base + i * 1000),
      })),
      { shop: "other.myshopify.com", flow: "customers", action: "sync", status: "failed", message: "secret of another shop" },
    ],
  });
}

const page = async (query = "") => (await callRoute(loader, adminRequest(`/app/activity${query}`, { shop: SHOP }))).json();

describe("activity", () => {
  it("pages through the shop's events newest first", async () => {
    harness();
    await seed();
    const first = await page();
    expect(first.events).toHaveLength(ACTIVITY_PAGE_SIZE);
    expect(first.events[0].record).toBe(`Record ${ACTIVITY_PAGE_SIZE + 4}`);
    const second = await page(`?before=${encodeURIComponent(first.nextBefore)}`);
    expect(second.events.map((e: { record: string }) => e.record)).toEqual([4, 3, 2, 1, 0].map((i) => `Record ${i}`));
    expect(second.nextBefore).toBeNull();
    expect(JSON.stringify([first, second])).not.toContain("another shop");
  });

  it("filters by flow, outcome and record", async () => {
    harness();
    await seed();
    const customersFailed = await page("?flow=customers&status=failed");
    expect(customersFailed.events.length).toBeGreaterThan(0);
    expect(customersFailed.events.every((e: { flow: string; status: string }) => e.flow === "customers" && e.status === "failed")).toBe(true);
    // The record filter holds on every page.
    const firstOfMany = await page("?record=Record");
    const next = await page(`?record=Record&before=${encodeURIComponent(firstOfMany.nextBefore)}`);
    expect(next.events).toHaveLength(5);
    await prisma.activityEvent.create({ data: { shop: SHOP, flow: "catalog", action: "sync", status: "failed", label: "Other", createdAt: new Date(0) } });
    expect((await page(`?record=Record&before=${encodeURIComponent(firstOfMany.nextBefore)}`)).events).toHaveLength(5);
    const one = await page("?record=Record%2017");
    expect(one.events.map((e: { message: string }) => e.message)).toEqual(["JOOR said no to 17"]);
    expect((await page("?flow=%00%00&before=garbage")).events).toEqual([]);
  });
});
