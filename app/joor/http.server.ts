/**
 * One HTTP exchange with JOOR, retried inside the call when the failure is likely to pass: network errors,
 * timeouts and 5xx, with exponential backoff and jitter. Anything else is returned for the caller to judge.
 */
import { log } from "~/logger.server";
import { errorMessage, SyncError } from "~/sync/errors";
import type { Sleep } from "./budget";

export interface RetryOptions {
  /** Tries in total, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000 };

export interface HttpOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  retry: RetryOptions;
  sleep: Sleep;
  /** Jitter source, [0, 1). */
  random: () => number;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const JOOR_TIMEOUT = "JOOR_TIMEOUT";
export const JOOR_UNREACHABLE = "JOOR_UNREACHABLE";

export function backoffMs(attempt: number, retry: RetryOptions, random: () => number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function retryable(status: number): boolean {
  return status >= 500 || status === 408;
}

export interface Exchange {
  /** Built again for every attempt (fresh credentials, fresh body). */
  build: () => Promise<{ url: string; init: RequestInit }>;
  /** Runs right before each attempt is sent, e.g. taking credits. */
  beforeAttempt?: () => Promise<void>;
  /** "GET /v2/order/" — for logs and error messages; never carries secrets. */
  describe: string;
}

export async function sendWithRetry(exchange: Exchange, options: HttpOptions): Promise<RawResponse> {
  const attempts = Math.max(1, options.retry.attempts);
  for (let attempt = 1; ; attempt++) {
    // Built first: a login that fails here must not spend the account's API credits.
    const { url, init } = await exchange.build();
    await exchange.beforeAttempt?.();
    try {
      const response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
      const text = await response.text();
      const raw = { status: response.status, headers: response.headers, text };
      if (!retryable(raw.status) || attempt >= attempts) return raw;
      log.warn("JOOR answered with a server error; retrying", { request: exchange.describe, status: raw.status, attempt });
    } catch (error) {
      const failure = isTimeout(error)
        ? new SyncError(`JOOR did not answer ${exchange.describe} within ${options.timeoutMs} ms`, {
            terminal: false,
            code: JOOR_TIMEOUT,
            cause: error,
          })
        : new SyncError(`Could not reach JOOR for ${exchange.describe}: ${errorMessage(error)}`, {
            terminal: false,
            code: JOOR_UNREACHABLE,
            cause: error,
          });
      if (attempt >= attempts) throw failure;
      log.warn("JOOR request failed; retrying", { request: exchange.describe, error: failure.message, attempt });
    }
    await options.sleep(backoffMs(attempt, options.retry, options.random));
  }
}
