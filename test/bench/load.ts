/**
 * A closed-loop HTTP load generator: `concurrency` clients over kept-alive loopback connections, each sending
 * its next request as soon as the previous one is answered, for `durationMs`. node:http rather than fetch, so
 * the generator's own cost stays small beside the server's on a shared machine.
 */
import http from "node:http";

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (connection refused or reset). */
  failures: number;
  /** Milliseconds from sending to the end of each 2xx answer. */
  latenciesMs: number[];
  elapsedMs: number;
}

export async function runLoad(options: {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  /** The i-th request of the run. */
  request: (index: number) => LoadRequest;
}): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const result: LoadResult = { statuses: new Map(), failures: 0, latenciesMs: [], elapsedMs: 0 };
  let next = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const send = (request: LoadRequest) =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const outgoing = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: "POST",
          path: request.path,
          headers: { ...request.headers, "Content-Length": Buffer.byteLength(request.body) },
        },
        (response) => {
          response.resume();
          response.once("end", () => {
            const status = response.statusCode ?? 0;
            result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
            if (status >= 200 && status < 300) result.latenciesMs.push(performance.now() - sentAt);
            resolve();
          });
        },
      );
      outgoing.once("error", () => {
        result.failures += 1;
        resolve();
      });
      outgoing.end(request.body);
    });

  const client = async () => {
    while (performance.now() < deadline) await send(options.request(next++));
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}

/** Answers with a 2xx status. */
export function accepted(result: LoadResult): number {
  let count = 0;
  for (const [status, times] of result.statuses) if (status >= 200 && status < 300) count += times;
  return count;
}
