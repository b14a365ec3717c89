/** Where JOOR lives, per environment. [doc] A local fake or another stand-in replaces both by environment. */

export type JoorEnvironment = "sandbox" | "production";

export const JOOR_ENVIRONMENTS: readonly JoorEnvironment[] = ["sandbox", "production"];

export interface JoorHosts {
  /** Origin of the REST API; paths start with /v2 or /v4. */
  apiBase: string;
  /** The v4 password-grant token endpoint. */
  authUrl: string;
}

const HOSTS: Record<JoorEnvironment, JoorHosts> = {
  production: { apiBase: "https://api.jooraccess.com", authUrl: "https://atlas.jooraccess.com/auth/" },
  sandbox: { apiBase: "https://apisandbox.jooraccess.com", authUrl: "https://atlas-sandbox.jooraccess.com/auth/" },
};

export function isJoorEnvironment(value: unknown): value is JoorEnvironment {
  return value === "sandbox" || value === "production";
}

/**
 * `JOOR_API_URL` replaces the API origin and `JOOR_AUTH_URL` the token endpoint. When only the API URL is set,
 * the token endpoint is `<JOOR_API_URL>/auth/` — the local fake serves both from one port.
 */
export function joorHosts(environment: JoorEnvironment, env: Record<string, string | undefined> = process.env): JoorHosts {
  const apiOverride = env.JOOR_API_URL?.trim().replace(/\/+$/, "");
  const authOverride = env.JOOR_AUTH_URL?.trim();
  const defaults = HOSTS[environment];
  return {
    apiBase: apiOverride || defaults.apiBase,
    authUrl: authOverride || (apiOverride ? `${apiOverride}/auth/` : defaults.authUrl),
  };
}
