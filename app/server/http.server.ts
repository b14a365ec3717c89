import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Express, type Request as ExpressRequest, type RequestHandler } from "express";
import { log } from "~/logger.server";

const ROOT = process.cwd();

export async function loadServerBuild(): Promise<ServerBuild> {
  const file = path.join(ROOT, "build", "index.js");
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

/** The route module serving Shopify's webhook deliveries (app/routes/webhooks.ts). */
const WEBHOOKS_ROUTE = "routes/webhooks";

/** An Express request as a Fetch request, its body streamed as it arrives. */
export function fetchRequest(req: ExpressRequest): Request {
  const headers = new Headers();
  for (let index = 0; index < req.rawHeaders.length; index += 2) headers.append(req.rawHeaders[index], req.rawHeaders[index + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "localhost"}${req.originalUrl}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * POST /webhooks goes to its route's action directly, ahead of Remix's request handling: deliveries are the
 * app's busiest path (Shopify's bursts), and matching the whole route tree per delivery cost more than the
 * delivery's own verification. The action is the same module Remix would call.
 */
export function webhookDeliveries(build: ServerBuild): RequestHandler {
  const action = build.routes[WEBHOOKS_ROUTE]?.module.action;
  if (!action) throw new Error(`The server build has no ${WEBHOOKS_ROUTE} action`);
  return (req, res) => {
    Promise.resolve(action({ request: fetchRequest(req), params: {}, context: {} }))
      .then(async (response) => {
        if (!(response instanceof Response)) throw new Error("The webhooks action answered without a Response");
        res.status(response.status);
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        log.error("Webhook delivery failed", { error });
        if (!res.headersSent) res.status(500);
        res.end();
      });
  };
}

/**
 * The HTTP app: webhook deliveries, fingerprinted assets with long caching, then Remix for everything else
 * (pages, extension APIs, /healthz). `before` lets a local setup mount extra routes ahead of the app.
 */
export function createHttpApp(build: ServerBuild, before: RequestHandler[] = []): Express {
  const app = express();
  app.disable("x-powered-by");
  app.post("/webhooks", webhookDeliveries(build));
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));
  for (const handler of before) app.use(handler);
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
  return app;
}
