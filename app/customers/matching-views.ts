/** The matching screen's views (tabs); shared by the page's loader and its component. */
export const MATCHING_VIEWS = ["open", "skipped", "linked"] as const;
export type MatchingView = (typeof MATCHING_VIEWS)[number];

export function isMatchingView(value: unknown): value is MatchingView {
  return MATCHING_VIEWS.includes(value as MatchingView);
}
