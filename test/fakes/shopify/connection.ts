import { GraphQLError } from "graphql";
import { compareIds } from "./ids";

/** Relay connections as Shopify serves them: opaque cursors keyed on the sort value and id, `first` ≤ 250. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export const MAX_PAGE_SIZE = 250;

/** The sort value and id of an item; connections page over items ordered by this pair. */
export type SortTuple = readonly [value: string, id: string];

export function compareTuples(a: SortTuple, b: SortTuple): number {
  const bothNumeric = /^\d+$/.test(a[0]) && /^\d+$/.test(b[0]);
  const byValue = bothNumeric ? compareIds(a[0], b[0]) : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  return byValue !== 0 ? byValue : compareIds(a[1], b[1]);
}

export function encodeCursor(tuple: SortTuple): string {
  return Buffer.from(JSON.stringify({ last_id: tuple[1], last_value: tuple[0] })).toString("base64");
}

function decodeCursor(cursor: string): SortTuple {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown; last_value?: unknown };
    if (typeof parsed.last_id === "string" && typeof parsed.last_value === "string") {
      return [parsed.last_value, parsed.last_id];
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function checkSize(name: string, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (value < 0 || value > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The value of '${name}' is invalid. Must be between 0 and ${MAX_PAGE_SIZE}.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/**
 * One page of `items` (already sorted ascending by their tuple). Bulk operations ignore paging and read
 * everything, as Shopify's bulk executor does.
 */
export function connection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  bulk: boolean,
  tupleOf: (item: T) => SortTuple,
  view: (item: T) => unknown,
) {
  let slice: readonly T[] = args.reverse ? [...items].reverse() : items;
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (!bulk) {
    if ((args.first === null || args.first === undefined) && (args.last === null || args.last === undefined)) {
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    checkSize("first", args.first);
    checkSize("last", args.last);
    const direction = args.reverse ? -1 : 1;
    if (args.after) {
      const cursor = decodeCursor(args.after);
      slice = slice.filter((item) => direction * compareTuples(tupleOf(item), cursor) > 0);
      hasPreviousPage = true;
    }
    if (args.before) {
      const cursor = decodeCursor(args.before);
      slice = slice.filter((item) => direction * compareTuples(tupleOf(item), cursor) < 0);
      hasNextPage = true;
    }
    if (args.first !== null && args.first !== undefined) {
      hasNextPage = slice.length > args.first;
      slice = slice.slice(0, args.first);
    }
    if (args.last !== null && args.last !== undefined) {
      hasPreviousPage = slice.length > args.last;
      slice = slice.slice(Math.max(0, slice.length - args.last));
    }
  }
  const edges = slice.map((item) => ({ cursor: encodeCursor(tupleOf(item)), node: view(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
