import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Shopify's token endpoint (POST /admin/oauth/access_token) as @shopify/shopify-api 15 calls it: token
 * exchange of a session token (id_token) for an online or offline token, migration of a non-expiring offline
 * token, refresh_token rotation, and the authorization_code grant. Expiring offline tokens last an hour and
 * come with a refresh token, as Shopify issues them.
 */

export interface TokenGrant {
  shop: string;
  scopes: string[];
  /** Epoch ms; null for non-expiring tokens. */
  expiresAt: number | null;
  online: boolean;
}

export interface IssuedToken {
  accessToken: string;
  scope: string;
  expires?: Date;
  refreshToken?: string;
  refreshTokenExpires?: Date;
}

interface RefreshGrant {
  shop: string;
  scopes: string[];
  expiresAt: number;
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token";

export class TokenStore {
  private readonly access = new Map<string, TokenGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, { shop: string; scopes: string[] }>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimes: { accessSec: number; refreshSec: number },
  ) {}

  register(token: string, grant: TokenGrant): void {
    this.access.set(token, grant);
  }

  /** The grant behind a token, unless it is unknown, revoked or expired. */
  lookup(token: string): TokenGrant | undefined {
    const grant = this.access.get(token);
    return grant && (grant.expiresAt === null || grant.expiresAt > this.now()) ? grant : undefined;
  }

  issueOffline(shop: string, scopes: string[], options: { expiring?: boolean; expiresInSec?: number } = {}): IssuedToken {
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const scope = scopes.join(",");
    if (!options.expiring) {
      this.register(accessToken, { shop, scopes, expiresAt: null, online: false });
      return { accessToken, scope };
    }
    const expiresAt = this.now() + (options.expiresInSec ?? this.lifetimes.accessSec) * 1000;
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    const refreshExpiresAt = this.now() + this.lifetimes.refreshSec * 1000;
    this.register(accessToken, { shop, scopes, expiresAt, online: false });
    this.refresh.set(refreshToken, { shop, scopes, expiresAt: refreshExpiresAt });
    return {
      accessToken,
      scope,
      expires: new Date(expiresAt),
      refreshToken,
      refreshTokenExpires: new Date(refreshExpiresAt),
    };
  }

  createAuthorizationCode(shop: string, scopes: string[]): string {
    const code = randomBytes(12).toString("hex");
    this.codes.set(code, { shop, scopes });
    return code;
  }

  /** Uninstall: every token and refresh token of the shop stops working. */
  revokeShop(shop: string): void {
    for (const [token, grant] of this.access) if (grant.shop === shop) this.access.delete(token);
    for (const [token, grant] of this.refresh) if (grant.shop === shop) this.refresh.delete(token);
  }

  takeRefreshToken(token: string): RefreshGrant | undefined {
    const grant = this.refresh.get(token);
    this.refresh.delete(token);
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  takeCode(code: string): { shop: string; scopes: string[] } | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    return grant;
  }

  revoke(token: string): void {
    this.access.delete(token);
  }
}

export interface OAuthDeps {
  apiKey: string;
  apiSecret: string;
  tokens: TokenStore;
  now: () => number;
  shopExists: (domain: string) => boolean;
  scopesFor: (domain: string) => string[];
  /** The shop named by the request host (msw), if any. */
  hostShop: string | null;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function oauthError(status: number, error: string, description: string): Response {
  return json(status, { error, error_description: description });
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** Verifies an HS256 session token signed with the app secret; answers its payload or a reason. */
function verifySessionToken(token: string, deps: OAuthDeps): { payload: Record<string, unknown> } | { reason: string } {
  const [header, body, signature] = token.split(".");
  if (!header || !body || !signature) return { reason: "Malformed session token" };
  const expected = base64url(createHmac("sha256", deps.apiSecret).update(`${header}.${body}`).digest());
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { reason: "Session token signature is invalid" };
  const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
  if (payload.aud !== deps.apiKey) return { reason: "Session token audience does not match the app" };
  if (typeof payload.exp === "number" && payload.exp * 1000 < deps.now() - 5_000) {
    return { reason: "Session token has expired" };
  }
  return { payload };
}

async function readBody(request: Request): Promise<Record<string, string>> {
  const text = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    return JSON.parse(text || "{}") as Record<string, string>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function tokenResponse(issued: IssuedToken, now: number): Response {
  return json(200, {
    access_token: issued.accessToken,
    scope: issued.scope,
    ...(issued.expires && { expires_in: Math.round((issued.expires.getTime() - now) / 1000) }),
    ...(issued.refreshToken && { refresh_token: issued.refreshToken }),
    ...(issued.refreshTokenExpires && {
      refresh_token_expires_in: Math.round((issued.refreshTokenExpires.getTime() - now) / 1000),
    }),
  });
}

export async function handleTokenRequest(request: Request, deps: OAuthDeps): Promise<Response> {
  let body: Record<string, string>;
  try {
    body = await readBody(request);
  } catch {
    return oauthError(400, "invalid_request", "The request body could not be read");
  }
  if (body.client_id !== deps.apiKey || body.client_secret !== deps.apiSecret) {
    return oauthError(400, "invalid_client", "Client authentication failed");
  }
  const now = deps.now();
  const knownShop = (shop: string | null): shop is string =>
    shop !== null && deps.shopExists(shop) && (deps.hostShop === null || deps.hostShop === shop);

  if (body.grant_type === TOKEN_EXCHANGE && body.subject_token_type === ID_TOKEN) {
    const verified = verifySessionToken(body.subject_token ?? "", deps);
    if ("reason" in verified) return oauthError(400, "invalid_subject_token", verified.reason);
    const dest = typeof verified.payload.dest === "string" ? verified.payload.dest : "";
    const shop = dest ? new URL(dest).host : null;
    if (!knownShop(shop)) return oauthError(400, "invalid_subject_token", "The session token names another shop");
    const scopes = deps.scopesFor(shop);
    if (body.requested_token_type === ONLINE_TOKEN) {
      const accessToken = `shpua_${randomBytes(16).toString("hex")}`;
      const expiresIn = 86_399;
      deps.tokens.register(accessToken, { shop, scopes, expiresAt: now + expiresIn * 1000, online: true });
      const userId = String(verified.payload.sub ?? "1");
      return json(200, {
        access_token: accessToken,
        scope: scopes.join(","),
        expires_in: expiresIn,
        associated_user_scope: scopes.join(","),
        associated_user: {
          id: Number(userId),
          first_name: "Shop",
          last_name: "Owner",
          email: `owner@${shop}`,
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      });
    }
    if (body.requested_token_type !== OFFLINE_TOKEN) {
      return oauthError(400, "invalid_request", "requested_token_type is not supported");
    }
    return tokenResponse(deps.tokens.issueOffline(shop, scopes, { expiring: body.expiring === "1" }), now);
  }

  if (body.grant_type === TOKEN_EXCHANGE && body.subject_token_type === OFFLINE_TOKEN) {
    const grant = deps.tokens.lookup(body.subject_token ?? "");
    if (!grant || grant.online || grant.expiresAt !== null || !knownShop(grant.shop)) {
      return oauthError(400, "invalid_subject_token", "The offline token cannot be exchanged");
    }
    deps.tokens.revoke(body.subject_token);
    return tokenResponse(deps.tokens.issueOffline(grant.shop, grant.scopes, { expiring: true }), now);
  }

  if (body.grant_type === "refresh_token") {
    const grant = deps.tokens.takeRefreshToken(body.refresh_token ?? "");
    if (!grant || !knownShop(grant.shop)) {
      return oauthError(400, "invalid_grant", "The refresh token is invalid, expired or already used");
    }
    return tokenResponse(deps.tokens.issueOffline(grant.shop, grant.scopes, { expiring: true }), now);
  }

  if (body.code !== undefined && (body.grant_type === undefined || body.grant_type === "authorization_code")) {
    const grant = deps.tokens.takeCode(body.code);
    if (!grant || !knownShop(grant.shop)) return oauthError(400, "invalid_grant", "The authorization code is invalid");
    return tokenResponse(deps.tokens.issueOffline(grant.shop, grant.scopes, { expiring: body.expiring === "1" }), now);
  }

  return oauthError(400, "unsupported_grant_type", `grant_type ${body.grant_type ?? "(none)"} is not supported`);
}
