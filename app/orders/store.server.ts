/**
 * OrderImport rows for one shop. Every step runs in a transaction of its own (see `engineTransactions`), so the
 * row written before orderCreate is committed before Shopify is called, and the record after it commits on its
 * own. Status changes are conditional on the status the caller saw, so a merchant's click and a running poll
 * never overwrite each other.
 */
import type { OrderImport } from "@prisma/client";
import { z } from "zod";
import { joorOrderSchema, type JoorOrder } from "~/joor/schemas";
import { recordActivity } from "~/sync/activity.server";
import { parseJson } from "~/sync/json";
import type { Transact } from "~/sync/runner.server";
import type { GenerationFacts } from "./generations";
import { ACKNOWLEDGED_STATUSES, ImportStatus } from "./status";

export type ImportRow = OrderImport;

const customerSources = ["code", "earlier", "email", "created", "none"] as const;
export type CustomerSource = (typeof customerSources)[number];

const replacedSchema = z.object({ gid: z.string(), name: z.string() });

/** What a row remembers besides its columns (JSON in `details`); read leniently. */
export const importDetailsSchema = z.object({
  warnings: z.array(z.string()).catch([]),
  customer: z.enum(customerSources).optional().catch(undefined),
  /** How the lines were matched. */
  matchedBy: z.object({ upc: z.number(), sku: z.number(), style: z.number() }).optional().catch(undefined),
  /** Written with `creating`: what the attempt planned, so an order found after a crash gets the same follow-ups. */
  attempt: z
    .object({
      at: z.string(),
      createsCustomer: z.boolean(),
      connectionId: z.string().nullable(),
      replaces: replacedSchema.nullable(),
    })
    .optional()
    .catch(undefined),
  /** JOOR refused the acknowledgement for good. */
  ackError: z.string().optional().catch(undefined),
});
export type ImportDetails = z.infer<typeof importDetailsSchema>;

export function readDetails(row: Pick<ImportRow, "details">): ImportDetails {
  const parsed = parseJson(row.details);
  return importDetailsSchema.parse(parsed !== null && typeof parsed === "object" ? parsed : {});
}

/** Work owed after the Shopify order exists. */
export const followUpSchema = z.object({
  /** Link the JOOR connection to the customer created with the order: its customer code becomes the Shopify id. */
  writeBackCode: z.object({ connectionId: z.string(), customerId: z.string() }).optional(),
  /** Tag and annotate the Shopify order an earlier generation became, now replaced. */
  markReplaced: z.object({ orderGid: z.string(), by: z.string() }).optional(),
});
export type FollowUp = z.infer<typeof followUpSchema>;

export function readFollowUp(row: Pick<ImportRow, "followUp">): FollowUp | null {
  const parsed = followUpSchema.safeParse(parseJson(row.followUp));
  return parsed.success && (parsed.data.writeBackCode || parsed.data.markReplaced) ? parsed.data : null;
}

/** The JOOR order a row imports, as last listed; null when the stored text is unreadable. */
export function readPayload(row: Pick<ImportRow, "payload">): JoorOrder | null {
  const parsed = joorOrderSchema.safeParse(parseJson(row.payload));
  return parsed.success ? parsed.data : null;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The flow named in Activity. */
const FLOW = "orders";

/** SQLite allows a few hundred bound values per statement. */
const IDS_PER_QUERY = 400;

export class ImportStore {
  constructor(
    readonly shop: string,
    private readonly transact: Transact,
  ) {}

  async generationsOf(joorOrderIds: readonly string[]): Promise<Map<string, GenerationFacts[]>> {
    const byOrder = new Map<string, GenerationFacts[]>();
    for (let start = 0; start < joorOrderIds.length; start += IDS_PER_QUERY) {
      const ids = joorOrderIds.slice(start, start + IDS_PER_QUERY);
      const rows = await this.transact((db) =>
        db.orderImport.findMany({
          where: { shop: this.shop, joorOrderId: { in: ids } },
          select: { id: true, joorOrderId: true, exportGeneration: true, status: true, acknowledgedAt: true, joorVersion: true },
        }),
      );
      for (const row of rows) {
        const facts = { id: row.id, generation: row.exportGeneration, status: row.status, acknowledged: row.acknowledgedAt !== null, joorVersion: row.joorVersion };
        byOrder.set(row.joorOrderId, [...(byOrder.get(row.joorOrderId) ?? []), facts]);
      }
    }
    return byOrder;
  }

  private orderColumns(order: JoorOrder, version: string) {
    return { payload: json(order), joorVersion: version, customerCode: order.customer_code ?? null };
  }

  /** A generation JOOR listed for the first time (queued), or one that came back after import (review). */
  async addGeneration(order: JoorOrder, version: string, generation: number, status: "queued" | "review", reason: string | null): Promise<void> {
    await this.transact(async (db) => {
      await db.orderImport.create({
        data: {
          shop: this.shop,
          joorOrderId: order.order_id,
          exportGeneration: generation,
          status,
          reason,
          details: json({ warnings: [] }),
          ...this.orderColumns(order, version),
        },
      });
      if (status === ImportStatus.review && reason) {
        await recordActivity(db, { shop: this.shop, flow: FLOW, action: "import", status, label: `JOOR order ${order.order_id}`, message: reason });
      }
    });
  }

  /** Keeps a waiting row's order current; `requeue` also sends a failed one back for another attempt. */
  async updateListed(rowId: string, order: JoorOrder, version: string, from: readonly string[], requeue: boolean): Promise<void> {
    await this.transact((db) =>
      db.orderImport.updateMany({
        where: { id: rowId, shop: this.shop, status: { in: [...from] } },
        data: {
          ...this.orderColumns(order, version),
          ...(requeue ? { status: ImportStatus.queued, reason: null, acknowledgedAt: null } : {}),
        },
      }),
    );
  }

  /** Oldest first: orders are imported in the order JOOR listed them first. */
  rowsIn(statuses: readonly string[]): Promise<ImportRow[]> {
    return this.transact((db) =>
      db.orderImport.findMany({
        where: { shop: this.shop, status: { in: [...statuses] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
  }

  countIn(statuses: readonly string[]): Promise<number> {
    return this.transact((db) => db.orderImport.count({ where: { shop: this.shop, status: { in: [...statuses] } } }));
  }

  /** Rows whose outcome JOOR has not been told yet. */
  unacknowledged(): Promise<ImportRow[]> {
    return this.transact((db) =>
      db.orderImport.findMany({
        where: { shop: this.shop, status: { in: [...ACKNOWLEDGED_STATUSES] }, acknowledgedAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
  }

  withFollowUps(): Promise<ImportRow[]> {
    return this.transact((db) =>
      db.orderImport.findMany({ where: { shop: this.shop, followUp: { not: null } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    );
  }

  /** False when the row was no longer in `from`. */
  async fail(row: ImportRow, from: string, reason: string, details: ImportDetails): Promise<boolean> {
    return this.transact(async (db) => {
      const failed = await db.orderImport.updateMany({
        where: { id: row.id, status: from },
        data: { status: ImportStatus.failed, reason, details: json(details), acknowledgedAt: null },
      });
      if (failed.count > 0) {
        await recordActivity(db, { shop: this.shop, flow: FLOW, action: "import", status: "failed", label: `JOOR order ${row.joorOrderId}`, message: reason });
      }
      return failed.count > 0;
    });
  }

  /** The commit before orderCreate: false when the row is no longer queued (the merchant or another run moved it). */
  async claimForCreate(row: ImportRow, details: ImportDetails): Promise<boolean> {
    const claimed = await this.transact((db) =>
      db.orderImport.updateMany({
        where: { id: row.id, status: ImportStatus.queued },
        data: { status: ImportStatus.creating, attempts: { increment: 1 }, reason: null, details: json(details) },
      }),
    );
    return claimed.count > 0;
  }

  async recordImported(
    row: Pick<ImportRow, "id" | "joorOrderId">,
    order: { gid: string; name: string; customerGid: string | null },
    details: ImportDetails,
    followUp: FollowUp | null,
  ): Promise<void> {
    await this.transact(async (db) => {
      const recorded = await db.orderImport.updateMany({
        where: { id: row.id, status: ImportStatus.creating },
        data: {
          status: ImportStatus.imported,
          shopifyOrderGid: order.gid,
          shopifyOrderName: order.name,
          customerGid: order.customerGid,
          reason: null,
          acknowledgedAt: null,
          details: json(details),
          followUp: followUp ? json(followUp) : null,
        },
      });
      if (recorded.count > 0) {
        await recordActivity(db, {
          shop: this.shop,
          flow: FLOW,
          action: "import",
          status: ImportStatus.imported,
          recordGid: order.gid,
          label: `JOOR order ${row.joorOrderId}`,
          message: `Imported as Shopify order ${order.name}`,
        });
      }
    });
  }

  /**
   * Shopify certainly has no order for the attempt: queued again. An attempt Shopify turned away unread (a rate
   * limit) does not count as one.
   */
  async requeue(rowId: string, options: { refused: boolean }): Promise<void> {
    await this.transact((db) =>
      db.orderImport.updateMany({
        where: { id: rowId, status: ImportStatus.creating },
        data: { status: ImportStatus.queued, ...(options.refused ? { attempts: { decrement: 1 } } : {}) },
      }),
    );
  }

  /** JOOR took the acknowledgement (or refused it for good: `ackError`); only if the row still says what was sent. */
  async markAcknowledged(row: ImportRow, at: Date, ackError?: string): Promise<void> {
    const details = ackError ? json({ ...readDetails(row), ackError }) : undefined;
    await this.transact((db) =>
      db.orderImport.updateMany({
        where: { id: row.id, status: row.status, acknowledgedAt: null },
        data: { acknowledgedAt: at, ...(details ? { details } : {}) },
      }),
    );
  }

  async setFollowUp(row: ImportRow, followUp: FollowUp | null, warning?: string): Promise<void> {
    const details = warning ? json({ ...readDetails(row), warnings: [...readDetails(row).warnings, warning] }) : undefined;
    await this.transact((db) =>
      db.orderImport.update({
        where: { id: row.id },
        data: { followUp: followUp && (followUp.writeBackCode || followUp.markReplaced) ? json(followUp) : null, ...(details ? { details } : {}) },
      }),
    );
  }

  /** The Shopify customer an earlier import for this customer code went to. */
  async earlierCustomer(customerCode: string): Promise<string | null> {
    const row = await this.transact((db) =>
      db.orderImport.findFirst({
        where: { shop: this.shop, customerCode, customerGid: { not: null } },
        orderBy: { updatedAt: "desc" },
        select: { customerGid: true },
      }),
    );
    return row?.customerGid ?? null;
  }

  /** The Shopify order the latest earlier generation of this JOOR order became. */
  async previousShopifyOrder(joorOrderId: string, generation: number): Promise<{ gid: string; name: string } | null> {
    const row = await this.transact((db) =>
      db.orderImport.findFirst({
        where: { shop: this.shop, joorOrderId, exportGeneration: { lt: generation }, shopifyOrderGid: { not: null } },
        orderBy: { exportGeneration: "desc" },
        select: { shopifyOrderGid: true, shopifyOrderName: true },
      }),
    );
    return row?.shopifyOrderGid ? { gid: row.shopifyOrderGid, name: row.shopifyOrderName ?? row.shopifyOrderGid } : null;
  }

  /** Shopify orders other generations of this JOOR order became: a search by source identifier must skip them. */
  async otherGenerationsOrders(joorOrderId: string, generation: number): Promise<Set<string>> {
    const rows = await this.transact((db) =>
      db.orderImport.findMany({
        where: { shop: this.shop, joorOrderId, exportGeneration: { not: generation }, shopifyOrderGid: { not: null } },
        select: { shopifyOrderGid: true },
      }),
    );
    return new Set(rows.map((row) => row.shopifyOrderGid as string));
  }
}
