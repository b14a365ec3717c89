/**
 * The contract between the engine and the flows. A flow registers one sync handler per record kind (e.g.
 * "customer", "product") and one task handler per task kind (e.g. "orders-poll", "catalog-backfill"); the
 * worker only claims kinds that have a handler, so a kind nobody handles stays visibly dirty.
 */

/** One claimed record as a handler sees it. */
export interface SyncStateView {
  id: string;
  gid: string;
  /** The change counter at claim time. */
  dirtySeq: number;
  /** Status before the claim: dirty, retry, throttled or pending. */
  status: string;
  attempts: number;
  /** Hash of the last payload JOOR accepted; equal hash → nothing to send. */
  contentHash: string | null;
  joorId: string | null;
  /** Flow-specific remembered data (parsed JSON). */
  details: unknown;
  lastError: string | null;
  lastSyncedAt: Date | null;
}

/**
 * What the handler learned about a record, written with any outcome (a retry can still carry the JOOR id of a
 * record created before a later step failed, so the next attempt does not create it twice).
 * `undefined` keeps the stored value, `null` clears it.
 */
export interface RecordFacts {
  contentHash?: string | null;
  joorId?: string | null;
  /** JSON-serialisable. */
  details?: unknown;
  /** Shown next to the record in Activity (e.g. the product title). */
  label?: string;
}

export type SyncOutcome = { gid: string } & RecordFacts &
  (
    | { status: "synced" }
    /** JOOR has it but has not accepted it yet (validation, an async job): look again at `recheckAt`. */
    | { status: "pending"; reason: string; recheckAt?: Date }
    /** JOOR already holds exactly this content. */
    | { status: "unchanged" }
    /** Classified like a thrown error: transient → backoff, terminal → failed, ShopGoneError → shop stops. */
    | { status: "retry"; error: unknown }
    | { status: "failed"; reason: string }
    /** Out of scope now (tag removed, record deleted): no more syncing until it changes again. */
    | { status: "stopped"; reason: string }
  );

export interface SyncHandlerContext {
  shop: string;
  kind: string;
  states: SyncStateView[];
  /** Aborted when the lease is lost or the worker shuts down: stop early, the work will be redone. */
  signal: AbortSignal;
}

/**
 * Returns one outcome per state (matched by gid); a state without an outcome is retried. Throwing applies the
 * error to the whole batch. Handlers must be idempotent: after a crash a batch can run again.
 */
export type SyncHandler = (context: SyncHandlerContext) => Promise<SyncOutcome[]>;

/** A scheduled task as its handler and the UI see it. */
export interface TaskView {
  id: string;
  shop: string;
  kind: string;
  status: string;
  nextRunAt: Date;
  intervalSeconds: number | null;
  attempts: number;
  lastRunAt: Date | null;
  lastError: string | null;
  state: unknown;
}

export interface TaskContext {
  shop: string;
  kind: string;
  task: TaskView;
  /** The last saved progress (parsed JSON), or null on a first run. */
  state: unknown;
  /** Persists resumable progress and renews the lease; throws if the lease was lost. */
  saveState(state: unknown): Promise<void>;
  signal: AbortSignal;
}

export type TaskResult =
  /** Finished: a one-off task is done, a periodic one runs again after its interval. */
  | { done: true }
  /** Run again at this time (e.g. continue a long walk later). */
  | { nextRunAt: Date }
  /** Waiting for an outside event (a bulk operation's webhook) that calls wakeTask; looked at again at `until`. */
  | { waiting: true; until?: Date };

export type TaskHandler = (context: TaskContext) => Promise<TaskResult>;

export interface HandlerOptions {
  /** The flow named in Activity events (customers, catalog, inventory, orders); defaults to the kind. */
  flow?: string;
}

export interface SyncHandlerOptions extends HandlerOptions {
  /**
   * Records per handler call, e.g. as many as the flow's JOOR bulk call takes; defaults to the worker's batch
   * size. A batch size configured for the worker (SYNC_BATCH_SIZE) still caps it.
   */
  batchSize?: number;
}

interface Registered<H> {
  handler: H;
  flow: string;
}

export class HandlerRegistry {
  readonly #sync = new Map<string, Registered<SyncHandler>>();
  readonly #tasks = new Map<string, Registered<TaskHandler>>();
  readonly #batchSizes = new Map<string, number>();

  registerSyncHandler(kind: string, handler: SyncHandler, options: SyncHandlerOptions = {}): void {
    if (this.#sync.has(kind)) throw new Error(`A sync handler for "${kind}" is already registered`);
    if (options.batchSize !== undefined && !(Number.isInteger(options.batchSize) && options.batchSize >= 1)) {
      throw new Error(`The batch size of "${kind}" must be a whole number of at least 1`);
    }
    this.#sync.set(kind, { handler, flow: options.flow ?? kind });
    if (options.batchSize !== undefined) this.#batchSizes.set(kind, options.batchSize);
  }

  registerTaskHandler(kind: string, handler: TaskHandler, options: HandlerOptions = {}): void {
    if (this.#tasks.has(kind)) throw new Error(`A task handler for "${kind}" is already registered`);
    this.#tasks.set(kind, { handler, flow: options.flow ?? kind });
  }

  syncHandler(kind: string): Registered<SyncHandler> | undefined {
    return this.#sync.get(kind);
  }

  taskHandler(kind: string): Registered<TaskHandler> | undefined {
    return this.#tasks.get(kind);
  }

  syncKinds(): string[] {
    return [...this.#sync.keys()];
  }

  /** The batch sizes sync kinds registered with, by kind. */
  syncBatchSizes(): Record<string, number> {
    return Object.fromEntries(this.#batchSizes);
  }

  taskKinds(): string[] {
    return [...this.#tasks.keys()];
  }
}

/** The process-wide registry the worker uses unless given another. */
export const registry = new HandlerRegistry();

export function registerSyncHandler(kind: string, handler: SyncHandler, options?: SyncHandlerOptions): void {
  registry.registerSyncHandler(kind, handler, options);
}

export function registerTaskHandler(kind: string, handler: TaskHandler, options?: HandlerOptions): void {
  registry.registerTaskHandler(kind, handler, options);
}
