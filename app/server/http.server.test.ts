import type { AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLogSink } from "~/logger.server";
import { webhookDeliveries } from "./http.server";

type Action = (args: { request: Request }) => Promise<unknown>;

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** POST /webhooks served by `webhookDeliveries` over a build whose webhooks route has `action`. */
async function serve(action: Action): Promise<string> {
  const build = { routes: { "routes/webhooks": { module: { action } } } } as unknown as ServerBuild;
  const app = express();
  app.post("/webhooks", webhookDeliveries(build));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("POST /webhooks", () => {
  it("hands the route's action the delivery as sent and answers with its response", async () => {
    let seen: { body: string; topic: string | null; hmac: string | null; url: string } | null = null;
    const url = await serve(async ({ request }) => {
      seen = { body: await request.text(), topic: request.headers.get("x-shopify-topic"), hmac: request.headers.get("x-shopify-hmac-sha256"), url: request.url };
      return new Response("noted", { status: 202, headers: { "X-Answer": "yes" } });
    });
    const body = JSON.stringify({ id: 1, title: "Robe à fleurs — été", filler: "x".repeat(200_000) });
    const response = await fetch(`${url}/webhooks?x=1`, {
      method: "POST",
      headers: { "X-Shopify-Topic": "products/update", "X-Shopify-Hmac-Sha256": "c2lnbmF0dXJl", "Content-Type": "application/json" },
      body,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("x-answer")).toBe("yes");
    expect(await response.text()).toBe("noted");
    expect(seen).toEqual({ body, topic: "products/update", hmac: "c2lnbmF0dXJl", url: `${url}/webhooks?x=1` });
  });

  it("answers 500 with a log line when the action fails", async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    const url = await serve(() => Promise.reject(new Error("database gone")));
    const response = await fetch(`${url}/webhooks`, { method: "POST", body: "{}" });
    setLogSink(restore);
    expect(response.status).toBe(500);
    expect(lines.some((line) => line.includes("Webhook delivery failed") && line.includes("database gone"))).toBe(true);
  });

  it("refuses to start on a build without the webhooks route", () => {
    expect(() => webhookDeliveries({ routes: {} } as unknown as ServerBuild)).toThrow(/no routes\/webhooks action/);
  });

  it("is not reached by other methods or paths", async () => {
    const action = vi.fn<Action>();
    const url = await serve(action);
    expect((await fetch(`${url}/webhooks`)).status).toBe(404);
    expect((await fetch(`${url}/webhooks/other`, { method: "POST", body: "{}" })).status).toBe(404);
    expect(action).not.toHaveBeenCalled();
  });
});
