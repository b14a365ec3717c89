/**
 * Requests to the app's embedded routes as the Shopify admin sends them: a session token (a JWT signed with
 * the app secret) as a Bearer header, and for page loads the id_token, shop, host and embedded parameters.
 * The shop needs an offline session in storage (the flow harness installs one).
 */
import { adminHost, mintSessionToken } from "../sandbox/embedded";

export interface AdminRequestOptions {
  shop: string;
  method?: "GET" | "POST";
  /** Sent as a urlencoded form (what Remix's <Form> posts). */
  form?: Record<string, string | string[]>;
  json?: unknown;
}

export function adminRequest(path: string, options: AdminRequestOptions): Request {
  const apiKey = process.env.SHOPIFY_API_KEY ?? "";
  const apiSecret = process.env.SHOPIFY_API_SECRET ?? "";
  const token = mintSessionToken({ shop: options.shop, apiKey, apiSecret });
  const url = new URL(path, "https://joor-sync.test");
  url.searchParams.set("shop", options.shop);
  url.searchParams.set("host", adminHost(options.shop));
  url.searchParams.set("embedded", "1");
  url.searchParams.set("id_token", token);
  const headers = new Headers({ Authorization: `Bearer ${token}` });
  let body: string | undefined;
  if (options.form) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
    }
    body = params.toString();
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set("Content-Type", "application/json");
  }
  return new Request(url, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
}

/** Calls a Remix loader or action and returns its Response (thrown responses, e.g. redirects, included). */
export async function callRoute(
  handler: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown,
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  try {
    const result = await handler({ request, params, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
