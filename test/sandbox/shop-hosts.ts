/**
 * The Shopify library (authenticate.admin's `admin.graphql`, token exchange) calls `https://{shop}/admin/...`
 * itself, unlike the app's own Admin client, which honours SHOPIFY_ADMIN_ORIGIN. In the sandbox those calls go
 * to the local simulator instead; the simulator tells shops apart by their access tokens.
 *
 * The library keeps the `fetch` it finds when it is imported, so this runs before any app module loads.
 */
const SHOP_HOST = /\.myshopify\.com$/;

export function sendShopHostsTo(simulatorOrigin: string): void {
  const nativeFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    if (!SHOP_HOST.test(original.hostname)) return nativeFetch(input, init);
    const target = `${simulatorOrigin}${original.pathname}${original.search}`;
    if (!(input instanceof Request)) return nativeFetch(target, init);
    const body = ["GET", "HEAD"].includes(input.method) ? undefined : await input.arrayBuffer();
    return nativeFetch(target, { method: input.method, headers: input.headers, body, ...init });
  };
}
