import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { EmbeddedAppProvider, EmbeddedErrorBoundary, embeddedHeaders } from "~/components/embedded-app";
import { appBridgeUrl } from "~/config/local-overrides.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return json({ apiKey: process.env.SHOPIFY_API_KEY || "", appBridgeUrl: appBridgeUrl() });
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <EmbeddedAppProvider apiKey={apiKey} appBridgeUrl={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        <Link to="/app/customers">Customers</Link>
        <Link to="/app/customers/matching">Match JOOR customers</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Outlet />
    </EmbeddedAppProvider>
  );
}

export function ErrorBoundary() {
  return <EmbeddedErrorBoundary error={useRouteError()} />;
}

export const headers: HeadersFunction = (args) => embeddedHeaders(args);
