import { describe, expect, it } from "vitest";
import type { ConnectionJobResult } from "~/joor/client.server";
import {
  applyCheck,
  applyJob,
  decide,
  desiredLink,
  JOB_RECHECK_MAX_MS,
  JOB_RECHECK_MIN_MS,
  jobRecheckDelay,
  REASONS,
  VALIDATION_RECHECK_MS,
  untagReason,
  type DecideInput,
  type JoorKnowledge,
} from "./decide";
import type { ShopifyCustomer } from "./mapping";

const NOW = new Date("2026-03-02T10:00:00Z");

const known = (fields: Partial<JoorKnowledge> = {}): JoorKnowledge => ({
  joorId: null,
  acceptedHash: null,
  validation: null,
  checkedAt: null,
  job: null,
  refusal: null,
  fresh: false,
  sent: false,
  ...fields,
});

const tagged: ShopifyCustomer = {
  id: "gid://shopify/Customer/1",
  legacyResourceId: "1",
  firstName: "Ada",
  lastName: null,
  tags: ["wholesale"],
  defaultEmailAddress: null,
  defaultPhoneNumber: null,
  defaultAddress: null,
  addressesV2: { nodes: [], pageInfo: { hasNextPage: false } },
};
const untagged: ShopifyCustomer = { ...tagged, tags: ["VIP"] };
const ok = { ok: true as const, connection: { customer_code: "1", customer_name: "Ada" }, warnings: [] };

function input(fields: Partial<DecideInput>): DecideInput {
  return {
    flowOn: true,
    options: { customerTags: ["WHOLESALE", "JOOR"], removeConnectionOnUntag: false },
    customer: tagged,
    mapping: ok,
    hash: "h2",
    knowledge: known(),
    now: NOW,
    ...fields,
  };
}

const job = { id: "job-1", hash: "h1", submittedAt: new Date(NOW.getTime() - 10_000).toISOString() };

/** Accepted as "h1", pending validation, JOOR last asked `ago` ms before NOW. */
const pendingSince = (ago: number) => ({
  acceptedHash: "h1",
  joorId: "9",
  validation: "pending" as const,
  checkedAt: new Date(NOW.getTime() - ago).toISOString(),
});

describe("decide", () => {
  it.each([
    { case: "flow off", given: { flowOn: false }, expected: { action: "stop", reason: REASONS.flowOff } },
    { case: "deleted customer", given: { customer: null, mapping: null }, expected: { action: "stop", reason: REASONS.deleted } },
    { case: "never sent", given: {}, expected: { action: "submit" } },
    { case: "changed since JOOR accepted it", given: { knowledge: known({ acceptedHash: "h1", joorId: "9", validation: "validated" as const }) }, expected: { action: "submit" } },
    {
      case: "tag matched case-insensitively, content unchanged and validated",
      given: { hash: "h1", knowledge: known({ acceptedHash: "h1", joorId: "9", validation: "validated" as const }) },
      expected: { action: "settle", status: "unchanged" },
    },
    {
      case: "just learned it is validated",
      given: { hash: "h1", knowledge: known({ acceptedHash: "h1", joorId: "9", validation: "validated" as const, fresh: true }) },
      expected: { action: "settle", status: "synced" },
    },
    {
      case: "just learned it awaits validation",
      given: { hash: "h1", knowledge: known({ ...pendingSince(0), fresh: true }) },
      expected: { action: "settle", status: "pending", recheckAt: new Date(NOW.getTime() + VALIDATION_RECHECK_MS) },
    },
    {
      case: "pending validation, JOOR asked an hour ago: ask again",
      given: { hash: "h1", knowledge: known(pendingSince(VALIDATION_RECHECK_MS)) },
      expected: { action: "check" },
    },
    {
      case: "pending validation, JOOR asked ten minutes ago: no new question",
      given: { hash: "h1", knowledge: known(pendingSince(600_000)) },
      expected: { action: "settle", status: "pending", recheckAt: new Date(NOW.getTime() + VALIDATION_RECHECK_MS - 600_000) },
    },
    {
      case: "pending validation, never asked: ask",
      given: { hash: "h1", knowledge: known({ acceptedHash: "h1", joorId: "9", validation: "pending" as const }) },
      expected: { action: "check" },
    },
    {
      case: "accepted but the connection id is unknown: ask JOOR",
      given: { hash: "h1", knowledge: known({ acceptedHash: "h1", validation: "validated" as const }) },
      expected: { action: "check" },
    },
    { case: "mapping refused", given: { mapping: { ok: false as const, reason: "no name" }, hash: null }, expected: { action: "fail", reason: "no name" } },
    {
      case: "JOOR refused this very payload",
      given: { hash: "h1", knowledge: known({ refusal: { hash: "h1", reason: "bad email" } }) },
      expected: { action: "fail", reason: "bad email" },
    },
    {
      case: "JOOR refused an older payload: send the new one",
      given: { hash: "h2", knowledge: known({ refusal: { hash: "h1", reason: "bad email" } }) },
      expected: { action: "submit" },
    },
    { case: "untagged, never sent", given: { customer: untagged }, expected: { action: "untag", removeFromJoor: false } },
    {
      case: "untagged, in JOOR, removal not chosen",
      given: { customer: untagged, knowledge: known({ joorId: "9", acceptedHash: "h1" }) },
      expected: { action: "untag", removeFromJoor: false },
    },
    {
      case: "untagged, in JOOR, removal chosen",
      given: {
        customer: untagged,
        options: { customerTags: ["WHOLESALE"], removeConnectionOnUntag: true },
        knowledge: known({ joorId: "9", acceptedHash: "h1" }),
      },
      expected: { action: "untag", removeFromJoor: true },
    },
    {
      case: "untagged, never in JOOR, removal chosen: nothing to remove",
      given: { customer: untagged, options: { customerTags: ["WHOLESALE"], removeConnectionOnUntag: true } },
      expected: { action: "untag", removeFromJoor: false },
    },
  ])("$case", ({ given, expected }) => {
    expect(decide(input(given))).toEqual(expected);
  });

  it("waits for a running job before anything else, even an untag", () => {
    for (const customer of [tagged, untagged]) {
      const decision = decide(input({ customer, hash: "h1", knowledge: known({ job }) }));
      expect(decision).toEqual({ action: "wait", reason: expect.any(String), recheckAt: new Date(NOW.getTime() + JOB_RECHECK_MIN_MS) });
    }
  });

  it("says whether the running job carries the latest change", () => {
    expect(decide(input({ hash: "h1", knowledge: known({ job }) }))).toMatchObject({ reason: REASONS.sent });
    expect(decide(input({ hash: "h2", knowledge: known({ job }) }))).toMatchObject({ reason: REASONS.waitingForJob });
  });
});

describe("applyJob", () => {
  const result = (fields: Partial<ConnectionJobResult>): ConnectionJobResult => ({
    customerCode: "1",
    connectionId: "77",
    outcome: "pending",
    message: "",
    ...fields,
  });
  const before = known({ job, joorId: null, acceptedHash: null });

  it("keeps waiting while the job runs", () => {
    expect(applyJob(before, { state: "running" }, NOW)).toBe(before);
  });

  it("forgets a job JOOR no longer knows, so the payload is sent again", () => {
    const after = applyJob(before, { state: "lost" }, NOW);
    expect(after.job).toBeNull();
    expect(decide(input({ hash: "h1", knowledge: after }))).toEqual({ action: "submit" });
  });

  it.each([
    { outcome: "pending" as const, validation: "pending" },
    { outcome: "synced" as const, validation: "validated" },
  ])("records an accepted payload ($outcome)", ({ outcome, validation }) => {
    expect(applyJob(before, { state: "finished", result: result({ outcome }) }, NOW)).toEqual(
      known({
        joorId: "77",
        acceptedHash: "h1",
        validation: validation as JoorKnowledge["validation"],
        checkedAt: NOW.toISOString(),
        fresh: true,
      }),
    );
  });

  it("reads the connection when JOOR names no connection id", () => {
    const after = applyJob(before, { state: "finished", result: result({ connectionId: null }) }, NOW);
    expect(after.fresh).toBe(false);
    expect(decide(input({ hash: "h1", knowledge: after }))).toEqual({ action: "check" });
  });

  it("records JOOR's refusal with its reason", () => {
    const after = applyJob(before, { state: "finished", result: result({ outcome: "failed", message: "customer_name is required" }) }, NOW);
    expect(after).toMatchObject({ job: null, acceptedHash: null, refusal: { hash: "h1", reason: "customer_name is required" } });
  });

  it("treats a finished job without a result for the customer as a refusal", () => {
    expect(applyJob(before, { state: "finished", result: null }, NOW).refusal).toEqual({ hash: "h1", reason: REASONS.noJobResult });
  });

  it("resubmits a customer changed while its job ran, once the job is recorded", () => {
    const after = applyJob(before, { state: "finished", result: result({}) }, NOW);
    expect(decide(input({ hash: "h2", knowledge: after }))).toEqual({ action: "submit" });
  });
});

describe("applyCheck", () => {
  const before = known({ joorId: "9", acceptedHash: "h1", validation: "pending" });

  it.each([
    { pending: true, expected: { action: "settle", status: "pending", recheckAt: new Date(NOW.getTime() + VALIDATION_RECHECK_MS) } },
    { pending: false, expected: { action: "settle", status: "synced" } },
  ])("settles after reading the connection (pending: $pending)", ({ pending, expected }) => {
    const after = applyCheck(before, { found: true, connectionId: "9", pending }, NOW);
    expect(decide(input({ hash: "h1", knowledge: after }))).toEqual(expected);
  });

  it("sends the payload again when the connection is gone from JOOR", () => {
    const after = applyCheck(before, { found: false }, NOW);
    expect(decide(input({ hash: "h1", knowledge: after }))).toEqual({ action: "submit" });
  });
});

describe("jobRecheckDelay", () => {
  it.each([
    { elapsed: 0, expected: JOB_RECHECK_MIN_MS },
    { elapsed: 30_000, expected: 15_000 },
    { elapsed: 3_600_000, expected: JOB_RECHECK_MAX_MS },
  ])("after $elapsed ms waits $expected ms", ({ elapsed, expected }) => {
    expect(jobRecheckDelay(elapsed)).toBe(expected);
  });
});

describe("untagReason and desiredLink", () => {
  it.each([
    { knowledge: known(), removed: false, previous: null, reason: REASONS.notTagged },
    { knowledge: known({ sent: true }), removed: false, previous: REASONS.pendingValidation, reason: REASONS.tagRemoved },
    { knowledge: known({ acceptedHash: "h1", joorId: "9" }), removed: true, previous: null, reason: REASONS.tagRemovedAndDeleted },
    { knowledge: known({ sent: true }), removed: false, previous: REASONS.tagRemovedAndDeleted, reason: REASONS.tagRemovedAndDeleted },
  ])("untag reason: $reason (before: $previous)", ({ knowledge, removed, previous, reason }) => {
    expect(untagReason(knowledge, removed, previous)).toBe(reason);
  });

  it.each([
    { decision: { action: "settle" as const, status: "pending" as const, recheckAt: NOW }, hasLink: false, status: "pending_validation" },
    { decision: { action: "settle" as const, status: "synced" as const }, hasLink: false, status: "synced" },
    { decision: { action: "settle" as const, status: "unchanged" as const }, hasLink: true, status: "synced" },
    { decision: { action: "untag" as const, removeFromJoor: false }, hasLink: true, status: "stopped" },
    { decision: { action: "untag" as const, removeFromJoor: false }, hasLink: false, status: null },
    { decision: { action: "submit" as const }, hasLink: true, status: null },
    { decision: { action: "fail" as const, reason: "x" }, hasLink: true, status: null },
  ])("link after $decision.action (link written before: $hasLink) → $status", ({ decision, hasLink, status }) => {
    const link = desiredLink(decision, known({ joorId: "9" }), "1", hasLink);
    expect(link?.status ?? null).toBe(status);
    if (link) expect(link).toMatchObject({ customerCode: "1", connectionId: "9" });
  });
});
