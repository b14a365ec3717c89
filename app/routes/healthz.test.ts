import { afterEach, describe, expect, it } from "vitest";
import { startWorker, type WorkerHandle } from "~/sync/worker.server";
import { loader } from "./healthz";

let worker: WorkerHandle | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

const get = () => loader() as unknown as Promise<Response>;

describe("GET /healthz", () => {
  it("answers 200 with the database and worker status", async () => {
    const idle = await get();
    expect(idle.status).toBe(200);
    expect(await idle.json()).toMatchObject({ status: "ok", database: "ok", worker: { running: false } });

    worker = startWorker({ idleMs: 10 });
    const running = await (await get()).json();
    expect(running.worker).toMatchObject({ running: true });
  });
});
