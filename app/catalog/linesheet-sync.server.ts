import { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { jsonArrayElements, jsonElementText } from "~/db/dialect.server";
import type { FlowServices } from "~/flows/services.server";
import { isDuplicated, type V4RecordResult } from "~/joor/client.server";
import type { JoorCollectionItemInput } from "~/joor/types";
import { legacyId, RecordKind } from "~/records";
import { SyncError } from "~/sync/errors";
import type { SyncHandler, SyncOutcome, SyncStateView } from "~/sync/registry";
import { linesheetExternalId, linesheetKeyOf } from "./conventions";
import { readLinesheetDetails, type LinesheetDetails } from "./details";
import { contentHash } from "~/flows/content-hash";

/**
 * The linesheet handler. JOOR replaces a collection's whole item list on update, and one list spans many
 * styles synced in different batches, so a collection is never patched from a product: it is rebuilt from the
 * product SyncStates that list it. Rebuilding twice gives the same list, so it is safe to repeat.
 */

/** How long a linesheet waits for a product batch that is still writing its details. */
export const LINESHEET_WAIT_MS = 5_000;

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

interface Member {
  gid: string;
  joorId: string;
  key: string;
  name: string;
}

/**
 * The styles on each linesheet, or null while a product batch holds rows: its new details are not saved yet.
 * Both are read in one transaction: a batch that starts after it marks the linesheets it touches again.
 */
async function readMembers(shop: string, keys: string[], now: Date): Promise<Member[] | null> {
  return prisma.$transaction(async (tx) => {
    const busy = await tx.syncState.count({ where: { shop, kind: RecordKind.product, leaseExpiresAt: { gt: now } } });
    if (busy > 0) return null;
    const members = await tx.$queryRaw<Member[]>`
      SELECT s."gid" AS "gid", s."joorId" AS "joorId",
             ${jsonElementText("j", "key")} AS "key", ${jsonElementText("j", "name")} AS "name"
      FROM "SyncState" AS s, ${jsonArrayElements(Prisma.sql`s."details"`, "linesheets")} AS j
      WHERE s."shop" = ${shop} AND s."kind" = ${RecordKind.product} AND s."joorId" IS NOT NULL
        AND ${jsonElementText("j", "key")} IN (${Prisma.join(keys)})`;
    // Styles sit on a linesheet in the order they were created in Shopify, whatever order webhooks came in.
    return members.sort((a, b) => compareIds(legacyId(a.gid), legacyId(b.gid)));
  });
}

interface Rebuild {
  state: SyncStateView;
  previous: LinesheetDetails;
  details: LinesheetDetails;
  items: JoorCollectionItemInput[];
}

function rebuild(state: SyncStateView, members: Member[]): Rebuild {
  const key = linesheetKeyOf(state.gid);
  const previous = readLinesheetDetails(state.details);
  const productIds = [...new Set(members.filter((member) => member.key === key).map((member) => member.joorId))];
  const name = previous.name ?? members.find((member) => member.key === key)?.name ?? key;
  const externalId = previous.externalId ?? linesheetExternalId(key);
  const items = productIds.map((productId, index) => ({ product_id: productId, order_number: index + 1 }));
  return {
    state,
    previous,
    details: { name, externalId, productIds, itemsHash: contentHash({ name, externalId, items }) },
    items,
  };
}

function written(entry: Rebuild, collectionId: string): SyncOutcome {
  return { gid: entry.state.gid, status: "synced", joorId: collectionId, details: entry.details, label: entry.details.name ?? undefined };
}

/** JOOR answered nothing for the record: not a refusal, and it may have been applied (a rebuild is safe to repeat). */
const NO_ANSWER = "MISSING";

function refused(entry: Rebuild, result: Extract<V4RecordResult<unknown>, { ok: false }>): SyncOutcome {
  if (result.status === NO_ANSWER) {
    return { gid: entry.state.gid, status: "retry", error: new SyncError(`JOOR gave no answer for the linesheet: ${result.message}`, { terminal: false }) };
  }
  return {
    gid: entry.state.gid,
    status: "failed",
    reason: `JOOR refused the linesheet: ${result.message}`,
    label: entry.details.name ?? undefined,
  };
}

export function linesheetSyncHandler(services: FlowServices): SyncHandler {
  return async ({ shop, states, signal }) => {
    const configuration = await services.configuration(shop);
    if (!configuration.flows.catalog) {
      return states.map((state) => ({ gid: state.gid, status: "stopped", reason: "The catalog sync is switched off" }));
    }
    const now = services.now();
    const members = await readMembers(shop, states.map((state) => linesheetKeyOf(state.gid)), now);
    if (!members) {
      const recheckAt = new Date(now.getTime() + LINESHEET_WAIT_MS);
      return states.map((state) => ({ gid: state.gid, status: "pending", reason: "Waiting for styles being synced", recheckAt }));
    }

    const outcomes = new Map<string, SyncOutcome>();
    const creates: Rebuild[] = [];
    const updates: Array<{ entry: Rebuild; collectionId: string }> = [];
    for (const state of states) {
      const entry = rebuild(state, members);
      if (state.joorId && entry.details.itemsHash === entry.previous.itemsHash) {
        outcomes.set(state.gid, { gid: state.gid, status: "unchanged" });
      } else if (state.joorId) {
        updates.push({ entry, collectionId: state.joorId });
      } else if (entry.items.length === 0) {
        outcomes.set(state.gid, { gid: state.gid, status: "stopped", reason: "No style carries this linesheet's tag" });
      } else creates.push(entry);
    }
    if (creates.length === 0 && updates.length === 0) return [...outcomes.values()];

    const joor = await services.joor(shop);
    const failAll = (entries: Rebuild[], error: unknown) => {
      for (const entry of entries) outcomes.set(entry.state.gid, { gid: entry.state.gid, status: "retry", error });
    };
    const duplicates: Array<{ entry: Rebuild; collectionId: string }> = [];
    if (creates.length > 0) {
      signal.throwIfAborted();
      try {
        const results = await joor.createCollections(
          creates.map((entry) => ({
            name: entry.details.name ?? "",
            external_id: entry.details.externalId ?? "",
            items: entry.items,
          })),
        );
        results.forEach((result, index) => {
          const entry = creates[index];
          if (result.ok) outcomes.set(entry.state.gid, written(entry, result.id));
          else if (isDuplicated(result) && result.existingId) duplicates.push({ entry, collectionId: result.existingId });
          else outcomes.set(entry.state.gid, refused(entry, result));
        });
      } catch (error) {
        failAll(creates, error);
      }
    }
    const toUpdate = [...updates, ...duplicates];
    if (toUpdate.length > 0) {
      signal.throwIfAborted();
      try {
        const results = await joor.updateCollections(
          toUpdate.map(({ entry, collectionId }) => ({ id: collectionId, name: entry.details.name ?? "", items: entry.items })),
        );
        results.forEach((result, index) => {
          const { entry, collectionId } = toUpdate[index];
          if (result.ok) outcomes.set(entry.state.gid, written(entry, collectionId));
          else if (result.status === "NOT_FOUND") {
            // Deleted in JOOR: forget it, and the next attempt creates it again.
            outcomes.set(entry.state.gid, {
              gid: entry.state.gid,
              status: "retry",
              error: new SyncError("The linesheet is no longer in JOOR; it will be created again", { terminal: false }),
              joorId: null,
              details: { ...entry.previous, itemsHash: null },
            });
          } else outcomes.set(entry.state.gid, refused(entry, result));
        });
      } catch (error) {
        failAll(
          toUpdate.map(({ entry }) => entry),
          error,
        );
      }
    }
    return [...outcomes.values()];
  };
}
