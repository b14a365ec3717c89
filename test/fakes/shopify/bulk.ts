import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { IdSequence } from "./ids";
import type { BulkOperationRecord } from "./model";
import { UserErrors } from "./model";
import type { FakeShop } from "./shop";

/**
 * Bulk query operations: validated like Shopify's (a query with 1–5 connections nested at most two deep),
 * run in the background (CREATED → RUNNING → COMPLETED), the result flattened to JSONL — every connection
 * node one line, nested nodes carrying `__parentId` — and served from the fake. A finished operation is
 * reported through `onFinish` (the fake turns it into the bulk_operations/finish webhook).
 */

export interface BulkOptions {
  /** Time spent in CREATED and in RUNNING. */
  stepMs: number;
  /** Query operations that may run at once per shop. */
  maxConcurrent: number;
}

export interface BulkDeps {
  schema: GraphQLSchema;
  ids: IdSequence;
  now: () => string;
  onFinish: (shop: FakeShop, operation: BulkOperationRecord) => void;
  /** Forces the next operations to fail (fault suites). */
  shouldFail: () => boolean;
}

function invalid(message: string): UserErrors {
  return new UserErrors([{ field: ["query"], message, code: "INVALID" }]);
}

/** Counts connections and their deepest nesting. */
function connectionShape(
  schema: GraphQLSchema,
  document: DocumentNode,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  depth: number,
): { count: number; depth: number } {
  let count = 0;
  let deepest = depth;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) {
        const inner = connectionShape(schema, document, fragment.selectionSet, type, depth);
        count += inner.count;
        deepest = Math.max(deepest, inner.depth);
      }
      continue;
    }
    const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
    const definition = fields[selection.name.value];
    const named = definition && getNamedType(definition.type);
    if (!named || !isCompositeType(named) || !selection.selectionSet) continue;
    const isConnection = named.name.endsWith("Connection");
    const inner = connectionShape(schema, document, selection.selectionSet, named, depth + (isConnection ? 1 : 0));
    count += inner.count + (isConnection ? 1 : 0);
    deepest = Math.max(deepest, inner.depth);
  }
  return { count, depth: deepest };
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function connectionNodes(value: unknown): unknown[] | null {
  if (!isPlainObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => key === "edges" || key === "nodes" || key === "pageInfo")) return null;
  if (Array.isArray(value.nodes)) return value.nodes;
  if (Array.isArray(value.edges)) return value.edges.map((edge) => (isPlainObject(edge) ? edge.node : null));
  return null;
}

/** Flattens a bulk query's data into JSONL lines (parents before their children) and counts root objects. */
export function flattenToJsonl(data: Json): { lines: string[]; rootObjectCount: number } {
  const lines: string[] = [];
  let rootObjectCount = 0;
  const inline = (value: Json, parentId: string | null): Json => {
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      const nodes = connectionNodes(inner);
      if (nodes) nodes.forEach((node) => emit(node, parentId));
      else if (isPlainObject(inner)) out[key] = inline(inner, parentId);
      else if (Array.isArray(inner)) out[key] = inner.map((item) => (isPlainObject(item) ? inline(item, parentId) : item));
      else out[key] = inner;
    }
    return out;
  };
  const emit = (node: unknown, parentId: string | null) => {
    if (!isPlainObject(node)) return;
    if (parentId === null) rootObjectCount += 1;
    const index = lines.length;
    lines.push("");
    const id = typeof node.id === "string" ? node.id : parentId;
    const line = inline(node, id);
    lines[index] = JSON.stringify(parentId === null ? line : { ...line, __parentId: parentId });
  };
  for (const value of Object.values(data)) {
    const nodes = connectionNodes(value);
    if (nodes) nodes.forEach((node) => emit(node, null));
    else if (isPlainObject(value)) inline(value, typeof value.id === "string" ? value.id : null);
  }
  return { lines, rootObjectCount };
}

export class BulkRunner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: BulkDeps,
    private readonly options: BulkOptions,
  ) {}

  /**
   * Validates and starts a bulk query. `execute` runs it (with the starting token's scopes); `resultUrl`
   * names where its JSONL will be served.
   */
  start(
    shop: FakeShop,
    query: string,
    execute: (document: DocumentNode) => Promise<ExecutionResult>,
    resultUrl: (operation: BulkOperationRecord) => string,
  ): BulkOperationRecord {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      throw invalid(`Invalid bulk query: ${error instanceof Error ? error.message : String(error)}`);
    }
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || operations[0].operation !== "query") {
      throw invalid("Bulk queries must contain exactly one query operation.");
    }
    const errors = validate(this.deps.schema, document);
    if (errors.length) throw invalid(`Invalid bulk query: ${errors[0].message}`);
    const root = this.deps.schema.getQueryType();
    const shape = root ? connectionShape(this.deps.schema, document, operations[0].selectionSet, root, 0) : null;
    if (!shape || shape.count === 0) throw invalid("Bulk queries must contain at least one connection.");
    if (shape.count > 5) throw invalid("Bulk queries cannot contain more than 5 connections.");
    if (shape.depth > 2) throw invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.");
    const active = [...shop.bulkOperations.values()].filter((op) => op.status === "CREATED" || op.status === "RUNNING");
    if (active.length >= this.options.maxConcurrent) {
      throw new UserErrors([
        {
          field: null,
          message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${active[0].id}.`,
          code: "OPERATION_IN_PROGRESS",
        },
      ]);
    }
    const operation: BulkOperationRecord = {
      id: this.deps.ids.take(),
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      query,
      createdAt: this.deps.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      body: null,
    };
    shop.bulkOperations.set(operation.id, operation);
    const run = this.run(shop, operation, () => execute(document), resultUrl(operation));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return operation;
  }

  /** Resolves when every started operation has finished. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.stepMs));
  }

  private async run(
    shop: FakeShop,
    operation: BulkOperationRecord,
    execute: () => Promise<ExecutionResult>,
    url: string,
  ) {
    await this.wait();
    operation.status = "RUNNING";
    await this.wait();
    const result = this.deps.shouldFail() ? null : await execute();
    operation.completedAt = this.deps.now();
    if (!result || result.errors?.length || !result.data) {
      const denied = result?.errors?.some((error) => error.extensions?.code === "ACCESS_DENIED");
      operation.status = "FAILED";
      operation.errorCode = denied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR";
    } else {
      const { lines, rootObjectCount } = flattenToJsonl(result.data as Json);
      operation.status = "COMPLETED";
      operation.objectCount = lines.length;
      operation.rootObjectCount = rootObjectCount;
      operation.body = lines.map((line) => `${line}\n`).join("");
      // Shopify gives no file when nothing matched.
      operation.fileSize = lines.length > 0 ? Buffer.byteLength(operation.body) : null;
      operation.url = lines.length > 0 ? url : null;
    }
    this.deps.onFinish(shop, operation);
  }
}
