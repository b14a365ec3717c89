import { describe, expect, it } from "vitest";
import { flowSuite, SHOP } from "../flows/harness";
import { adminRequest, callRoute } from "./admin-request";

const harness = flowSuite({ register: () => undefined });

describe("adminRequest", () => {
  it("passes authenticate.admin for an installed shop", async () => {
    harness();
    const { loader } = await import("~/routes/app._index");
    const response = await callRoute(loader, adminRequest("/app", { shop: SHOP }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ shop: SHOP });
  });

  it("is refused without a valid session token", async () => {
    harness();
    const { loader } = await import("~/routes/app._index");
    const request = adminRequest("/app", { shop: SHOP });
    const url = new URL(request.url);
    url.searchParams.set("id_token", "forged");
    const response = await callRoute(loader, new Request(url, { headers: { Authorization: "Bearer forged" } }));
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
