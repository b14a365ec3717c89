/** @jsxImportSource preact */
// The pragma keeps this file Preact's when the app's own tsconfig (React JSX) checks the whole repository too.
import type { ComponentChildren } from "preact";
import type { BlockLoad } from "./use-block-data";

/** A block's loading and error states around the content it shows once its data is in. */
export function BlockFrame<T>({ load, children }: { load: BlockLoad<T>; children: (data: T) => ComponentChildren }) {
  return (
    <s-admin-block heading="JOOR">
      {load.status === "loading" && <s-spinner accessibilityLabel="Loading the JOOR sync state" />}
      {load.status === "error" && (
        <s-banner tone="critical" heading="The JOOR sync state could not be loaded">
          <s-text>{load.message}</s-text>
        </s-banner>
      )}
      {load.status === "ready" && children(load.data)}
    </s-admin-block>
  );
}
