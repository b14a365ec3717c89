/** Switchable faults, drawn from a seeded RNG so a test sees the same sequence on every run. */

export interface JoorFaults {
  /** Added before every answer (real time, keep it small). */
  latencyMs: number;
  /** Share of requests answered with a 503 HTML page. */
  errorRate: number;
  /** Share of requests that get no answer until the client gives up (or `hangMs` passes). */
  timeoutRate: number;
  /** The next N requests get a 503, before any random draw. */
  failNext: number;
  /** The next N requests hang, before any random draw. */
  hangNext: number;
  /** Longest a hanging request is held when the client never aborts it. */
  hangMs: number;
  /** Only paths matching this are faulted (default: every path, including /auth/). */
  match?: RegExp;
}

export const NO_FAULTS: JoorFaults = {
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  failNext: 0,
  hangNext: 0,
  hangMs: 30_000,
};

/** mulberry32: small, fast, good enough to make fault sequences reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Fault = "error" | "timeout" | null;

export function pickFault(faults: JoorFaults, path: string, random: () => number): Fault {
  if (faults.match && !faults.match.test(path)) return null;
  if (faults.failNext > 0) {
    faults.failNext -= 1;
    return "error";
  }
  if (faults.hangNext > 0) {
    faults.hangNext -= 1;
    return "timeout";
  }
  if (faults.errorRate <= 0 && faults.timeoutRate <= 0) return null;
  const draw = random();
  if (draw < faults.errorRate) return "error";
  if (draw < faults.errorRate + faults.timeoutRate) return "timeout";
  return null;
}

/** Holds the request until the caller aborts it or `ms` passes; the timer never keeps the process alive. */
export function hang(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    if (signal.aborted) done();
    else signal.addEventListener("abort", done, { once: true });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const SERVICE_UNAVAILABLE_PAGE =
  "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>";
