/**
 * The sandbox as a child process for the browser tests: a fresh install (SANDBOX_FRESH=1) on a free port, on a
 * SQLite file of its own, with its output kept in a log file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export interface RunningSandbox {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The sandbox exited with code ${child.exitCode} before serving`);
    try {
      const response = await fetch(`${url}/_sandbox/api/state`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The sandbox did not answer at ${url} within ${timeoutMs} ms`);
}

export async function startSandbox(options: { databaseFile: string; logFile: string; timeoutMs?: number }): Promise<RunningSandbox> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, ["--import", "tsx", path.join("test", "sandbox", "start.ts")], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${options.databaseFile}`, SANDBOX_FRESH: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
    log.end();
  };
  try {
    await waitUntilServing(url, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logFile: options.logFile, stop };
}
