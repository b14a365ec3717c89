/**
 * `npm run test:e2e`: the browser tests. Starts a fresh sandbox (built by `npm run sandbox:build`) on a free port
 * with its own SQLite file, runs the scenarios in order in Chromium, writes screenshots to
 * test-results/e2e-<time>/ and lists them, then stops everything. Exits non-zero when a scenario fails, a page
 * throws, or a page is wider than the mobile admin.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CHROMIUM, openBrowser, type BrowserSession, type RequestTiming } from "./browser";
import { startSandbox, type RunningSandbox } from "./sandbox-process";
import { SCENARIOS } from "./scenarios";

/** The whole run, sandbox start included; a hung step ends the run instead of the CI job. */
const RUN_TIMEOUT_MS = 5 * 60_000;
/** Every page request is meant to answer within a second; slower ones are listed. */
const SLOW_REQUEST_MS = 1_000;

function slowest(timings: RequestTiming[]): string[] {
  return [...timings]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((timing) => `${timing.ms >= SLOW_REQUEST_MS ? "SLOW " : ""}${timing.ms} ms  ${timing.method} ${timing.path}`);
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/** Set while the sandbox runs, so that a run cut short by the deadline still stops it. */
let sandbox: RunningSandbox | null = null;

async function main(): Promise<number> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (the CI script does)`);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const resultsDir = path.resolve("test-results", `e2e-${stamp}`);
  await mkdir(resultsDir, { recursive: true });
  const tempDir = await mkdtemp(path.join(os.tmpdir(), "joor-sync-e2e-"));
  const failures: string[] = [];
  const logFile = path.join(resultsDir, "sandbox.log");
  let session: BrowserSession | null = null;
  try {
    sandbox = await startSandbox({ databaseFile: path.join(tempDir, "e2e.sqlite"), logFile });
    session = await openBrowser(sandbox.url, resultsDir);
    for (const scenario of SCENARIOS) {
      const started = Date.now();
      try {
        await scenario.run(session, sandbox.url);
        console.log(`ok    ${scenario.name} (${Math.round((Date.now() - started) / 1000)} s)`);
      } catch (error) {
        const file = path.join(resultsDir, `failed-${SCENARIOS.indexOf(scenario) + 1}.png`);
        await session.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        session.screenshots.push(file);
        failures.push(`${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`FAIL  ${scenario.name}\n      ${failures.at(-1)}\n      at ${new URL(session.page.url()).pathname}`);
      }
    }
    failures.push(...session.pageErrors.map((message) => `page error: ${message}`));
    failures.push(...session.overflows.map((message) => `narrow viewport: ${message}`));
    console.log(`\nSlowest app requests:\n  ${slowest(session.timings).join("\n  ")}`);
  } finally {
    await session?.close().catch(() => undefined);
    await sandbox?.stop();
    sandbox = null;
    await rm(tempDir, { recursive: true, force: true });
  }
  console.log(`\nScreenshots in ${path.relative(process.cwd(), resultsDir)}:\n  ${(session?.screenshots ?? []).map((file) => path.basename(file)).join("\n  ")}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} problem(s):\n  ${failures.join("\n  ")}`);
    console.log(`\nLast lines of ${path.relative(process.cwd(), logFile)}:\n${await tail(logFile, 30)}`);
    return 1;
  }
  console.log(`\nAll ${SCENARIOS.length} scenarios passed.`);
  return 0;
}

const deadline = setTimeout(() => {
  console.error(`The browser tests did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes`);
  void Promise.resolve(sandbox?.stop()).finally(() => process.exit(1));
}, RUN_TIMEOUT_MS);

main()
  .then((code) => {
    clearTimeout(deadline);
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
