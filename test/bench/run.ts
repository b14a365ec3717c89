/**
 * `npm run bench`: the app's real code over loopback HTTP against the fakes, each scenario in its own process
 * on a fresh database, then one table of every figure beside its target.
 *
 *   npm run bench                              SQLite, the embedded default: one process, the worker inside it
 *   npm run bench -- --postgres --workers 4    PostgreSQL (a throwaway server), the web server and 4 worker processes
 *   npm run bench -- --json figures.json       also write the figures as JSON
 *   npm run bench -- --only intake,orders      some scenarios only
 *
 * Logs of the app's processes go to test-results/bench-<time>/. A scenario that fails prints its error and
 * counts as a missed target.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { figuresJson, formatTable, type Figure } from "./figures";
import { SCENARIOS } from "./scenario";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** A scenario that has not finished by then is stopped and reported as failed. */
const SCENARIO_TIMEOUT_MS = 20 * 60_000;

interface Arguments {
  postgres: boolean;
  workers: number;
  json: string | null;
  only: string[];
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { postgres: false, workers: 0, json: null, only: Object.keys(SCENARIOS) };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--postgres") parsed.postgres = true;
    else if (flag === "--workers") {
      parsed.workers = Number(value());
      if (!Number.isInteger(parsed.workers) || parsed.workers < 0) throw new Error("--workers must be a whole number ≥ 0");
    } else if (flag === "--json") parsed.json = path.resolve(value());
    else if (flag === "--only") {
      parsed.only = value().split(",");
      const unknown = parsed.only.filter((name) => !SCENARIOS[name]);
      if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(", ")}`);
    } else throw new Error(`Unknown option ${flag}`);
  }
  return parsed;
}

function adminUrl(databaseUrl: string): string {
  return Object.assign(new URL(databaseUrl), { pathname: "/postgres" }).toString();
}

/** A fresh database for one scenario: its own SQLite file, or a copy of the migrated PostgreSQL database. */
async function scenarioDatabase(name: string, postgres: boolean, logDir: string): Promise<string> {
  if (!postgres) {
    const url = `file:${path.join(logDir, `${name}.sqlite`)}`;
    const migrate = spawnSync(process.execPath, [path.join(ROOT, "scripts/prisma.mjs"), "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (migrate.status !== 0) throw new Error("Database migration failed");
    return url;
  }
  const template = new URL(process.env.DATABASE_URL ?? "");
  const database = `bench_${name}`;
  const admin = new pg.Client({ connectionString: adminUrl(template.toString()) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${template.pathname.slice(1)}"`);
  } finally {
    await admin.end();
  }
  return Object.assign(new URL(template), { pathname: `/${database}` }).toString();
}

/** A scenario's database once it has passed: only a failed one is kept to be read. */
async function dropDatabase(databaseUrl: string): Promise<void> {
  if (databaseUrl.startsWith("file:")) {
    const file = databaseUrl.slice("file:".length);
    await Promise.all(["", "-wal", "-shm"].map((suffix) => rm(`${file}${suffix}`, { force: true })));
    return;
  }
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}"`);
  } finally {
    await admin.end();
  }
}

function runScenario(name: string, env: NodeJS.ProcessEnv, outFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test/bench/scenario.ts"), name, outFile], {
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), SCENARIO_TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`exited with ${signal ?? `code ${code}`}`));
    });
  });
}

function processes(workers: number): string {
  return workers === 0 ? "one process (web server with the worker inside)" : `1 web + ${workers} worker process(es)`;
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (args.postgres && !(process.env.DATABASE_URL ?? "").startsWith("postgres")) {
    // A throwaway PostgreSQL server for the run; this script runs again inside it.
    const again = spawnSync(process.execPath, [path.join(ROOT, "scripts/with-postgres.mjs"), process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
    });
    return again.status ?? 1;
  }

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logDir = path.resolve(ROOT, "test-results", `bench-${stamp}`);
  await mkdir(logDir, { recursive: true });
  const setup = {
    database: args.postgres ? "PostgreSQL" : "SQLite",
    webProcesses: 1,
    workerProcesses: args.workers,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
  };
  console.log(`Bench on ${setup.database}: ${processes(args.workers)}, ${setup.cpus} CPUs; logs in ${path.relative(ROOT, logDir)}`);

  const figures: Figure[] = [];
  for (const name of args.only) {
    const started = Date.now();
    console.log(`\n== ${name}`);
    const outFile = path.join(logDir, `${name}.figures.json`);
    try {
      const databaseUrl = await scenarioDatabase(name, args.postgres, logDir);
      await runScenario(name, { ...process.env, DATABASE_URL: databaseUrl, BENCH_WORKERS: String(args.workers), BENCH_LOG_DIR: path.join(logDir, name) }, outFile);
      const measured = JSON.parse(await readFile(outFile, "utf8")) as Figure[];
      await dropDatabase(databaseUrl);
      for (const figure of measured) console.log(`  ${figure.name}: ${figure.value} ${figure.unit}`);
      figures.push(...measured);
    } catch (error) {
      console.error(`  ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      figures.push({ scenario: name, name: "scenario completed", value: Number.NaN, unit: "", target: { kind: "min", value: 1 }, note: "failed; see the log above" });
    }
    console.log(`  (${Math.round((Date.now() - started) / 1000)} s)`);
  }

  const title = `joor-sync bench — ${setup.database}, ${processes(args.workers)}, ${setup.cpus} CPUs, Node ${setup.node}`;
  console.log(`\n${formatTable(title, figures)}`);
  if (args.json) await writeFile(args.json, figuresJson(setup, figures));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
