import { describe, expect, it } from "vitest";
import { flowOptionsSchema } from "~/settings/options";
import { cellKey, DEFAULT_COLOR, DEFAULT_SIZE, descriptionText, imageFormat, mapStyle, variantTraits, type CatalogOptions } from "./mapping";
import type { CatalogProduct, CatalogVariant } from "./shopify-product";

const OPTIONS: CatalogOptions = { ...flowOptionsSchema.parse({}), priceTypeId: "7", wholesalePercentOfRetail: 50 };

let nextId = 1000;
function variant(values: Record<string, string>, fields: Partial<CatalogVariant> = {}): CatalogVariant {
  nextId += 1;
  return {
    id: String(nextId),
    sku: null,
    barcode: `0${nextId}`,
    price: "10.00",
    position: nextId,
    options: Object.entries(values).map(([name, value]) => ({ name, value })),
    inventoryItemId: String(nextId + 50_000),
    imageUrl: null,
    wholesale: null,
    ...fields,
  };
}

function product(variants: CatalogVariant[], fields: Partial<CatalogProduct> = {}): CatalogProduct {
  return { gid: "gid://shopify/Product/42", id: "42", title: "Tee", handle: "tee", descriptionHtml: "", tags: [], variants, media: [], ...fields };
}

const grid = (plan: ReturnType<typeof mapStyle>) =>
  Object.fromEntries(plan.cells.map((cell) => [`${cell.color}/${cell.size}`, cell.sku.status]));

describe("variantTraits", () => {
  it.each([
    ["no options (Shopify's default variant)", { Title: "Default Title" }, DEFAULT_COLOR, DEFAULT_SIZE],
    ["size only", { Size: "M" }, DEFAULT_COLOR, "M"],
    ["color only, any case", { COLOUR: "Navy" }, "Navy", DEFAULT_SIZE],
    ["color and size", { Color: "Red", Size: "S" }, "Red", "S"],
    ["three options: the third joins the size", { Material: "Cotton", Color: "Red", Size: "M" }, "Red", "M / Cotton"],
    ["an unmapped option becomes the size", { Style: "Slim" }, DEFAULT_COLOR, "Slim"],
    ["unicode values, trimmed", { Color: " Café Noir ", Size: "Ｍ" }, "Café Noir", "Ｍ"],
  ])("%s", (_name, values, color, size) => {
    const options = Object.entries(values).map(([name, value]) => ({ name, value }));
    expect(variantTraits({ options }, OPTIONS)).toEqual({ color, size });
  });

  it("reads the merchant's own option names", () => {
    expect(variantTraits({ options: [{ name: "Farbe", value: "Rot" }, { name: "Größe", value: "L" }] }, {
      colorOptionNames: ["farbe"],
      sizeOptionNames: ["GRÖSSE", "Größe"],
    })).toEqual({ color: "Rot", size: "L" });
  });
});

describe("mapStyle: the grid", () => {
  it("sends the full color × size grid, unsold combinations INACTIVE, in color-major order", () => {
    const plan = mapStyle(product([variant({ Color: "Red", Size: "S" }), variant({ Color: "Red", Size: "M" }), variant({ Color: "Blue", Size: "M" })]), OPTIONS);
    expect(grid(plan)).toEqual({ "Red/S": "ACTIVE", "Red/M": "ACTIVE", "Blue/S": "INACTIVE", "Blue/M": "ACTIVE" });
    const blueS = plan.cells.find((cell) => cell.label === "Blue / S")!;
    expect(blueS).toMatchObject({ variantId: null, upc: null, sku: { identifiers: [], status: "INACTIVE" } });
    expect(blueS.externalId).toMatch(/^42-blue-[0-9a-f]{8}$/);
  });

  it("maps 100 variants to 100 SKUs, each with its variant id, UPC and color code", () => {
    const colors = Array.from({ length: 10 }, (_, index) => `Color ${index}`);
    const sizes = Array.from({ length: 10 }, (_, index) => `${index}`);
    const variants = colors.flatMap((color) => sizes.map((size) => variant({ Color: color, Size: size }, { sku: `SKU-${color}-${size}` })));
    const plan = mapStyle(product(variants), OPTIONS);
    expect(plan.cells).toHaveLength(100);
    expect(plan.cells.every((cell) => cell.sku.status === "ACTIVE")).toBe(true);
    expect(plan.cells.map((cell) => cell.externalId)).toEqual(variants.map((v) => v.id));
    expect(plan.cells[0].sku).toEqual({
      external_id: variants[0].id,
      sku_identifier: "SKU-Color 0-0",
      trait_values: [
        { trait_name: "Color", value: "Color 0", external_id: "color-0" },
        { trait_name: "Size", value: "0" },
      ],
      identifiers: [{ type: "upc", value: variants[0].barcode }],
      status: "ACTIVE",
    });
    expect(plan.prices?.items).toHaveLength(100);
  });

  it("gives unicode colors stable, unique codes", () => {
    const plan = mapStyle(
      product([variant({ Color: "Café Noir" }), variant({ Color: "黒" }), variant({ Color: "Cafe-Noir!" })]),
      OPTIONS,
    );
    const codes = plan.cells.map((cell) => cell.colorCode);
    expect(codes[0]).toBe("cafe-noir");
    expect(codes[1]).toMatch(/^c-[0-9a-f]{8}$/);
    expect(codes[2]).toBe("cafe-noir-2");
    // Next sync: remembered codes win even if the variants come in another order.
    const again = mapStyle(product([variant({ Color: "Cafe-Noir!" }), variant({ Color: "Café Noir" })]), OPTIONS, {
      colorCodes: plan.colorCodes,
      cells: [],
    });
    expect(again.cells.map((cell) => cell.colorCode)).toEqual(["cafe-noir-2", "cafe-noir"]);
  });

  it("keeps a deleted variant's cell in the grid as INACTIVE", () => {
    const red = variant({ Color: "Red", Size: "S" });
    const plan = mapStyle(product([red]), OPTIONS, {
      colorCodes: { red: "red", blue: "blue" },
      cells: [
        { color: "Red", size: "S" },
        { color: "Blue", size: "S" },
        { color: "Blue", size: "XL" },
      ],
    });
    expect(grid(plan)).toEqual({ "Red/S": "ACTIVE", "Red/XL": "INACTIVE", "Blue/S": "INACTIVE", "Blue/XL": "INACTIVE" });
  });

  it("matches cells case- and width-insensitively, so a respelt value keeps its SKU", () => {
    const plan = mapStyle(product([variant({ Color: "RED", Size: "ｍ" })]), OPTIONS, { colorCodes: { red: "red" }, cells: [{ color: "Red", size: "M" }] });
    expect(plan.cells.map((cell) => [cell.key, cell.color, cell.sku.status])).toEqual([[cellKey("Red", "M"), "RED", "ACTIVE"]]);
  });

  it("leaves out a variant whose color and size another variant already has, or whose UPC is taken", () => {
    const first = variant({ Color: "Red", Size: "S" }, { barcode: "111" });
    const sameCell = variant({ Color: "red", Size: "s" });
    const sameUpc = variant({ Color: "Blue", Size: "S" }, { barcode: "111" });
    const plan = mapStyle(product([first, sameCell, sameUpc]), OPTIONS);
    expect(plan.cells.map((cell) => cell.variantId)).toEqual([first.id]);
    expect(plan.warnings).toEqual([
      `Variant ${sameCell.id} (red / s) is left out: variant ${first.id} has the same color and size`,
      `Variant ${sameUpc.id} (Blue / S) is left out: its UPC 111 is also variant ${first.id}'s`,
    ]);
  });
});

describe("mapStyle: variants without a barcode", () => {
  const withSku = () => variant({ Size: "S" }, { barcode: null, sku: "TEE-S" });
  const bare = () => variant({ Size: "M" }, { barcode: "  ", sku: null });

  it.each([
    ["skip", (_v: CatalogVariant): string | null => null, "2 variant(s) without a barcode are left out: Default / S, Default / M"],
    ["sku", (v: CatalogVariant): string | null => v.sku, "1 variant(s) without a barcode or SKU are left out: Default / M"],
    ["variantId", (v: CatalogVariant): string | null => v.id, null],
  ] as const)("rule %s", (rule, expectedUpc, warning) => {
    const variants = [withSku(), bare()];
    const plan = mapStyle(product(variants), { ...OPTIONS, missingBarcode: rule });
    const upcs = variants.map((v) => plan.cells.find((cell) => cell.variantId === v.id)?.upc ?? null);
    expect(upcs).toEqual(variants.map((v) => expectedUpc(v)));
    expect(plan.warnings).toEqual(warning ? [warning] : []);
  });
});

describe("mapStyle: nothing to sell", () => {
  it("does not create a style none of whose variants can be sent, but deactivates one JOOR has", () => {
    const bare = variant({ Size: "S" }, { barcode: null });
    expect(mapStyle(product([bare]), OPTIONS).blocked).toBe(
      "No variant can be sent: 1 variant(s) without a barcode are left out: Default / S",
    );
    const known = mapStyle(product([bare]), OPTIONS, { colorCodes: { default: "default" }, cells: [{ color: "Default", size: "S" }] });
    expect(known.blocked).toBeNull();
    expect(grid(known)).toEqual({ "Default/S": "INACTIVE" });
  });
});

describe("mapStyle: prices", () => {
  const tee = () => [variant({ Size: "S" }, { price: "19.99", wholesale: "8.5" }), variant({ Size: "M" }, { price: "21.00" })];

  it("uses the metafield where set, the percentage elsewhere, as two-decimal strings", () => {
    const plan = mapStyle(product(tee()), { ...OPTIONS, wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: 45 });
    expect(plan.prices?.items.map(({ wholesale, retail }) => ({ wholesale, retail }))).toEqual([
      { wholesale: "8.50", retail: "19.99" },
      { wholesale: "9.45", retail: "21.00" },
    ]);
    expect(plan.prices?.priceTypeId).toBe("7");
    expect(plan.blocked).toBeNull();
  });

  it("blocks the style when a variant has no wholesale price and no percentage is set", () => {
    const plan = mapStyle(product(tee()), { ...OPTIONS, wholesaleMetafield: "custom.wholesale", wholesalePercentOfRetail: null });
    expect(plan.prices).toBeNull();
    expect(plan.blocked).toBe(
      "Needs a wholesale price: Default / M (no custom.wholesale value). Set the variant metafield, or a wholesale percentage of retail in Settings.",
    );
  });

  it("sends no prices, with a warning, without a price type; none and no warning when prices are off", () => {
    expect(mapStyle(product(tee()), { ...OPTIONS, priceTypeId: "" })).toMatchObject({
      prices: null,
      blocked: null,
      warnings: ["No JOOR price type is chosen in Settings: prices are not sent"],
    });
    expect(mapStyle(product(tee()), { ...OPTIONS, syncPrices: false, wholesalePercentOfRetail: null })).toMatchObject({
      prices: null,
      blocked: null,
      warnings: [],
    });
  });
});

describe("mapStyle: images", () => {
  it.each([
    [{ mimeType: "image/jpeg", url: "https://cdn.example/a.jpg?v=1" }, { extension: "jpg" }],
    [{ mimeType: "image/png", url: "https://cdn.example/a.png" }, { extension: "png" }],
    [{ mimeType: null, url: "https://cdn.example/a.JPEG" }, { extension: "jpg" }],
    [{ mimeType: "image/webp", url: "https://cdn.example/a.webp" }, { unsupported: "webp" }],
    [{ mimeType: "image/jpeg", url: "https://cdn.example/a.webp" }, { unsupported: "webp" }],
    [{ mimeType: null, url: "https://cdn.example/image" }, { unsupported: "unknown format" }],
  ])("%j → %j", (media, expected) => {
    expect(imageFormat(media)).toEqual(expected);
  });

  it("names color images after their color, keeps the order, warns about the rest", () => {
    const red = variant({ Color: "Red" }, { imageUrl: "https://cdn.example/red.jpg?v=3" });
    const plan = mapStyle(
      product([red, variant({ Color: "Blue" })], {
        media: [
          { contentType: "IMAGE", mimeType: "image/jpeg", url: "https://cdn.example/front.jpg" },
          { contentType: "VIDEO", mimeType: null, url: null },
          { contentType: "IMAGE", mimeType: "image/webp", url: "https://cdn.example/back.webp" },
          { contentType: "IMAGE", mimeType: "image/jpeg", url: "https://cdn.example/red.jpg?v=2" },
        ],
      }),
      OPTIONS,
    );
    expect(plan.images?.assets).toEqual([
      { filename: "42_1.jpg", sourceUrl: "https://cdn.example/front.jpg", displayOrder: 1 },
      { filename: "42_red_2.jpg", sourceUrl: "https://cdn.example/red.jpg?v=2", displayOrder: 2 },
    ]);
    expect(plan.warnings).toEqual([
      "1 image(s) not sent: JOOR takes JPEG, PNG and GIF only (webp: https://cdn.example/back.webp)",
      "1 video or 3D media not sent: JOOR takes images only",
    ]);
  });

  it("keeps file names within 100 characters", () => {
    const long = "x".repeat(120);
    const plan = mapStyle(
      product([variant({ Color: long }, { imageUrl: "https://cdn.example/c.gif" })], {
        media: [{ contentType: "IMAGE", mimeType: "image/gif", url: "https://cdn.example/c.gif" }],
      }),
      OPTIONS,
    );
    expect(plan.images?.assets[0].filename.length).toBeLessThanOrEqual(100);
    expect(plan.images?.assets[0].filename).toMatch(/^42_x+_1\.gif$/);
  });
});

describe("mapStyle: linesheets, fields and fingerprints", () => {
  it("reads linesheets from prefixed tags (one per name, any case) and made-to-order from the chosen ones", () => {
    const plan = mapStyle(product([variant({})], { tags: ["Collection_Fall26", "collection_FALL26", "Collection_Pre Order", "Sale"] }), {
      ...OPTIONS,
      madeToOrderLinesheets: ["pre order"],
    });
    expect(plan.linesheets).toEqual([
      { key: "fall26", name: "Fall26" },
      { key: "pre order", name: "Pre Order" },
    ]);
    expect(plan.madeToOrder).toBe(true);
  });

  it("sends title, style number and the description as text unless switched off", () => {
    const tee = product([variant({})], { descriptionHtml: "<p>Soft&nbsp;cotton</p><ul><li>Relaxed &amp; easy</li></ul>" });
    expect(mapStyle(tee, OPTIONS).product.fields).toEqual({
      name: "Tee",
      external_id: "42",
      product_identifier: "42",
      description: "Soft cotton\nRelaxed & easy",
    });
    expect(mapStyle(tee, { ...OPTIONS, syncDescription: false }).product.fields).not.toHaveProperty("description");
  });

  it("fingerprints only what JOOR receives", () => {
    const variants = [variant({ Size: "S" }), variant({ Size: "M" })];
    const base = mapStyle(product(variants, { tags: ["JOOR_ENABLED"] }), OPTIONS);
    const sameForJoor = mapStyle(product(variants.map((v) => ({ ...v })), { tags: ["JOOR_ENABLED", "Summer"] }), OPTIONS);
    expect(sameForJoor.product.hash).toBe(base.product.hash);
    expect(sameForJoor.skusHash).toBe(base.skusHash);
    expect(sameForJoor.prices).toEqual(base.prices);
    expect(sameForJoor.images?.hash).toBe(base.images?.hash);

    const repriced = mapStyle(product([{ ...variants[0], price: "12.00" }, variants[1]]), OPTIONS);
    expect(repriced.skusHash).toBe(base.skusHash);
    expect(repriced.prices?.items[0].hash).not.toBe(base.prices?.items[0].hash);
    expect(repriced.prices?.items[1].hash).toBe(base.prices?.items[1].hash);
  });
});

describe("descriptionText", () => {
  it.each([
    ["", ""],
    ["Plain", "Plain"],
    ["<p>One</p><p>Two</p>", "One\nTwo"],
    ["Line<br>break", "Line\nbreak"],
    ["&lt;b&gt; &#233;&#x2014;", "<b> é—"],
  ])("%j → %j", (html, text) => {
    expect(descriptionText(html)).toBe(text);
  });
});
