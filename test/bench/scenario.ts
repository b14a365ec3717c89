/**
 * One bench scenario in a process of its own: `tsx test/bench/scenario.ts <name> <figures.json>`, with
 * DATABASE_URL naming the scenario's fresh, migrated database and BENCH_WORKERS the number of worker
 * processes. Writes the scenario's figures to the file; run.ts prints them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import type { Figure } from "./figures";

export interface ScenarioContext {
  /** Where the app's processes write their logs. */
  logDir: string;
  /** `npm run worker` processes to run beside the web server; 0: the worker runs inside it. */
  workers: number;
  postgres: boolean;
}

export type Scenario = (context: ScenarioContext) => Promise<Figure[]>;

/** Loaded on demand: a scenario's modules import the app, which reads DATABASE_URL when first loaded. */
export const SCENARIOS: Record<string, () => Promise<Scenario>> = {
  intake: async () => (await import("./intake")).intake,
  efficiency: async () => (await import("./efficiency")).efficiency,
  freshness: async () => (await import("./freshness")).freshness,
  backfill: async () => (await import("./backfill")).backfill,
  orders: async () => (await import("./orders")).orders,
};

async function main(): Promise<void> {
  const [name, outFile] = process.argv.slice(2);
  const load = SCENARIOS[name];
  if (!load || !outFile) throw new Error(`usage: scenario.ts <${Object.keys(SCENARIOS).join("|")}> <figures.json>`);
  const scenario = await load();
  const logDir = process.env.BENCH_LOG_DIR ?? "test-results";
  await mkdir(logDir, { recursive: true });
  const figures = await scenario({
    logDir,
    workers: Number(process.env.BENCH_WORKERS ?? 0),
    postgres: (process.env.DATABASE_URL ?? "").startsWith("postgres"),
  });
  await writeFile(outFile, JSON.stringify(figures));
}

const isEntry = process.argv[1]?.endsWith("scenario.ts");
if (isEntry) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
