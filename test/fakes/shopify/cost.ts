import {
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Query cost, approximating Shopify's published rules:
 * - scalars and enums cost 0, every object costs 1 (an interface or union costs what its costliest
 *   fragment costs);
 * - a connection costs 2 plus `first` (or `last`) times the cost of one node; edges and pageInfo are free;
 * - a plain list of objects costs its size times the item cost (`nodes(ids:)` counts the ids, else `first`,
 *   else 1);
 * - every top-level mutation field costs 10, whatever it selects.
 * The requested cost is computed from the query before running it; the actual cost walks the returned data
 * the same way (a connection then costs 2 plus what its returned nodes cost, a null object costs 0).
 */
export const MUTATION_FIELD_COST = 10;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argument(ctx: CostContext, field: FieldNode, name: string, list = false): unknown {
  const node = field.arguments?.find((arg) => arg.name.value === name);
  if (!node) return undefined;
  return valueFromAST(node.value, list ? new GraphQLList(GraphQLID) : GraphQLInt, ctx.variables);
}

function pageSize(ctx: CostContext, field: FieldNode): number {
  const size = argument(ctx, field, "first") ?? argument(ctx, field, "last");
  return typeof size === "number" ? size : 0;
}

function listSize(ctx: CostContext, field: FieldNode): number {
  const ids = argument(ctx, field, "ids", true);
  if (Array.isArray(ids)) return ids.length;
  const first = argument(ctx, field, "first");
  return typeof first === "number" ? first : 1;
}

function fieldsOf(type: GraphQLCompositeType) {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
}

function selectionCost(
  ctx: CostContext,
  selectionSet: SelectionSetNode | undefined,
  parent: GraphQLCompositeType,
  data: Record<string, unknown> | undefined,
): number {
  if (!selectionSet) return 0;
  let base = 0;
  const byType = new Map<string, number>();
  const visit = (set: SelectionSetNode, type: GraphQLCompositeType, condition: string | null) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const cost = fieldCost(ctx, selection, type, data);
        if (condition === null) base += cost;
        else byType.set(condition, (byType.get(condition) ?? 0) + cost);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : ctx.fragments[selection.name.value];
      if (!fragment) continue;
      const named = fragment.typeCondition ? ctx.schema.getType(fragment.typeCondition.name.value) : type;
      if (!named || !isCompositeType(named)) continue;
      visit(fragment.selectionSet, named, named === parent ? condition : named.name);
    }
  };
  visit(selectionSet, parent, null);
  const fragments = [...byType.values()];
  // Estimating, only one concrete type can match; on real data, fields of other types are simply absent.
  const extra = data === undefined ? Math.max(0, ...fragments) : fragments.reduce((sum, cost) => sum + cost, 0);
  return base + extra;
}

function fieldCost(
  ctx: CostContext,
  field: FieldNode,
  parent: GraphQLCompositeType,
  parentData: Record<string, unknown> | undefined,
): number {
  const definition = fieldsOf(parent)[field.name.value];
  if (!definition) return 0;
  const named = getNamedType(definition.type);
  if (!isCompositeType(named)) return 0;
  const isConnection = named.name.endsWith("Connection");
  const isWrapper = named.name.endsWith("Edge") || named.name === "PageInfo";
  const charge = isConnection ? 2 : isWrapper ? 0 : 1;
  if (parentData === undefined) {
    const inner = selectionCost(ctx, field.selectionSet, named, undefined);
    if (isConnection) return 2 + pageSize(ctx, field) * inner;
    const insideConnection = parent.name.endsWith("Connection") || parent.name.endsWith("Edge");
    const count = isListType(getNullableType(definition.type)) && !insideConnection ? listSize(ctx, field) : 1;
    return count * (charge + inner);
  }
  const value = parentData[field.alias?.value ?? field.name.value];
  const items = Array.isArray(value) ? value : [value];
  return items
    .filter((item): item is Record<string, unknown> => item !== null && typeof item === "object")
    .reduce((sum, item) => sum + charge + selectionCost(ctx, field.selectionSet, named, item), 0);
}

function costContext(
  schema: GraphQLSchema,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): CostContext {
  return { schema, variables, fragments: Object.fromEntries(fragments.map((f) => [f.name.value, f])) };
}

/** The cost Shopify would charge before running `operation`. */
export function requestedCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): number {
  if (operation.operation === "mutation") return operation.selectionSet.selections.length * MUTATION_FIELD_COST;
  const root = schema.getQueryType();
  return root ? selectionCost(costContext(schema, fragments, variables), operation.selectionSet, root, undefined) : 0;
}

/** The cost of what `operation` actually returned. */
export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
): number {
  if (operation.operation === "mutation") return operation.selectionSet.selections.length * MUTATION_FIELD_COST;
  const root = schema.getQueryType();
  if (!root || !data) return 0;
  return selectionCost(costContext(schema, fragments, variables), operation.selectionSet, root, data);
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's per-shop leaky bucket: points refill continuously at `restoreRate` per second up to the maximum. */
export class LeakyBucket {
  private available: number;
  private at: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly now: () => number,
  ) {
    this.available = maximumAvailable;
    this.at = now();
  }

  private refill(): void {
    const time = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((time - this.at) / 1000) * this.restoreRate);
    this.at = time;
  }

  /** Takes `cost` points if the bucket holds them; false (and nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  /** Sets what is left now (tests and fault suites use it to provoke throttling). */
  setAvailable(points: number): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.maximumAvailable, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
