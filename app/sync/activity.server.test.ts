import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetEngineTables } from "../../test/sync/db";
import { pruneWebhookDeliveries, recordActivity } from "./activity.server";

const shop = "alpha.myshopify.com";

beforeEach(() => resetEngineTables());

describe("recordActivity", () => {
  it("stores an event with its details as JSON, also inside a transaction", async () => {
    await prisma.$transaction(async (tx) => {
      await recordActivity(tx, {
        shop,
        flow: "customers",
        action: "sync",
        status: "synced",
        recordGid: "gid://shopify/Customer/1",
        label: "Ada Retail",
        details: { connectionId: 42 },
        at: new Date("2026-03-01T12:00:00.000Z"),
      });
    });
    expect(await prisma.activityEvent.findFirst()).toMatchObject({
      shop,
      flow: "customers",
      status: "synced",
      label: "Ada Retail",
      message: null,
      details: '{"connectionId":42}',
      createdAt: new Date("2026-03-01T12:00:00.000Z"),
    });
  });
});

describe("pruneWebhookDeliveries", () => {
  it("drops only deliveries older than the cut-off", async () => {
    const cutOff = new Date("2026-03-01T00:00:00.000Z");
    await prisma.webhookDelivery.createMany({
      data: [
        { webhookId: "a", shop, topic: "PRODUCTS_UPDATE", receivedAt: new Date(cutOff.getTime() - 1) },
        { webhookId: "b", shop, topic: "PRODUCTS_UPDATE", receivedAt: cutOff },
      ],
    });
    expect(await pruneWebhookDeliveries(prisma, cutOff)).toBe(1);
    expect((await prisma.webhookDelivery.findMany()).map((d) => d.webhookId)).toEqual(["b"]);
  });
});

afterAll(() => prisma.$disconnect());
