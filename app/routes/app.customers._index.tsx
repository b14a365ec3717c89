import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptySearchResult,
  IndexTable,
  InlineStack,
  Page,
  ProgressBar,
  Tabs,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { useState } from "react";
import { ActionNotice, useActionNotice } from "~/components/action-notice";
import { listPagination } from "~/components/list-pagination";
import { RouteErrorPage } from "~/components/route-error-page";
import { SearchField } from "~/components/search-field";
import { useDebouncedSearch } from "~/components/use-debounced-search";
import { usePollWhile } from "~/components/use-poll-while";
import { useRowSelection } from "~/components/use-row-selection";
import { useSearchParamsUpdate } from "~/components/use-search-params-update";
import { Wrap } from "~/components/wrap";
import {
  countCustomerList,
  customerListPage,
  isCustomerList,
  markListCustomersDirty,
  type CustomerList,
  type CustomerListRow,
} from "~/customers/lists.server";
import { startCustomersBackfill } from "~/customers/sync.server";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { authenticate } from "~/shopify.server";
import { taskProgress } from "~/sync/tasks.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const requested = url.searchParams.get("list");
  const list: CustomerList = isCustomerList(requested) ? requested : "upload";
  const search = url.searchParams.get("q")?.trim() ?? "";
  const page = Number(url.searchParams.get("page")) || 1;
  const [current, upload, update, tasks] = await Promise.all([
    customerListPage(session.shop, list, { search, page }),
    countCustomerList(session.shop, "upload"),
    countCustomerList(session.shop, "update"),
    taskProgress(prisma, session.shop, TaskKind.customersBackfill),
  ]);
  const backfill = tasks[0] ?? null;
  return json({
    list,
    search,
    ...current,
    counts: { upload, update },
    backfill: backfill && { status: backfill.status, progress: backfill.progress, lastError: backfill.lastError },
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "sync-all") {
    await startCustomersBackfill(session.shop);
    return json({ ok: true, message: "Syncing every tagged customer." });
  }
  const list = form.get("list");
  if (intent === "mark" && isCustomerList(list)) {
    const ids = form.getAll("ids").filter((id): id is string => typeof id === "string");
    const marked = await markListCustomersDirty(session.shop, list, ids);
    const verb = list === "upload" ? "upload" : "update";
    return json({ ok: true, message: `${marked} ${marked === 1 ? "customer" : "customers"} queued to ${verb}.` });
  }
  return json({ ok: false, message: "Unknown action" }, { status: 400 });
};

const LISTS: Array<{ id: CustomerList; title: string; help: string }> = [
  { id: "upload", title: "Upload", help: "Tagged customers not yet in JOOR." },
  { id: "update", title: "Update", help: "Customers in JOOR that changed since their last sync." },
];

const STATUS_TONE: Record<string, "success" | "warning" | "critical" | "attention" | "info" | undefined> = {
  synced: "success",
  pending: "info",
  dirty: "attention",
  retry: "warning",
  throttled: "warning",
  failed: "critical",
};

/** App Bridge adds the session token to fetch, not to a plain link: download through fetch, save as a file. */
async function download(path: string): Promise<void> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`The download failed (HTTP ${response.status})`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "customers.csv";
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
}

function useDownload() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const start = (path: string) => {
    setBusy(path);
    setError(null);
    download(path)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(null));
  };
  return { start, error, busy };
}

function CustomerCells({ row, stacked }: { row: CustomerListRow; stacked: boolean }) {
  const customer = (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {row.name || `Customer ${row.customerId}`}
      </Text>
      <Text as="span" tone="subdued">
        {row.email}
      </Text>
    </BlockStack>
  );
  const location = [row.city, row.country].filter(Boolean).join(", ");
  const status = <Badge tone={STATUS_TONE[row.status]}>{row.status}</Badge>;
  const error = row.lastError && (
    <Text as="span" tone="critical">
      {row.lastError}
    </Text>
  );
  if (stacked) {
    // A narrow screen stacks the columns in one cell instead of scrolling sideways.
    return (
      <IndexTable.Cell>
        <Wrap>
          <BlockStack gap="100">
            {customer}
            <Text as="span">{[row.company, location].filter(Boolean).join(" · ")}</Text>
            <InlineStack gap="200">{status}</InlineStack>
            {error}
          </BlockStack>
        </Wrap>
      </IndexTable.Cell>
    );
  }
  return (
    <>
      <IndexTable.Cell>
        <Wrap>{customer}</Wrap>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Wrap>{row.company}</Wrap>
      </IndexTable.Cell>
      <IndexTable.Cell>{location}</IndexTable.Cell>
      <IndexTable.Cell>{status}</IndexTable.Cell>
      <IndexTable.Cell>
        <Wrap>{error}</Wrap>
      </IndexTable.Cell>
    </>
  );
}

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const go = useSearchParamsUpdate();
  const navigation = useNavigation();
  const fetcher = useFetcher<typeof action>();
  const files = useDownload();
  const { smDown } = useBreakpoints();
  const [query, setQuery] = useDebouncedSearch(data.search, go);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection, selectedIds } = useRowSelection(
    data.rows,
    JSON.stringify([data.list, data.page, data.search]),
  );
  // The rows acted on may have left this view.
  const notice = useActionNotice(fetcher, clearSelection);

  const backfillRunning = data.backfill !== null && ["scheduled", "running", "rerun", "retry", "waiting"].includes(data.backfill.status);
  usePollWhile(backfillRunning, 3000);

  const current = LISTS.find((list) => list.id === data.list) ?? LISTS[0];
  const selectedIndex = LISTS.indexOf(current);
  const submitting = fetcher.state !== "idle";
  const markSelected = () => fetcher.submit({ intent: "mark", list: data.list, ids: selectedIds() }, { method: "post" });
  const progress = data.backfill?.progress;

  return (
    <Page
      title="Customers"
      primaryAction={{
        content: "Sync all customers",
        loading: submitting && fetcher.formData?.get("intent") === "sync-all",
        onAction: () => fetcher.submit({ intent: "sync-all" }, { method: "post" }),
      }}
      secondaryActions={[
        { content: "Match JOOR customers", url: "/app/customers/matching" },
        {
          content: "Download JOOR customer file",
          loading: files.busy === "/app/customers/export/joor",
          onAction: () => files.start("/app/customers/export/joor"),
        },
      ]}
    >
      <BlockStack gap="400">
        <ActionNotice {...notice} />
        {files.error && <Banner tone="critical">{files.error}</Banner>}
        {backfillRunning && (
          <Card>
            <BlockStack gap="200">
              <Text as="p">Syncing every tagged customer…</Text>
              {progress?.total ? (
                <ProgressBar progress={Math.round((100 * progress.done) / progress.total)} size="small" />
              ) : (
                <Text as="p" tone="subdued">
                  {progress ? `${progress.done} read so far` : "Waiting to start"}
                </Text>
              )}
            </BlockStack>
          </Card>
        )}
        {data.backfill?.status === "failed" && data.backfill.lastError && (
          <Banner tone="critical" title="Syncing all customers failed">
            {data.backfill.lastError}
          </Banner>
        )}
        <Card padding="0">
          <Tabs
            tabs={LISTS.map((list) => ({
              id: list.id,
              content: `${list.title} (${data.counts[list.id]})`,
              accessibilityLabel: `${list.title}: ${data.counts[list.id]} customers`,
            }))}
            selected={selectedIndex}
            onSelect={(index) => go({ list: LISTS[index].id, page: "" })}
          />
          <Box padding="300">
            <InlineStack gap="300" align="space-between" blockAlign="end" wrap>
              <Box minWidth="240px" width={smDown ? "100%" : undefined}>
                <SearchField label="Search" placeholder="Search by name, email or company" value={query} onChange={setQuery} />
              </Box>
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" tone="subdued">
                  {current.help}
                </Text>
                <Button
                  loading={files.busy === `/app/customers/export/${data.list}`}
                  onClick={() => files.start(`/app/customers/export/${data.list}`)}
                >
                  Download CSV
                </Button>
              </InlineStack>
            </InlineStack>
          </Box>
          <IndexTable
            condensed={smDown}
            resourceName={{ singular: "customer", plural: "customers" }}
            itemCount={data.rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            loading={navigation.state === "loading"}
            promotedBulkActions={[
              { content: data.list === "upload" ? "Upload selected" : "Update selected", onAction: markSelected, disabled: submitting },
            ]}
            emptyState={
              <EmptySearchResult
                title={data.search ? "No customers match" : data.list === "upload" ? "Nothing to upload" : "Nothing to update"}
                description={data.search ? "Try another name, email or company." : current.help}
                withIllustration
              />
            }
            headings={
              smDown
                ? [{ title: "Customer" }]
                : [{ title: "Customer" }, { title: "Company" }, { title: "Location" }, { title: "Status" }, { title: "Last error" }]
            }
            pagination={listPagination(data, go, "customers")}
          >
            {data.rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)}>
                <CustomerCells row={row} stacked={smDown} />
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="Customers" heading="The customers could not be loaded" />;
}
