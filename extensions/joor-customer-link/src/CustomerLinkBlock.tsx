/** @jsxImportSource preact */
// The pragma keeps this file Preact's when the app's own tsconfig (React JSX) checks the whole repository too.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { BLOCK_ROUTES, type CustomerBlockData, type CustomerLinkState } from "../../shared/block-data";
import { BlockFrame } from "../../shared/block-frame";
import { useBlockData } from "../../shared/use-block-data";

export default async () => {
  render(<CustomerLinkBlock />, document.body);
};

const STATES: Record<CustomerLinkState, { label: string; tone: "success" | "info" | "warning" | "critical" | "neutral" }> = {
  synced: { label: "Linked to JOOR", tone: "success" },
  pending_validation: { label: "Waiting for JOOR's validation", tone: "info" },
  syncing: { label: "Syncing to JOOR", tone: "info" },
  failed: { label: "Sync failed", tone: "critical" },
  stopped: { label: "No longer synced", tone: "warning" },
  not_linked: { label: "Not linked to JOOR", tone: "neutral" },
};

function CustomerLinkBlock() {
  const load = useBlockData<CustomerBlockData>(BLOCK_ROUTES.customer, shopify.data.selected[0]?.id);
  return <BlockFrame load={load}>{(data) => <CustomerLink data={data} />}</BlockFrame>;
}

function CustomerLink({ data }: { data: CustomerBlockData }) {
  const state = STATES[data.state];
  const when = data.lastSyncedAt ? shopify.i18n.formatDate(new Date(data.lastSyncedAt), { dateStyle: "medium", timeStyle: "short" }) : "never";
  return (
    <s-stack direction="block" gap="small">
      <s-badge tone={state.tone}>{state.label}</s-badge>
      {data.customerCode && <s-text>{`Customer code: ${data.customerCode}`}</s-text>}
      <s-text color="subdued">{`Last sync: ${when}`}</s-text>
      {data.message && <s-text color="subdued">{data.message}</s-text>}
      {data.state === "not_linked" && (
        <s-paragraph>If this retailer already buys from you on JOOR, link the two on the matching screen.</s-paragraph>
      )}
      <s-link href={`app:${data.matchingPath}`}>Match JOOR customers</s-link>
    </s-stack>
  );
}
