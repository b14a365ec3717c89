/**
 * The web process of the intake bench: the production entry's HTTP app (app/server/http.server.ts over the
 * built app, which serves /webhooks) plus one bare route, POST /bench/authenticate-only, that does nothing but
 * `authenticate.webhook` and answer 200. Its throughput is the floor the real intake is compared with: the
 * cost of HMAC checking and session loading that every webhook route pays.
 */
import type { RequestHandler } from "express";

async function main(): Promise<void> {
  const { prepareDatabase } = await import("~/db.server");
  const { authenticate } = await import("~/shopify.server");
  const { createHttpApp, fetchRequest, loadServerBuild } = await import("~/server/http.server");
  await prepareDatabase();

  const authenticateOnly: RequestHandler = (req, res, next) => {
    if (req.method !== "POST" || req.path !== "/bench/authenticate-only") return next();
    authenticate.webhook(fetchRequest(req)).then(
      () => res.status(200).end(),
      (error: unknown) => (error instanceof Response ? res.status(error.status).end() : next(error)),
    );
  };

  const server = createHttpApp(await loadServerBuild(), [authenticateOnly]).listen(Number(process.env.PORT));
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
