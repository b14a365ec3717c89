/**
 * The bench's figures and their targets, and the one table they are printed in. A figure without a target
 * is context (the naive cost, the wall time); a figure with one is met or missed, and a miss is printed as
 * such, never left out.
 */

export interface Target {
  /** "min": the figure must be at least `value`; "max": at most. */
  kind: "min" | "max";
  value: number;
}

export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** How the figure was obtained, when the name alone does not say. */
  note?: string;
}

export type Verdict = "met" | "MISSED" | "";

export function verdictOf(figure: Figure): Verdict {
  if (!figure.target) return "";
  if (!Number.isFinite(figure.value)) return "MISSED";
  return (figure.target.kind === "min" ? figure.value >= figure.target.value : figure.value <= figure.target.value) ? "met" : "MISSED";
}

/** Three significant figures for small values, whole numbers with thousands separators for large ones. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(3)).toString();
}

function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return "";
  return `${target.kind === "min" ? "≥" : "≤"} ${formatValue(target.value)}${unit ? ` ${unit}` : ""}`;
}

/** The table: one row per figure, its value and unit, its target and whether it was met. */
export function formatTable(title: string, figures: Figure[]): string {
  const rows = figures.map((figure) => [
    figure.scenario,
    figure.name,
    `${formatValue(figure.value)}${figure.unit ? ` ${figure.unit}` : ""}`,
    formatTarget(figure.target, figure.unit),
    verdictOf(figure),
    figure.note ?? "",
  ]);
  const header = ["scenario", "figure", "value", "target", "", "note"];
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 2 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  const missed = figures.filter((figure) => verdictOf(figure) === "MISSED").length;
  const targets = figures.filter((figure) => figure.target).length;
  return [
    title,
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
    `${targets - missed} of ${targets} targets met${missed > 0 ? `, ${missed} MISSED` : ""}`,
  ].join("\n");
}

/** The figures as written by `--json FILE`. */
export function figuresJson(setup: Record<string, unknown>, figures: Figure[]): string {
  return JSON.stringify({ setup, figures: figures.map((figure) => ({ ...figure, verdict: verdictOf(figure) || undefined })) }, null, 2);
}

/** The p-th percentile (0–100) of `values`, nearest-rank; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
