import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminClient } from "~/shopify/admin-client.server";
import { createShopifyFake, type FakeShop, type ShopifyFake } from "../../test/fakes/shopify";
import { readInventoryItems } from "./items.server";
import { listLocations } from "./locations.server";
import { MAX_ITEMS_PER_READ } from "./read-plan";

const SHOP = "inventory-reads.myshopify.com";
const TOKEN = "shpat_inventory_reads";
// Above 2^53: ids must stay exact strings end to end.
const BIG_ID_START = "9007199254740993";

const server = setupServer();
let clock = Date.parse("2026-03-01T12:00:00Z");
let fake: ShopifyFake;
let shop: FakeShop;
let queries: string[];

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

beforeEach(() => {
  fake = createShopifyFake({ now: () => clock, idStart: BIG_ID_START });
  shop = fake.addShop(SHOP, { accessToken: TOKEN });
  server.resetHandlers(...fake.mswHandlers());
  queries = [];
});

/**
 * Records the operation name of each query Shopify answered (a throttled attempt is not an answer); waiting
 * out a throttle moves the fake's clock instead of sleeping.
 */
function admin(): AdminClient {
  return new AdminClient({
    shop: SHOP,
    accessToken: TOKEN,
    sleep: async (ms) => {
      clock += ms;
    },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const answer = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      if (!answer.errors?.some((error) => error.extensions?.code === "THROTTLED")) {
        const body = JSON.parse(String(init?.body)) as { query: string };
        queries.push(/query (\w+)/.exec(body.query)?.[1] ?? "?");
      }
      return response;
    },
  });
}

const itemGid = (id: string) => `gid://shopify/InventoryItem/${id}`;

describe("readInventoryItems", () => {
  it("reads each item's variant, product and stock per location in one query; a deleted item is null", async () => {
    const warehouse = shop.addLocation("Warehouse");
    const closed = shop.addLocation("Closed", { isActive: false });
    const product = shop.createProduct({
      title: "Shirt",
      options: ["Size"],
      variants: [
        { options: ["S"], inventory: { [shop.primaryLocationId]: 3, [warehouse.id]: 4, [closed.id]: 5 } },
        { options: ["M"], inventory: 2, tracked: false },
      ],
    });
    const [small, medium] = product.variantIds.map((id) => shop.variant(id));
    const gone = shop.createProduct({ title: "Gone" });
    const goneItem = shop.variant(gone.variantIds[0]).inventoryItemId;
    shop.deleteProduct(gone.id);

    const gids = [itemGid(small.inventoryItemId), itemGid(medium.inventoryItemId), itemGid(goneItem)];
    const readings = await readInventoryItems(admin(), gids);

    expect(queries).toEqual(["InventoryItems"]);
    expect(readings.get(gids[0])).toEqual({
      gid: gids[0],
      tracked: true,
      variantId: small.id,
      productGid: `gid://shopify/Product/${product.id}`,
      label: "Shirt - S",
      levels: expect.arrayContaining([
        { locationId: `gid://shopify/Location/${shop.primaryLocationId}`, locationActive: true, available: 3 },
        { locationId: `gid://shopify/Location/${warehouse.id}`, locationActive: true, available: 4 },
        { locationId: `gid://shopify/Location/${closed.id}`, locationActive: false, available: 5 },
      ]),
    });
    expect(readings.get(gids[0])?.levels).toHaveLength(3);
    expect(readings.get(gids[1])).toMatchObject({ tracked: false, variantId: medium.id, levels: [{ available: 2 }] });
    expect(readings.get(gids[2])).toBeNull();
  });

  it("reads a full batch within the cost limit and pages the levels of items stocked at many locations", async () => {
    const locations = Array.from({ length: 7 }, (_, index) => shop.addLocation(`Store ${index}`).id);
    const stock = Object.fromEntries(locations.map((id, index) => [id, index + 1]));
    const product = shop.createProduct({
      title: "Socks",
      options: ["Size"],
      variants: Array.from({ length: MAX_ITEMS_PER_READ }, (_, index) => ({ options: [String(index)], inventory: stock })),
    });
    const gids = product.variantIds.map((id) => itemGid(shop.variant(id).inventoryItemId));

    // The fake refuses any query above Shopify's cost limit, so reading at all proves the batch fits.
    const readings = await readInventoryItems(admin(), gids);

    expect(queries.filter((name) => name === "InventoryItems")).toHaveLength(1);
    expect(queries.filter((name) => name === "InventoryItemLevels")).toHaveLength(MAX_ITEMS_PER_READ);
    for (const gid of gids) {
      const levels = readings.get(gid)?.levels ?? [];
      expect(levels.map((level) => level.available).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it("reads a full page of items without waiting for a full bucket, which the shop's other reads keep from filling", async () => {
    const product = shop.createProduct({
      title: "Scarves",
      options: ["Size"],
      variants: Array.from({ length: MAX_ITEMS_PER_READ }, (_, index) => ({ options: [String(index)], inventory: 1 })),
    });
    const gids = product.variantIds.map((id) => itemGid(shop.variant(id).inventoryItemId));
    // Another read of the shop has just taken 200 points.
    fake.bucket(SHOP).setAvailable(fake.bucket(SHOP).maximumAvailable - 200);
    const noWaiting = new AdminClient({
      shop: SHOP,
      accessToken: TOKEN,
      sleep: () => Promise.reject(new Error("the read was throttled")),
    });

    const readings = await readInventoryItems(noWaiting, gids);

    expect(gids.every((gid) => readings.get(gid)?.levels[0]?.available === 1)).toBe(true);
  });

  it("splits a batch larger than one read can carry", async () => {
    const product = shop.createProduct({
      title: "Caps",
      options: ["Size"],
      variants: Array.from({ length: MAX_ITEMS_PER_READ + 1 }, (_, index) => ({ options: [String(index)], inventory: index })),
    });
    const gids = product.variantIds.map((id) => itemGid(shop.variant(id).inventoryItemId));

    const readings = await readInventoryItems(admin(), gids);

    expect(queries).toEqual(["InventoryItems", "InventoryItems"]);
    expect(gids.map((gid) => readings.get(gid)?.levels[0]?.available)).toEqual(gids.map((_, index) => index));
  });
});

describe("listLocations", () => {
  it("lists every location, deactivated ones too, across pages", async () => {
    const extra = Array.from({ length: 260 }, (_, index) =>
      shop.addLocation(`Store ${index}`, { isActive: index !== 7 }),
    );

    const locations = await listLocations(admin());

    expect(queries).toEqual(["Locations", "Locations"]);
    expect(locations).toHaveLength(261);
    expect(locations[0]).toEqual({ id: `gid://shopify/Location/${shop.primaryLocationId}`, name: "Shop location", active: true });
    expect(locations).toContainEqual({ id: `gid://shopify/Location/${extra[7].id}`, name: "Store 7", active: false });
  });
});
