/**
 * The customer sync: Shopify customers carrying one of the merchant's customer tags become JOOR connections
 * (customer code = the customer's numeric id). Per batch: read the customers in one query, look at JOOR's
 * jobs still running for them, decide each customer (decide.ts), send every changed one in one bulk job, and
 * record the link on the Shopify customer once JOOR has the connection.
 */
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { TaskKind } from "~/flows/task-kinds";
import type { JoorClient } from "~/joor/client.server";
import { BULK_CONNECTION_BATCH_SIZE, CONNECTION_STATUS_FIELD, CONNECTION_STATUS_PENDING } from "~/joor/assumptions";
import type { JoorConnectionInput } from "~/joor/types";
import { legacyId, RecordKind } from "~/records";
import type { FlowOptions } from "~/settings/options";
import { checkUserErrors, type AdminClient, type UserError } from "~/shopify/admin-client.server";
import { errorMessage, isTerminal, SyncError } from "~/sync/errors";
import type { HandlerRegistry, SyncHandlerContext, SyncOutcome, SyncStateView } from "~/sync/registry";
import { runCustomersBackfill } from "./backfill.server";
import { contentHash } from "~/flows/content-hash";
import {
  applyCheck,
  applyJob,
  decide,
  desiredLink,
  JOB_RECHECK_MIN_MS,
  knowledgeOf,
  REASONS,
  untagReason,
  type Decision,
  type JobView,
  type JoorKnowledge,
} from "./decide";
import { readCustomerDetails, type CustomerSyncDetails } from "./details";
import { LINK_METAFIELD_KEY, LINK_METAFIELD_NAMESPACE, LINK_METAFIELD_TYPE, linkHash, linkMetafieldValue, type CustomerLink } from "./link";
import {
  CUSTOMER_SELECTION,
  customerEmail,
  customerFullName,
  mapCustomer,
  primaryAddress,
  type CustomerMapping,
  type ShopifyCustomer,
} from "./mapping";

/** The customers page's "Sync all customers" button. */
export { startCustomersBackfill } from "./backfill.server";

export const CUSTOMERS_FLOW = "customers";

/** Customers per `nodes` read: 50 × (customer + default address + 10 addresses) stays under 1,000 points. */
export const CUSTOMERS_PER_READ = 50;

/** metafieldsSet takes at most 25 metafields per call. */
const METAFIELDS_PER_SET = 25;

const READ_CUSTOMERS = `query CustomersForJoor($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Customer { ${CUSTOMER_SELECTION} } }
}`;

const SET_LINKS = `mutation SetJoorLinks($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } }
}`;

/** One customer of the batch, as the run learns about it. */
interface Work {
  state: SyncStateView;
  previous: CustomerSyncDetails;
  /** null: deleted in Shopify. */
  customer: ShopifyCustomer | null;
  customerCode: string;
  mapping: CustomerMapping | null;
  hash: string | null;
  knowledge: JoorKnowledge;
  decision: Decision | null;
  /** The last payload sent to JOOR. */
  sent: JoorConnectionInput | null;
  metafieldHash: string | null;
  /** The connection was removed from JOOR during this run. */
  removed: boolean;
  linkWarning: string | null;
  /** A failure that makes the engine retry (or fail, if terminal) this customer. */
  error?: unknown;
}

async function readCustomers(admin: AdminClient, gids: string[]): Promise<Map<string, ShopifyCustomer>> {
  const found = new Map<string, ShopifyCustomer>();
  for (let start = 0; start < gids.length; start += CUSTOMERS_PER_READ) {
    const data = await admin.request<{ nodes: Array<Partial<ShopifyCustomer> | null> }>(READ_CUSTOMERS, {
      ids: gids.slice(start, start + CUSTOMERS_PER_READ),
    });
    for (const node of data.nodes) {
      if (node?.id && node.legacyResourceId !== undefined) found.set(node.id, node as ShopifyCustomer);
    }
  }
  return found;
}

function prepare(state: SyncStateView, customer: ShopifyCustomer | null, options: FlowOptions): Work {
  const previous = readCustomerDetails(state.details);
  const mapping = customer ? mapCustomer(customer, options) : null;
  return {
    state,
    previous,
    customer,
    customerCode: customer?.legacyResourceId ?? previous.customerCode ?? legacyId(state.gid),
    mapping,
    hash: mapping?.ok ? contentHash(mapping.connection) : null,
    knowledge: knowledgeOf(state, previous),
    decision: null,
    sent: previous.connection,
    metafieldHash: previous.metafieldHash,
    removed: false,
    linkWarning: null,
  };
}

/** The customers that have not hit an error during this run. */
function unfailed(work: Work[]): Work[] {
  return work.filter((item) => item.error === undefined);
}

/** Looks once at every job still running for the batch's customers. */
async function pollJobs(work: Work[], joor: () => Promise<JoorClient>): Promise<Map<Work, JobView>> {
  const views = new Map<Work, JobView>();
  const byJob = new Map<string, Work[]>();
  for (const item of work) {
    const job = item.knowledge.job;
    if (job) byJob.set(job.id, [...(byJob.get(job.id) ?? []), item]);
  }
  for (const [jobId, items] of byJob) {
    try {
      const job = await (await joor()).getConnectionJob(jobId);
      for (const item of items) {
        const result = job.results.find((entry) => entry.customerCode === item.customerCode) ?? null;
        views.set(item, job.finished ? { state: "finished", result } : { state: "running" });
      }
    } catch (error) {
      const lost = error instanceof SyncError && error.status === 404;
      for (const item of items) {
        if (lost) views.set(item, { state: "lost" });
        else item.error = error;
      }
    }
  }
  return views;
}

/** Reads the connection to learn its id and whether JOOR has validated it. */
async function checkConnection(item: Work, client: JoorClient, now: Date): Promise<void> {
  const connection = item.knowledge.joorId
    ? await client.getConnection(item.knowledge.joorId)
    : await client.getConnectionByCode(item.customerCode);
  item.knowledge = applyCheck(
    item.knowledge,
    connection
      ? {
          found: true,
          connectionId: connection.connection_id,
          pending: connection[CONNECTION_STATUS_FIELD]?.toLowerCase() === CONNECTION_STATUS_PENDING,
        }
      : { found: false },
    now,
  );
}

async function removeConnection(item: Work, client: JoorClient): Promise<void> {
  item.removed = await client.deleteConnection(item.customerCode);
  item.knowledge = { ...item.knowledge, joorId: null, acceptedHash: null, validation: null, checkedAt: null };
}

/** Sends every changed customer of the batch in one bulk job (the client splits very large batches). */
async function submit(items: Work[], joor: () => Promise<JoorClient>, now: Date): Promise<void> {
  if (items.length === 0) return;
  const connections = items.flatMap((item) => (item.mapping?.ok ? [item.mapping.connection] : []));
  try {
    const submissions = await (await joor()).submitConnections(connections);
    const jobOf = new Map(submissions.flatMap((submission) => submission.customerCodes.map((code) => [code, submission.jobId])));
    for (const item of items) {
      const jobId = jobOf.get(item.customerCode);
      if (!jobId || !item.mapping?.ok || !item.hash) {
        item.error = new Error("JOOR returned no job for this customer");
        continue;
      }
      item.knowledge = { ...item.knowledge, job: { id: jobId, hash: item.hash, submittedAt: now.toISOString() } };
      item.sent = item.mapping.connection;
    }
  } catch (error) {
    for (const item of items) item.error = error;
  }
}

function linkOf(item: Work): CustomerLink | null {
  if (!item.decision) return null;
  return desiredLink(item.decision, item.knowledge, item.customerCode, item.previous.metafieldHash !== null);
}

/** Writes the link metafield where it changed; a terminal refusal is shown as a warning, not a sync failure. */
async function writeLinks(work: Work[], admin: AdminClient, now: Date): Promise<void> {
  const changed = unfailed(work).flatMap((item) => {
    const link = linkOf(item);
    return link && linkHash(link) !== item.metafieldHash ? [{ item, link }] : [];
  });
  for (let start = 0; start < changed.length; start += METAFIELDS_PER_SET) {
    const chunk = changed.slice(start, start + METAFIELDS_PER_SET);
    try {
      const data = await admin.request<{ metafieldsSet: { userErrors: UserError[] } | null }>(SET_LINKS, {
        metafields: chunk.map(({ item, link }) => ({
          ownerId: item.state.gid,
          namespace: LINK_METAFIELD_NAMESPACE,
          key: LINK_METAFIELD_KEY,
          type: LINK_METAFIELD_TYPE,
          value: JSON.stringify(linkMetafieldValue(link, now)),
        })),
      });
      checkUserErrors("metafieldsSet", data.metafieldsSet);
      for (const { item, link } of chunk) item.metafieldHash = linkHash(link);
    } catch (error) {
      for (const { item } of chunk) {
        if (isTerminal(error)) item.linkWarning = `The JOOR link could not be saved on the Shopify customer: ${errorMessage(error)}`;
        else item.error = error;
      }
    }
  }
}

function detailsOf(item: Work): CustomerSyncDetails {
  const { customer, previous, mapping } = item;
  const address = customer ? primaryAddress(customer) : null;
  const seen = customer
    ? {
        name: customerFullName(customer),
        email: customerEmail(customer),
        company: address?.company?.trim() || null,
        city: address?.city?.trim() || null,
        country: address?.countryCodeV2 ?? null,
      }
    : { name: previous.name, email: previous.email, company: previous.company, city: previous.city, country: previous.country };
  const warnings = mapping ? (mapping.ok ? mapping.warnings : []) : previous.warnings;
  return {
    ...seen,
    customerCode: item.customerCode,
    connection: item.sent,
    warnings: item.linkWarning ? [...warnings, item.linkWarning] : warnings,
    validation: item.knowledge.validation,
    checkedAt: item.knowledge.checkedAt,
    job: item.knowledge.job,
    metafieldHash: item.metafieldHash,
  };
}

function outcomeOf(item: Work, now: Date): SyncOutcome {
  const details = detailsOf(item);
  const facts = {
    gid: item.state.gid,
    contentHash: item.knowledge.acceptedHash,
    joorId: item.knowledge.joorId,
    details,
    label: details.name ?? details.email ?? details.company ?? `Customer ${item.customerCode}`,
  };
  if (item.error !== undefined) return { ...facts, status: "retry", error: item.error };
  const decision = item.decision;
  switch (decision?.action) {
    case "stop":
      return { ...facts, status: "stopped", reason: decision.reason };
    case "wait":
      return { ...facts, status: "pending", reason: decision.reason, recheckAt: decision.recheckAt };
    case "untag":
      return { ...facts, status: "stopped", reason: untagReason(knowledgeOf(item.state, item.previous), item.removed, item.state.lastError) };
    case "fail":
      return { ...facts, status: "failed", reason: decision.reason };
    case "submit":
      return { ...facts, status: "pending", reason: REASONS.sent, recheckAt: new Date(now.getTime() + JOB_RECHECK_MIN_MS) };
    case "settle":
      if (decision.status === "pending") {
        return { ...facts, status: "pending", reason: REASONS.pendingValidation, recheckAt: decision.recheckAt };
      }
      return { ...facts, status: decision.status };
    default:
      return { ...facts, status: "retry", error: new Error("The customer sync reached no decision for this customer") };
  }
}

/** Runs the JOOR call for each item; a failure stays with its own customer. */
async function eachWith(items: Work[], joor: () => Promise<JoorClient>, call: (item: Work, client: JoorClient) => Promise<void>) {
  for (const item of items) {
    try {
      await call(item, await joor());
    } catch (error) {
      item.error = error;
    }
  }
}

export async function syncCustomers(context: SyncHandlerContext, services: FlowServices): Promise<SyncOutcome[]> {
  const { shop, states, signal } = context;
  const configuration = await services.configuration(shop);
  const admin = await services.admin(shop);
  const customers = await readCustomers(admin, states.map((state) => state.gid));
  signal.throwIfAborted();
  const now = services.now();
  const flowOn = configuration.flows.customers;
  let joorClient: Promise<JoorClient> | undefined;
  const joor = () => (joorClient ??= services.joor(shop));
  const work = states.map((state) => prepare(state, customers.get(state.gid) ?? null, configuration.options));
  const decideAll = (items: Work[]) => {
    for (const item of items) {
      item.decision = decide({
        flowOn,
        options: configuration.options,
        customer: item.customer,
        mapping: item.mapping,
        hash: item.hash,
        knowledge: item.knowledge,
        now,
      });
    }
  };

  if (flowOn) {
    const views = await pollJobs(unfailed(work).filter((item) => item.customer), joor);
    for (const [item, view] of views) item.knowledge = applyJob(item.knowledge, view, now);
  }
  decideAll(unfailed(work));
  signal.throwIfAborted();

  const toCheck = unfailed(work).filter((item) => item.decision?.action === "check");
  await eachWith(toCheck, joor, (item, client) => checkConnection(item, client, now));
  decideAll(unfailed(toCheck));

  const toRemove = unfailed(work).filter((item) => item.decision?.action === "untag" && item.decision.removeFromJoor);
  await eachWith(toRemove, joor, removeConnection);

  await submit(
    unfailed(work).filter((item) => item.decision?.action === "submit"),
    joor,
    now,
  );
  signal.throwIfAborted();

  await writeLinks(work, admin, now);
  return work.map((item) => outcomeOf(item, now));
}

/** Registers the customer sync (`customer` records) and the "sync all customers" backfill task. */
export function registerCustomerSync(registry: HandlerRegistry, services: FlowServices = defaultFlowServices): void {
  // A batch is one bulk-connection job: as many customers as JOOR takes in one.
  registry.registerSyncHandler(RecordKind.customer, (context) => syncCustomers(context, services), {
    flow: CUSTOMERS_FLOW,
    batchSize: BULK_CONNECTION_BATCH_SIZE,
  });
  registry.registerTaskHandler(TaskKind.customersBackfill, (context) => runCustomersBackfill(context, services), {
    flow: CUSTOMERS_FLOW,
  });
}
