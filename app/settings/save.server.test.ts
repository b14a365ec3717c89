import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { scheduleTask } from "~/sync/tasks.server";
import { formValuesFrom } from "./form";
import { toFormEntries, type SettingsFormValues } from "./form-fields";
import { readStoredSettings } from "./form.server";
import { flowOptionsSchema } from "./options";
import { fullSyncsToStart, saveSettingsForm, stockToResend } from "./save.server";
import { saveJoorConnection } from "./settings.server";

const SHOP = "save-brand.myshopify.com";
const CREDENTIALS = {
  v2Token: "v2-secret",
  v4: { clientId: "client", clientSecret: "client-secret", username: "brand@example.com", password: "pw-secret" },
};
const NOW = new Date("2026-03-02T10:00:00Z");

beforeEach(async () => {
  await prisma.scheduledTask.deleteMany();
  await prisma.shopSettings.deleteMany();
  await saveJoorConnection(SHOP, { environment: "sandbox", accountId: "12", credentials: CREDENTIALS });
});

async function save(changes: Partial<SettingsFormValues>) {
  const stored = await readStoredSettings(prisma, SHOP);
  const form = new URLSearchParams(toFormEntries({ ...formValuesFrom(stored), ...changes }));
  return saveSettingsForm(SHOP, form, { now: () => NOW });
}

const off = { customers: false, catalog: false, inventory: false, orders: false };

describe("fullSyncsToStart", () => {
  it.each([
    ["customers on", off, { ...off, customers: true }, [TaskKind.customersBackfill]],
    ["catalog on", off, { ...off, catalog: true }, [TaskKind.catalogBackfill]],
    ["both on", off, { ...off, customers: true, catalog: true }, [TaskKind.customersBackfill, TaskKind.catalogBackfill]],
    ["already on", { ...off, customers: true }, { ...off, customers: true }, []],
    ["switched off", { ...off, catalog: true }, off, []],
    ["inventory and orders have no first sync of their own", { ...off, catalog: true }, { catalog: true, customers: false, inventory: true, orders: true }, []],
  ])("%s", (_name, before, after, expected) => {
    const options = flowOptionsSchema.parse({});
    expect(fullSyncsToStart({ flows: before, options }, { flows: after, options })).toEqual(expected);
  });

  it("re-syncs a flow that stays on when an option its mapping reads changes", () => {
    const flows = { ...off, customers: true, catalog: true, inventory: true };
    const options = flowOptionsSchema.parse({});
    const setup = (changes: object) => ({ flows, options: { ...options, ...changes } });
    expect(fullSyncsToStart(setup({}), setup({ priceTypeId: "PT2" }))).toEqual([TaskKind.catalogBackfill]);
    expect(fullSyncsToStart(setup({}), setup({ customerTags: ["B2B"] }))).toEqual([TaskKind.customersBackfill]);
    expect(fullSyncsToStart(setup({}), setup({ ordersPollMinutes: 10 }))).toEqual([]);
    expect(stockToResend(setup({}), setup({ inventoryLocationIds: ["gid://shopify/Location/1"] }))).toBe(true);
    expect(stockToResend(setup({}), setup({ priceTypeId: "PT2" }))).toBe(false);
    expect(stockToResend({ flows: { ...flows, inventory: false }, options }, setup({}))).toBe(true);
  });
});

describe("saveSettingsForm", () => {
  it("keeps the stored credentials sealed and unchanged when no secret is typed", async () => {
    expect(await save({ productTag: "B2B" })).toEqual({ ok: true, startedTasks: [] });
    const stored = await readStoredSettings(prisma, SHOP);
    expect(stored.credentials).toEqual(CREDENTIALS);
    expect(stored.options.productTag).toBe("B2B");
    const row = await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    for (const secret of ["v2-secret", "client-secret", "pw-secret"]) expect(row.joorSecrets).not.toContain(secret);
  });

  it("arms the first sync due now, one-off", async () => {
    expect(await save({ catalogEnabled: true })).toEqual({ ok: true, startedTasks: [TaskKind.catalogBackfill] });
    expect(await prisma.scheduledTask.findMany({ where: { shop: SHOP }, orderBy: { kind: "asc" } })).toEqual([
      expect.objectContaining({ kind: TaskKind.catalogBackfill, status: "scheduled", nextRunAt: NOW, intervalSeconds: null, state: null }),
      // With a flow on, the periodic reconcile sweep is armed too, first due one interval from now.
      expect.objectContaining({ kind: TaskKind.reconcileSweep, status: "scheduled", nextRunAt: new Date(NOW.getTime() + 900_000), intervalSeconds: 900 }),
    ]);
  });

  it("starts a finished first sync over, and lets one still under way keep its progress", async () => {
    await scheduleTask(prisma, { shop: SHOP, kind: TaskKind.customersBackfill, state: { cursor: "done-cursor" } });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.customersBackfill }, data: { status: "done" } });
    await scheduleTask(prisma, { shop: SHOP, kind: TaskKind.catalogBackfill, state: { bulkOperationId: "op-1" } });
    await prisma.scheduledTask.updateMany({ where: { kind: TaskKind.catalogBackfill }, data: { status: "waiting" } });

    await save({ customersEnabled: true, catalogEnabled: true });
    const tasks = await prisma.scheduledTask.findMany({ where: { shop: SHOP }, orderBy: { kind: "asc" } });
    expect(tasks.map(({ kind, status, state, nextRunAt }) => ({ kind, status, state, nextRunAt }))).toEqual([
      { kind: TaskKind.catalogBackfill, status: "scheduled", state: '{"bulkOperationId":"op-1"}', nextRunAt: NOW },
      { kind: TaskKind.customersBackfill, status: "scheduled", state: null, nextRunAt: NOW },
      expect.objectContaining({ kind: TaskKind.reconcileSweep, status: "scheduled" }),
    ]);
  });

  it("writes nothing, not even a typed secret, when any field is invalid", async () => {
    const before = await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    const result = await save({ customersEnabled: true, v2Token: "new-token", joorWarehouse: "" });
    expect(result).toEqual({ ok: false, errors: { joorWarehouse: "Enter a warehouse" } });
    expect(await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } })).toEqual(before);
    expect(await prisma.scheduledTask.count()).toBe(0);
  });

  it("rolls the whole save back when a write fails part-way", async () => {
    const before = await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    // The database refuses the task row, the last write of the save.
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_task BEFORE INSERT ON "ScheduledTask" BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    try {
      await expect(save({ customersEnabled: true, productTag: "CHANGED", v2Token: "new-token" })).rejects.toThrow();
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_task`);
    }
    expect(await prisma.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } })).toEqual(before);
  });
});
