import { useIndexResourceState } from "@shopify/polaris";
import { useEffect } from "react";

/**
 * IndexTable selection over the rows of one page, cleared whenever `view` (a key for the list, page and search
 * shown) changes. `selectedIds()` lists the ids acted on, also when "select all" is on.
 */
export function useRowSelection(rows: ReadonlyArray<{ id: string }>, view: string) {
  const selection = useIndexResourceState(rows as unknown as Array<{ [key: string]: unknown }>);
  const { clearSelection, allResourcesSelected, selectedResources } = selection;
  useEffect(() => clearSelection(), [view, clearSelection]);
  const selectedIds = () => (allResourcesSelected ? rows.map((row) => row.id) : selectedResources);
  return { ...selection, selectedIds };
}
