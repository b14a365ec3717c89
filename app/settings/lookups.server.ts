/**
 * What the settings page reads from Shopify and JOOR while it answers. Each lookup is short and never fails the
 * page: it answers with what it found or with a message to show beside the field.
 */
import { DbCreditBudget } from "~/joor/budget.server";
import type { Sleep } from "~/joor/budget";
import { JoorClient, type ConnectionCheck } from "~/joor/client.server";
import { joorClientFor } from "~/joor/joor-for-shop.server";
import type { JoorConnectionSettings } from "./settings.server";
import { errorMessage, SyncError } from "~/sync/errors";

export type Lookup<T> = { ok: true; value: T } | { ok: false; message: string };

export interface ShopLocation {
  id: string;
  name: string;
}

export interface PriceTypeChoice {
  id: string;
  label: string;
}

/** `admin.graphql` from authenticate.admin. */
export type AdminGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export interface JoorLookupOptions {
  /** Per request to JOOR. */
  timeoutMs?: number;
  /** For the whole lookup, however many requests it takes. */
  deadlineMs?: number;
}

/** The page answers within a second: the price types get 450 ms per request and 900 ms in all. */
export const PRICE_TYPES_LOOKUP: Required<JoorLookupOptions> = { timeoutMs: 450, deadlineMs: 900 };
/** The merchant asked and waits for this answer, so JOOR gets longer (a v4 login plus one read per generation). */
export const CONNECTION_TEST: Required<JoorLookupOptions> = { timeoutMs: 2_500, deadlineMs: 6_000 };

/** Active locations; more than this many is beyond any shop the app serves (the options keep at most 100). */
const LOCATION_LIMIT = 100;
const LOCATIONS_QUERY = `#graphql
  query SettingsLocations($first: Int!) {
    locations(first: $first) { nodes { id name } }
  }`;

interface LocationsReply {
  data?: { locations?: { nodes?: ShopLocation[] } };
  errors?: unknown;
}

export async function listShopLocations(graphql: AdminGraphql): Promise<Lookup<ShopLocation[]>> {
  try {
    const response = await graphql(LOCATIONS_QUERY, { variables: { first: LOCATION_LIMIT } });
    const reply = (await response.json()) as LocationsReply;
    const nodes = reply.data?.locations?.nodes;
    if (!nodes) return { ok: false, message: "Shopify did not list the shop's locations" };
    return { ok: true, value: nodes.map(({ id, name }) => ({ id, name })) };
  } catch (error) {
    return { ok: false, message: `Could not read the shop's locations: ${errorMessage(error)}` };
  }
}

/** A request made from a page does not wait for JOOR credits to come back: it says so instead. */
const refuseToWait: Sleep = () =>
  Promise.reject(new SyncError("The JOOR credit budget for this account is busy right now", { terminal: false }));

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`JOOR did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const clientOverrides = (options: Required<JoorLookupOptions>) => ({
  timeoutMs: options.timeoutMs,
  retry: { attempts: 1 },
  sleep: refuseToWait,
});

/** JOOR's price types for the shop's stored connection. */
export async function listJoorPriceTypes(shop: string, options: JoorLookupOptions = {}): Promise<Lookup<PriceTypeChoice[]>> {
  const limits = { ...PRICE_TYPES_LOOKUP, ...options };
  try {
    const types = await withDeadline(
      joorClientFor(shop, clientOverrides(limits)).then((client) => client.listPriceTypes()),
      limits.deadlineMs,
    );
    return {
      ok: true,
      value: types.map((type) => ({
        id: type.id,
        label: [type.label ?? `Price type ${type.id}`, type.currency].filter(Boolean).join(" · "),
      })),
    };
  } catch (error) {
    return { ok: false, message: `Could not load JOOR's price types: ${errorMessage(error)}` };
  }
}

export interface ConnectionTestResult {
  v2: ConnectionCheck;
  v4: ConnectionCheck;
}

/** Tries a connection (stored or just entered) against JOOR: one cheap read per API generation. */
export async function testJoorConnection(connection: JoorConnectionSettings, options: JoorLookupOptions = {}): Promise<ConnectionTestResult> {
  const limits = { ...CONNECTION_TEST, ...options };
  const budget = new DbCreditBudget({ environment: connection.environment, accountId: connection.accountId, sleep: refuseToWait });
  const client = new JoorClient({ ...connection, budget, ...clientOverrides(limits) });
  try {
    return await withDeadline(client.testConnection(), limits.deadlineMs);
  } catch (error) {
    const failed: ConnectionCheck = { ok: false, message: errorMessage(error) };
    return { v2: failed, v4: failed };
  }
}
