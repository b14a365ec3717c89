/**
 * The merchant's matching decisions. Linking a JOOR connection to a Shopify customer writes the customer's
 * numeric id as the connection's customer code in JOOR (the link JOOR's own Shopify integration reads), then
 * tags the customer with the shop's first customer tag so the customer sync keeps it updated, then records
 * the link. JOOR goes first: a customer tagged before its connection is re-keyed would be created in JOOR a
 * second time by the customer sync.
 *
 * One confirm is applied inside the request with short timeouts; everything else (confirm all, confirm
 * selected, create) is queued on the rows and applied by the `customers-matching-apply` task with progress.
 */
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { defaultFlowServices, requireShopConfiguration, type FlowServices } from "~/flows/services.server";
import { CREDITS_EXHAUSTED } from "~/joor/budget";
import type { JoorClient } from "~/joor/client.server";
import { joorClientFor } from "~/joor/joor-for-shop.server";
import { legacyId, RecordKind } from "~/records";
import { checkUserErrors, type AdminClient, type UserError } from "~/shopify/admin-client.server";
import { adminClientFor } from "~/shopify/admin-for-shop.server";
import { errorMessage, isTerminal, ShopGoneError, SyncError } from "~/sync/errors";
import type { HandlerRegistry, TaskHandler } from "~/sync/registry";
import { isThrottle } from "~/sync/retry";
import { markDirty } from "~/sync/sync-state.server";
import { scheduleTask } from "~/sync/tasks.server";
import { nudgeWorker } from "~/sync/worker.server";
import { customerInputFromConnection, exactEmailMatches, MatchReason } from "./matching";
import { customersByIds } from "./matching-search.server";
import {
  ConnectionStatus,
  countQueued,
  customerIdsLinkedElsewhere,
  findRow,
  OPEN_STATUSES,
  queuedRows,
  queueDecisions,
  readCandidates,
  readConnection,
  readDecision,
  recordCreatedCustomer,
  recordFailure,
  recordLink,
  type ConnectionRow,
} from "./matching-store.server";

/** Applies queued decisions. Its name belongs with the other task kinds in app/flows/task-kinds.ts. */
export const MATCHING_APPLY_TASK = TaskKind.customersMatchingApply;

/** Per JOOR or Shopify call made inside a request: two calls must fit in the one second a request has. */
export const INTERACTIVE_TIMEOUT_MS = 400;

/** Decisions applied per task run before it yields to other work (the run continues right after). */
const ROWS_PER_RUN = 50;
const ROWS_PER_READ = 10;

/** A request cannot wait for JOOR's credit window to reopen: it says so instead. */
async function refuseToWait(): Promise<void> {
  throw new SyncError("JOOR's API credits for this 5-minute window are used up; try again in a few minutes", {
    terminal: false,
    code: CREDITS_EXHAUSTED,
  });
}

/** Clients for work done inside a request: short timeouts, no retries, no waiting for credits. */
export const interactiveServices: FlowServices = {
  joor: (shop) => joorClientFor(shop, { timeoutMs: INTERACTIVE_TIMEOUT_MS, retry: { attempts: 1 }, sleep: refuseToWait }),
  admin: (shop) => adminClientFor(shop, { timeoutMs: INTERACTIVE_TIMEOUT_MS, maxThrottleRetries: 0, maxTransientRetries: 0 }),
  configuration: requireShopConfiguration,
  now: () => new Date(),
};

interface MatchingClients {
  joor: JoorClient;
  admin: AdminClient;
  /** The shop's first customer tag: the one the customer sync follows. */
  tag: string;
  now: () => Date;
}

async function clientsFor(services: FlowServices, shop: string): Promise<MatchingClients> {
  const configuration = await services.configuration(shop);
  const [joor, admin] = await Promise.all([services.joor(shop), services.admin(shop)]);
  return { joor, admin, tag: configuration.options.customerTags[0], now: () => services.now() };
}

const TAGS_ADD = `mutation MatchTagCustomer($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;

const CUSTOMER_CREATE = `mutation MatchCreateCustomer($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field message } }
}`;

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9]\d*$/;

function refused(message: string): SyncError {
  return new SyncError(message, { terminal: true });
}

/** Why this row cannot be linked to `gid`, or null. */
async function linkProblem(shop: string, row: ConnectionRow, gid: string): Promise<string | null> {
  if (!CUSTOMER_GID.test(gid)) return "Choose a Shopify customer";
  const holders = await customerIdsLinkedElsewhere(shop, [legacyId(gid)], [row.id]);
  const holder = holders.get(legacyId(gid));
  return holder ? `This Shopify customer is already linked to JOOR connection ${holder}` : null;
}

async function linkTo(clients: MatchingClients, shop: string, row: ConnectionRow, gid: string, source: string): Promise<void> {
  const code = legacyId(gid);
  await clients.joor.rekeyConnection(row.connectionId, code);
  const data = await clients.admin.request<{ tagsAdd: { node: { id: string } | null; userErrors: UserError[] } | null }>(TAGS_ADD, {
    id: gid,
    tags: [clients.tag],
  });
  if (!checkUserErrors("tagsAdd", data.tagsAdd).node) throw refused(`Shopify has no customer ${code}`);
  const at = clients.now();
  await recordLink(shop, row.id, { gid, legacyId: code, source, at });
  // The tag webhook marks the customer too, but not when it already carried the tag.
  await markDirty(prisma, { shop, kind: RecordKind.customer, gid, at });
  nudgeWorker();
}

async function createCustomer(clients: MatchingClients, shop: string, row: ConnectionRow): Promise<string> {
  // A customer created by an earlier attempt is reused, unless the merchant has deleted it since.
  if (row.createdGid && (await customersByIds(clients.admin, [legacyId(row.createdGid)])).size > 0) return row.createdGid;
  let data: { customerCreate: { customer: { id: string } | null; userErrors: UserError[] } | null };
  try {
    // Untagged: the tag follows once JOOR holds the new id as the connection's code.
    data = await clients.admin.request(CUSTOMER_CREATE, { input: customerInputFromConnection(readConnection(row)) });
  } catch (error) {
    if (isTerminal(error) || isThrottle(error)) throw error;
    throw refused(
      `Shopify did not confirm that the customer was created (${errorMessage(error)}); check Shopify's customers before creating it again`,
    );
  }
  const created = checkUserErrors("customerCreate", data.customerCreate).customer;
  if (!created) throw refused("Shopify returned no customer");
  await recordCreatedCustomer(shop, row.id, created.id);
  return created.id;
}

/** Applies one queued decision; a refusal goes back on the row, a passing failure is thrown for the task to retry. */
async function applyDecision(clients: MatchingClients, shop: string, row: ConnectionRow): Promise<void> {
  try {
    const decision = readDecision(row);
    if (!decision) throw refused("The decision could not be read; decide again");
    if (decision.action === "create") {
      await linkTo(clients, shop, row, await createCustomer(clients, shop, row), "created");
      return;
    }
    const problem = await linkProblem(shop, row, decision.gid);
    if (problem) throw refused(problem);
    await linkTo(clients, shop, row, decision.gid, "confirmed");
  } catch (error) {
    if (error instanceof ShopGoneError || !isTerminal(error)) throw error;
    await recordFailure(shop, row.id, errorMessage(error));
  }
}

export type ActionResult = { ok: true } | { ok: false; message: string };

const NOT_LISTED = "This JOOR connection is not in the list; download the connections again";

/** Links one connection to one Shopify customer now, inside the request. A failure is shown on the row. */
export async function confirmConnection(
  shop: string,
  rowId: string,
  gid: string,
  services: FlowServices = interactiveServices,
): Promise<ActionResult> {
  const row = await findRow(shop, rowId);
  if (!row) return { ok: false, message: NOT_LISTED };
  if (!OPEN_STATUSES.includes(row.status)) {
    return { ok: false, message: row.status === ConnectionStatus.linked ? "Already linked" : "A decision is being applied" };
  }
  try {
    const problem = await linkProblem(shop, row, gid);
    if (problem) throw refused(problem);
    await linkTo(await clientsFor(services, shop), shop, row, gid, "confirmed");
    return { ok: true };
  } catch (error) {
    const message = errorMessage(error);
    await recordFailure(shop, row.id, message);
    return { ok: false, message };
  }
}

const ACTIVE_TASK = ["running", "rerun"];
const ARMED_TASK = ["scheduled", "retry"];

/** Makes sure the apply task will pick up newly queued rows; a fresh run starts its progress from zero. */
export async function startApplyingDecisions(shop: string): Promise<void> {
  const task = await prisma.scheduledTask.findUnique({ where: { shop_kind: { shop, kind: MATCHING_APPLY_TASK } } });
  // An armed task (perhaps waiting out a rate limit) reads every queued row when it runs.
  if (task && ARMED_TASK.includes(task.status)) return;
  const active = task !== null && ACTIVE_TASK.includes(task.status);
  await scheduleTask(prisma, { shop, kind: MATCHING_APPLY_TASK, runAt: new Date(), ...(active ? {} : { state: null }) });
  nudgeWorker();
}

async function queued(shop: string, count: number): Promise<number> {
  if (count > 0) await startApplyingDecisions(shop);
  return count;
}

/** "Confirm all exact-email matches": queues every open connection whose best candidate has the same email. */
export async function queueExactEmailMatches(shop: string): Promise<number> {
  const rows = await prisma.joorConnection.findMany({
    where: { shop, status: ConnectionStatus.unmatched, candidates: { contains: `"reason":"${MatchReason.email}"` } },
    select: { id: true, candidates: true },
  });
  const picks = exactEmailMatches(rows.map((row) => ({ id: row.id, candidates: readCandidates(row) })));
  return queued(shop, await queueDecisions(shop, picks.map((pick) => ({ id: pick.id, decision: { action: "confirm", gid: pick.gid } }))));
}

/** Queues the best candidate of each chosen open connection; connections without a candidate are left. */
export async function queueBestCandidates(shop: string, rowIds: string[]): Promise<number> {
  const rows = await prisma.joorConnection.findMany({
    where: { shop, id: { in: rowIds }, status: { in: OPEN_STATUSES } },
    select: { id: true, candidates: true },
  });
  const decisions = rows.flatMap((row) => {
    const best = readCandidates(row)[0];
    return best ? [{ id: row.id, decision: { action: "confirm" as const, gid: best.gid } }] : [];
  });
  return queued(shop, await queueDecisions(shop, decisions));
}

/** Queues creating a Shopify customer from each chosen open connection. */
export async function queueCreateCustomers(shop: string, rowIds: string[]): Promise<number> {
  return queued(shop, await queueDecisions(shop, rowIds.map((id) => ({ id, decision: { action: "create" as const } }))));
}

function appliedSoFar(state: unknown): number {
  const done = (state as { progress?: { done?: unknown } } | null)?.progress?.done;
  return typeof done === "number" ? done : 0;
}

export function applyDecisionsTask(services: FlowServices): TaskHandler {
  return async ({ shop, state, saveState, signal }) => {
    let done = appliedSoFar(state);
    const clients = await clientsFor(services, shop);
    for (let applied = 0; applied < ROWS_PER_RUN; ) {
      const rows = await queuedRows(shop, ROWS_PER_READ);
      if (rows.length === 0) {
        await saveState({ progress: { done, total: done } });
        return { done: true };
      }
      for (const row of rows) {
        if (signal.aborted) return { nextRunAt: services.now() };
        await applyDecision(clients, shop, row);
        done += 1;
        applied += 1;
      }
      await saveState({ progress: { done, total: done + (await countQueued(shop)) } });
    }
    return { nextRunAt: services.now() };
  };
}

export function registerMatchingDecisions(registry: HandlerRegistry, services: FlowServices = defaultFlowServices): void {
  registry.registerTaskHandler(MATCHING_APPLY_TASK, applyDecisionsTask(services), { flow: "customers" });
}
