import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { formValuesFrom } from "~/settings/form";
import { toFormEntries, type SettingsFormValues } from "~/settings/form-fields";
import { readStoredSettings } from "~/settings/form.server";
import { saveSettingsForm } from "~/settings/save.server";
import { saveJoorConnection } from "~/settings/settings.server";
import { ordersPollChange } from "./schedule.server";

const SHOP = "poll-brand.myshopify.com";
const NOW = new Date("2026-03-02T10:00:00Z");

describe("when the orders poll changes", () => {
  const setup = (ordersOn: boolean, pollMinutes = 5) => ({ ordersOn, pollMinutes });
  it.each([
    ["switched on", setup(false), setup(true), "arm"],
    ["interval changed", setup(true, 5), setup(true, 15), "arm"],
    ["unchanged", setup(true), setup(true), null],
    ["switched off", setup(true), setup(false), "stop"],
    ["interval changed while off", setup(false, 5), setup(false, 15), null],
  ] as const)("%s → %s", (_name, before, after, expected) => {
    expect(ordersPollChange(before, after)).toBe(expected);
  });
});

describe("saving the settings arms and stops the orders poll", () => {
  beforeEach(async () => {
    await prisma.scheduledTask.deleteMany();
    await prisma.shopSettings.deleteMany();
    await saveJoorConnection(SHOP, {
      environment: "sandbox",
      accountId: "12",
      credentials: { v2Token: "t", v4: { clientId: "c", clientSecret: "s", username: "u@x.test", password: "p" } },
    });
  });

  async function save(changes: Partial<SettingsFormValues>) {
    const stored = await readStoredSettings(prisma, SHOP);
    const form = new URLSearchParams(toFormEntries({ ...formValuesFrom(stored), ...changes }));
    return saveSettingsForm(SHOP, form, { now: () => NOW });
  }

  const poll = () => prisma.scheduledTask.findUnique({ where: { shop_kind: { shop: SHOP, kind: TaskKind.ordersPoll } } });

  it("polls now and then every interval once orders (with the catalog) are on, at the new interval when it changes", async () => {
    // Orders need the catalog: the refused save arms nothing.
    expect(await save({ ordersEnabled: true })).toMatchObject({ ok: false });
    expect(await poll()).toBeNull();

    await save({ ordersEnabled: true, catalogEnabled: true, ordersPollMinutes: "10" });
    expect(await poll()).toMatchObject({ status: "scheduled", nextRunAt: NOW, intervalSeconds: 600 });

    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.ordersPoll }, data: { nextRunAt: new Date("2026-03-02T10:10:00Z") } });
    await save({ productTag: "B2B" });
    expect(await poll()).toMatchObject({ nextRunAt: new Date("2026-03-02T10:10:00Z"), intervalSeconds: 600 });

    await save({ ordersPollMinutes: "1" });
    expect(await poll()).toMatchObject({ status: "scheduled", nextRunAt: NOW, intervalSeconds: 60 });
  });

  it("arms a poll that stopped for good again on the next save while orders are on", async () => {
    await save({ ordersEnabled: true, catalogEnabled: true });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.ordersPoll }, data: { status: "failed", lastError: "JOOR answered HTTP 401" } });
    await save({ productTag: "B2B" });
    expect(await poll()).toMatchObject({ status: "scheduled", nextRunAt: NOW, intervalSeconds: 300 });
  });

  it("stops polling when orders are switched off; a poll under way finishes and stops", async () => {
    await save({ ordersEnabled: true, catalogEnabled: true });
    await save({ ordersEnabled: false });
    expect(await poll()).toMatchObject({ status: "done", intervalSeconds: null });

    await save({ ordersEnabled: true });
    expect(await poll()).toMatchObject({ status: "scheduled", intervalSeconds: 300 });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.ordersPoll }, data: { status: "running" } });
    await save({ ordersEnabled: false });
    expect(await poll()).toMatchObject({ status: "running", intervalSeconds: null });
  });
});
