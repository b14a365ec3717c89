import {
  GraphQLError,
  Kind,
  execute,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { actualCost, requestedCost, type LeakyBucket } from "./cost";
import { rootValue, type RequestContext } from "./resolvers";
import type { BulkOperationRecord } from "./model";
import type { FakeShop } from "./shop";

/**
 * POST /admin/api/{version}/graphql.json: parse, validate (with Shopify's wording for the common mistakes),
 * price the query, take the points from the shop's bucket (HTTP 200 THROTTLED when they are not there),
 * execute, refund the difference between requested and actual cost, and answer with `extensions.cost`.
 */

export interface OrderCreateLimit {
  max: number;
  windowMs: number;
}

export interface AdminApiDeps {
  schema: GraphQLSchema;
  maxQueryCost: number;
  now: () => number;
  bucketFor: (shop: FakeShop) => LeakyBucket;
  orderCreateLimitFor: (shop: FakeShop) => OrderCreateLimit | null;
  /** Epoch ms of each order created through the API, per shop, for the dev-store limit. */
  orderCreateTimes: (shop: FakeShop) => number[];
  /** Starts a bulk query; `origin` is where the caller reached the fake, to build the result URL. */
  startBulkQuery: (shop: FakeShop, scopes: ReadonlySet<string>, query: string, origin: string) => BulkOperationRecord;
}

const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** graphql-js's validation messages, reworded and coded as Shopify's GraphQL server words them. */
export function shopifyValidationError(error: GraphQLError): GraphQLFormattedError {
  const locations = error.locations;
  let match = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(error.message);
  if (match) {
    return {
      message: `Field '${match[1]}' doesn't exist on type '${match[2]}'`,
      locations,
      extensions: { code: "undefinedField", typeName: match[2], fieldName: match[1] },
    };
  }
  match = /^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"/.exec(error.message);
  if (match) {
    return {
      message: `Field '${match[2]}' doesn't accept argument '${match[1]}'`,
      locations,
      extensions: { code: "argumentNotAccepted", name: match[2], typeName: "Field", argumentName: match[1] },
    };
  }
  match = /^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required/.exec(error.message);
  if (match) {
    return {
      message: `Field '${match[1]}' is missing required arguments: ${match[2]}`,
      locations,
      extensions: { code: "missingRequiredArguments", className: "Field", name: match[1], arguments: match[2] },
    };
  }
  match = /^Variable "\$([^"]+)"/.exec(error.message);
  if (match) {
    return {
      message: `Variable $${match[1]} was provided invalid value`,
      locations,
      extensions: { code: "INVALID_VARIABLE", problems: [{ path: [], explanation: error.message }] },
    };
  }
  return error.toJSON();
}

function operationOf(document: DocumentNode, name: string | undefined): OperationDefinitionNode | string {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (name) return operations.find((op) => op.name?.value === name) ?? `No operation named "${name}"`;
  return operations.length === 1 ? operations[0] : "An operation name is required";
}

export async function runGraphql(
  shop: FakeShop,
  scopes: ReadonlySet<string>,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
  bulk: boolean,
  origin: string,
  deps: Pick<AdminApiDeps, "schema" | "startBulkQuery">,
): Promise<{ result: ExecutionResult; context: RequestContext }> {
  const context: RequestContext = {
    shop,
    bulk,
    scopes,
    searchWarnings: [],
    startBulkQuery: (query) => deps.startBulkQuery(shop, scopes, query, origin),
  };
  const result = await execute({
    schema: deps.schema,
    document,
    rootValue,
    contextValue: context,
    variableValues: variables,
    operationName,
    typeResolver: (value) => (value as { __typename?: string }).__typename,
  });
  return { result, context };
}

export async function handleGraphqlRequest(
  request: Request,
  shop: FakeShop,
  scopes: ReadonlySet<string>,
  deps: AdminApiDeps,
): Promise<Response> {
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return json({ errors: { query: "Required parameter missing or invalid" } }, 400);
  }
  if (typeof body.query !== "string") return json({ errors: { query: "Required parameter missing or invalid" } }, 400);
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    return json({ errors: [(error as GraphQLError).toJSON()] });
  }
  const invalid = validate(deps.schema, document);
  if (invalid.length) return json({ errors: invalid.map(shopifyValidationError) });
  const operation = operationOf(document, operationName);
  if (typeof operation === "string") return json({ errors: [{ message: operation }] });
  const fragments = document.definitions.filter(
    (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
  );

  const requested = requestedCost(deps.schema, operation, fragments, variables);
  if (requested > deps.maxQueryCost) {
    return json({
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${deps.maxQueryCost}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: deps.maxQueryCost, documentation: RATE_LIMITS_DOC },
        },
      ],
    });
  }

  const createsOrders =
    operation.operation === "mutation" &&
    operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "orderCreate");
  const limit = createsOrders ? deps.orderCreateLimitFor(shop) : null;
  const times = deps.orderCreateTimes(shop);
  if (limit) {
    const since = deps.now() - limit.windowMs;
    while (times.length > 0 && times[0] <= since) times.shift();
    if (times.length >= limit.max) {
      const retryAfter = Math.max(1, Math.ceil((times[0] + limit.windowMs - deps.now()) / 1000));
      return json(
        { errors: "Exceeded order API rate limit, please try again in a minute. Upgrade to a paid account to remove this limit." },
        429,
        { "Retry-After": String(retryAfter) },
      );
    }
  }

  const bucket = deps.bucketFor(shop);
  if (!bucket.take(requested)) {
    return json({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } }],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
    });
  }

  const ordersBefore = shop.orders.size;
  const origin = new URL(request.url).origin;
  const { result, context } = await runGraphql(shop, scopes, document, variables, operationName, false, origin, deps);
  for (let i = ordersBefore; i < shop.orders.size; i++) times.push(deps.now());
  const actual = result.data
    ? actualCost(deps.schema, operation, fragments, variables, result.data as Record<string, unknown>)
    : 0;
  bucket.refund(Math.max(0, requested - actual));
  const errors = result.errors?.map((error) =>
    result.data === undefined ? shopifyValidationError(error) : error.toJSON(),
  );
  return json({
    ...(result.data !== undefined && { data: result.data }),
    ...(errors && { errors }),
    extensions: {
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
      ...(context.searchWarnings.length && { search: context.searchWarnings }),
    },
  });
}
