import type { ShouldRevalidateFunction } from "@remix-run/react";

/**
 * After a post of the settings form, the page reloads its data only when something was saved: a connection
 * test and a refused save change nothing stored, and reloading would put the stored values back over what the
 * merchant typed, next to the errors about it.
 */
export const settingsShouldRevalidate: ShouldRevalidateFunction = ({ formData, actionStatus, defaultShouldRevalidate }) => {
  if (formData?.get("intent") === "test") return false;
  if (actionStatus !== undefined && actionStatus >= 400) return false;
  return defaultShouldRevalidate;
};
