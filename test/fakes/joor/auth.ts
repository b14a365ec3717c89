/**
 * Both JOOR auth styles: v2 long-lived API token (`Authorization: OAuth2 <base64(token)>`) and v4 Keycloak
 * password grant + refresh_token grant at `/auth/`, with Bearer access tokens that expire.
 */
import { v2Error, v4Error } from "./responses";
import type { FakeAccount, FakeState } from "./state";

export interface TokenSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

let tokenCounter = 0;

function issueToken(kind: "access" | "refresh"): string {
  tokenCounter += 1;
  return `fake-${kind}-${tokenCounter}`;
}

function keycloakError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}

export interface TokenOutcome {
  response: Response;
  accountId?: string;
}

export async function handleTokenRequest(
  request: Request,
  state: FakeState,
  now: number,
  settings: TokenSettings,
): Promise<TokenOutcome> {
  if (request.method !== "POST") return { response: keycloakError(405, "invalid_request", "POST only") };
  const form = new URLSearchParams(await request.text());
  const grantType = form.get("grant_type");
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");

  let account: FakeAccount | undefined;
  if (grantType === "password") {
    const clientAccounts = [...state.accounts.values()].filter(
      (candidate) => candidate.v4.clientId === clientId && candidate.v4.clientSecret === clientSecret,
    );
    if (clientAccounts.length === 0) {
      return { response: keycloakError(401, "invalid_client", "Invalid client or Invalid client credentials") };
    }
    account = clientAccounts.find(
      (candidate) => candidate.v4.username === form.get("username") && candidate.v4.password === form.get("password"),
    );
    // [assumed] Keycloak's usual reply to a wrong user or password: 401 invalid_grant.
    if (!account) return { response: keycloakError(401, "invalid_grant", "Invalid user credentials") };
  } else if (grantType === "refresh_token") {
    const presented = form.get("refresh_token") ?? "";
    const issued = state.refreshTokens.get(presented);
    const candidate = issued ? state.accounts.get(issued.accountId) : undefined;
    if (!candidate || candidate.v4.clientId !== clientId || candidate.v4.clientSecret !== clientSecret) {
      return { response: keycloakError(400, "invalid_grant", "Invalid refresh token") };
    }
    // [assumed] Keycloak answers an expired refresh token with 400 invalid_grant "Token is not active".
    if (issued!.expiresAt <= now) {
      state.refreshTokens.delete(presented);
      return { response: keycloakError(400, "invalid_grant", "Token is not active") };
    }
    state.refreshTokens.delete(presented);
    account = candidate;
  } else {
    return { response: keycloakError(400, "unsupported_grant_type", `Unsupported grant_type ${grantType ?? ""}`) };
  }

  const accessToken = issueToken("access");
  const refreshToken = issueToken("refresh");
  state.accessTokens.set(accessToken, { accountId: account.accountId, expiresAt: now + settings.accessTtlSeconds * 1000 });
  state.refreshTokens.set(refreshToken, {
    accountId: account.accountId,
    expiresAt: now + settings.refreshTtlSeconds * 1000,
  });
  return {
    accountId: account.accountId,
    response: Response.json({
      access_token: accessToken,
      expires_in: settings.accessTtlSeconds,
      refresh_expires_in: settings.refreshTtlSeconds,
      refresh_token: refreshToken,
      token_type: "Bearer",
      "not-before-policy": 0,
      session_state: `session-${tokenCounter}`,
      scope: "profile email",
    }),
  };
}

export type AuthOutcome = { account: FakeAccount } | { response: Response; accountId?: string };

export function authenticateV2(request: Request, state: FakeState): AuthOutcome {
  const header = request.headers.get("authorization") ?? "";
  const match = /^oauth2\s+(\S+)$/i.exec(header.trim());
  if (match) {
    const token = Buffer.from(match[1], "base64").toString("utf8");
    for (const account of state.accounts.values()) {
      if (account.v2Token === token) return { account };
    }
  }
  return { response: v2Error(401, 401, "Invalid or missing API token") };
}

/** Every v4 call needs a live Bearer token and `account=<id>` naming the token's account. */
export function authenticateV4(request: Request, url: URL, state: FakeState, now: number): AuthOutcome {
  const header = request.headers.get("authorization") ?? "";
  const match = /^bearer\s+(\S+)$/i.exec(header.trim());
  const issued = match ? state.accessTokens.get(match[1]) : undefined;
  if (!issued) return { response: v4Error(401, "UNAUTHORIZED", "Invalid or missing access token") };
  if (issued.expiresAt <= now) {
    return { response: v4Error(401, "UNAUTHORIZED", "Access token expired"), accountId: issued.accountId };
  }
  const accountParam = url.searchParams.get("account");
  if (!accountParam) {
    return { response: v4Error(400, "BAD_REQUEST", "The account query parameter is required"), accountId: issued.accountId };
  }
  if (accountParam !== issued.accountId) {
    return { response: v4Error(403, "FORBIDDEN", `No access to account ${accountParam}`), accountId: issued.accountId };
  }
  const account = state.accounts.get(issued.accountId);
  if (!account) return { response: v4Error(401, "UNAUTHORIZED", "Unknown account") };
  return { account };
}
