/** The fault run's figures as a table, and whether the run passed. */
import type { Verdict } from "./verify";
import type { FaultCounts } from "./world";

/** The database and the app's processes the day ran against. */
export interface Setup {
  database: "SQLite" | "PostgreSQL";
  webProcesses: number;
  workers: number;
}

export interface RunFigures {
  setup: Setup;
  faults: FaultCounts & { workerKills: number; webKills: number };
  /** With several web processes: the requests each answered through the forwarder, and its 502s. */
  forwarded?: { answered: number[]; failed: number };
  verdict: Verdict;
  /** Work the app had not finished when the catch-up time ran out. */
  outstanding: string[];
  /** Records and orders the app gave up on, with its reasons. */
  givenUp: string[];
  /** App processes that exited on their own (not killed by the run). */
  exited: string[];
  wallMs: number;
}

const FAULT_LABELS: Array<[keyof RunFigures["faults"], string]> = [
  ["joor429", "JOOR 429 (rate limit)"],
  ["joor5xx", "JOOR 5xx"],
  ["joorTimeouts", "JOOR timeouts (no answer)"],
  ["joorLateReplies", "JOOR late replies (applied, answer lost)"],
  ["joorPartials", "JOOR partial bulk replies"],
  ["shopifyThrottled", "Shopify THROTTLED"],
  ["shopify5xx", "Shopify 5xx"],
  ["shopifyLostAnswers", "Shopify mutations applied, answer lost"],
  ["webhookDuplicates", "Webhook duplicates"],
  ["webhookReordered", "Webhooks out of order"],
  ["webhookRetries", "Webhook redeliveries"],
  ["workerKills", "Worker SIGKILLs"],
  ["webKills", "Web process SIGKILLs"],
];

const TRAFFIC_LABELS: Array<[keyof RunFigures["faults"], string]> = [
  ["joorRequests", "JOOR requests"],
  ["shopifyRequests", "Shopify Admin API requests"],
  ["webhookDeliveries", "Webhook deliveries"],
];

function rows(entries: Array<[string, number]>): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${String(value).padStart(6)}`);
}

function listed(title: string, items: string[], limit = 30): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, limit).map((item) => `  - ${item}`);
  return [`${title} (${items.length}):`, ...shown, ...(items.length > limit ? [`  … and ${items.length - limit} more`] : [])];
}

export function formatReport(figures: RunFigures): { text: string; passed: boolean } {
  const { verdict } = figures;
  const injected = FAULT_LABELS.map(([key, label]): [string, number] => [label, figures.faults[key]]);
  const checked = Object.entries(verdict.checked);
  const passed =
    verdict.lost.length === 0 &&
    verdict.duplicated.length === 0 &&
    verdict.unexpected.length === 0 &&
    figures.outstanding.length === 0 &&
    figures.exited.length === 0;
  const { setup, forwarded } = figures;
  const forwarding: Array<[string, number]> = forwarded
    ? [...forwarded.answered.map((count, index): [string, number] => [`Answered by web-${index + 1}`, count]), ["Forwarder 502s", forwarded.failed]]
    : [];
  const lines = [
    "",
    `Setup: ${setup.database}, ${setup.webProcesses} web process(es)${forwarded ? " behind a round-robin forwarder" : ""}, ${setup.workers} worker process(es)`,
    "",
    "Traffic",
    ...rows([...TRAFFIC_LABELS.map(([key, label]): [string, number] => [label, figures.faults[key]]), ...forwarding]),
    "",
    "Faults injected",
    ...rows([...injected, ["total", injected.reduce((sum, [, value]) => sum + value, 0)]]),
    "",
    "Records checked",
    ...rows([...checked, ["total", checked.reduce((sum, [, value]) => sum + value, 0)]]),
    "",
    "Outcome",
    ...rows([
      ["lost", verdict.lost.length],
      ["duplicated", verdict.duplicated.length],
      ["unexpected", verdict.unexpected.length],
      ["work left undone", figures.outstanding.length],
    ]),
    `  wall time  ${Math.round(figures.wallMs / 1000)} s`,
    "",
    ...listed("Lost", verdict.lost),
    ...listed("Duplicated", verdict.duplicated),
    ...listed("Unexpected", verdict.unexpected),
    ...listed("Work the app had not finished", figures.outstanding),
    ...listed("App processes that exited on their own", figures.exited),
    ...listed("Given up by the app", figures.givenUp),
    passed ? "PASS: nothing lost, nothing doubled" : "FAIL",
  ];
  return { text: lines.join("\n"), passed };
}
