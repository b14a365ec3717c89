import type { CreditSettings } from "./credits";
import type { TokenSettings } from "./auth";
import type { FakeAccount, FakeState } from "./state";

export interface FakeLimits {
  /** Records per v4 bulk request [assumed: JOOR publishes no maximum]. */
  v4BulkMax: number;
  /** Items per bulk-inventory request [assumed]. */
  inventoryBatchMax: number;
  /** Connections per bulk-connection job [assumed]. */
  connectionBatchMax: number;
}

export interface FakeSettings {
  credits: CreditSettings;
  tokens: TokenSettings;
  /** Status polls before a bulk-connection job reports "finished" (0 = finished when submitted). */
  bulkConnectionPolls: number;
  limits: FakeLimits;
  /** Refuse a product's SKUs unless they cover every color × size combination. */
  enforceSkuGrid: boolean;
}

/** What a route handler gets: the authenticated account and the parsed request. */
export interface RouteContext {
  state: FakeState;
  account: FakeAccount;
  request: Request;
  url: URL;
  /** Path segments after the version, e.g. ["connection", "customer_code", "42"]. */
  segments: string[];
  now: number;
  settings: FakeSettings;
}

export function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/**
 * v2 paging: `start_from` offset + `count` (default 50). `next_start` is null after the last page [assumed:
 * JOOR documents the field, not its value at the end].
 */
export function v2Page<T>(items: T[], url: URL): { page: T[]; start_from: number; next_start: number | null; count: number } {
  const start = intParam(url, "start_from", 0);
  const count = Math.max(1, intParam(url, "count", 50));
  const page = items.slice(start, start + count);
  const next = start + page.length;
  return { page, start_from: start, next_start: next < items.length ? next : null, count: page.length };
}
