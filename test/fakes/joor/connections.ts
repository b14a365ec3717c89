/**
 * v2 connections (the brand's customers) and the async bulk-connection job that upserts them by customer_code.
 */
import { v2Page, type RouteContext } from "./context";
import { isRecord, nonEmptyString, readJson, v2Error, v2Ok } from "./responses";
import {
  connectionByCode,
  nextId,
  type BulkConnectionResult,
  type FakeAccount,
  type FakeBulkJob,
  type FakeConnection,
  type FakeState,
  type JsonRecord,
} from "./state";

const MAX_CODE = 50;
const MAX_NAME = 100;

/**
 * The v2 shape of a connection. [assumed]: `connection_id` arrives as a number (v2 is loose about types) and
 * the validation state is `connection_status` "pending" | "connected".
 */
export function renderConnection(connection: FakeConnection): JsonRecord {
  return {
    ...connection.fields,
    connection_id: Number(connection.connectionId),
    customer_code: connection.customerCode ?? "",
    connection_status: connection.pendingValidation ? "pending" : "connected",
  };
}

function addressProblem(addresses: unknown, listKey: string): string | null {
  if (addresses === undefined) return null;
  if (!Array.isArray(addresses)) return `${listKey} must be a list`;
  for (const address of addresses) {
    if (!isRecord(address)) return `${listKey} entries must be objects`;
    // [assumed] country is ISO-2, like the order payload's *_country_iso_two.
    if (address.country !== undefined && !(typeof address.country === "string" && /^[A-Z]{2}$/.test(address.country))) {
      return `${listKey}: country must be an ISO 3166 two-letter code`;
    }
  }
  return null;
}

/** Why JOOR refuses one connection record, or null. Codes and names as documented; email check [assumed]. */
export function connectionProblem(record: unknown): string | null {
  if (!isRecord(record)) return "Each connection must be an object";
  if (!nonEmptyString(record.customer_code)) return "customer_code is required";
  if (record.customer_code.length > MAX_CODE) return `customer_code must be at most ${MAX_CODE} characters`;
  if (!nonEmptyString(record.customer_name)) return "customer_name is required";
  if (record.customer_name.length > MAX_NAME) return `customer_name must be at most ${MAX_NAME} characters`;
  const email = record.customer_contact_email;
  if (email !== undefined && email !== "" && !(typeof email === "string" && /^[^@\s]+@[^@\s]+$/.test(email))) {
    return "customer_contact_email is not a valid email address";
  }
  // [assumed] address line names (address_1, address_2, city, state, postal_code, country, phone) and the
  // shipping block mirroring billing: shipping.shipping_addresses[] with shipping_code.
  const billing = record.billing;
  if (billing !== undefined && !isRecord(billing)) return "billing must be an object";
  const shipping = record.shipping;
  if (shipping !== undefined && !isRecord(shipping)) return "shipping must be an object";
  return (
    addressProblem(isRecord(billing) ? billing.billing_addresses : undefined, "billing_addresses") ??
    addressProblem(isRecord(shipping) ? shipping.shipping_addresses : undefined, "shipping_addresses")
  );
}

function withoutCode(record: JsonRecord): JsonRecord {
  const { customer_code: _code, connection_id: _id, connection_status: _status, ...fields } = record;
  return fields;
}

/** Creates a connection directly in JOOR's state (seeding), as if entered by hand. */
export function insertConnection(
  state: FakeState,
  account: FakeAccount,
  record: JsonRecord,
  pendingValidation: boolean,
): FakeConnection {
  const connection: FakeConnection = {
    connectionId: nextId(state),
    customerCode: nonEmptyString(record.customer_code) ? record.customer_code : null,
    fields: withoutCode(record),
    pendingValidation,
  };
  account.connections.set(connection.connectionId, connection);
  return connection;
}

function upsert(state: FakeState, account: FakeAccount, record: unknown): BulkConnectionResult {
  const problem = connectionProblem(record);
  const code = isRecord(record) && typeof record.customer_code === "string" ? record.customer_code : null;
  if (problem) return { customer_code: code, connection_id: null, status: "failed", message: problem };
  const fields = record as JsonRecord;
  const existing = connectionByCode(account, code!);
  if (existing) {
    existing.fields = { ...existing.fields, ...withoutCode(fields) };
    return {
      customer_code: code,
      connection_id: existing.connectionId,
      status: existing.pendingValidation ? "pending" : "success",
      message: existing.pendingValidation ? "Updated; awaiting validation by JOOR" : "Updated",
    };
  }
  const created = insertConnection(state, account, fields, true);
  return {
    customer_code: code,
    connection_id: created.connectionId,
    status: "pending",
    message: "Created; awaiting validation by JOOR",
  };
}

function finishJob(state: FakeState, account: FakeAccount, job: FakeBulkJob): void {
  job.results = job.records.map((record) => upsert(state, account, record));
  job.status = "finished";
}

/** Runs every unfinished bulk-connection job of the account to completion. */
export function finishAllJobs(state: FakeState, account: FakeAccount): void {
  for (const job of account.bulkJobs.values()) {
    if (job.status !== "finished") finishJob(state, account, job);
  }
}

function renderJob(job: FakeBulkJob): JsonRecord {
  // [assumed] per-connection results are listed under `connections` once the job has finished.
  return { bulk_connections_job_id: job.jobId, status: job.status, connections: job.results };
}

async function submitBulk(ctx: RouteContext): Promise<Response> {
  const body = await readJson(ctx.request);
  const list =
    body.ok && isRecord(body.value) && isRecord(body.value.bulk_connections)
      ? body.value.bulk_connections.connection
      : undefined;
  if (!Array.isArray(list)) {
    return v2Error(400, 1001, 'Body must be {"bulk_connections": {"connection": [...]}}');
  }
  if (list.length === 0) return v2Error(400, 1001, "No connections given");
  if (list.length > ctx.settings.limits.connectionBatchMax) {
    return v2Error(400, 1002, `At most ${ctx.settings.limits.connectionBatchMax} connections per job`);
  }
  const job: FakeBulkJob = {
    jobId: `job-${nextId(ctx.state)}`,
    status: "queued",
    pollsLeft: ctx.settings.bulkConnectionPolls,
    records: list,
    results: [],
  };
  ctx.account.bulkJobs.set(job.jobId, job);
  if (job.pollsLeft <= 0) finishJob(ctx.state, ctx.account, job);
  return v2Ok({ bulk_connections_job_id: job.jobId, status: job.status });
}

function pollJob(ctx: RouteContext, jobId: string): Response {
  const job = ctx.account.bulkJobs.get(jobId);
  if (!job) return v2Error(404, 1004, `No bulk connection job ${jobId}`);
  if (job.status !== "finished") {
    job.pollsLeft -= 1;
    if (job.pollsLeft <= 0) finishJob(ctx.state, ctx.account, job);
    else job.status = "started";
  }
  return v2Ok(renderJob(job));
}

export async function bulkConnectionRoute(ctx: RouteContext): Promise<Response | null> {
  const [, jobId] = ctx.segments;
  const method = ctx.request.method;
  if (jobId === undefined && (method === "POST" || method === "PUT")) return submitBulk(ctx);
  if (jobId !== undefined && method === "GET") return pollJob(ctx, jobId);
  return null;
}

async function rekey(ctx: RouteContext, connection: FakeConnection): Promise<Response> {
  const body = await readJson(ctx.request);
  if (!body.ok || !isRecord(body.value)) return v2Error(400, 1001, "Body must be a JSON object");
  const code = body.value.customer_code;
  if (code !== undefined) {
    if (!nonEmptyString(code)) return v2Error(400, 1001, "customer_code must be a non-empty string");
    if (code.length > MAX_CODE) return v2Error(400, 1001, `customer_code must be at most ${MAX_CODE} characters`);
    const holder = connectionByCode(ctx.account, code);
    if (holder && holder !== connection) {
      return v2Error(400, 1003, `customer_code ${code} is already used by connection ${holder.connectionId}`);
    }
    connection.customerCode = code;
  }
  connection.fields = { ...connection.fields, ...withoutCode(body.value) };
  return v2Ok({ connection: renderConnection(connection) });
}

export async function connectionRoute(ctx: RouteContext): Promise<Response | null> {
  const { account, request, url } = ctx;
  const [, first, second] = ctx.segments;
  if (first === "customer_code" && second !== undefined && request.method === "GET") {
    const connection = connectionByCode(account, second);
    if (!connection) return v2Error(404, 1004, `No connection with customer code ${second}`);
    return v2Ok({ connection: renderConnection(connection) });
  }
  if (first === undefined && request.method === "GET") {
    // [assumed] listing path: JOOR does not document how to list all connections.
    const { page, ...paging } = v2Page([...account.connections.values()], url);
    return v2Ok({ ...paging, connections: page.map(renderConnection) });
  }
  if (first === undefined && request.method === "DELETE") {
    const code = url.searchParams.get("customer_code");
    if (!code) return v2Error(400, 1001, "customer_code is required");
    const connection = connectionByCode(account, code);
    if (!connection) return v2Error(404, 1004, `No connection with customer code ${code}`);
    account.connections.delete(connection.connectionId);
    return v2Ok({}, "Connection removed from the brand's list");
  }
  if (first !== undefined && second === undefined) {
    const connection = account.connections.get(first);
    if (request.method === "GET") {
      return connection ? v2Ok({ connection: renderConnection(connection) }) : v2Error(404, 1004, `No connection ${first}`);
    }
    // [assumed] re-keying: PUT /v2/connection/{id}/ with {"customer_code": "..."}.
    if (request.method === "PUT") {
      return connection ? rekey(ctx, connection) : v2Error(404, 1004, `No connection ${first}`);
    }
  }
  return null;
}
