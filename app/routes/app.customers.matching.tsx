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
  EmptyState,
  IndexTable,
  InlineStack,
  Modal,
  Page,
  ProgressBar,
  Spinner,
  Tabs,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { ActionNotice, useActionNotice, type ActionReply } from "~/components/action-notice";
import { listPagination } from "~/components/list-pagination";
import { RouteErrorPage } from "~/components/route-error-page";
import { SearchField } from "~/components/search-field";
import { useDebouncedSearch } from "~/components/use-debounced-search";
import { usePollWhile } from "~/components/use-poll-while";
import { useRowSelection } from "~/components/use-row-selection";
import { useSearchParamsUpdate } from "~/components/use-search-params-update";
import { Wrap } from "~/components/wrap";
import { startConnectionsDownload } from "~/customers/connections-download.server";
import { MatchReason, type ShopifyCustomerFacts } from "~/customers/matching";
import {
  confirmConnection,
  interactiveServices,
  queueBestCandidates,
  queueCreateCustomers,
  queueExactEmailMatches,
} from "~/customers/matching-decisions.server";
import { loadMatchingPage, type ConnectionView, type TaskSummary } from "~/customers/matching-page.server";
import { searchShopifyCustomers } from "~/customers/matching-search.server";
import { isMatchingView, MATCHING_VIEWS, type MatchingView } from "~/customers/matching-views";
import { setSkipped } from "~/customers/matching-store.server";
import { authenticate } from "~/shopify.server";
import { errorMessage } from "~/sync/errors";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const customerSearch = url.searchParams.get("customerSearch")?.trim();
  if (customerSearch !== undefined) {
    if (!customerSearch) return json({ kind: "search" as const, customers: [] as ShopifyCustomerFacts[], error: null });
    try {
      const admin = await interactiveServices.admin(session.shop);
      return json({ kind: "search" as const, customers: await searchShopifyCustomers(admin, customerSearch), error: null });
    } catch (error) {
      return json({ kind: "search" as const, customers: [] as ShopifyCustomerFacts[], error: errorMessage(error) });
    }
  }
  const view = url.searchParams.get("view");
  const page = await loadMatchingPage(session.shop, {
    view: isMatchingView(view) ? view : "open",
    search: url.searchParams.get("q") ?? "",
    page: Number(url.searchParams.get("page")) || 1,
  });
  return json({ kind: "page" as const, ...page });
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const ids = form.getAll("ids").filter((id): id is string => typeof id === "string" && id !== "");
  const reply = (body: ActionReply, status = 200) => json(body, { status });
  switch (form.get("intent")) {
    case "download":
      await startConnectionsDownload(shop);
      return reply({ ok: true, message: "Downloading the JOOR connections." });
    case "confirm": {
      const result = await confirmConnection(shop, String(form.get("id") ?? ""), String(form.get("gid") ?? ""));
      return result.ok ? reply({ ok: true, message: "Linked. The customer will be kept in sync with JOOR." }) : reply(result, 422);
    }
    case "confirm-emails": {
      const count = await queueExactEmailMatches(shop);
      return reply({ ok: true, message: count ? `Linking ${plural(count, "connection", "connections")} by email.` : "No exact-email matches to confirm." });
    }
    case "confirm-selected": {
      const count = await queueBestCandidates(shop, ids);
      return reply({ ok: true, message: `Linking ${plural(count, "connection", "connections")} to their best match.` });
    }
    case "create": {
      const count = await queueCreateCustomers(shop, ids);
      return reply({ ok: true, message: `Creating ${plural(count, "Shopify customer", "Shopify customers")}.` });
    }
    case "skip":
      return reply({ ok: true, message: `Skipped ${plural(await setSkipped(shop, ids, true), "connection", "connections")}.` });
    case "unskip":
      return reply({ ok: true, message: `${plural(await setSkipped(shop, ids, false), "connection", "connections")} back to decide.` });
    default:
      return reply({ ok: false, message: "Unknown action" }, 400);
  }
};

const VIEW_TITLES: Record<MatchingView, string> = { open: "To decide", skipped: "Skipped", linked: "Linked" };

const REASON_TONE: Record<string, "success" | "info" | undefined> = {
  [MatchReason.email]: "success",
  [MatchReason.companyCity]: "info",
};

const LINK_SOURCES: Record<string, string> = {
  code: "Customer code was already the Shopify id",
  confirmed: "Confirmed",
  created: "Created in Shopify",
};

function active(task: TaskSummary | null): boolean {
  return task !== null && ["scheduled", "running", "rerun", "retry"].includes(task.status);
}

function TaskCard({ task, title, unit }: { task: TaskSummary; title: string; unit: string }) {
  const { progress } = task;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Spinner size="small" accessibilityLabel={title} />
          <Text as="p">{title}</Text>
        </InlineStack>
        {progress?.total ? (
          <>
            <ProgressBar progress={Math.round((100 * progress.done) / progress.total)} size="small" />
            <Text as="p" tone="subdued">{`${progress.done} of ${progress.total} ${unit}`}</Text>
          </>
        ) : (
          <Text as="p" tone="subdued">
            {progress ? `${progress.done} ${unit} so far` : "Starting…"}
          </Text>
        )}
        {task.status === "retry" && task.lastError && (
          <Text as="p" tone="caution">{`Waiting to try again: ${task.lastError}`}</Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** Buttons inside a selectable row must not toggle the row's checkbox. */
function RowActions({ children }: { children: ReactNode }) {
  return <div onClick={(event) => event.stopPropagation()}>{children}</div>;
}

function ConnectionCell({ row }: { row: ConnectionView }) {
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {row.name}
      </Text>
      {row.contactName && <Text as="span">{row.contactName}</Text>}
      {row.email && (
        <Text as="span" tone="subdued">
          {row.email}
        </Text>
      )}
      <Text as="span" tone="subdued">
        {[[row.city, row.country].filter(Boolean).join(", "), row.customerCode && `Code ${row.customerCode}`].filter(Boolean).join(" · ")}
      </Text>
    </BlockStack>
  );
}

function CandidatesCell({ row, busy, onConfirm }: { row: ConnectionView; busy: boolean; onConfirm: (gid: string) => void }) {
  if (row.status === "linked") {
    return (
      <BlockStack gap="050">
        <Text as="span">{`Shopify customer ${row.linkedCustomerId}`}</Text>
        <Text as="span" tone="subdued">
          {LINK_SOURCES[row.linkSource ?? ""] ?? ""}
        </Text>
      </BlockStack>
    );
  }
  if (!row.searched) return <Text as="span" tone="subdued">Not searched yet</Text>;
  if (row.candidates.length === 0) return <Text as="span" tone="subdued">No likely Shopify customer</Text>;
  return (
    <BlockStack gap="200">
      {row.candidates.map((candidate) => (
        <InlineStack key={candidate.gid} gap="200" blockAlign="center" wrap>
          <BlockStack gap="050">
            <Text as="span">{candidate.name}</Text>
            <Text as="span" tone="subdued">
              {[candidate.email, candidate.company, candidate.city].filter(Boolean).join(" · ")}
            </Text>
          </BlockStack>
          <Badge tone={REASON_TONE[candidate.reason]}>{candidate.reason}</Badge>
          {row.status !== "queued" && (
            <RowActions>
              <Button size="slim" disabled={busy} onClick={() => onConfirm(candidate.gid)}>
                Confirm
              </Button>
            </RowActions>
          )}
        </InlineStack>
      ))}
    </BlockStack>
  );
}

function ActionsCell({
  row,
  busy,
  onPick,
  submit,
}: {
  row: ConnectionView;
  busy: boolean;
  onPick: () => void;
  submit: (intent: string, fields: Record<string, string | string[]>) => void;
}) {
  return (
    <BlockStack gap="100">
      {row.status === "queued" && <Badge tone="info">{row.pending === "create" ? "Creating in Shopify…" : "Linking…"}</Badge>}
      {row.lastError && (
        <Text as="span" tone="critical">
          {row.lastError}
        </Text>
      )}
      <RowActions>
        <InlineStack gap="100" wrap>
          {row.status === "unmatched" && (
            <>
              <Button size="slim" onClick={onPick}>
                Pick another…
              </Button>
              <Button size="slim" disabled={busy} onClick={() => submit("create", { ids: [row.id] })}>
                Create in Shopify
              </Button>
              <Button size="slim" variant="plain" disabled={busy} onClick={() => submit("skip", { ids: [row.id] })}>
                Skip
              </Button>
            </>
          )}
          {row.status === "skipped" && (
            <Button size="slim" disabled={busy} onClick={() => submit("unskip", { ids: [row.id] })}>
              Undo skip
            </Button>
          )}
        </InlineStack>
      </RowActions>
    </BlockStack>
  );
}

interface SearchReply {
  kind: "search";
  customers: ShopifyCustomerFacts[];
  error: string | null;
}

function PickCustomerModal({ row, onClose, onPick }: { row: ConnectionView | null; onClose: () => void; onPick: (gid: string) => void }) {
  const [query, setQuery] = useState("");
  const search = useFetcher<SearchReply>();
  const { load } = search;
  useEffect(() => {
    if (row) setQuery(row.email ?? row.name);
  }, [row]);
  useEffect(() => {
    if (!row || !query.trim()) return;
    const timer = setTimeout(() => load(`/app/customers/matching?customerSearch=${encodeURIComponent(query.trim())}`), 300);
    return () => clearTimeout(timer);
  }, [row, query, load]);
  const results = search.data?.customers ?? [];
  return (
    <Modal open={row !== null} onClose={onClose} title={row ? `Link ${row.name} to a Shopify customer` : ""}>
      <Modal.Section>
        <BlockStack gap="300">
          <TextField label="Search Shopify customers" value={query} onChange={setQuery} autoComplete="off" helpText="Name, email or any of Shopify's customer search terms" />
          {search.state === "loading" && <Spinner size="small" accessibilityLabel="Searching" />}
          {search.data?.error && <Banner tone="critical">{search.data.error}</Banner>}
          {search.state === "idle" && search.data && !search.data.error && results.length === 0 && (
            <Text as="p" tone="subdued">
              No Shopify customer found.
            </Text>
          )}
          {results.map((customer) => (
            <InlineStack key={customer.gid} align="space-between" blockAlign="center" gap="200" wrap>
              <BlockStack gap="050">
                <Text as="span">{customer.displayName}</Text>
                <Text as="span" tone="subdued">
                  {[customer.email, customer.addresses[0]?.company, customer.addresses[0]?.city].filter(Boolean).join(" · ")}
                </Text>
              </BlockStack>
              <Button onClick={() => onPick(customer.gid)}>Link</Button>
            </InlineStack>
          ))}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

export default function Matching() {
  const data = useLoaderData<typeof loader>();
  if (data.kind !== "page") throw new Error("The matching page was loaded as a search");
  return <MatchingScreen data={data} />;
}

type PageData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "page" }>;

function MatchingScreen({ data }: { data: PageData }) {
  const go = useSearchParamsUpdate();
  const navigation = useNavigation();
  const fetcher = useFetcher<ActionReply>();
  const { smDown } = useBreakpoints();
  const [query, setQuery] = useDebouncedSearch(data.search, go);
  const [picking, setPicking] = useState<ConnectionView | null>(null);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection, selectedIds } = useRowSelection(
    data.rows,
    JSON.stringify([data.view, data.page, data.search]),
  );
  // The rows acted on may have left this view.
  const notice = useActionNotice(fetcher, clearSelection);

  usePollWhile(active(data.download) || active(data.apply), 2000);

  const busy = fetcher.state !== "idle";
  const submit = (intent: string, fields: Record<string, string | string[]> = {}) =>
    fetcher.submit({ intent, ...fields }, { method: "post" });
  const downloading = active(data.download);
  const nothingDownloaded = data.counts.open + data.counts.skipped + data.counts.linked === 0;

  const bulkActions =
    data.view === "open"
      ? [
          { content: "Confirm best match", onAction: () => submit("confirm-selected", { ids: selectedIds() }) },
          { content: "Create in Shopify", onAction: () => submit("create", { ids: selectedIds() }) },
          { content: "Skip", onAction: () => submit("skip", { ids: selectedIds() }) },
        ]
      : data.view === "skipped"
        ? [{ content: "Undo skip", onAction: () => submit("unskip", { ids: selectedIds() }) }]
        : [];

  return (
    <Page
      title="Match JOOR customers"
      backAction={{ content: "Customers", url: "/app/customers" }}
      primaryAction={{ content: "Download JOOR connections", disabled: downloading, loading: busy && fetcher.formData?.get("intent") === "download", onAction: () => submit("download") }}
      secondaryActions={[
        {
          content: `Confirm all exact-email matches (${data.counts.emailMatches})`,
          disabled: data.counts.emailMatches === 0 || busy,
          onAction: () => submit("confirm-emails"),
        },
      ]}
    >
      <BlockStack gap="400">
        <ActionNotice {...notice} />
        {downloading && data.download && (
          <TaskCard
            task={data.download}
            title={data.download.phase === "match" ? "Finding the Shopify customers for each connection…" : "Downloading connections from JOOR…"}
            unit="connections"
          />
        )}
        {active(data.apply) && data.apply && <TaskCard task={data.apply} title="Applying your decisions…" unit="decisions" />}
        {data.download?.status === "failed" && (
          <Banner tone="critical" title="Downloading the JOOR connections failed">
            {data.download.lastError}
          </Banner>
        )}
        {nothingDownloaded && !downloading ? (
          <Card>
            <EmptyState
              heading="Link the retailers already in JOOR"
              action={{ content: "Download JOOR connections", onAction: () => submit("download"), loading: busy }}
              image=""
            >
              <p>
                Download your JOOR connections to see each one beside the Shopify customers it may be. Confirming a match writes the
                customer's Shopify id as the connection's customer code in JOOR.
              </p>
            </EmptyState>
          </Card>
        ) : (
          <Card padding="0">
            <Tabs
              tabs={MATCHING_VIEWS.map((view) => ({ id: view, content: `${VIEW_TITLES[view]} (${data.counts[view]})` }))}
              selected={MATCHING_VIEWS.indexOf(data.view)}
              onSelect={(index) => go({ view: MATCHING_VIEWS[index], page: "" })}
            />
            <Box padding="300">
              <SearchField label="Search connections" placeholder="Search by name, email or customer code" value={query} onChange={setQuery} />
            </Box>
            <IndexTable
              condensed={smDown}
              selectable={bulkActions.length > 0}
              resourceName={{ singular: "connection", plural: "connections" }}
              itemCount={data.rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              loading={navigation.state === "loading"}
              promotedBulkActions={bulkActions}
              emptyState={
                <EmptySearchResult
                  title={data.search ? "No connections match" : `Nothing ${VIEW_TITLES[data.view].toLowerCase()}`}
                  description={data.search ? "Try another name, email or code." : ""}
                  withIllustration
                />
              }
              headings={smDown ? [{ title: "JOOR connection" }] : [{ title: "JOOR connection" }, { title: "Shopify candidates" }, { title: "Actions" }]}
              pagination={listPagination(data, go, "connections")}
            >
              {data.rows.map((row, index) => {
                const candidates = <CandidatesCell row={row} busy={busy} onConfirm={(gid) => submit("confirm", { id: row.id, gid })} />;
                const actions = <ActionsCell row={row} busy={busy} onPick={() => setPicking(row)} submit={submit} />;
                return (
                  <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)}>
                    {smDown ? (
                      // A narrow screen stacks the three columns in one cell instead of scrolling sideways.
                      <IndexTable.Cell>
                        <Wrap>
                          <BlockStack gap="300">
                            <ConnectionCell row={row} />
                            {candidates}
                            {actions}
                          </BlockStack>
                        </Wrap>
                      </IndexTable.Cell>
                    ) : (
                      <>
                        <IndexTable.Cell>
                          <Wrap>
                            <ConnectionCell row={row} />
                          </Wrap>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Wrap>{candidates}</Wrap>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Wrap>{actions}</Wrap>
                        </IndexTable.Cell>
                      </>
                    )}
                  </IndexTable.Row>
                );
              })}
            </IndexTable>
          </Card>
        )}
      </BlockStack>
      <PickCustomerModal
        row={picking}
        onClose={() => setPicking(null)}
        onPick={(gid) => {
          if (picking) submit("confirm", { id: picking.id, gid });
          setPicking(null);
        }}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return (
    <RouteErrorPage
      title="Match JOOR customers"
      heading="The JOOR connections could not be loaded"
      backAction={{ content: "Customers", url: "/app/customers" }}
    />
  );
}
