import { Link, isRouteErrorResponse, useNavigate, useNavigation } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, type AppProviderProps } from "@shopify/polaris";
import english from "@shopify/polaris/locales/en.json";
import { forwardRef, useEffect, type ReactNode } from "react";

const APP_BRIDGE_CDN = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

type LinkLikeComponent = NonNullable<AppProviderProps["linkComponent"]>;

const RemixLink = forwardRef<HTMLAnchorElement, { url: string; children?: ReactNode; external?: boolean }>(
  function RemixLink({ url, external: _external, ...rest }, ref) {
    return <Link ref={ref} to={url} {...rest} />;
  },
) as unknown as LinkLikeComponent;

/**
 * Polaris inside the Shopify admin: loads App Bridge (which authenticates every fetch with a session token)
 * and lets the admin's navigation menu drive Remix's router. The remix package's own provider is not used
 * because its module syntax does not build with the Remix classic compiler.
 */
export function EmbeddedAppProvider({
  apiKey,
  appBridgeUrl,
  children,
}: {
  apiKey: string;
  appBridgeUrl?: string;
  children: ReactNode;
}) {
  const navigate = useNavigate();
  // The admin's loading bar shows while a page's data loads or a form is being sent.
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    if (typeof shopify !== "undefined") shopify.loading(busy);
  }, [busy]);
  useEffect(() => {
    const follow = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", follow);
    return () => removeEventListener("shopify:navigate", follow);
  }, [navigate]);
  return (
    <>
      <script src={appBridgeUrl ?? APP_BRIDGE_CDN} data-api-key={apiKey} />
      <PolarisAppProvider i18n={english} linkComponent={RemixLink}>
        {children}
      </PolarisAppProvider>
    </>
  );
}

/**
 * Authentication answers some requests with a small HTML page (for example to leave or re-enter the admin
 * iframe); Remix delivers those as route error responses, which must be rendered as they are.
 */
export function EmbeddedErrorBoundary({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" ? error.data : "Handling response" }} />;
  }
  throw error;
}

/** Keep the headers authentication sets (CSP, redirects) on document responses, errors included. */
export function embeddedHeaders({
  parentHeaders,
  loaderHeaders,
  actionHeaders,
  errorHeaders,
}: {
  parentHeaders: Headers;
  loaderHeaders: Headers;
  actionHeaders: Headers;
  errorHeaders: Headers | undefined;
}): Headers {
  if (errorHeaders && [...errorHeaders.keys()].length > 0) return errorHeaders;
  return new Headers([...parentHeaders.entries(), ...loaderHeaders.entries(), ...actionHeaders.entries()]);
}
