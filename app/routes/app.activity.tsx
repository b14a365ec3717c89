import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { RouteErrorPage } from "~/components/route-error-page";
import { loadActivityPage, readActivityFilter } from "~/dashboard/activity-log.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const filter = readActivityFilter(new URL(request.url).searchParams);
  return json({ filter, ...(await loadActivityPage(session.shop, filter)) });
};

const TONES: Record<string, "critical" | "warning" | "success" | "info" | undefined> = {
  failed: "critical",
  retry: "warning",
  stopped: "info",
  synced: "success",
};

export default function Activity() {
  const { filter, events, nextBefore, flows, statuses } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const [record, setRecord] = useState(filter.record);
  const [flow, setFlow] = useState(filter.flow);
  const [status, setStatus] = useState(filter.status);
  const loading = navigation.state === "loading";
  const filtered = Boolean(filter.flow || filter.status || filter.record);
  const nextPage = new URLSearchParams(params);
  if (nextBefore) nextPage.set("before", nextBefore);

  return (
    <Page title="Activity" backAction={{ content: "Dashboard", url: "/app" }}>
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            <InlineStack gap="300" align="start" blockAlign="end" wrap>
              <Select
                label="Flow"
                name="flow"
                options={[{ label: "All flows", value: "" }, ...flows.map((value) => ({ label: value, value }))]}
                value={flow}
                onChange={setFlow}
              />
              <Select
                label="Outcome"
                name="status"
                options={[{ label: "All outcomes", value: "" }, ...statuses.map((value) => ({ label: value, value }))]}
                value={status}
                onChange={setStatus}
              />
              <TextField label="Record" name="record" value={record} onChange={setRecord} autoComplete="off" placeholder="Name or id" />
              <Button submit loading={loading}>
                Filter
              </Button>
            </InlineStack>
          </Form>
        </Card>
        <Card padding="0">
          {events.length === 0 ? (
            <EmptyState heading={filtered ? "Nothing matches these filters" : "No activity yet"} image="">
              <p>
                {filtered
                  ? "Try another flow, outcome or record."
                  : "Problems and outcomes of syncs appear here, each with JOOR's or Shopify's message."}
              </p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={["When", "Flow", "Record", "Outcome", "Message"]}
              rows={events.map((event) => [
                new Date(event.createdAt).toLocaleString(),
                event.flow,
                event.record,
                <Badge key={event.id} tone={TONES[event.status]}>
                  {event.status}
                </Badge>,
                <Text key={`${event.id}-m`} as="span" breakWord>
                  {event.message}
                </Text>,
              ])}
            />
          )}
        </Card>
        <InlineStack align="end" gap="200">
          {filter.before && <Button url={`?${new URLSearchParams({ flow: filter.flow, status: filter.status, record: filter.record })}`}>Newest</Button>}
          {nextBefore && <Button url={`?${nextPage}`}>Older</Button>}
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="Activity" heading="The activity could not be loaded" />;
}
