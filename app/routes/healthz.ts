import { json } from "@remix-run/node";
import { prisma } from "~/db.server";
import { currentWorkerStatus } from "~/sync/worker.server";

/** Liveness for load balancers and people: the database answers, and the in-process worker's state. */
export const loader = async () => {
  let database: "ok" | "error" = "ok";
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
  } catch {
    database = "error";
  }
  const worker = currentWorkerStatus();
  return json(
    { status: database === "ok" ? "ok" : "degraded", database, worker: worker ?? { running: false, mode: "external" } },
    { status: database === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
};
