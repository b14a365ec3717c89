import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { RouteErrorPage } from "~/components/route-error-page";
import { usePollWhile } from "~/components/use-poll-while";
import { CreditChart } from "~/components/credit-chart";
import { runDashboardAction } from "~/dashboard/actions.server";
import { loadOverview, type Overview } from "~/dashboard/overview.server";
import { OrdersCard } from "~/orders/orders-card";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const overview = await loadOverview(session.shop);
  if (!overview.joorConnected) {
    // A first visit starts with onboarding; the embedded parameters (shop, host, token) go along.
    const url = new URL(request.url);
    url.searchParams.delete("_data");
    throw redirect(`/app/onboarding${url.search}`);
  }
  return json({ shop: session.shop, ...overview });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runDashboardAction(session.shop, await request.formData());
  return json(result, { status: result.ok ? 200 : 400 });
};

type Flow = Overview["flows"][number];

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function FlowCard({ flow }: { flow: Flow }) {
  const fetcher = useFetcher<typeof action>();
  const busy = fetcher.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {flow.title}
          </Text>
          <Badge tone={flow.enabled ? "success" : undefined}>{flow.enabled ? "On" : "Off"}</Badge>
        </InlineStack>
        {/* Four figures side by side on a phone's full-width card; two by two in the narrow desktop cards. */}
        <InlineGrid columns={{ xs: 4, md: 2 }} gap="200">
          {(["synced", "pending", "failed", "stopped"] as const).map((group) => (
            <BlockStack key={group} gap="050">
              <Text as="span" variant="headingLg" tone={group === "failed" && flow.counts.failed > 0 ? "critical" : undefined}>
                {flow.counts[group]}
              </Text>
              <Text as="span" tone="subdued">
                {group}
              </Text>
            </BlockStack>
          ))}
        </InlineGrid>
        <Text as="p" tone="subdued">
          Last synced: {when(flow.lastSyncedAt)}
        </Text>
        {flow.tasks.map((task) => (
          <BlockStack key={task.kind} gap="100">
            <Text as="p">
              {task.title}: {task.running ? "running" : task.status}
              {task.progress ? ` — ${task.progress.done}${task.progress.total ? ` of ${task.progress.total}` : ""}` : ""}
            </Text>
            {task.progress?.total ? (
              <ProgressBar progress={Math.min(100, (100 * task.progress.done) / task.progress.total)} size="small" />
            ) : null}
            {task.lastError ? (
              <Text as="p" tone="critical">
                {task.lastError}
              </Text>
            ) : null}
          </BlockStack>
        ))}
        {flow.failures.length > 0 && (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Latest errors
            </Text>
            {flow.failures.map((failure) => (
              <InlineStack key={failure.id} align="space-between" blockAlign="center" wrap={false} gap="200">
                <Text as="span" breakWord>
                  <Text as="span" fontWeight="semibold">
                    {failure.label}
                  </Text>{" "}
                  {failure.reason}
                </Text>
                <fetcher.Form method="post">
                  <input type="hidden" name="intent" value="retry" />
                  <input type="hidden" name="id" value={failure.id} />
                  <Button submit size="slim" disabled={busy}>
                    Retry
                  </Button>
                </fetcher.Form>
              </InlineStack>
            ))}
          </BlockStack>
        )}
        {flow.enabled && (
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="syncNow" />
            <input type="hidden" name="flow" value={flow.key} />
            <Button submit loading={busy}>
              Sync now
            </Button>
          </fetcher.Form>
        )}
        {fetcher.data && (
          <Text as="p" tone={fetcher.data.ok ? "success" : "critical"}>
            {fetcher.data.message}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const working =
    data.flows.some((flow) => flow.counts.pending > 0 || flow.tasks.some((task) => task.running)) ||
    Boolean(data.orders.poll?.running) ||
    data.orders.counts.waiting > 0;
  // While work is under way the figures refresh by themselves.
  usePollWhile(working, 3_000);

  const nothingYet = !data.joorConnected || data.flows.every((flow) => !flow.enabled);
  return (
    <Page title="JOOR sync">
      <Layout>
        {nothingYet && (
          <Layout.Section>
            <Card>
              <EmptyState
                heading="Connect JOOR and choose what to sync"
                action={{ content: "Open settings", url: "/app/settings" }}
                image=""
              >
                <p>
                  Add your JOOR credentials, switch on customers, catalog, inventory or orders, and the first sync starts
                  by itself. Progress and any errors show up here.
                </p>
              </EmptyState>
            </Card>
          </Layout.Section>
        )}
        {data.credits?.blockedUntil && (
          <Layout.Section>
            <Banner tone="warning" title="JOOR asked us to slow down">
              <p>Writes resume at {new Date(data.credits.blockedUntil).toLocaleTimeString()}; nothing is lost meanwhile.</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            {data.flows.map((flow) => (
              <FlowCard key={flow.key} flow={flow} />
            ))}
            <OrdersCard orders={data.orders} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  JOOR credits
                </Text>
                {data.credits ? (
                  <>
                    <Text as="p">
                      {data.credits.used} of {data.credits.limit} used in the current 5-minute window
                    </Text>
                    <ProgressBar progress={Math.min(100, (100 * data.credits.used) / Math.max(1, data.credits.limit))} size="small" />
                    <CreditChart perMinute={data.credits.lastHour} label="JOOR credits per minute over the last hour" />
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    JOOR is not connected.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Webhooks
                </Text>
                <Text as="p">{data.deliveriesLastHour} received in the last hour</Text>
                {data.lastDelivery && (
                  <Text as="p" tone="subdued">
                    Last: {data.lastDelivery.topic} at {new Date(data.lastDelivery.at).toLocaleTimeString()}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Latest activity
              </Text>
              {data.activity.length === 0 ? (
                <Text as="p" tone="subdued">
                  No activity yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["When", "Flow", "Record", "Outcome", "Message"]}
                  rows={data.activity.map((event) => [
                    new Date(event.createdAt).toLocaleString(),
                    event.flow,
                    event.label,
                    event.status,
                    event.message,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="JOOR sync" heading="The dashboard could not be loaded" />;
}
