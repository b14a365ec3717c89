/**
 * A sync worker in a process of its own, for tests that need real processes: killed mid-batch, killed mid-task,
 * or several competing for one SQLite file. Usage: tsx child-worker.ts <mode> <kind> <owner>; it reports on
 * stdout with lines starting "@@".
 */
import { prepareDatabase } from "~/db.server";
import { HandlerRegistry } from "~/sync/registry";
import { startWorker } from "~/sync/worker.server";

const [mode, kind, owner] = process.argv.slice(2);
const leaseMs = Number(process.env.CHILD_LEASE_MS ?? 60_000);
const report = (line: string) => process.stdout.write(`@@${line}\n`);
const forever = () => new Promise<never>(() => {});

const registry = new HandlerRegistry();
switch (mode) {
  case "hang-batch":
    registry.registerSyncHandler(kind, async ({ states }) => {
      report(`claimed ${states.map((state) => state.gid).join(",")}`);
      return forever();
    });
    break;
  case "hang-task":
    registry.registerTaskHandler(kind, async ({ state, saveState }) => {
      let done = (state as { done?: number } | null)?.done ?? 0;
      while (done < 10) {
        done += 1;
        await saveState({ done, progress: { done, total: 10 } });
        if (done === 4) {
          report("saved 4");
          await forever();
        }
      }
      return { done: true };
    });
    break;
  case "process":
    registry.registerSyncHandler(kind, async ({ shop, states }) => {
      // A little work per batch, so the workers' claims overlap in time.
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const state of states) report(`done ${shop} ${state.gid}`);
      return states.map((state) => ({ gid: state.gid, status: "synced", details: { by: owner } }));
    });
    break;
  default:
    throw new Error(`Unknown mode ${mode}`);
}

await prepareDatabase();
const worker = startWorker({ registry, owner, leaseMs, idleMs: 20, batchSize: 7, concurrency: 1 });
// Listening before saying "started": the test may send SIGTERM the moment it reads that line.
process.once("SIGTERM", () => {
  void worker.stop().then(() => {
    report("stopped");
    process.exit(0);
  });
});
report("started");
