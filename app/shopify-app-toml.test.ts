import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_VERSION, SCOPES } from "./shopify.server";
import { SUBSCRIBED_TOPICS } from "./webhooks/hints";

const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");

function quotedList(key: string): string[] {
  const lists = [...toml.matchAll(new RegExp(`^\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`, "gm"))];
  return lists.flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((q) => q[1]));
}

/** The names authenticate.webhook reports for a topic. */
const asReported = (topic: string) => topic.toUpperCase().replace(/[/.]/g, "_");

describe("shopify.app.toml", () => {
  it("asks for exactly the scopes the code uses", () => {
    const scopes = /^scopes\s*=\s*"([^"]*)"/m.exec(toml)?.[1].split(",");
    expect(scopes).toEqual(SCOPES);
  });

  it("subscribes to every topic intake handles, compliance topics included", () => {
    const subscribed = [...quotedList("topics"), ...quotedList("compliance_topics")].map(asReported);
    expect(subscribed.sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    expect(quotedList("compliance_topics")).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
  });

  it("uses the API version of the code", () => {
    expect(/^api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1]).toBe(API_VERSION);
  });
});
