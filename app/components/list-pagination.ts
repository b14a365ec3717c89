import type { SearchParamsUpdate } from "./use-search-params-update";

/** IndexTable pagination over a loader's page of a list, moving through the URL's `page` parameter. */
export function listPagination(list: { page: number; pageCount: number; total: number }, update: SearchParamsUpdate, noun: string) {
  return {
    hasPrevious: list.page > 1,
    hasNext: list.page < list.pageCount,
    onPrevious: () => update({ page: String(list.page - 1) }),
    onNext: () => update({ page: String(list.page + 1) }),
    label: `Page ${list.page} of ${list.pageCount} · ${list.total} ${noun}`,
  };
}
