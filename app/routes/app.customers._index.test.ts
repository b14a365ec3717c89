import type { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { flowSuite, SHOP } from "../../test/flows/harness";
import { adminRequest, callRoute } from "../../test/routes/admin-request";

const harness = flowSuite({ register: () => undefined });

const OTHER_SHOP = "other-brand.myshopify.com";

interface ListBody {
  list: string;
  rows: Array<{ id: string; customerId: string; name: string; email: string; status: string; lastError: string | null }>;
  total: number;
  page: number;
  pageCount: number;
  counts: { upload: number; update: number };
}

function customerState(shop: string, id: string, details: Record<string, unknown>, fields: Partial<Prisma.SyncStateCreateInput> = {}) {
  return prisma.syncState.create({
    data: {
      shop,
      kind: "customer",
      gid: `gid://shopify/Customer/${id}`,
      status: "dirty",
      details: JSON.stringify({ company: null, city: null, country: null, connection: null, warnings: [], ...details }),
      ...fields,
    },
  });
}

/** Both shops get the same kinds of rows; only the signed-in shop's may ever show. */
async function seed(shop: string, prefix: string) {
  const synced = new Date("2026-11-20T08:00:00.000Z");
  const later = new Date("2026-11-21T08:00:00.000Z");
  return {
    newcomer: await customerState(shop, `${prefix}1`, { name: "Анна Петрова", email: "anna@example.ru", company: "Бутик Аня", city: "Москва", country: "RU" }),
    refused: await customerState(
      shop,
      `${prefix}2`,
      { name: "=Evil Corp", email: "evil@example.com" },
      { status: "failed", lastError: "customer_name is required", updatedAt: new Date("2026-11-01T00:00:00Z") },
    ),
    untagged: await customerState(shop, `${prefix}3`, { name: "Gone Away", email: "gone@example.com" }, { status: "stopped" }),
    upToDate: await customerState(shop, `${prefix}4`, { name: "Up To Date", email: "ok@example.com" }, { status: "synced", joorId: "J4", lastSyncedAt: synced }),
    changed: await customerState(shop, `${prefix}5`, { name: "Changed Co", email: "changed@example.com" }, { status: "dirty", joorId: "J5", lastSyncedAt: synced, dirtySince: later }),
    changedWhilePending: await customerState(
      shop,
      `${prefix}6`,
      { name: "Pending Change", email: "pending@example.com" },
      { status: "pending", joorId: "J6", lastSyncedAt: synced, dirtySince: later },
    ),
  };
}

async function load(query = "") {
  const { loader } = await import("./app.customers._index");
  const response = await callRoute(loader, adminRequest(`/app/customers${query}`, { shop: SHOP }));
  expect(response.status).toBe(200);
  return (await response.json()) as ListBody;
}

async function post(form: Record<string, string | string[]>) {
  const { action } = await import("./app.customers._index");
  return callRoute(action, adminRequest("/app/customers", { shop: SHOP, form }));
}

describe("/app/customers", () => {
  it("lists tagged customers not yet in JOOR under Upload and changed ones under Update, for the signed-in shop only", async () => {
    harness();
    const mine = await seed(SHOP, "10");
    const theirs = await seed(OTHER_SHOP, "20");

    const upload = await load();
    expect(upload.list).toBe("upload");
    expect(upload.counts).toEqual({ upload: 2, update: 2 });
    expect(upload.rows.map((row) => row.id).sort()).toEqual([mine.newcomer.id, mine.refused.id].sort());
    expect(upload.rows.find((row) => row.id === mine.refused.id)).toMatchObject({
      customerId: "102",
      name: "=Evil Corp",
      status: "failed",
      lastError: "customer_name is required",
    });

    const update = await load("?list=update");
    expect(update.rows.map((row) => row.id).sort()).toEqual([mine.changed.id, mine.changedWhilePending.id].sort());

    const shown = JSON.stringify([upload, update]);
    for (const row of Object.values(theirs)) expect(shown).not.toContain(row.id);
  });

  it("searches name, email and company, non-Latin text included, and pages", async () => {
    harness();
    const mine = await seed(SHOP, "10");
    await seed(OTHER_SHOP, "20");
    expect((await load("?q=" + encodeURIComponent("Бутик"))).rows.map((row) => row.id)).toEqual([mine.newcomer.id]);
    expect((await load("?q=EVIL%40example")).rows.map((row) => row.id)).toEqual([mine.refused.id]);
    // "_" is a LIKE wildcard: searched for literally, it matches nobody.
    expect((await load("?q=_")).rows).toEqual([]);
    expect(await load("?list=update&q=changed")).toMatchObject({ total: 1, rows: [{ id: mine.changed.id }] });

    for (let n = 0; n < 30; n++) await customerState(SHOP, `3${n}`, { name: `Bulk ${n}`, email: `bulk${n}@x.com` });
    const second = await load("?page=2");
    expect(second).toMatchObject({ page: 2, pageCount: 2, total: 32 });
    expect(second.rows).toHaveLength(7);
    expect((await load("?page=9")).page).toBe(2);
  });

  it("marks the selected customers dirty and ignores ids that are not the shop's or not on the list", async () => {
    harness();
    const mine = await seed(SHOP, "10");
    const theirs = await seed(OTHER_SHOP, "20");

    const response = await post({ intent: "mark", list: "upload", ids: [mine.refused.id, mine.upToDate.id, theirs.refused.id] });
    expect(await response.json()).toEqual({ ok: true, message: "1 customer queued to upload." });

    const row = (id: string) => prisma.syncState.findUniqueOrThrow({ where: { id } });
    expect(await row(mine.refused.id)).toMatchObject({ status: "dirty", dirtySeq: 1 });
    expect(await row(mine.upToDate.id)).toMatchObject({ status: "synced", dirtySeq: 0 });
    expect(await row(theirs.refused.id)).toMatchObject({ status: "failed", dirtySeq: 0, lastError: "customer_name is required" });
  });

  it("starts syncing all customers", async () => {
    harness();
    const response = await post({ intent: "sync-all" });
    expect(await response.json()).toMatchObject({ ok: true });
    const task = await prisma.scheduledTask.findUniqueOrThrow({ where: { shop_kind: { shop: SHOP, kind: TaskKind.customersBackfill } } });
    expect(task.status).toBe("scheduled");
    expect(await prisma.scheduledTask.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });
});

describe("/app/customers/export/$list", () => {
  async function download(list: string) {
    const { loader } = await import("./app.customers.export.$list");
    return callRoute(loader, adminRequest(`/app/customers/export/${list}`, { shop: SHOP }), { list });
  }

  it("downloads a list as CSV with formulas neutralised and non-Latin text kept", async () => {
    harness();
    const mine = await seed(SHOP, "10");
    await seed(OTHER_SHOP, "20");
    await prisma.syncState.update({ where: { id: mine.newcomer.id }, data: { updatedAt: new Date("2026-11-10T00:00:00Z") } });

    const response = await download("upload");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="customers_upload_\d{8}T\d{6}Z\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // The byte-order mark spreadsheet programs need to read UTF-8; decoding drops it again.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(
      "Shopify customer ID,Name,Email,Company,City,Country,Status,JOOR connection ID,Last synced,Last error\n" +
        "101,Анна Петрова,anna@example.ru,Бутик Аня,Москва,RU,dirty,,,\n" +
        "102,'=Evil Corp,evil@example.com,,,,failed,,,customer_name is required\n",
    );
  });

  it("downloads the customers in JOOR as a pipe-delimited Customer Sync file, one row per address", async () => {
    harness();
    await seed(OTHER_SHOP, "20");
    await customerState(
      SHOP,
      "501",
      {
        name: "Zoë",
        connection: {
          customer_code: "501",
          customer_name: "Boutique Zoë",
          customer_contact_email: "=zoe@example.com",
          billing: { billing_addresses: [{ billing_code: "501", address_1: "1 Rue A", city: "Paris", country: "FR" }] },
          shipping: { shipping_addresses: [{ shipping_code: "9", address_1: "東京都港区", city: "東京", country: "JP" }] },
        },
      },
      { status: "synced", joorId: "J501" },
    );
    await customerState(SHOP, "502", { name: "Not in JOOR", connection: { customer_code: "502", customer_name: "Nope" } });

    const response = await download("joor");
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="customer_sync_\d{8}T\d{6}Z\.txt"$/);
    const header =
      "customer_code|customer_name|customer_alias|customer_contact_name|customer_contact_email|customer_buyer_name|" +
      "customer_group_name|customer_group_code|sales_rep_code|address_type|address_code|address_1|address_2|city|state|postal_code|country|phone";
    expect(await response.text()).toBe(
      `${header}\n` +
        "501|Boutique Zoë|||'=zoe@example.com|||||billing|501|1 Rue A||Paris|||FR|\n" +
        "501|Boutique Zoë|||'=zoe@example.com|||||shipping|9|東京都港区||東京|||JP|\n",
    );
  });

  it("answers 404 for an unknown download", async () => {
    harness();
    expect((await download("everything")).status).toBe(404);
  });
});
