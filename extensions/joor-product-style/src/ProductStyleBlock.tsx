/** @jsxImportSource preact */
// The pragma keeps this file Preact's when the app's own tsconfig (React JSX) checks the whole repository too.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { BLOCK_ROUTES, type ProductBlockData, type StyleState } from "../../shared/block-data";
import { BlockFrame } from "../../shared/block-frame";
import { useBlockData } from "../../shared/use-block-data";

export default async () => {
  render(<ProductStyleBlock />, document.body);
};

const STATES: Record<StyleState, { label: string; tone: "success" | "info" | "warning" | "critical" | "neutral" }> = {
  synced: { label: "In JOOR", tone: "success" },
  syncing: { label: "Syncing to JOOR", tone: "info" },
  failed: { label: "Sync failed", tone: "critical" },
  stopped: { label: "No longer synced", tone: "warning" },
  not_synced: { label: "Not in JOOR", tone: "neutral" },
};

function ProductStyleBlock() {
  const load = useBlockData<ProductBlockData>(BLOCK_ROUTES.product, shopify.data.selected[0]?.id);
  return <BlockFrame load={load}>{(data) => <ProductStyle data={data} />}</BlockFrame>;
}

function ProductStyle({ data }: { data: ProductBlockData }) {
  const state = STATES[data.state];
  const when = data.lastSyncedAt ? shopify.i18n.formatDate(new Date(data.lastSyncedAt), { dateStyle: "medium", timeStyle: "short" }) : "never";
  const problems = [...data.skuErrors, ...data.warnings];
  return (
    <s-stack direction="block" gap="small">
      <s-stack direction="inline" gap="small-200">
        <s-badge tone={state.tone}>{state.label}</s-badge>
        {data.madeToOrder && <s-badge>Made to order</s-badge>}
      </s-stack>
      {data.styleNumber && <s-text>{`Style number: ${data.styleNumber}`}</s-text>}
      <s-text>{data.linesheets.length > 0 ? `Linesheets: ${data.linesheets.join(", ")}` : "On no linesheet"}</s-text>
      <s-text color="subdued">{`Last sync: ${when}`}</s-text>
      {data.message && <s-text color="subdued">{data.message}</s-text>}
      {data.state === "not_synced" && <s-paragraph>Add the product tag chosen in the app's settings to send this product to JOOR.</s-paragraph>}
      {problems.length > 0 && (
        <s-unordered-list>
          {problems.map((problem) => (
            <s-list-item key={problem}>{problem}</s-list-item>
          ))}
        </s-unordered-list>
      )}
    </s-stack>
  );
}
