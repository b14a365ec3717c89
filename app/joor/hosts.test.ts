import { describe, expect, it } from "vitest";
import { createJoorFake } from "../../test/fakes/joor";
import { joorCredentials, TEST_JOOR_ACCOUNT } from "../../test/fakes/joor/harness";
import { serveLocally } from "../../test/fakes/http";
import { MemoryCreditBudget } from "./budget";
import { JoorClient } from "./client.server";
import { joorHosts } from "./hosts";

describe("joorHosts", () => {
  it("knows JOOR's hosts per environment", () => {
    expect(joorHosts("production", {})).toEqual({ apiBase: "https://api.jooraccess.com", authUrl: "https://atlas.jooraccess.com/auth/" });
    expect(joorHosts("sandbox", {})).toEqual({
      apiBase: "https://apisandbox.jooraccess.com",
      authUrl: "https://atlas-sandbox.jooraccess.com/auth/",
    });
  });

  it("lets the environment point both at a stand-in", () => {
    expect(joorHosts("production", { JOOR_API_URL: "http://127.0.0.1:4010/" })).toEqual({
      apiBase: "http://127.0.0.1:4010",
      authUrl: "http://127.0.0.1:4010/auth/",
    });
    expect(joorHosts("sandbox", { JOOR_API_URL: "http://fake", JOOR_AUTH_URL: "http://login/token" }).authUrl).toBe("http://login/token");
  });

  it("serves a real client from the fake on one local port", async () => {
    const fake = createJoorFake();
    fake.addAccount(TEST_JOOR_ACCOUNT);
    const server = await serveLocally(fake.handler);
    try {
      const client = new JoorClient({
        environment: "sandbox",
        accountId: TEST_JOOR_ACCOUNT.accountId,
        credentials: joorCredentials(),
        budget: new MemoryCreditBudget(),
        hosts: joorHosts("sandbox", { JOOR_API_URL: server.url }),
      });
      expect(await client.testConnection()).toEqual({ v2: { ok: true }, v4: { ok: true } });
      expect(fake.calls.map((call) => call.path).sort()).toEqual(["/auth/", "/v2/order/", "/v4/price_types"]);
    } finally {
      await server.close();
    }
  });
});
