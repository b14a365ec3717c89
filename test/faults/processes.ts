/**
 * The app's processes for the fault run: the real web server (`app/server/start.server.ts`, worker external)
 * and sync worker processes, each a child with its output appended to a log file. Only these children are ever
 * signalled, by their own handles.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import path from "node:path";

export interface AppProcess {
  readonly name: string;
  readonly logFile: string;
  readonly running: boolean;
  /** The current child's process id. */
  readonly pid: number | undefined;
  /** SIGKILL: no cleanup, leases left behind. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a fresh process under the same name and log file. */
  restart(): void;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

export function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string): AppProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log: WriteStream = createWriteStream(logFile, { flags: "a" });
  let child: ChildProcess;
  const launch = () => {
    log.write(`\n=== ${new Date().toISOString()} start ${name}\n`);
    child = spawn(process.execPath, ["--import", "tsx", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
  };
  launch();
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    logFile,
    get running() {
      return alive();
    },
    get pid() {
      return child.pid;
    },
    async kill() {
      if (!alive()) return;
      log.write(`\n=== ${new Date().toISOString()} SIGKILL ${name}\n`);
      child.kill("SIGKILL");
      await exited(child);
    },
    restart() {
      if (alive()) throw new Error(`${name} is still running`);
      launch();
    },
    async stop(graceMs = 5_000) {
      if (alive()) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited(child);
        clearTimeout(killer);
      }
      log.end();
    },
  };
}

/** Waits until `url` answers 200, failing early when the process dies. */
export async function waitUntilServing(url: string, child: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited before serving; see ${child.logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs} ms`);
}
