/**
 * Structured logs, one JSON object per line. Field names that can carry secrets are masked here, in one place,
 * so a credential passed by mistake never reaches the log.
 */
type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

const SECRET_KEY = /token|secret|password|authorization|credential|api_?key|cookie/i;
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(line + "\n");

/** Replaces where log lines go (tests capture them); returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : redact(inner, depth + 1);
  }
  return out;
}

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? "info") as Level;
  return ORDER[configured] ?? ORDER.info;
}

function write(level: Level, message: string, fields?: Fields): void {
  if (ORDER[level] < threshold()) return;
  const entry = { time: new Date().toISOString(), level, msg: message, ...(redact(fields ?? {}) as Fields) };
  sink(JSON.stringify(entry, (_key, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export const log = {
  debug: (message: string, fields?: Fields) => write("debug", message, fields),
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};
