import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Express, type RequestHandler } from "express";

const ROOT = process.cwd();

export async function loadServerBuild(): Promise<ServerBuild> {
  const file = path.join(ROOT, "build", "index.js");
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

/**
 * The HTTP app: fingerprinted assets with long caching, then Remix for everything else (pages, webhooks,
 * extension APIs, /healthz). `before` lets a local setup mount extra routes ahead of the app.
 */
export function createHttpApp(build: ServerBuild, before: RequestHandler[] = []): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));
  for (const handler of before) app.use(handler);
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
  return app;
}
