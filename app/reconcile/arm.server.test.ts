import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { formValuesFrom } from "~/settings/form";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { readStoredSettings } from "~/settings/form.server";
import { saveSettingsForm } from "~/settings/save.server";
import { saveJoorConnection } from "~/settings/settings.server";
import { markInstalled, markUninstalled } from "~/shops.server";
import { armReconcileSweep } from "./arm.server";
import { armedState, readSweepState } from "./sweep";

const SHOP = "sweep-brand.myshopify.com";
const NOW = new Date("2026-03-02T10:00:00Z");
const LATER = new Date("2026-03-02T11:00:00Z");
const INTERVAL_MS = 15 * 60_000;

beforeEach(async () => {
  await prisma.scheduledTask.deleteMany();
  await prisma.shopSettings.deleteMany();
  await saveJoorConnection(SHOP, {
    environment: "sandbox",
    accountId: "12",
    credentials: { v2Token: "t", v4: { clientId: "c", clientSecret: "s", username: "u@example.com", password: "p" } },
  });
});

async function save(changes: Partial<SettingsFormValues>, now = NOW) {
  const stored = await readStoredSettings(prisma, SHOP);
  return saveSettingsForm(SHOP, new URLSearchParams(toFormEntries({ ...formValuesFrom(stored), ...changes })), { now: () => now });
}

function sweep() {
  return prisma.scheduledTask.findUnique({ where: { shop_kind: { shop: SHOP, kind: TaskKind.reconcileSweep } } });
}

describe("arming the reconcile sweep", () => {
  it.each([
    ["customers", { customersEnabled: true }],
    ["catalog", { catalogEnabled: true }],
    ["catalog and inventory", { catalogEnabled: true, inventoryEnabled: true }],
  ])("arms it when %s is switched on, first due one interval later", async (_name, flows) => {
    await save(flows);
    expect(await sweep()).toMatchObject({ status: "scheduled", intervalSeconds: 900, nextRunAt: new Date(NOW.getTime() + INTERVAL_MS) });
    expect(readSweepState(JSON.parse((await sweep())?.state ?? "null"))).toEqual(armedState(NOW));
  });

  it("arms nothing while every record flow is off", async () => {
    await save({ productTag: "B2B" });
    expect(await armReconcileSweep(prisma, SHOP, NOW)).toBe(false);
    expect(await sweep()).toBeNull();
  });

  it("keeps the schedule and saved mark of a sweep already armed", async () => {
    await save({ customersEnabled: true });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.reconcileSweep }, data: { state: '{"since":"2026-03-02T09:00:00.000Z","run":null,"last":null}' } });
    await save({ catalogEnabled: true }, LATER);
    await save({ customerTags: "B2B" }, LATER);
    expect(await prisma.scheduledTask.count({ where: { kind: TaskKind.reconcileSweep } })).toBe(1);
    expect(await sweep()).toMatchObject({
      status: "scheduled",
      nextRunAt: new Date(NOW.getTime() + INTERVAL_MS),
      state: '{"since":"2026-03-02T09:00:00.000Z","run":null,"last":null}',
    });
  });

  it("re-arms a sweep that failed, now and from its saved mark", async () => {
    await save({ customersEnabled: true });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.reconcileSweep }, data: { status: "failed", lastError: "403" } });
    expect(await armReconcileSweep(prisma, SHOP, LATER)).toBe(true);
    expect(await sweep()).toMatchObject({ status: "scheduled", nextRunAt: LATER, state: JSON.stringify(armedState(NOW)) });
  });

  it("arms it on install for a shop with flows on, and leaves it paused until the shop comes back", async () => {
    await prisma.shopSettings.update({ where: { shop: SHOP }, data: { catalogEnabled: true } });
    await markInstalled(SHOP, "read_products");
    expect(await sweep()).toMatchObject({ status: "scheduled", intervalSeconds: 900 });

    await markUninstalled(SHOP, new Date(), prisma);
    expect(await armReconcileSweep(prisma, SHOP)).toBe(true);
    expect((await sweep())?.status).toBe("paused");

    await markInstalled(SHOP, "read_products");
    expect((await sweep())?.status).toBe("scheduled");
    expect(await prisma.scheduledTask.count({ where: { kind: TaskKind.reconcileSweep } })).toBe(1);
  });
});
