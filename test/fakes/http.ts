import http from "node:http";
import type { AddressInfo } from "node:net";
import { http as mswHttp, type HttpHandler } from "msw";

/**
 * A fake is one fetch-style handler. The same handler serves msw (unit and flow tests) and a real local HTTP
 * server (sandbox, browser tests, benchmarks), so both see exactly the same behaviour.
 */
export type FetchHandler = (request: Request) => Promise<Response>;

/** msw handlers that route every request to `origin` (e.g. "https://api.jooraccess.com") into `handler`. */
export function mswHandlersFor(origin: string, handler: FetchHandler): HttpHandler[] {
  const base = origin.replace(/\/$/, "");
  return [mswHttp.all(`${base}/*`, ({ request }) => handler(request))];
}

export interface LocalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A Node request listener (also usable as express middleware) that answers through `handler`. */
export function nodeListener(handler: FetchHandler): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    void toFetchRequest(req)
      .then(handler)
      .then((response) => writeResponse(res, response))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(error instanceof Error ? error.message : String(error));
      });
  };
}

/** Serves `handler` over HTTP on 127.0.0.1 (port 0 picks a free one). */
export async function serveLocally(handler: FetchHandler, port = 0): Promise<LocalServer> {
  const server = http.createServer(nodeListener(handler));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toFetchRequest(req: http.IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const host = req.headers.host ?? "127.0.0.1";
  const method = req.method ?? "GET";
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : body,
  });
}

async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}
