import { V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import { isDuplicated, type JoorClient, type V4RecordResult } from "~/joor/client.server";
import type { JoorSku } from "~/joor/schemas";
import type {
  JoorAssetInput,
  JoorPriceInput,
  JoorPriceUpdate,
  JoorProductUpdate,
  JoorSkuInput,
  JoorSkuUpdate,
  JoorSkuUpdateByExternalId,
} from "~/joor/types";
import { isTerminal, SyncError } from "~/sync/errors";
import { isThrottle } from "~/sync/retry";
import type { StoredCell, StyleDetails } from "./details";
import { cellKey, type PlannedCell, type StylePlan } from "./mapping";

/**
 * Writes a batch of styles to JOOR with as few bulk calls as the batch allows: all products, then all SKU
 * updates, SKU creations, prices and images, each a bulk call of up to 100 records shared by every style in the
 * batch. A style's progress is kept record by record, so a failure costs only what failed: the next attempt
 * sends just that again.
 */

export interface RecordError {
  message: string;
  /** JOOR gave no answer for the record (not a refusal): worth retrying soon. */
  transient: boolean;
}

export interface StyleJob {
  gid: string;
  plan: StylePlan;
  productId: string | null;
  /** Hash of the product fields JOOR holds. */
  productHash: string | null;
  /** Cells JOOR holds SKUs for, by cell key. */
  cells: Map<string, StoredCell>;
  priceTypeId: string | null;
  prices: Record<string, { id: string; hash: string }>;
  imagesHash: string | null;
  /** Per SKU (its external id) or image: what JOOR refused in this run. */
  errors: Map<string, RecordError>;
  /** External ids of SKU creations JOOR may have applied without the app hearing back (kept across runs). */
  unanswered: Set<string>;
  /** Nothing more is sent for the style: its product was refused, a call failed, or JOOR lost the product. */
  failure: unknown;
  /** At least one record of the style was sent. */
  wrote: boolean;
}

export function newStyleJob(gid: string, plan: StylePlan, previous: StyleDetails, joorId: string | null): StyleJob {
  const productId = joorId ?? previous.productId;
  return {
    gid,
    plan,
    productId,
    productHash: productId ? previous.hashes.product : null,
    cells: new Map(productId ? previous.cells.map((cell) => [cell.key, cell]) : []),
    priceTypeId: productId ? previous.priceTypeId : null,
    prices: productId ? { ...previous.prices } : {},
    imagesHash: productId ? previous.hashes.images : null,
    errors: new Map(),
    unanswered: new Set(productId ? previous.unansweredSkus : []),
    failure: null,
    wrote: false,
  };
}

/** JOOR no longer has the product: forget everything sent for it, so the next attempt creates it again. */
function forgetProduct(job: StyleJob): void {
  job.productId = null;
  job.productHash = null;
  job.cells = new Map();
  job.priceTypeId = null;
  job.prices = {};
  job.imagesHash = null;
}

type Failed = Extract<V4RecordResult<unknown>, { ok: false }>;

/** JOOR answered nothing for the record (as opposed to refusing it). */
const NO_ANSWER = "MISSING";

function addError(job: StyleJob, key: string, label: string, result: Failed): void {
  const previous = job.errors.get(key);
  const message = `${label}: ${result.message}`;
  job.errors.set(key, {
    message: previous ? `${previous.message}; ${message}` : message,
    transient: (previous?.transient ?? false) || result.status === NO_ANSWER,
  });
}

function styleRefused(result: Failed): SyncError {
  return new SyncError(`JOOR refused the style: ${result.message}`, {
    terminal: result.status !== NO_ANSWER,
    code: result.status,
  });
}

interface Entry<R, T> {
  job: StyleJob;
  /** Records of one group travel in the same call (a style's new grid cells, a style's images). */
  group: string;
  record: R;
  done(result: V4RecordResult<T>): void;
  /** The call as a whole failed; `error` says whether JOOR may have applied it all the same. */
  failed?(error: unknown): void;
}

/** Consecutive groups packed into calls of at most `max` records; a group larger than `max` is split. */
export function packGroups<E extends { group: string }>(entries: E[], max = V4_BULK_MAX_RECORDS): E[][] {
  const groups = new Map<string, E[]>();
  for (const entry of entries) groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
  const calls: E[][] = [];
  let current: E[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += max) {
      const part = group.slice(start, start + max);
      if (current.length + part.length > max) {
        calls.push(current);
        current = [];
      }
      current.push(...part);
    }
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

export type JoorSource = () => Promise<JoorClient>;

async function send<R, T>(
  entries: Array<Entry<R, T>>,
  call: (joor: JoorClient, records: R[]) => Promise<Array<V4RecordResult<T>>>,
  joor: JoorSource,
  signal: AbortSignal,
): Promise<void> {
  for (const batch of packGroups(entries.filter((entry) => entry.job.failure === null))) {
    signal.throwIfAborted();
    let results: Array<V4RecordResult<T>>;
    try {
      results = await call(await joor(), batch.map((entry) => entry.record));
    } catch (error) {
      // The call as a whole failed (rate limit, JOOR down): its styles stop here and are retried.
      for (const entry of batch) {
        entry.job.failure ??= error;
        entry.failed?.(error);
      }
      continue;
    }
    batch.forEach((entry, index) => {
      entry.job.wrote = true;
      entry.done(results[index]);
    });
  }
}

const live = (jobs: StyleJob[]) => jobs.filter((job) => job.failure === null);

async function writeProducts(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  const duplicates = new Set<StyleJob>();
  await send(
    live(jobs)
      .filter((job) => job.productId === null)
      .map((job) => ({
        job,
        group: job.gid,
        record: job.plan.product.fields,
        done(result: V4RecordResult<unknown>) {
          if (result.ok) {
            job.productId = result.id;
            job.productHash = job.plan.product.hash;
          } else if (isDuplicated(result) && result.existingId) {
            // Created before (a run that did not get to save it): bring the existing one up to date.
            job.productId = result.existingId;
            duplicates.add(job);
          } else job.failure = styleRefused(result);
        },
      })),
    (client, records) => client.createProducts(records),
    joor,
    signal,
  );
  await send(
    live(jobs)
      .filter((job) => job.productId !== null && (duplicates.has(job) || job.productHash !== job.plan.product.hash))
      .map((job) => ({
        job,
        group: job.gid,
        record: { id: job.productId as string, ...job.plan.product.fields } satisfies JoorProductUpdate,
        done(result: V4RecordResult<unknown>) {
          if (result.ok) job.productHash = job.plan.product.hash;
          else if (result.status === "NOT_FOUND") {
            forgetProduct(job);
            job.failure = new SyncError("The style is no longer in JOOR; it will be created again", { terminal: false });
          } else job.failure = styleRefused(result);
        },
      })),
    (client, records) => client.updateProducts(records),
    joor,
    signal,
  );
}

function storedCell(cell: PlannedCell, skuId: string): StoredCell {
  return {
    key: cell.key,
    color: cell.color,
    size: cell.size,
    colorCode: cell.colorCode,
    skuId,
    variantId: cell.variantId,
    upc: cell.upc,
    hash: cell.hash,
  };
}

/** A style's new cells travel together (JOOR checks the grid per call); past 100, whole color rows do. */
function creationGroup(job: StyleJob, cell: PlannedCell, newCells: number): string {
  return newCells > V4_BULK_MAX_RECORDS ? `${job.gid}|${cell.colorCode}` : job.gid;
}

/** A call refused before JOOR acted (rate limit, a request it rejects) applied nothing; any other failure may have. */
function mayHaveApplied(error: unknown): boolean {
  return !isThrottle(error) && !isTerminal(error);
}

/**
 * SKU creations an earlier run sent without hearing back, looked up by external id before anything else is sent:
 * a SKU JOOR made takes its grid cell (the updates below then bring it to what the cell should be now, even off
 * sale when its variant is gone), so no cell gets a second SKU. A SKU whose cell has left the plan is remembered
 * as a cell of the style's grid, and the style runs again to complete the grid around it.
 */
async function takeOverUnanswered(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  const entries = live(jobs)
    .filter((job) => job.productId !== null)
    .flatMap((job) =>
      [...job.unanswered].map((externalId) => ({
        job,
        group: job.gid,
        record: { external_id: externalId, product_id: job.productId as string } satisfies JoorSkuUpdateByExternalId,
        done(result: V4RecordResult<JoorSku>) {
          if (!result.ok) {
            if (result.status === "NOT_FOUND") job.unanswered.delete(externalId);
            else job.failure ??= new SyncError(`Whether JOOR created SKU ${externalId} is not known yet`, { terminal: false });
            return;
          }
          job.unanswered.delete(externalId);
          const trait = (name: string) => result.record.trait_values.find((value) => value.trait_name === name);
          const [color, size] = [trait("Color")?.value ?? "", trait("Size")?.value ?? ""];
          const key = cellKey(color, size);
          if (job.cells.has(key)) return;
          const planned = job.plan.cells.find((cell) => cell.key === key);
          if (planned) {
            job.cells.set(key, { ...storedCell(planned, result.id), hash: "" });
            return;
          }
          job.cells.set(key, { key, color, size, colorCode: trait("Color")?.external_id ?? "", skuId: result.id, variantId: null, upc: null, hash: "" });
          job.errors.set(externalId, { message: `${color} / ${size}: JOOR holds this SKU from an earlier attempt; the grid is completed next`, transient: true });
        },
      })),
    );
  await send(entries, (client, records) => client.updateSkusByExternalId(records), joor, signal);
}

async function writeSkus(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  await takeOverUnanswered(jobs, joor, signal);
  const ready = live(jobs).filter((job) => job.productId !== null);
  const updateEntry = (job: StyleJob, cell: PlannedCell, skuId: string, claim = false) => ({
    job,
    group: job.gid,
    // A SKU found by its external id (a variant id, unique to this style) may hang under an earlier JOOR
    // product of the style: it is moved to the current one.
    record: { id: skuId, ...(claim ? { product_id: job.productId as string } : {}), ...cell.sku } satisfies JoorSkuUpdate,
    done(result: V4RecordResult<unknown>) {
      if (result.ok) job.cells.set(cell.key, storedCell(cell, skuId));
      else {
        if (result.status === "NOT_FOUND") job.cells.delete(cell.key);
        addError(job, cell.externalId, cell.label, result);
      }
    },
  });
  // Updates first: a cell a variant moved away from gives up its external id before the new cell claims it.
  await send(
    ready.flatMap((job) =>
      job.plan.cells.flatMap((cell) => {
        const stored = job.cells.get(cell.key);
        return stored && stored.hash !== cell.hash ? [updateEntry(job, cell, stored.skuId)] : [];
      }),
    ),
    (client, records) => client.updateSkus(records),
    joor,
    signal,
  );

  const duplicates: Array<ReturnType<typeof updateEntry>> = [];
  await send(
    live(ready).flatMap((job) => {
      const fresh = job.plan.cells.filter((cell) => !job.cells.has(cell.key));
      return fresh.map((cell) => ({
        job,
        group: creationGroup(job, cell, fresh.length),
        record: { product_id: job.productId as string, ...cell.sku } satisfies JoorSkuInput,
        done(result: V4RecordResult<unknown>) {
          if (result.ok) job.cells.set(cell.key, storedCell(cell, result.id));
          else if (isDuplicated(result) && result.existingId && !heldByOtherCell(job, result.existingId)) {
            duplicates.push(updateEntry(job, cell, result.existingId, true));
          } else {
            if (result.status === NO_ANSWER) job.unanswered.add(cell.externalId);
            addError(job, cell.externalId, cell.label, result);
          }
        },
        failed(error: unknown) {
          if (mayHaveApplied(error)) job.unanswered.add(cell.externalId);
        },
      }));
    }),
    (client, records) => client.createSkus(records),
    joor,
    signal,
  );
  await send(duplicates, (client, records) => client.updateSkus(records), joor, signal);
}

function heldByOtherCell(job: StyleJob, skuId: string): boolean {
  return [...job.cells.values()].some((cell) => cell.skuId === skuId);
}

async function writePrices(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  const creates: Array<Entry<JoorPriceInput, unknown>> = [];
  const updates: Array<Entry<JoorPriceUpdate, unknown>> = [];
  const duplicates: Array<Entry<JoorPriceUpdate, unknown>> = [];
  // Unlike a style's new grid cells, its prices need not share a call: each travels alone, so calls are full.
  const group = (job: StyleJob, skuId: string) => `${job.gid}|${skuId}`;
  const updateEntry = (job: StyleJob, cell: PlannedCell, skuId: string, priceId: string, price: { wholesale: string; retail: string; hash: string }) => ({
    job,
    group: group(job, skuId),
    record: { id: priceId, wholesale_value: price.wholesale, retail_value: price.retail },
    done(result: V4RecordResult<unknown>) {
      if (result.ok) job.prices[skuId] = { id: priceId, hash: price.hash };
      else {
        if (result.status === "NOT_FOUND") delete job.prices[skuId];
        addError(job, cell.externalId, `${cell.label} price`, result);
      }
    },
  });
  for (const job of live(jobs)) {
    const prices = job.plan.prices;
    if (!prices || job.productId === null) continue;
    if (job.priceTypeId !== prices.priceTypeId) {
      // Prices under another price type are not ours to change: start afresh under the chosen one.
      job.priceTypeId = prices.priceTypeId;
      job.prices = {};
    }
    const cells = new Map(job.plan.cells.map((cell) => [cell.key, cell]));
    for (const price of prices.items) {
      const cell = cells.get(price.cellKey);
      const stored = job.cells.get(price.cellKey);
      if (!cell || !stored) continue;
      const skuId = stored.skuId;
      const existing = job.prices[skuId];
      if (existing?.hash === price.hash) continue;
      if (existing) {
        updates.push(updateEntry(job, cell, skuId, existing.id, price));
        continue;
      }
      creates.push({
        job,
        group: group(job, skuId),
        record: { sku_id: skuId, price_type_id: prices.priceTypeId, wholesale_value: price.wholesale, retail_value: price.retail },
        done(result) {
          if (result.ok) job.prices[skuId] = { id: result.id, hash: price.hash };
          else if (isDuplicated(result) && result.existingId) duplicates.push(updateEntry(job, cell, skuId, result.existingId, price));
          else addError(job, cell.externalId, `${cell.label} price`, result);
        },
      });
    }
  }
  await send(updates, (client, records) => client.updatePrices(records), joor, signal);
  await send(creates, (client, records) => client.createPrices(records), joor, signal);
  await send(duplicates, (client, records) => client.updatePrices(records), joor, signal);
}

async function writeImages(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  const entries: Array<Entry<JoorAssetInput, unknown>> = [];
  for (const job of live(jobs)) {
    const images = job.plan.images;
    if (!images || job.productId === null || images.hash === job.imagesHash) continue;
    if (images.assets.length === 0) {
      job.imagesHash = images.hash;
      continue;
    }
    let accepted = 0;
    for (const asset of images.assets) {
      entries.push({
        job,
        group: job.gid,
        record: {
          product: { id: job.productId },
          asset: { type: "image", filename: asset.filename, source_url: asset.sourceUrl },
          display_order: asset.displayOrder,
        },
        done(result) {
          if (!result.ok) return addError(job, `image ${asset.filename}`, `Image ${asset.filename}`, result);
          accepted += 1;
          if (accepted === images.assets.length) job.imagesHash = images.hash;
        },
      });
    }
  }
  // replace_all: each style's images become exactly the ones sent (all of a style's images share one call).
  await send(entries, (client, records) => client.uploadProductAssets(records, { replaceAll: true }), joor, signal);
}

/** Sends what each style is missing in JOOR; the jobs carry what was written and what failed. */
export async function writeStyles(jobs: StyleJob[], joor: JoorSource, signal: AbortSignal): Promise<void> {
  await writeProducts(jobs, joor, signal);
  await writeSkus(jobs, joor, signal);
  await writePrices(jobs, joor, signal);
  await writeImages(jobs, joor, signal);
}
