/**
 * Onboarding's steps over the settings form (the same values, parser and save as the settings page), and how
 * the first sync reads to a merchant. Pure and free of server imports: the page's bundle uses it.
 */
import { FLOW_FIELDS, type FieldErrors, type SettingsField, type SettingsFormValues } from "~/settings/form-fields";

export type FlowField = (typeof FLOW_FIELDS)[number];

export const CONNECTION_FIELDS = ["joorEnvironment", "joorAccountId", "v2Token", "v4ClientId", "v4ClientSecret", "v4Username", "v4Password"] as const;
export const TAG_FIELDS = ["customerTags", "productTag", "collectionTagPrefix"] as const;

export const ONBOARDING_STEPS = [
  { key: "connect", title: "Connect JOOR", fields: CONNECTION_FIELDS as readonly SettingsField[] },
  { key: "flows", title: "Choose what to sync", fields: FLOW_FIELDS as readonly SettingsField[] },
  { key: "tags", title: "Choose tags", fields: TAG_FIELDS as readonly SettingsField[] },
  { key: "start", title: "Start the first sync", fields: [] as readonly SettingsField[] },
] as const;

export const LAST_STEP = ONBOARDING_STEPS.length - 1;

/** Inventory and orders find their SKUs through the catalog sync. */
const NEEDS_CATALOG: readonly FlowField[] = ["inventoryEnabled", "ordersEnabled"];

/**
 * Turns one flow on or off, keeping the catalog rule: turning inventory or orders on turns the catalog on, and
 * turning the catalog off turns them off.
 */
export function switchFlow(values: SettingsFormValues, field: FlowField, on: boolean): SettingsFormValues {
  const next = { ...values, [field]: on };
  if (on && NEEDS_CATALOG.includes(field)) next.catalogEnabled = true;
  if (!on && field === "catalogEnabled") for (const dependent of NEEDS_CATALOG) next[dependent] = false;
  return next;
}

export function anyFlowOn(values: SettingsFormValues): boolean {
  return FLOW_FIELDS.some((field) => values[field]);
}

/**
 * The step to return to after a refused save: the first one showing a field with an error. An error on a field
 * onboarding does not show is reported on the last step (see otherErrors). Null when there is no error.
 */
export function stepOfFirstError(errors: FieldErrors): number | null {
  const fields = Object.keys(errors) as SettingsField[];
  if (fields.length === 0) return null;
  const index = ONBOARDING_STEPS.findIndex((step) => step.fields.some((field) => fields.includes(field)));
  return index === -1 ? LAST_STEP : index;
}

/** Errors on fields no step shows (options left at their defaults), to list on the last step. */
export function otherErrors(errors: FieldErrors): Array<[SettingsField, string]> {
  const shown = new Set<SettingsField>(ONBOARDING_STEPS.flatMap((step) => [...step.fields]));
  return (Object.entries(errors) as Array<[SettingsField, string]>).filter(([field]) => !shown.has(field));
}

/** The part of a dashboard flow (loadOverview) the first-sync view reads. */
export interface FlowProgress {
  key: string;
  title: string;
  enabled: boolean;
  counts: { synced: number; pending: number; failed: number; stopped: number };
  tasks: Array<{ kind: string; title: string; status: string; running: boolean; progress: { done: number; total: number | null } | null; lastError: string | null }>;
}

/**
 * Where the first sync stands:
 * - off: no flow is on; synced: at least one record reached JOOR; failed: a full sync failed, or records failed
 *   and none synced; running: a full sync is still on its way; pending: records are on their way (customers
 *   also wait for JOOR's validation); nothing-tagged: everything ran and nothing carried the tags.
 */
export type FirstSyncPhase = "off" | "synced" | "failed" | "running" | "pending" | "nothing-tagged";

const FINISHED_TASK = ["done", "failed"];

export function firstSyncPhase(flows: FlowProgress[]): FirstSyncPhase {
  const enabled = flows.filter((flow) => flow.enabled);
  if (enabled.length === 0) return "off";
  const total = (group: keyof FlowProgress["counts"]) => enabled.reduce((sum, flow) => sum + flow.counts[group], 0);
  const tasks = enabled.flatMap((flow) => flow.tasks);
  if (total("synced") > 0) return "synced";
  if (tasks.some((task) => task.status === "failed")) return "failed";
  if (tasks.some((task) => !FINISHED_TASK.includes(task.status))) return "running";
  if (total("pending") > 0) return "pending";
  if (total("failed") > 0) return "failed";
  return "nothing-tagged";
}

/** Phases in which the page keeps reading the progress. */
export function firstSyncUnderWay(phase: FirstSyncPhase): boolean {
  return phase === "running" || phase === "pending";
}
