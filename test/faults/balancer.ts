/**
 * A round-robin HTTP forwarder in front of several web processes, as a load balancer stands in front of the
 * app's replicas: each request goes to the next process in turn with its method, path, headers and body, and
 * the process's answer comes back as is. A process that refuses the connection (killed, not yet listening) has
 * seen nothing of the request, so the next one gets it, as a balancer does with a replica that is down; a
 * process that dies while answering leaves the request in doubt, and the sender gets a 502 and retries.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Balancer {
  url: string;
  /** Requests answered by each target, in the order given. */
  readonly answered: number[];
  /** Requests answered 502 because a target failed mid-request or none was reachable. */
  readonly failed: number;
  close(): Promise<void>;
}

function refused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ECONNREFUSED";
}

export async function startBalancer(targetPorts: number[]): Promise<Balancer> {
  let next = 0;
  let failed = 0;
  const answered = targetPorts.map(() => 0);

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tries: number): void => {
    const index = next;
    next = (next + 1) % targetPorts.length;
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPorts[index], method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        answered[index] += 1;
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.once("error", (error) => {
      if (res.headersSent) {
        res.destroy();
      } else if (refused(error) && tries + 1 < targetPorts.length) {
        forward(req, res, body, tries + 1);
      } else {
        failed += 1;
        res.writeHead(502, { "content-type": "text/plain" }).end(`Bad Gateway: ${error.message}`);
      }
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered,
    get failed() {
      return failed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
