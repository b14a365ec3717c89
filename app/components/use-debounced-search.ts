import { useEffect, useState } from "react";
import type { SearchParamsUpdate } from "./use-search-params-update";

/**
 * A list's search box: the typed text becomes the URL's `q` (back on page one) once typing pauses for
 * `delayMs`. `applied` is the search the loader answered with.
 */
export function useDebouncedSearch(applied: string, update: SearchParamsUpdate, delayMs = 300): [string, (query: string) => void] {
  const [query, setQuery] = useState(applied);
  useEffect(() => {
    if (query === applied) return;
    const timer = setTimeout(() => update({ q: query, page: "" }), delayMs);
    return () => clearTimeout(timer);
    // Only the typed query restarts the wait.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);
  return [query, setQuery];
}
