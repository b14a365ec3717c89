/**
 * How the engine treats a failure. Clients throw SyncError (or let other errors through, which the engine
 * treats as transient): terminal errors stop retrying and keep their reason for the merchant; transient ones
 * are retried with backoff, no sooner than `retryAfterMs` when the remote said when.
 */
export class SyncError extends Error {
  readonly terminal: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly code?: string;

  constructor(
    message: string,
    options: { terminal: boolean; retryAfterMs?: number; status?: number; code?: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "SyncError";
    this.terminal = options.terminal;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.code = options.code;
  }
}

/** The shop uninstalled the app (no offline session): nothing for it can succeed until it reinstalls. */
export class ShopGoneError extends SyncError {
  constructor(shop: string, cause?: unknown) {
    super(`The app is not installed on ${shop}`, { terminal: true, code: "SHOP_UNINSTALLED", cause });
    this.name = "ShopGoneError";
  }
}

/**
 * HTTP statuses that retrying cannot fix: bad credentials, no permission, no such resource, or a request the
 * remote refuses as malformed. 408, 429 and 5xx are transient.
 */
export function isTerminalStatus(status: number): boolean {
  if (status === 408 || status === 429) return false;
  return status >= 400 && status < 500;
}

export function httpError(
  service: string,
  status: number,
  detail: string,
  retryAfterMs?: number,
): SyncError {
  return new SyncError(`${service} answered HTTP ${status}: ${detail}`, {
    terminal: isTerminalStatus(status),
    status,
    retryAfterMs,
  });
}

export function isTerminal(error: unknown): boolean {
  return error instanceof SyncError && error.terminal;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
