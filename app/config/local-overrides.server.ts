/**
 * Endpoints a local setup (the sandbox, browser tests, benchmarks) may point elsewhere. Each override is
 * honoured only outside production, so a production server always talks to Shopify's real hosts.
 */
function override(name: string): string | undefined {
  if (process.env.NODE_ENV === "production") return undefined;
  const value = process.env[name];
  return value ? value.replace(/\/$/, "") : undefined;
}

/** Where the embedded pages load App Bridge from. */
export function appBridgeUrl(): string | undefined {
  return override("APP_BRIDGE_URL");
}

/** The origin serving a shop's Admin API: `https://{shop}`, or `SHOPIFY_ADMIN_ORIGIN` locally. */
export function shopifyAdminOrigin(shop: string): string {
  return override("SHOPIFY_ADMIN_ORIGIN") ?? `https://${shop}`;
}
