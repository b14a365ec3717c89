import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { prisma } from "../db.server";
import { pruneJoorCreditHistory } from "../joor/budget.server";
import { log } from "../logger.server";
import { pruneWebhookDeliveries } from "./activity.server";
import { errorMessage } from "./errors";
import { registry as defaultRegistry, type HandlerRegistry } from "./registry";
import { DEFAULT_RETRY_POLICY, type Random, type RetryPolicy } from "./retry";
import { engineTransactions, runSyncBatch, runTask, type RunContext, type RunningUnit } from "./runner.server";
import { claimBatch, releaseSyncLease, type Db } from "./sync-state.server";
import { claimTask, releaseTask } from "./tasks.server";

export interface WorkerOptions {
  /** The app's Prisma client unless given. */
  db?: Db;
  registry?: HandlerRegistry;
  /** Names this worker in leases and /healthz; default host:pid:random. */
  owner?: string;
  /**
   * Records per handler call (one JOOR bulk call) for kinds registered without a batch size of their own; when
   * given, also the most for every kind.
   */
  batchSize?: number;
  /** Claimed work is held this long without renewal; renewed every third of it while a handler runs. */
  leaseMs?: number;
  /** Sleep when there is nothing due; nudgeWorker() cuts it short. */
  idleMs?: number;
  /** Batches and tasks run at once. */
  concurrency?: number;
  /** stop() waits this long for running handlers before abandoning them. */
  shutdownTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  pendingRecheckMs?: number;
  waitTimeoutMs?: number;
  /** Housekeeping (pruning webhook delivery ids) runs at most this often. */
  housekeepingEveryMs?: number;
  webhookRetentionMs?: number;
  now?: () => Date;
  random?: Random;
}

export interface WorkerStatus {
  running: boolean;
  owner: string;
  startedAt: Date;
  lastTickAt: Date | null;
  batchesProcessed: number;
  tasksProcessed: number;
  inFlight: number;
  lastError: { message: string; at: Date } | null;
}

export interface WorkerHandle {
  /** Stops claiming, lets running work finish (bounded by shutdownTimeoutMs), hands back the rest. */
  stop(): Promise<void>;
  status(): WorkerStatus;
}

const MINUTE = 60_000;
/** The dashboard charts the last hour of JOOR credits; a day is kept. */
const CREDIT_HISTORY_MS = 24 * 60 * MINUTE;

export const WORKER_DEFAULTS = {
  batchSize: 50,
  leaseMs: 2 * MINUTE,
  idleMs: 5_000,
  concurrency: 2,
  shutdownTimeoutMs: 30_000,
  pendingRecheckMs: 60 * MINUTE,
  waitTimeoutMs: 60 * MINUTE,
  housekeepingEveryMs: 10 * MINUTE,
  webhookRetentionMs: 7 * 24 * 60 * MINUTE,
};

/**
 * Records per handler call of each kind that registered a batch size (its JOOR bulk size), within a batch size
 * configured for the worker.
 */
export function kindBatchSizes(registered: Readonly<Record<string, number>>, configured: number | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(registered).map(([kind, size]) => [kind, configured === undefined ? size : Math.min(size, configured)]),
  );
}

/**
 * The workers running in this process. The web server's bundle and the worker module loaded beside it are
 * separate module instances, so the set lives on globalThis: intake's nudge and /healthz reach the worker
 * whichever instance started it.
 */
interface RunningWorker {
  nudge(): void;
  status(): WorkerStatus;
}
declare global {
  var joorSyncWorkers: { all: Set<RunningWorker>; current: RunningWorker | null } | undefined;
}
const processWorkers = (globalThis.joorSyncWorkers ??= { all: new Set(), current: null });

/**
 * Wakes this process's idle workers now; intake calls it after its transaction commits, so a change is synced
 * in seconds. A worker in another process (`npm run worker`) finds the change at its next poll (idleMs).
 */
export function nudgeWorker(): void {
  for (const worker of processWorkers.all) worker.nudge();
}

/** The status of the worker most recently started in this process, for GET /healthz. */
export function currentWorkerStatus(): WorkerStatus | null {
  return processWorkers.current?.status() ?? null;
}

export function startWorker(options: WorkerOptions = {}): WorkerHandle {
  const worker = new Worker(options);
  processWorkers.all.add(worker);
  processWorkers.current = worker;
  worker.start();
  return { stop: () => worker.stop(), status: () => worker.status() };
}

type Settings = Required<Omit<WorkerOptions, "retry" | "db" | "registry">>;

/** Claimed work not yet started: started, or handed back untouched when the worker is stopping. */
interface Claim {
  start(): RunningUnit;
  release(): Promise<unknown>;
}

class Worker {
  readonly #options: Settings;
  readonly #context: RunContext;
  readonly #registry: HandlerRegistry;
  /** The batch size configured for this worker, if any (it caps every kind's own). */
  readonly #configuredBatchSize: number | undefined;
  readonly #inFlight = new Set<RunningUnit>();
  readonly #startedAt: Date;
  #lastTickAt: Date | null = null;
  #batchesProcessed = 0;
  #tasksProcessed = 0;
  #lastError: WorkerStatus["lastError"] = null;
  #lastHousekeeping: number | null = null;
  #lastPair: { shop: string; kind: string } | undefined;
  #preferTask = true;
  #stopping = false;
  #running = false;
  #woken = false;
  #wake: (() => void) | null = null;
  #loop: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | null = null;

  constructor(options: WorkerOptions) {
    const now = options.now ?? (() => new Date());
    this.#options = {
      ...WORKER_DEFAULTS,
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      now,
      random: Math.random,
      ...withoutUndefined(options),
    };
    this.#registry = options.registry ?? defaultRegistry;
    this.#configuredBatchSize = options.batchSize;
    this.#context = {
      transact: engineTransactions(options.db ?? prisma),
      registry: this.#registry,
      leaseMs: this.#options.leaseMs,
      now: this.#options.now,
      random: this.#options.random,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      pendingRecheckMs: this.#options.pendingRecheckMs,
      waitTimeoutMs: this.#options.waitTimeoutMs,
    };
    this.#startedAt = now();
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
    log.info("Sync worker started", { owner: this.#options.owner });
  }

  nudge(): void {
    this.#woken = true;
    this.#wake?.();
  }

  status(): WorkerStatus {
    return {
      running: this.#running,
      owner: this.#options.owner,
      startedAt: this.#startedAt,
      lastTickAt: this.#lastTickAt,
      batchesProcessed: this.#batchesProcessed,
      tasksProcessed: this.#tasksProcessed,
      inFlight: this.#inFlight.size,
      lastError: this.#lastError,
    };
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#lastTickAt = this.#options.now();
      let idle = false;
      try {
        await this.#housekeeping();
        while (!this.#stopping && this.#inFlight.size < this.#options.concurrency) {
          const claim = await this.#claimNext();
          if (!claim) {
            idle = true;
            break;
          }
          // Checked in the same synchronous step as start(): work is either started or handed back unstarted.
          if (this.#stopping) {
            await claim.release();
            break;
          }
          this.#track(claim.start());
        }
      } catch (error) {
        this.#fail("The sync worker loop failed", error);
        idle = true;
      }
      if (this.#stopping) break;
      // Idle: wait for the poll interval or a nudge. Busy: wait for a slot (a finishing unit wakes us).
      await this.#sleep(idle ? this.#options.idleMs : null);
    }
  }

  /** Tasks and batches take turns at the first free slot, so neither kind of work starves the other. */
  async #claimNext(): Promise<Claim | null> {
    const order = this.#preferTask ? ["task", "batch"] : ["batch", "task"];
    this.#preferTask = !this.#preferTask;
    for (const kind of order) {
      const claim = kind === "task" ? await this.#claimTask() : await this.#claimBatch();
      if (claim) return claim;
    }
    return null;
  }

  async #claimTask(): Promise<Claim | null> {
    const { transact } = this.#context;
    const input = {
      owner: this.#options.owner,
      kinds: this.#registry.taskKinds(),
      leaseMs: this.#options.leaseMs,
      now: this.#options.now(),
    };
    const claimed = await transact((db) => claimTask(db, input));
    if (!claimed) return null;
    return {
      start: () => runTask(claimed, this.#context),
      release: () => transact((db) => releaseTask(db, claimed.token)),
    };
  }

  async #claimBatch(): Promise<Claim | null> {
    const { transact } = this.#context;
    const input = {
      owner: this.#options.owner,
      kinds: this.#registry.syncKinds(),
      batchSize: this.#options.batchSize,
      batchSizes: kindBatchSizes(this.#registry.syncBatchSizes(), this.#configuredBatchSize),
      leaseMs: this.#options.leaseMs,
      now: this.#options.now(),
      after: this.#lastPair,
    };
    const batch = await transact((db) => claimBatch(db, input));
    if (!batch) return null;
    this.#lastPair = { shop: batch.shop, kind: batch.kind };
    return {
      start: () => runSyncBatch(batch, this.#context),
      release: () => transact((db) => releaseSyncLease(db, batch.token)),
    };
  }

  #track(unit: RunningUnit): void {
    this.#inFlight.add(unit);
    unit.done
      .then(() => {
        if (unit.kind === "batch") this.#batchesProcessed += 1;
        else this.#tasksProcessed += 1;
      })
      .catch((error: unknown) => this.#fail("Writing the outcome of sync work failed", error))
      .finally(() => {
        this.#inFlight.delete(unit);
        this.nudge();
      });
  }

  async #housekeeping(): Promise<void> {
    const now = this.#options.now().getTime();
    if (this.#lastHousekeeping !== null && now - this.#lastHousekeeping < this.#options.housekeepingEveryMs) return;
    this.#lastHousekeeping = now;
    const olderThan = new Date(now - this.#options.webhookRetentionMs);
    const pruned = await this.#context.transact((db) => pruneWebhookDeliveries(db, olderThan));
    if (pruned > 0) log.info("Pruned old webhook deliveries", { count: pruned });
    await this.#context.transact((db) => pruneJoorCreditHistory(db, new Date(now - CREDIT_HISTORY_MS)));
  }

  /** Sleeps `ms` (or until woken when null); a nudge that came while busy ends the next sleep at once. */
  #sleep(ms: number | null): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === null ? undefined : setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        this.#woken = false;
        resolve();
      };
    });
  }

  #fail(message: string, error: unknown): void {
    this.#lastError = { message: errorMessage(error), at: this.#options.now() };
    log.error(message, { owner: this.#options.owner, error });
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    this.nudge();
    await this.#loop;
    const running = [...this.#inFlight];
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled(running.map((unit) => unit.done)).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#options.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      const unfinished = [...this.#inFlight];
      await Promise.all(unfinished.map((unit) => unit.abandon("The worker stopped before this work finished")));
      log.warn("Sync worker stopped with unfinished work; its leases were handed back", {
        owner: this.#options.owner,
        count: unfinished.length,
      });
    }
    this.#running = false;
    processWorkers.all.delete(this);
    if (processWorkers.current === this) processWorkers.current = null;
    log.info("Sync worker stopped", { owner: this.#options.owner });
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
