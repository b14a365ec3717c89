import type { ProductInput, VariantInput, CustomerInput } from "./model";
import { UserErrors } from "./model";
import type { FakeShop } from "./shop";

/**
 * /_fake/...: the merchant's side of the fake as JSON endpoints, for the sandbox control panel (a browser
 * page, hence CORS), browser tests and fault suites. Each route calls the same FakeShop operation as the JS
 * API, so webhooks fire the same way.
 */

export interface ControlDeps {
  shop: (domain: string) => FakeShop | undefined;
  shops: () => FakeShop[];
  addShop: (domain: string, options: { accessToken?: string; name?: string; currencyCode?: string }) => {
    shop: FakeShop;
    accessToken: string;
  };
  uninstall: (domain: string) => void;
  setThrottle: (domain: string, settings: { available?: number; maximumAvailable?: number; restoreRate?: number }) => unknown;
  getFaults: () => unknown;
  setFaults: (faults: Record<string, unknown>) => unknown;
  bulkResult: (domain: string, id: string) => string | null;
  chunkBytes: number;
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
};

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Map ? Object.fromEntries(inner) : inner));
}

function reply(body: unknown, status = 200): Response {
  return new Response(toJson(body), { status, headers: { "Content-Type": "application/json", ...CORS } });
}

/** Serves text in fixed-size byte chunks, so a reader must handle lines (and characters) split across chunks. */
function chunkedText(text: string, chunkBytes: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
}

export function snapshot(shop: FakeShop) {
  return {
    domain: shop.domain,
    id: shop.gid,
    name: shop.name,
    currencyCode: shop.currencyCode,
    primaryLocationId: shop.primaryLocationId,
    locations: shop.list(shop.locations),
    customers: shop.list(shop.customers),
    products: shop.list(shop.products).map((product) => ({
      ...product,
      variants: product.variantIds.map((id) => {
        const variant = shop.variant(id);
        return { ...variant, inventory: shop.inventoryItem(variant.inventoryItemId).levels };
      }),
    })),
    orders: shop.list(shop.orders),
    bulkOperations: shop.list(shop.bulkOperations).map(({ body: _body, ...operation }) => operation),
    metafields: [...shop.metafields.values()].flatMap((owned) => [...owned.values()]),
  };
}

type Route = {
  method: string;
  pattern: RegExp;
  run: (match: string[], body: Record<string, unknown>, deps: ControlDeps) => unknown;
};

function withShop(deps: ControlDeps, domain: string): FakeShop {
  const shop = deps.shop(domain);
  if (!shop) throw new NotFound(`No shop ${domain}`);
  return shop;
}

class NotFound extends Error {}

const SHOP = "/_fake/shops/([^/]+)";
const routes: Route[] = [
  { method: "GET", pattern: /^\/_fake\/shops$/, run: (_m, _b, d) => d.shops().map(snapshot) },
  {
    method: "POST",
    pattern: /^\/_fake\/shops$/,
    run: (_m, body, d) => {
      const { shop, accessToken } = d.addShop(String(body.domain), body as { accessToken?: string });
      return { ...snapshot(shop), accessToken };
    },
  },
  { method: "GET", pattern: new RegExp(`^${SHOP}$`), run: ([domain], _b, d) => snapshot(withShop(d, domain)) },
  { method: "GET", pattern: new RegExp(`^${SHOP}/events$`), run: ([domain], _b, d) => withShop(d, domain).events },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/uninstall$`),
    run: ([domain], _b, d) => {
      withShop(d, domain);
      d.uninstall(domain);
      return { uninstalled: domain };
    },
  },
  {
    method: "PUT",
    pattern: new RegExp(`^${SHOP}/throttle$`),
    run: ([domain], body, d) => {
      withShop(d, domain);
      return d.setThrottle(domain, body);
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/customers$`),
    run: ([domain], body, d) => withShop(d, domain).createCustomer(body as CustomerInput),
  },
  {
    method: "PATCH",
    pattern: new RegExp(`^${SHOP}/customers/([^/]+)$`),
    run: ([domain, id], body, d) => withShop(d, domain).updateCustomer(id, body as CustomerInput),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^${SHOP}/customers/([^/]+)$`),
    run: ([domain, id], _b, d) => {
      withShop(d, domain).deleteCustomer(id);
      return { deleted: id };
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/customers/([^/]+)/tags$`),
    run: ([domain, id], body, d) => {
      const shop = withShop(d, domain);
      if (Array.isArray(body.add)) shop.addCustomerTags(id, body.add as string[]);
      if (Array.isArray(body.remove)) shop.removeCustomerTags(id, body.remove as string[]);
      return shop.customer(id);
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/products$`),
    run: ([domain], body, d) => withShop(d, domain).createProduct(body as ProductInput),
  },
  {
    method: "PATCH",
    pattern: new RegExp(`^${SHOP}/products/([^/]+)$`),
    run: ([domain, id], body, d) => withShop(d, domain).updateProduct(id, body as ProductInput),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^${SHOP}/products/([^/]+)$`),
    run: ([domain, id], _b, d) => {
      withShop(d, domain).deleteProduct(id);
      return { deleted: id };
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/products/([^/]+)/variants$`),
    run: ([domain, id], body, d) => withShop(d, domain).addVariant(id, body as VariantInput),
  },
  {
    method: "PATCH",
    pattern: new RegExp(`^${SHOP}/variants/([^/]+)$`),
    run: ([domain, id], body, d) => withShop(d, domain).updateVariant(id, body as VariantInput),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^${SHOP}/variants/([^/]+)$`),
    run: ([domain, id], _b, d) => {
      withShop(d, domain).deleteVariant(id);
      return { deleted: id };
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/inventory$`),
    run: ([domain], body, d) =>
      withShop(d, domain).setInventory(body as { variantId?: string; inventoryItemId?: string; locationId?: string; available: number }),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/sales$`),
    run: ([domain], body, d) =>
      withShop(d, domain).sell(body as { variantId?: string; inventoryItemId?: string; locationId?: string; quantity: number }),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${SHOP}/locations$`),
    run: ([domain], body, d) => withShop(d, domain).addLocation(String(body.name)),
  },
  { method: "GET", pattern: /^\/_fake\/faults$/, run: (_m, _b, d) => d.getFaults() },
  { method: "PUT", pattern: /^\/_fake\/faults$/, run: (_m, body, d) => d.setFaults(body) },
];

export async function handleControlRequest(request: Request, deps: ControlDeps): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });

  const bulk = /^\/_fake\/bulk\/([^/]+)\/(\d+)\.jsonl$/.exec(path);
  if (bulk && request.method === "GET") {
    const text = deps.bulkResult(decodeURIComponent(bulk[1]), bulk[2]);
    if (text === null) return new Response("Not Found", { status: 404 });
    return new Response(chunkedText(text, deps.chunkBytes), {
      headers: { "Content-Type": "application/jsonl", "Content-Length": String(Buffer.byteLength(text)) },
    });
  }

  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match || route.method !== request.method) continue;
    let body: Record<string, unknown> = {};
    if (request.method !== "GET" && request.method !== "DELETE") {
      try {
        body = ((await request.json()) ?? {}) as Record<string, unknown>;
      } catch {
        return reply({ error: "The body must be JSON" }, 400);
      }
    }
    try {
      return reply(route.run(match.slice(1).map(decodeURIComponent), body, deps));
    } catch (error) {
      if (error instanceof UserErrors) return reply({ userErrors: error.errors }, 422);
      if (error instanceof NotFound) return reply({ error: error.message }, 404);
      throw error;
    }
  }
  return reply({ error: `No route ${request.method} ${path}` }, 404);
}
