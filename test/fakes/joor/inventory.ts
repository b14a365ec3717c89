/** v2 bulk inventory: stock per SKU (by UPC or style fields) per warehouse, with a pass/fail log per item. */
import type { RouteContext } from "./context";
import { isRecord, nonEmptyString, readJson, v2Error, v2Ok } from "./responses";
import { skuByUpc, traitValue, type FakeAccount, type FakeSku, type JsonRecord } from "./state";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Stock is kept per warehouse and availability date ("" = available now, a date = future stock). */
export function stockKey(warehouse: string, inventoryDate: string | null): string {
  return `${warehouse}|${inventoryDate ?? ""}`;
}

function skuByStyle(account: FakeAccount, item: JsonRecord): FakeSku | undefined {
  const product = [...account.products.values()].find(
    (candidate) => candidate.product_identifier !== undefined && candidate.product_identifier === item.style_number,
  );
  if (!product) return undefined;
  return [...account.skus.values()].find((sku) => {
    if (sku.product_id !== product.id) return false;
    const color = traitValue(sku, "Color");
    // [assumed] color_code matches the Color trait's external_id (JOOR's color code); style_identifier is not
    // needed to find the SKU.
    return (color?.external_id ?? color?.value) === item.color_code && traitValue(sku, "Size")?.value === item.size;
  });
}

type LogEntry = JsonRecord & { status: "pass" | "fail"; message: string };

function applyItem(account: FakeAccount, item: unknown): LogEntry {
  if (!isRecord(item)) return { status: "fail", message: "Each inventory item must be an object" };
  const echo: JsonRecord = {};
  for (const field of ["upc", "style_number", "style_identifier", "color_code", "size", "warehouse"]) {
    if (item[field] !== undefined) echo[field] = item[field];
  }
  const failWith = (message: string): LogEntry => ({ ...echo, status: "fail", message });
  if (!nonEmptyString(item.warehouse)) return failWith("warehouse is required");
  if (!account.warehouses.includes(item.warehouse)) return failWith(`Unknown warehouse ${item.warehouse}`);
  const madeToOrder = item.made_to_order === true;
  // [assumed] a made-to-order item may leave out `inventory`, since it clears the stock anyway.
  if (!madeToOrder && !(typeof item.inventory === "number" && Number.isInteger(item.inventory))) {
    return failWith("inventory must be an integer");
  }
  const rawDate = item.inventory_date;
  if (rawDate !== undefined && rawDate !== null && rawDate !== "" && !(typeof rawDate === "string" && DATE.test(rawDate))) {
    return failWith("inventory_date must be empty or YYYY-MM-DD");
  }
  let sku: FakeSku | undefined;
  if (nonEmptyString(item.upc)) {
    sku = skuByUpc(account, item.upc);
    if (!sku) return failWith(`Unknown UPC ${item.upc}`);
  } else if (nonEmptyString(item.style_number)) {
    sku = skuByStyle(account, item);
    if (!sku) return failWith(`Unknown SKU ${item.style_number} ${String(item.color_code)} ${String(item.size)}`);
  } else {
    return failWith("Each item needs a upc or style_number + color_code + size");
  }
  const inventoryDate = typeof rawDate === "string" && rawDate !== "" ? rawDate : null;
  const stock = account.inventory.get(sku.id) ?? new Map();
  stock.set(stockKey(item.warehouse, inventoryDate), {
    inventory: madeToOrder ? 0 : (item.inventory as number),
    inventory_date: inventoryDate,
    made_to_order: madeToOrder,
  });
  account.inventory.set(sku.id, stock);
  return { ...echo, status: "pass", message: "Updated" };
}

export async function bulkInventoryRoute(ctx: RouteContext): Promise<Response | null> {
  const { account, request, url } = ctx;
  if (ctx.segments.length !== 1 || (request.method !== "POST" && request.method !== "PUT")) return null;
  const body = await readJson(request);
  const items =
    body.ok && isRecord(body.value) && isRecord(body.value.inventory_items)
      ? body.value.inventory_items.inventory_item
      : undefined;
  if (!Array.isArray(items)) return v2Error(400, 1001, 'Body must be {"inventory_items": {"inventory_item": [...]}}');
  if (items.length === 0) return v2Error(400, 1001, "No inventory items given");
  if (items.length > ctx.settings.limits.inventoryBatchMax) {
    return v2Error(400, 1002, `At most ${ctx.settings.limits.inventoryBatchMax} inventory items per request`);
  }
  // overwrite=1 replaces ALL of the account's inventory [doc]; counted so tests can assert it is never sent.
  if (url.searchParams.get("overwrite") === "1") {
    account.overwriteRequests += 1;
    account.inventory.clear();
  }
  const log = items.map((item) => applyItem(account, item));
  // [assumed] sku_count counts the SKUs that passed.
  return v2Ok({ sku_count: log.filter((entry) => entry.status === "pass").length, inventory_log: log });
}
