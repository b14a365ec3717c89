/**
 * The admin blocks' data (extensions/): GET /api/blocks/customer?id=<customer GID> and
 * GET /api/blocks/product?id=<product GID>. The admin's fetch carries a session token for authenticate.admin;
 * every answer, refusals included, goes out through `cors` because the blocks run on Shopify's origin. Reads
 * only the database, scoped by the token's shop.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { JoorConnection, SyncState } from "@prisma/client";
import { readStyleDetails } from "~/catalog/details";
import { readCustomerDetails } from "~/customers/details";
import { prisma } from "~/db.server";
import { RecordKind } from "~/records";
import { authenticate } from "~/shopify.server";
import { parseJson } from "~/sync/json";
import type { BlockReply, CustomerBlockData, CustomerLinkState, ProductBlockData } from "../../extensions/shared/block-data";

type StateFacts = Pick<SyncState, "status" | "lastError" | "joorId" | "details" | "lastSyncedAt">;
type LinkFacts = Pick<JoorConnection, "connectionId" | "customerCode" | "linkedAt">;

const MATCHING_PATH = "/app/customers/matching";
const GIDS = { customer: /^gid:\/\/shopify\/Customer\/\d+$/, product: /^gid:\/\/shopify\/Product\/\d+$/ };

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** What the customer page's block shows, from the customer's sync state and any link made on the matching screen. */
export function customerBlockData(state: StateFacts | null, link: LinkFacts | null): CustomerBlockData {
  const details = state ? readCustomerDetails(parseJson(state.details)) : null;
  const search = details?.email ?? details?.name;
  const matchingPath = search ? `${MATCHING_PATH}?${new URLSearchParams({ q: search })}` : MATCHING_PATH;
  if (!state) {
    return link
      ? {
          state: "synced",
          customerCode: link.customerCode,
          connectionId: link.connectionId,
          lastSyncedAt: iso(link.linkedAt),
          message: "Linked on the matching screen",
          matchingPath,
        }
      : { state: "not_linked", customerCode: null, connectionId: null, lastSyncedAt: null, message: null, matchingPath };
  }
  let linkState: CustomerLinkState;
  if (state.status === "synced") linkState = "synced";
  else if (state.status === "pending" && details?.validation === "pending") linkState = "pending_validation";
  else if (state.status === "failed" || state.status === "stopped") linkState = state.status;
  else linkState = "syncing";
  return {
    state: linkState,
    customerCode: details?.customerCode ?? link?.customerCode ?? null,
    connectionId: state.joorId ?? link?.connectionId ?? null,
    lastSyncedAt: iso(state.lastSyncedAt),
    message: state.lastError,
    matchingPath,
  };
}

/** What the product page's block shows, from the product's sync state. */
export function productBlockData(state: StateFacts | null): ProductBlockData {
  if (!state) {
    return { state: "not_synced", styleNumber: null, joorProductId: null, linesheets: [], madeToOrder: false, lastSyncedAt: null, message: null, warnings: [], skuErrors: [] };
  }
  const details = readStyleDetails(parseJson(state.details));
  // SKU errors are keyed by the SKU's external id, which for a sold SKU is its variant's id.
  const variantLabel = (key: string) => {
    const cell = details.cells.find((candidate) => candidate.variantId === key);
    return (cell && [cell.color, cell.size].filter(Boolean).join(" / ")) || key;
  };
  const status = state.status;
  return {
    state: status === "synced" ? "synced" : status === "failed" || status === "stopped" ? status : "syncing",
    styleNumber: details.styleNumber,
    joorProductId: details.productId ?? state.joorId,
    linesheets: details.linesheets.map((linesheet) => linesheet.name),
    madeToOrder: details.madeToOrder,
    lastSyncedAt: iso(state.lastSyncedAt),
    message: state.lastError,
    warnings: details.warnings,
    skuErrors: Object.entries(details.skuErrors).map(([key, reason]) => `${variantLabel(key)}: ${reason}`),
  };
}

const STATE_FIELDS = { status: true, lastError: true, joorId: true, details: true, lastSyncedAt: true } as const;

async function loadCustomer(shop: string, gid: string): Promise<CustomerBlockData> {
  const [state, link] = await Promise.all([
    prisma.syncState.findUnique({ where: { shop_kind_gid: { shop, kind: RecordKind.customer, gid } }, select: STATE_FIELDS }),
    prisma.joorConnection.findFirst({
      where: { shop, linkedGid: gid, status: "linked" },
      select: { connectionId: true, customerCode: true, linkedAt: true },
    }),
  ]);
  return customerBlockData(state, link);
}

async function loadProduct(shop: string, gid: string): Promise<ProductBlockData> {
  const state = await prisma.syncState.findUnique({ where: { shop_kind_gid: { shop, kind: RecordKind.product, gid } }, select: STATE_FIELDS });
  return productBlockData(state);
}

/** The blocks always send a session token: a request without one did not come from the admin. */
function withoutToken(): Response {
  return json({ ok: false, error: "Missing session token" } satisfies BlockReply<never>, {
    status: 401,
    headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type" },
  });
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  if (!request.headers.get("Authorization")) return withoutToken();
  const { session, cors } = await authenticate.admin(request);
  const id = new URL(request.url).searchParams.get("id") ?? "";
  const reply = <T>(body: BlockReply<T>, status = 200) => cors(json(body, { status }));
  switch (params.block) {
    case "customer":
      return GIDS.customer.test(id) ? reply({ ok: true, data: await loadCustomer(session.shop, id) }) : reply({ ok: false, error: "Not a customer id" }, 400);
    case "product":
      return GIDS.product.test(id) ? reply({ ok: true, data: await loadProduct(session.shop, id) }) : reply({ ok: false, error: "Not a product id" }, 400);
    default:
      return reply({ ok: false, error: "No such block" }, 404);
  }
};

/** Remix hands every method but GET to the action: the browser's CORS preflight (OPTIONS) arrives here. */
export const action = async ({ request }: ActionFunctionArgs) => {
  // authenticate.admin answers a preflight itself (204 with the CORS headers) by throwing the response.
  if (request.method === "OPTIONS") await authenticate.admin(request);
  return json({ ok: false, error: "Read-only" } satisfies BlockReply<never>, { status: 405 });
};
