/**
 * A JOOR call from start to end: credits first, auth header, timeout and in-call retries (http.server.ts),
 * then the reply judged: 429 → budget blocked + transient error; 401 on v4 → one re-login; other HTTP errors
 * → SyncError (terminal for 4xx); v2 `response.code != 0` → refused with JOOR's comment; a body that is not
 * the JSON we expect → a clear transient SyncError instead of a crash.
 */
import type { z } from "zod";
import { log } from "~/logger.server";
import { httpError, SyncError } from "~/sync/errors";
import { parseRetryAfterMs, RETRY_AFTER_HEADER, THROTTLE_ACCOUNT_HEADER, V2_NOT_FOUND_STATUS, type V4ErrorEntry } from "./assumptions";
import { v2AuthorizationHeader, type V4TokenSource } from "./auth.server";
import { creditCost, type CreditBudget } from "./budget";
import type { JoorHosts } from "./hosts";
import { sendWithRetry, type HttpOptions, type RawResponse } from "./http.server";
import { v2EnvelopeSchema, v4EnvelopeSchema } from "./schemas";

export const JOOR_THROTTLED = "JOOR_THROTTLED";
export const JOOR_REFUSED = "JOOR_REFUSED";
export const JOOR_BAD_RESPONSE = "JOOR_BAD_RESPONSE";

export interface CallSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** From the API origin, e.g. "/v2/order/". */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Order polling: may spend the credits reserved for it. */
  priority?: boolean;
}

export interface TransportOptions {
  hosts: JoorHosts;
  accountId: string;
  v2Token: string;
  tokens: V4TokenSource;
  budget: CreditBudget;
  http: HttpOptions;
  now: () => number;
}

type Generation = "v2" | "v4";

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A short, safe description of a body that is not the JSON we expect. */
function describeUnreadable(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "an empty body";
  if (/^<(!doctype|html)/i.test(trimmed)) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title ? `an HTML page ("${title}")` : "an HTML page";
  }
  if (/^[[{]/.test(trimmed)) return "truncated or invalid JSON";
  return `"${trimmed.slice(0, 120)}"`;
}

function zodSummary(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

function badResponse(describe: string, detail: string, status: number): SyncError {
  // Transient: a garbled reply is usually a proxy or deploy hiccup; the engine's attempt limit stops a
  // permanent mismatch from retrying forever.
  return new SyncError(`JOOR sent an unreadable reply to ${describe}: ${detail}`, {
    terminal: false,
    status,
    code: JOOR_BAD_RESPONSE,
  });
}

function v2Comment(body: unknown): string | undefined {
  const parsed = v2EnvelopeSchema.safeParse(body);
  return parsed.success ? parsed.data.response.comment : undefined;
}

function v4Message(body: unknown): string | undefined {
  const parsed = v4EnvelopeSchema.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  return first ? [first.status, first.message].filter((part) => part !== "").join(": ") : undefined;
}

export class JoorTransport {
  constructor(private readonly options: TransportOptions) {}

  /** A v2 call whose reply (after the envelope check) must match `schema`. */
  async v2<S extends z.ZodType>(spec: CallSpec, schema: S): Promise<z.output<S>> {
    const result = await this.v2Call(spec, schema, false);
    return result as z.output<S>;
  }

  /** Like v2, but a 404 (no such record) answers null. */
  async v2OrNull<S extends z.ZodType>(spec: CallSpec, schema: S): Promise<z.output<S> | null> {
    return this.v2Call(spec, schema, true);
  }

  /** A v4 call: the data items must each match `itemSchema`; per-record errors are returned as they came. */
  async v4<S extends z.ZodType>(spec: CallSpec, itemSchema: S): Promise<{ data: Array<z.output<S>>; errors: V4ErrorEntry[] }> {
    const describe = `${spec.method} ${spec.path}`;
    const raw = await this.exchange(spec, "v4");
    const body = parseJson(raw.text);
    if (raw.status >= 400) {
      throw httpError("JOOR", raw.status, `${(body.ok && v4Message(body.value)) || describeUnreadable(raw.text)} (${describe})`);
    }
    if (!body.ok) throw badResponse(describe, describeUnreadable(raw.text), raw.status);
    const envelope = v4EnvelopeSchema.safeParse(body.value);
    if (!envelope.success) throw badResponse(describe, zodSummary(envelope.error), raw.status);
    const data: Array<z.output<S>> = [];
    for (const item of envelope.data.data) {
      const parsed = itemSchema.safeParse(item);
      if (!parsed.success) throw badResponse(describe, zodSummary(parsed.error), raw.status);
      data.push(parsed.data);
    }
    return { data, errors: envelope.data.errors };
  }

  private async v2Call<S extends z.ZodType>(spec: CallSpec, schema: S, allowNotFound: boolean): Promise<z.output<S> | null> {
    const describe = `${spec.method} ${spec.path}`;
    const raw = await this.exchange(spec, "v2");
    const body = parseJson(raw.text);
    if (raw.status >= 400) {
      // Only JOOR's own "no such record" (a v2 envelope) means absent; a bare 404 page means a wrong path.
      if (allowNotFound && raw.status === V2_NOT_FOUND_STATUS && body.ok && v2EnvelopeSchema.safeParse(body.value).success) {
        return null;
      }
      throw httpError("JOOR", raw.status, `${(body.ok && v2Comment(body.value)) || describeUnreadable(raw.text)} (${describe})`);
    }
    if (!body.ok) throw badResponse(describe, describeUnreadable(raw.text), raw.status);
    const envelope = v2EnvelopeSchema.safeParse(body.value);
    if (!envelope.success) throw badResponse(describe, zodSummary(envelope.error), raw.status);
    if (envelope.data.response.code !== 0) {
      throw new SyncError(`JOOR refused ${describe}: ${envelope.data.response.comment ?? `code ${envelope.data.response.code}`}`, {
        terminal: true,
        status: raw.status,
        code: JOOR_REFUSED,
      });
    }
    const parsed = schema.safeParse(body.value);
    if (!parsed.success) throw badResponse(describe, zodSummary(parsed.error), raw.status);
    return parsed.data;
  }

  private url(spec: CallSpec, generation: Generation): string {
    const url = new URL(this.options.hosts.apiBase + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    // Every v4 call names the account. [doc]
    if (generation === "v4") url.searchParams.set("account", this.options.accountId);
    return url.toString();
  }

  private async exchange(spec: CallSpec, generation: Generation): Promise<RawResponse> {
    const { budget, tokens, http } = this.options;
    const describe = `${spec.method} ${spec.path}`;
    const cost = creditCost(spec.method);
    const url = this.url(spec, generation);
    let sentToken: string | undefined;
    let loggedInAgain = false;
    for (;;) {
      const raw = await sendWithRetry(
        {
          describe,
          beforeAttempt: () => budget.acquire(cost, { priority: spec.priority ?? false }),
          build: async () => {
            const headers: Record<string, string> = { accept: "application/json" };
            if (spec.body !== undefined) headers["content-type"] = "application/json";
            if (generation === "v4") {
              sentToken = await tokens.accessToken();
              headers.authorization = `Bearer ${sentToken}`;
            } else {
              headers.authorization = v2AuthorizationHeader(this.options.v2Token);
            }
            const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
            return { url, init: { method: spec.method, headers, body } };
          },
        },
        http,
      );
      if (raw.status === 401 && generation === "v4" && !loggedInAgain && sentToken !== undefined) {
        // The token may have been revoked or expired early: log in once more before giving up.
        tokens.invalidate(sentToken);
        loggedInAgain = true;
        continue;
      }
      if (raw.status === 429) throw await this.throttled(raw, describe);
      return raw;
    }
  }

  private async throttled(raw: RawResponse, describe: string): Promise<SyncError> {
    const retryAfterMs = parseRetryAfterMs(raw.headers.get(RETRY_AFTER_HEADER), this.options.now());
    const waitMs = await this.options.budget.recordThrottle(retryAfterMs);
    log.warn("JOOR rate limit reached", {
      request: describe,
      joorAccount: raw.headers.get(THROTTLE_ACCOUNT_HEADER) ?? this.options.accountId,
      waitMs,
    });
    return new SyncError(`JOOR rate limit reached on ${describe}; trying again in ${Math.ceil(waitMs / 1000)} s`, {
      terminal: false,
      status: 429,
      retryAfterMs: waitMs,
      code: JOOR_THROTTLED,
    });
  }
}
