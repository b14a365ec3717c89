import { describe, expect, it } from "vitest";
import { SyncError } from "~/sync/errors";
import { joorCredentials } from "../../test/fakes/joor/harness";
import { JOOR_INVALID_CREDENTIALS, v2AuthorizationHeader } from "./auth.server";
import { makeClient, requests, joorFakeSuite } from "./test-support";

const joor = joorFakeSuite();

/** Records the grant type of every call to the token endpoint, then lets it through. */
function recordingFetch(grants: string[]): typeof fetch {
  return async (input, init) => {
    if (String(input).includes("/auth/")) grants.push(new URLSearchParams(String(init?.body)).get("grant_type") ?? "");
    return fetch(input, init);
  };
}

describe("v2 auth", () => {
  it("sends the API token base64-encoded under the OAuth2 scheme", () => {
    expect(v2AuthorizationHeader("abc123")).toBe(`OAuth2 ${Buffer.from("abc123").toString("base64")}`);
  });
});

describe("v4 auth", () => {
  it("logs in once and reuses the token, also for concurrent callers", async () => {
    const { fake, client } = joor.setup();
    await Promise.all([client.listPriceTypes(), client.listPriceTypes(), client.getProducts(["1"])]);
    await client.listPriceTypes();
    expect(requests(fake).filter((request) => request === "POST /auth/")).toHaveLength(1);
  });

  it("refreshes with the refresh token shortly before the access token expires", async () => {
    const grants: string[] = [];
    const { fake, clock, budget } = joor.setup({ fake: { tokens: { accessTtlSeconds: 300 } } });
    const recording = makeClient(clock, budget, { fetch: recordingFetch(grants) });
    await recording.listPriceTypes();
    clock.advance(230_000);
    await recording.listPriceTypes();
    expect(grants).toEqual(["password"]);
    clock.advance(20_000);
    await recording.listPriceTypes();
    expect(grants).toEqual(["password", "refresh_token"]);
    expect(fake.calls.filter((call) => call.path === "/v4/price_types").every((call) => call.status === 200)).toBe(true);
  });

  it("logs in with the password again when JOOR refuses the refresh token", async () => {
    const grants: string[] = [];
    const { fake, clock, budget } = joor.setup({ fake: { tokens: { accessTtlSeconds: 120 } } });
    const client = makeClient(clock, budget, { fetch: recordingFetch(grants) });
    await client.listPriceTypes();
    fake.state.refreshTokens.clear();
    clock.advance(120_000);
    await client.listPriceTypes();
    expect(grants).toEqual(["password", "refresh_token", "password"]);
  });

  it("reports bad credentials as terminal with JOOR's reason, without calling the API", async () => {
    const { fake, clock, budget } = joor.setup();
    const client = makeClient(clock, budget, { credentials: { ...joorCredentials(), v4: { ...joorCredentials().v4, password: "wrong" } } });
    let error: unknown;
    try {
      await client.listPriceTypes();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ terminal: true, code: JOOR_INVALID_CREDENTIALS, message: expect.stringContaining("Invalid user credentials") });
    expect(requests(fake)).toEqual(["POST /auth/"]);
    expect((await budget.usage()).creditsUsed).toBe(0);
  });
});
