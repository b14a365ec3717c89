import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { loadOverview } from "~/dashboard/overview.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ shop: session.shop, ...(await loadOverview(session.shop)) });
};

const STATUSES = ["dirty", "retry", "pending", "synced", "failed", "stopped"];

export default function Dashboard() {
  const { flows, activity, deliveriesLastHour, lastDelivery } = useLoaderData<typeof loader>();
  return (
    <Page title="JOOR sync">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Records
              </Text>
              {flows.length === 0 ? (
                <EmptyState heading="Nothing synced yet" image="">
                  <p>Changes to customers, products and stock in Shopify appear here as they are picked up.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", ...STATUSES.map(() => "numeric" as const)]}
                  headings={["Records", ...STATUSES]}
                  rows={flows.map((flow) => [flow.kind, ...STATUSES.map((s) => flow.counts[s] ?? 0)])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Webhooks
              </Text>
              <Text as="p">{deliveriesLastHour} received in the last hour</Text>
              {lastDelivery && (
                <Text as="p" tone="subdued">
                  Last: {lastDelivery.topic} at {new Date(lastDelivery.at).toLocaleTimeString()}
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Latest activity
              </Text>
              {activity.length === 0 ? (
                <Text as="p" tone="subdued">
                  No activity yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["When", "Flow", "Record", "Outcome", "Message"]}
                  rows={activity.map((event) => [
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
