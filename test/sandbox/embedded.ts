import { createHmac, randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

/**
 * The embedded pages outside the Shopify admin. In the admin, App Bridge hands the app a session token (a
 * JWT signed with the app secret) on every request; here the sandbox mints the same tokens for the demo shop,
 * and a small stand-in for App Bridge attaches them to the page's fetches.
 */
export interface EmbeddedOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

export function mintSessionToken({ shop, apiKey, apiSecret }: EmbeddedOptions, now = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: apiKey,
      sub: "1",
      exp: seconds + 3600,
      nbf: seconds - 5,
      iat: seconds,
      jti: randomUUID(),
      sid: "sandbox-session",
    }),
  );
  const signature = base64url(createHmac("sha256", apiSecret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
}

/**
 * A page load under /app without a token gets the parameters the admin would add (shop, host, embedded,
 * id_token), so reloading or opening a bookmarked page works in a plain browser.
 */
export function embeddedDocumentParams(options: EmbeddedOptions): RequestHandler {
  return (req, res, next) => {
    const isPage = req.method === "GET" && /^\/app(\/|$)/.test(req.path) && !("_data" in req.query);
    if (!isPage || typeof req.query.id_token === "string") return next();
    const url = new URL(req.originalUrl, "http://sandbox.local");
    url.searchParams.set("shop", options.shop);
    url.searchParams.set("host", adminHost(options.shop));
    url.searchParams.set("embedded", "1");
    url.searchParams.set("id_token", mintSessionToken(options));
    res.redirect(302, `${url.pathname}${url.search}`);
  };
}

/** The App Bridge stand-in: session tokens on same-origin fetches, toasts, the loading bar, the nav menu, a Sandbox banner. */
export function appBridgeStandIn(): string {
  return `(() => {
  const nativeFetch = window.fetch.bind(window);
  const idToken = () => nativeFetch("/_sandbox/id-token").then((r) => r.text());
  window.fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin === location.origin && !url.pathname.startsWith("/_sandbox")) {
      const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + (await idToken()));
      init = { ...init, headers };
    }
    return nativeFetch(input, init);
  };
  const toast = (message) => {
    const el = document.createElement("div");
    el.textContent = message;
    el.setAttribute("role", "status");
    el.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:8px 16px;border-radius:8px;z-index:1000;font:14px system-ui";
    document.body.appendChild(el);
    setTimeout(() => el.remove(), 3000);
  };
  // The admin's loading bar, across the top of the page.
  const loading = (on) => {
    const bar = document.getElementById("sandbox-loading");
    if (on && !bar) {
      const el = document.createElement("div");
      el.id = "sandbox-loading";
      el.setAttribute("role", "progressbar");
      el.setAttribute("aria-label", "Loading");
      el.style.cssText = "position:fixed;top:0;left:0;right:0;height:3px;background:#2c6ecb;z-index:1001";
      document.body.appendChild(el);
    } else if (!on && bar) bar.remove();
  };
  window.shopify = { idToken, toast: { show: toast }, loading, environment: { embedded: false, mobile: false } };
  const banner = () => {
    if (document.getElementById("sandbox-banner")) return;
    // The admin shows the menu in its own navigation, never inside the app.
    for (const menu of document.querySelectorAll("ui-nav-menu")) menu.style.display = "none";
    const bar = document.createElement("div");
    bar.id = "sandbox-banner";
    bar.style.cssText = "background:#ffb800;color:#1a1a1a;padding:6px 12px;font:600 13px system-ui;display:flex;gap:16px;align-items:center;flex-wrap:wrap";
    bar.innerHTML = '<span>Sandbox: simulated Shopify and JOOR, nothing here is real</span><a href="/_sandbox" style="color:inherit">Control panel</a>';
    const links = [...document.querySelectorAll("ui-nav-menu a")];
    for (const link of links) {
      if (link.getAttribute("rel") === "home") continue;
      const copy = document.createElement("a");
      copy.href = link.getAttribute("href");
      copy.textContent = link.textContent;
      copy.style.color = "inherit";
      copy.addEventListener("click", (event) => {
        event.preventDefault();
        link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
      });
      bar.appendChild(copy);
    }
    document.body.prepend(bar);
  };
  // React hydrates the whole document, and may start over while it does: nothing may be added to the page
  // before hydration has committed, which Polaris's provider marks by putting its theme class on <html>.
  const hydrated = () => /\\bp-theme-/.test(document.documentElement.className);
  const started = Date.now();
  const whenHydrated = () => {
    if (hydrated() || Date.now() - started > 10000) banner();
    else setTimeout(whenHydrated, 50);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", whenHydrated);
  else whenHydrated();
})();`;
}
