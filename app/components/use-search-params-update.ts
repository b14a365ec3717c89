import { useSearchParams } from "@remix-run/react";

/** Sets the named URL search parameters; an empty value removes its parameter. */
export type SearchParamsUpdate = (changes: Record<string, string>) => void;

/** Navigates to the current URL with some search parameters changed and every other one kept. */
export function useSearchParamsUpdate(): SearchParamsUpdate {
  const [params, setParams] = useSearchParams();
  return (changes) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
}
