import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page, type PageProps } from "@shopify/polaris";
import { EmbeddedErrorBoundary } from "./embedded-app";

/**
 * A page's error boundary: responses (such as a lost session) go to the embedded app's boundary; any other
 * error shows on the page itself under `heading`.
 */
export function RouteErrorPage({ title, heading, backAction }: { title: string; heading: string; backAction?: PageProps["backAction"] }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) return <EmbeddedErrorBoundary error={error} />;
  return (
    <Page title={title} backAction={backAction}>
      <Banner tone="critical" title={heading}>
        {error instanceof Error ? error.message : "Try again in a moment."}
      </Banner>
    </Page>
  );
}
