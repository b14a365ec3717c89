import { afterEach, describe, expect, it } from "vitest";
import { log, redact, setLogSink } from "./logger.server";

let restore: ReturnType<typeof setLogSink> | undefined;
afterEach(() => {
  if (restore) setLogSink(restore);
});

describe("log", () => {
  it("masks secret-looking fields at any depth", () => {
    const lines: string[] = [];
    restore = setLogSink((line) => lines.push(line));
    log.error("call failed", {
      shop: "a.myshopify.com",
      headers: { Authorization: "Bearer abc", accept: "json" },
      credentials: { password: "p" },
      nested: [{ client_secret: "s", accessToken: "t" }],
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: "error", msg: "call failed", shop: "a.myshopify.com" });
    expect(lines[0]).not.toMatch(/Bearer abc|"p"|"s"|"t"/);
    expect(entry.headers).toEqual({ Authorization: "[redacted]", accept: "json" });
  });

  it("keeps errors readable", () => {
    expect(redact({ error: new Error("boom") })).toEqual({ error: { name: "Error", message: "boom" } });
  });
});
