/**
 * JOOR authentication. v2: the long-lived API token as `Authorization: OAuth2 <base64(token)>`. v4: Keycloak
 * password grant; access tokens are cached per process (account + environment + username, plus a hash of the
 * other credentials so a changed or mistyped password is never answered from the cache), refreshed with the
 * refresh_token shortly before they expire, and dropped when JOOR answers 401. Secrets are never logged.
 */
import { createHash } from "node:crypto";
import { isTerminalStatus, SyncError } from "~/sync/errors";
import { credentialRefusalMessage, isCredentialRefusal } from "./assumptions";
import type { JoorEnvironment } from "./hosts";
import { sendWithRetry, type HttpOptions } from "./http.server";
import { tokenReplySchema } from "./schemas";

export interface V4Credentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface JoorCredentials {
  v2Token: string;
  v4: V4Credentials;
}

export const JOOR_INVALID_CREDENTIALS = "JOOR_INVALID_CREDENTIALS";

export function v2AuthorizationHeader(token: string): string {
  return `OAuth2 ${Buffer.from(token, "utf8").toString("base64")}`;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
  refreshExpiresAt: number;
}

const tokenCache = new Map<string, CachedToken>();
const logins = new Map<string, Promise<CachedToken>>();

/** Forgets every cached v4 token (tests). */
export function clearV4TokenCache(): void {
  tokenCache.clear();
  logins.clear();
}

export interface V4TokenSourceOptions {
  environment: JoorEnvironment;
  accountId: string;
  authUrl: string;
  credentials: V4Credentials;
  http: HttpOptions;
  now: () => number;
  /** Refresh this long before the access token expires. */
  refreshSkewMs?: number;
}

/** Hands out a live v4 access token for one account and user. */
export class V4TokenSource {
  private readonly key: string;
  private readonly skewMs: number;

  constructor(private readonly options: V4TokenSourceOptions) {
    const { clientId, clientSecret, username, password } = options.credentials;
    const fingerprint = createHash("sha256").update([clientId, clientSecret, password].join("\u0000")).digest("hex").slice(0, 16);
    this.key = `${options.environment}:${options.accountId}:${username}:${fingerprint}`;
    this.skewMs = options.refreshSkewMs ?? 60_000;
  }

  async accessToken(): Promise<string> {
    const cached = tokenCache.get(this.key);
    if (cached && cached.expiresAt - this.skewMs > this.options.now()) return cached.accessToken;
    // Concurrent callers share one login instead of each starting their own.
    let login = logins.get(this.key);
    if (!login) {
      login = this.login(cached).finally(() => logins.delete(this.key));
      logins.set(this.key, login);
    }
    return (await login).accessToken;
  }

  /** JOOR refused `token`: forget it (unless a newer one replaced it meanwhile). */
  invalidate(token: string): void {
    if (tokenCache.get(this.key)?.accessToken === token) tokenCache.delete(this.key);
  }

  private async login(previous: CachedToken | undefined): Promise<CachedToken> {
    const { clientId, clientSecret, username, password } = this.options.credentials;
    let token: CachedToken | { refused: string } | undefined;
    if (previous?.refreshToken && previous.refreshExpiresAt - this.skewMs > this.options.now()) {
      token = await this.grant({
        grant_type: "refresh_token",
        refresh_token: previous.refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      });
    }
    // No refresh token, or JOOR refused it: log in with the password.
    if (token === undefined || "refused" in token) {
      token = await this.grant({ grant_type: "password", client_id: clientId, client_secret: clientSecret, username, password });
    }
    if ("refused" in token) {
      throw new SyncError(`JOOR refused the v4 login: ${token.refused}`, { terminal: true, status: 401, code: JOOR_INVALID_CREDENTIALS });
    }
    tokenCache.set(this.key, token);
    return token;
  }

  /** One grant: a token, JOOR's reason for refusing the credentials, or a thrown SyncError for anything else. */
  private async grant(form: Record<string, string>): Promise<CachedToken | { refused: string }> {
    const describe = `POST ${new URL(this.options.authUrl).pathname} (${form.grant_type} grant)`;
    const startedAt = this.options.now();
    const raw = await sendWithRetry(
      {
        describe,
        build: async () => ({
          url: this.options.authUrl,
          init: {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
            body: new URLSearchParams(form).toString(),
          },
        }),
      },
      this.options.http,
    );
    let body: unknown;
    try {
      body = JSON.parse(raw.text);
    } catch {
      body = undefined;
    }
    if (isCredentialRefusal(raw.status, body)) return { refused: credentialRefusalMessage(body) };
    if (raw.status >= 400) {
      throw new SyncError(`JOOR's login service answered HTTP ${raw.status}`, {
        terminal: isTerminalStatus(raw.status),
        status: raw.status,
      });
    }
    const parsed = tokenReplySchema.safeParse(body);
    if (!parsed.success) {
      // Names the field, never its value: a token reply is all secrets.
      const field = parsed.error.issues[0]?.path.join(".");
      const detail = body === undefined ? "the body is not JSON" : field ? `"${field}" is missing or invalid` : "not a token reply";
      throw new SyncError(`JOOR's login service sent an unreadable reply: ${detail}`, { terminal: false, status: raw.status });
    }
    const reply = parsed.data;
    return {
      accessToken: reply.access_token,
      expiresAt: startedAt + (reply.expires_in ?? 300) * 1000,
      refreshToken: reply.refresh_token,
      refreshExpiresAt: startedAt + (reply.refresh_expires_in ?? 0) * 1000,
    };
  }
}
