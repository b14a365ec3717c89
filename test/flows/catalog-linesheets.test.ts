import { describe, expect, it } from "vitest";
import { linesheetGid, LINESHEET_KIND } from "~/catalog/conventions";
import { linesheetSyncHandler } from "~/catalog/linesheet-sync.server";
import { prisma } from "~/db.server";
import { toSyncStateView } from "~/sync/sync-state.server";
import type { ProductInput } from "../fakes/shopify";
import {
  catalogSuite,
  joorAccount,
  joorCollection,
  joorStyle,
  linesheetState,
  productGid,
  styleDetailsOf,
} from "./catalog-support";
import { SHOP, type FlowHarness } from "./harness";

const { configured } = catalogSuite();

function tee(title: string, tags: string[], barcode: string): ProductInput {
  return { title, tags: ["JOOR_ENABLED", ...tags], variants: [{ barcode, price: "30.00" }] };
}

function itemsOf(h: FlowHarness, name: string): string[] | undefined {
  return joorCollection(h.joor, name)?.items.map((item) => item.product_id);
}

describe("catalog flow: linesheets", () => {
  it("moves a style from one linesheet to another when its collection tag moves", async () => {
    const h = await configured();
    const a = h.shop.createProduct(tee("Tee A", ["Collection_Fall26"], "100000000001"));
    const b = h.shop.createProduct(tee("Tee B", ["collection_fall26"], "100000000002"));
    await h.drain();
    const [styleA, styleB] = [a, b].map((product) => joorStyle(h.joor, product.id)!.id);
    const fall = joorCollection(h.joor, "Fall26")!;
    expect(itemsOf(h, "Fall26")).toEqual([styleA, styleB]);

    h.shop.updateProduct(b.id, { tags: ["JOOR_ENABLED", "Collection_Spring27"] });
    await h.drain();

    expect(itemsOf(h, "Fall26")).toEqual([styleA]);
    expect(itemsOf(h, "Spring27")).toEqual([styleB]);
    // The same JOOR collection was updated, with its stable external id; no second Fall26 exists.
    expect(joorCollection(h.joor, "Fall26")).toMatchObject({ id: fall.id, external_id: fall.external_id });
    expect([...joorAccount(h.joor).collections.values()].map((collection) => collection.name).sort()).toEqual(["Fall26", "Spring27"]);
    expect((await linesheetState("Fall26")).status).toBe("synced");
    expect((await styleDetailsOf(b.id)).linesheets).toEqual([{ key: "spring27", name: "Spring27" }]);
  });

  it("marks styles on a made-to-order linesheet, and sends their stock again when that changes", async () => {
    const h = await configured({ madeToOrderLinesheets: ["Preorder"] });
    const product = h.shop.createProduct(tee("Tee", ["Collection_Preorder"], "100000000003"));
    await h.drain();
    const item = `gid://shopify/InventoryItem/${h.shop.variant(product.variantIds[0]).inventoryItemId}`;
    const stockMark = async () =>
      (await prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: SHOP, kind: "inventoryItem", gid: item } } })).dirtySeq;

    expect((await styleDetailsOf(product.id)).madeToOrder).toBe(true);
    expect(itemsOf(h, "Preorder")).toEqual([joorStyle(h.joor, product.id)!.id]);
    const marked = await stockMark();

    h.shop.updateProduct(product.id, { tags: ["JOOR_ENABLED", "Collection_Instock"] });
    await h.drain();
    expect((await styleDetailsOf(product.id)).madeToOrder).toBe(false);
    expect(await stockMark()).toBeGreaterThan(marked);
  });

  it("waits while a product batch is still saving, then rebuilds from the saved details", async () => {
    const h = await configured();
    const product = h.shop.createProduct(tee("Tee", ["Collection_Fall26"], "100000000004"));
    await h.drain();
    const handler = linesheetSyncHandler(h.services);
    const gid = linesheetGid("fall26");
    const view = async () =>
      toSyncStateView(
        await prisma.syncState.findUniqueOrThrow({ where: { shop_kind_gid: { shop: SHOP, kind: LINESHEET_KIND, gid } } }),
      );
    const run = async () => handler({ shop: SHOP, kind: LINESHEET_KIND, states: [await view()], signal: new AbortController().signal });

    const productRow = { shop_kind_gid: { shop: SHOP, kind: "product", gid: productGid(product.id) } };
    await prisma.syncState.update({ where: productRow, data: { leaseExpiresAt: new Date(h.clock.now() + 60_000) } });
    expect(await run()).toEqual([expect.objectContaining({ gid, status: "pending" })]);

    await prisma.syncState.update({ where: productRow, data: { leaseExpiresAt: null } });
    expect(await run()).toEqual([expect.objectContaining({ gid, status: "unchanged" })]);
  });
});
