import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptySearchResult,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Tabs,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import type { ReactNode } from "react";
import { ActionNotice, useActionNotice } from "~/components/action-notice";
import { listPagination } from "~/components/list-pagination";
import { RouteErrorPage } from "~/components/route-error-page";
import { usePollWhile } from "~/components/use-poll-while";
import { useSearchParamsUpdate } from "~/components/use-search-params-update";
import { Wrap } from "~/components/wrap";
import { runOrdersAction } from "~/orders/actions.server";
import { isOrderView, loadOrdersPage, type OrdersPage, type OrderView } from "~/orders/page.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const requested = url.searchParams.get("view");
  const view: OrderView = isOrderView(requested) ? requested : "all";
  return json(await loadOrdersPage(session.shop, { view, page: Number(url.searchParams.get("page")) || 1 }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runOrdersAction(session.shop, await request.formData());
  return json(result, { status: result.ok ? 200 : 400 });
};

const VIEWS: Array<{ id: OrderView; title: string; help: string }> = [
  { id: "all", title: "All", help: "Every JOOR order the app has seen." },
  { id: "imported", title: "Imported", help: "Orders created in Shopify." },
  { id: "failed", title: "Failed", help: "Orders that could not be imported: fix the reason, then Retry." },
  { id: "review", title: "Waiting for a decision", help: "Orders changed or set to re-export in JOOR after they were imported." },
  { id: "waiting", title: "Queued", help: "Orders the next poll imports." },
];

const STATUS: Record<string, { label: string; tone?: "success" | "critical" | "attention" | "info" | "warning" }> = {
  imported: { label: "Imported", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
  review: { label: "Waiting for a decision", tone: "attention" },
  ignored: { label: "Change ignored" },
  queued: { label: "Queued", tone: "info" },
  creating: { label: "Importing", tone: "info" },
};

type Row = OrdersPage["rows"][number];

/** After an action the rows reload with the page; there is no selection to clear. */
const keepView = () => undefined;

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function OrderLink({ order }: { order: { name: string; url: string } | null }) {
  return order ? (
    <Link url={order.url} target="_top" removeUnderline>
      {order.name}
    </Link>
  ) : (
    <Text as="span" tone="subdued">
      —
    </Text>
  );
}

function RowActions({ row, submit, busy }: { row: Row; submit: (intent: string, id: string) => void; busy: boolean }) {
  if (row.status === "failed") {
    return (
      <Button size="slim" disabled={busy} onClick={() => submit("retry", row.id)}>
        Retry
      </Button>
    );
  }
  if (row.status !== "review") return null;
  return (
    <InlineStack gap="200" wrap={false}>
      <Button size="slim" variant="primary" disabled={busy} onClick={() => submit("importAgain", row.id)}>
        Import as a new order
      </Button>
      <Button size="slim" disabled={busy} onClick={() => submit("ignore", row.id)}>
        Ignore
      </Button>
    </InlineStack>
  );
}

function OrderCells({ row, stacked, actions }: { row: Row; stacked: boolean; actions: ReactNode }) {
  const status = STATUS[row.status] ?? { label: row.status };
  const joor = (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {`JOOR ${row.joorOrderId}${row.generation > 0 ? ` (export ${row.generation + 1})` : ""}`}
      </Text>
      <Text as="span" tone="subdued">
        {[row.retailer, row.poNumber && `PO ${row.poNumber}`].filter(Boolean).join(" · ")}
      </Text>
    </BlockStack>
  );
  const amount = (
    <Text as="span">
      {row.lines} {row.lines === 1 ? "line" : "lines"}
      {row.total ? ` · ${row.total} ${row.currency ?? ""}` : ""}
    </Text>
  );
  const shopify =
    row.status === "review" || row.status === "ignored" ? (
      <BlockStack gap="050">
        <Text as="span" tone="subdued">
          Imported before as
        </Text>
        <OrderLink order={row.earlierOrder} />
      </BlockStack>
    ) : (
      <OrderLink order={row.shopifyOrder} />
    );
  const message = (
    <Wrap>
      <BlockStack gap="050">
        {row.reason && (
          <Text as="span" tone={row.status === "failed" ? "critical" : undefined}>
            {row.reason}
          </Text>
        )}
        {row.warnings.map((warning) => (
          <Text key={warning} as="span" tone="subdued">
            {warning}
          </Text>
        ))}
        {!row.acknowledged && ["imported", "failed", "ignored"].includes(row.status) && (
          <Text as="span" tone="subdued">
            JOOR not told yet
          </Text>
        )}
      </BlockStack>
    </Wrap>
  );
  const badge = <Badge tone={status.tone}>{status.label}</Badge>;
  if (stacked) {
    return (
      <IndexTable.Cell>
        <Wrap>
          <BlockStack gap="100">
            {joor}
            <InlineStack gap="200">
              {badge}
              {shopify}
            </InlineStack>
            {amount}
            {message}
            {actions}
          </BlockStack>
        </Wrap>
      </IndexTable.Cell>
    );
  }
  return (
    <>
      <IndexTable.Cell>{joor}</IndexTable.Cell>
      <IndexTable.Cell>{badge}</IndexTable.Cell>
      <IndexTable.Cell>{shopify}</IndexTable.Cell>
      <IndexTable.Cell>{amount}</IndexTable.Cell>
      <IndexTable.Cell>{message}</IndexTable.Cell>
      <IndexTable.Cell>{actions}</IndexTable.Cell>
    </>
  );
}

export default function Orders() {
  const data = useLoaderData<typeof loader>();
  const go = useSearchParamsUpdate();
  const navigation = useNavigation();
  const fetcher = useFetcher<typeof action>();
  const { smDown } = useBreakpoints();
  const notice = useActionNotice(fetcher, keepView);
  const busy = fetcher.state !== "idle";
  const submit = (intent: string, id?: string) => fetcher.submit({ intent, ...(id ? { id } : {}) }, { method: "post" });
  // While the poll runs or orders wait to be imported, the list refreshes by itself.
  usePollWhile(Boolean(data.poll?.running) || data.counts.waiting > 0, 3_000);

  const selected = Math.max(0, VIEWS.findIndex((view) => view.id === data.view));
  const current = VIEWS[selected];
  const poll = data.poll;
  return (
    <Page
      title="Orders"
      subtitle="Approved JOOR orders imported into Shopify"
      primaryAction={{ content: "Import now", loading: busy && fetcher.formData?.get("intent") === "importNow", onAction: () => submit("importNow") }}
    >
      <BlockStack gap="400">
        <ActionNotice {...notice} />
        {poll?.lastError && (
          <Banner tone="critical" title="The last poll of JOOR's orders failed">
            {poll.lastError}
          </Banner>
        )}
        <Card>
          <InlineStack gap="600" wrap>
            <Text as="p">
              {poll
                ? poll.running
                  ? "Looking for JOOR orders now…"
                  : `Last poll: ${when(poll.lastRunAt)} · next: ${when(poll.nextRunAt)}${poll.intervalMinutes ? ` (every ${poll.intervalMinutes} min)` : ""}`
                : "Order import has not run yet: switch it on in Settings."}
            </Text>
            {poll?.lastRun && (
              <Text as="p" tone="subdued">
                Last poll saw {poll.lastRun.listed} {poll.lastRun.listed === 1 ? "order" : "orders"}: {poll.lastRun.imported} imported,{" "}
                {poll.lastRun.failed} failed
              </Text>
            )}
          </InlineStack>
        </Card>
        <Card padding="0">
          <Tabs
            tabs={VIEWS.map((view) => ({
              id: view.id,
              content: `${view.title} (${data.counts[view.id]})`,
              accessibilityLabel: `${view.title}: ${data.counts[view.id]} orders`,
            }))}
            selected={selected}
            onSelect={(index) => go({ view: VIEWS[index].id, page: "" })}
          />
          <IndexTable
            condensed={smDown}
            resourceName={{ singular: "order", plural: "orders" }}
            itemCount={data.rows.length}
            selectable={false}
            loading={navigation.state === "loading"}
            emptyState={<EmptySearchResult title="No orders here" description={current.help} withIllustration />}
            headings={
              smDown
                ? [{ title: "Order" }]
                : [{ title: "JOOR order" }, { title: "Status" }, { title: "Shopify order" }, { title: "Lines" }, { title: "Reason" }, { title: "" }]
            }
            pagination={listPagination(data, go, "orders")}
          >
            {data.rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <OrderCells row={row} stacked={smDown} actions={<RowActions row={row} submit={submit} busy={busy} />} />
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="Orders" heading="The orders could not be loaded" />;
}
