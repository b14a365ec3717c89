import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { OrdersOverview } from "./page.server";

const GROUPS = [
  { key: "imported", label: "imported" },
  { key: "failed", label: "failed" },
  { key: "review", label: "waiting for a decision" },
  { key: "waiting", label: "queued" },
] as const;

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
}

/** The dashboard's Orders card: counts per list, the poll's schedule, and "Import now" (the dashboard's action). */
export function OrdersCard({ orders }: { orders: OrdersOverview & { enabled: boolean } }) {
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const { poll } = orders;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Orders
          </Text>
          <Badge tone={orders.enabled ? "success" : undefined}>{orders.enabled ? "On" : "Off"}</Badge>
        </InlineStack>
        <InlineStack gap="400" wrap>
          {GROUPS.map((group) => (
            <BlockStack key={group.key} gap="050">
              <Text as="span" variant="headingLg" tone={group.key === "failed" && orders.counts.failed > 0 ? "critical" : undefined}>
                {orders.counts[group.key]}
              </Text>
              <Text as="span" tone="subdued">
                {group.label}
              </Text>
            </BlockStack>
          ))}
        </InlineStack>
        <Text as="p" tone="subdued">
          {poll?.running ? "Looking for JOOR orders now…" : `Last poll: ${when(poll?.lastRunAt ?? null)}`}
          {poll?.nextRunAt && !poll.running ? ` · next: ${when(poll.nextRunAt)}` : ""}
        </Text>
        {poll?.lastError && (
          <Text as="p" tone="critical">
            {poll.lastError}
          </Text>
        )}
        <InlineStack gap="200">
          {orders.enabled && (
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value="importOrders" />
              <Button submit loading={fetcher.state !== "idle"}>
                Import now
              </Button>
            </fetcher.Form>
          )}
          <Button url="/app/orders" variant="plain">
            View orders
          </Button>
        </InlineStack>
        {fetcher.data && (
          <Text as="p" tone={fetcher.data.ok ? "success" : "critical"}>
            {fetcher.data.message}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
