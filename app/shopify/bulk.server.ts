import { SyncError, httpError, errorMessage } from "~/sync/errors";
import { checkUserErrors, ShopifyUserErrors, type AdminClient, type UserError } from "./admin-client.server";

/**
 * Bulk query operations: start one, read its status, and stream its JSONL result line by line (the file
 * can hold millions of objects, so it is never loaded whole). Nested objects come as their own lines with
 * `__parentId` naming their parent.
 */

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
  /** UnsignedInt64 values arrive as strings. */
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  /** Null when the operation found nothing, or has not completed. */
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

export type BulkLine = Record<string, unknown> & { __parentId?: string };

const FIELDS = "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt";

/** Another bulk query is still running: try again once it has finished. */
const BUSY_RETRY_MS = 60_000;

export async function startBulkQuery(client: AdminClient, query: string): Promise<BulkOperation> {
  const data = await client.request<{
    bulkOperationRunQuery: { bulkOperation: BulkOperation | null; userErrors: UserError[] } | null;
  }>(
    `mutation StartBulkQuery($query: String!) {
      bulkOperationRunQuery(query: $query) { bulkOperation { ${FIELDS} } userErrors { field message code } }
    }`,
    { query },
  );
  const errors = data.bulkOperationRunQuery?.userErrors ?? [];
  if (errors.some((error) => error.code === "OPERATION_IN_PROGRESS" || error.code === "LIMIT_REACHED")) {
    throw new ShopifyUserErrors("bulkOperationRunQuery", errors, { terminal: false, retryAfterMs: BUSY_RETRY_MS });
  }
  const payload = checkUserErrors("bulkOperationRunQuery", data.bulkOperationRunQuery);
  if (!payload.bulkOperation) throw new SyncError("Shopify started no bulk operation", { terminal: true });
  return payload.bulkOperation;
}

/** A bulk operation by id, or the app's most recent query operation when no id is given. */
export async function getBulkOperation(client: AdminClient, id?: string): Promise<BulkOperation | null> {
  if (id) {
    const data = await client.request<{ node: BulkOperation | null }>(
      `query BulkOperation($id: ID!) { node(id: $id) { ... on BulkOperation { ${FIELDS} } } }`,
      { id },
    );
    return data.node;
  }
  const data = await client.request<{ currentBulkOperation: BulkOperation | null }>(
    `query CurrentBulkOperation { currentBulkOperation(type: QUERY) { ${FIELDS} } }`,
  );
  return data.currentBulkOperation;
}

export interface BulkFinish {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
}

/** The bulk_operations/finish webhook payload (lower-case status and error code) in GraphQL terms. */
export function parseBulkFinishPayload(payload: unknown): BulkFinish {
  const body = (payload ?? {}) as { admin_graphql_api_id?: unknown; status?: unknown; error_code?: unknown };
  if (typeof body.admin_graphql_api_id !== "string" || typeof body.status !== "string") {
    throw new SyncError("A bulk_operations/finish payload without id or status", { terminal: true });
  }
  return {
    id: body.admin_graphql_api_id,
    status: body.status.toUpperCase() as BulkOperationStatus,
    errorCode: typeof body.error_code === "string" ? body.error_code.toUpperCase() : null,
  };
}

function parseLine<T>(line: string, lineNumber: number): T {
  try {
    return JSON.parse(line) as T;
  } catch (error) {
    // A cut-off download is the usual cause; downloading again can fix it.
    throw new SyncError(`Bulk result line ${lineNumber} is not JSON: ${errorMessage(error)}`, {
      terminal: false,
      code: "BULK_RESULT_UNREADABLE",
    });
  }
}

/**
 * Streams a bulk result file as parsed objects. The URL is a signed download link: it gets no Shopify
 * credentials. Tolerates blank lines, CRLF and a last line without a newline.
 */
export async function* readBulkResults<T = BulkLine>(
  url: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): AsyncGenerator<T, void, undefined> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { signal: options.signal });
  } catch (error) {
    throw new SyncError(`Downloading the bulk result failed: ${errorMessage(error)}`, { terminal: false, code: "NETWORK" });
  }
  if (!response.ok) throw httpError("Shopify bulk result download", response.status, response.statusText);
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let lineNumber = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let newline = buffer.indexOf("\n"); newline !== -1; newline = buffer.indexOf("\n", start)) {
        const line = buffer.slice(start, newline).trim();
        start = newline + 1;
        lineNumber += 1;
        if (line) yield parseLine<T>(line, lineNumber);
      }
      buffer = buffer.slice(start);
      if (done) break;
    }
    const last = buffer.trim();
    if (last) yield parseLine<T>(last, lineNumber + 1);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
