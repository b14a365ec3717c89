import { Kind, parse, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { requestedCost } from "../../test/fakes/shopify/cost";
import { schema } from "../../test/fakes/shopify/schema";
import {
  FIRST_READ_SIZE,
  packReads,
  pageQuery,
  productReadCost,
  productsQuery,
  READ_COST_BUDGET,
  readSizeFor,
  wholesaleField,
} from "./shopify-product";

/** Validates a query against the Admin schema subset and prices it by Shopify's rules. */
function costOf(query: string, variables: Record<string, unknown>): number {
  const document = parse(query);
  expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return requestedCost(schema, operation, fragments, variables);
}

describe("product reads", () => {
  it.each([false, true])("the batch query is valid and costs what packReads expects (wholesale metafield: %s)", (withWholesale) => {
    const sizes = [FIRST_READ_SIZE, { variants: 3, media: 0 }, { variants: 100, media: 50 }];
    const variables = { id0: "gid://shopify/Product/1", id1: "gid://shopify/Product/2", id2: "gid://shopify/Product/3" };
    expect(costOf(productsQuery(sizes, withWholesale), variables)).toBe(
      sizes.reduce((sum, size) => sum + productReadCost(size, withWholesale), 0),
    );
  });

  it("page queries are valid", () => {
    expect(costOf(pageQuery("variants", true), { id: "gid://shopify/Product/1" })).toBeLessThanOrEqual(1000);
    expect(costOf(pageQuery("media", false), { id: "gid://shopify/Product/1" })).toBeLessThanOrEqual(1000);
  });

  it("packs products into requests within the cost budget, sized by what each had last time", () => {
    const known = Array.from({ length: 30 }, () => ({ size: readSizeFor({ variants: 6, media: 2 }) }));
    const requests = packReads(known, true);
    expect(requests.flat()).toHaveLength(30);
    for (const request of requests) {
      expect(request.reduce((sum, entry) => sum + productReadCost(entry.size, true), 0)).toBeLessThanOrEqual(READ_COST_BUDGET);
    }
    expect(requests.length).toBe(Math.ceil((30 * productReadCost(known[0].size, true)) / READ_COST_BUDGET));
    // A product bigger than the budget still gets a request of its own.
    expect(packReads([{ size: { variants: 100, media: 50 } }], true)).toHaveLength(1);
  });

  it.each([
    [null, FIRST_READ_SIZE],
    [{ variants: 0, media: 0 }, { variants: 2, media: 2 }],
    [{ variants: 6, media: 2 }, { variants: 8, media: 4 }],
    [{ variants: 400, media: 300 }, { variants: 100, media: 50 }],
  ])("read size for %j is %j", (shape, size) => {
    expect(readSizeFor(shape)).toEqual(size);
  });

  it.each([
    ["custom.wholesale", { namespace: "custom", key: "wholesale" }],
    ["", null],
    ["nodot", null],
  ])("wholesaleField(%j)", (option, field) => {
    expect(wholesaleField(option)).toEqual(field);
  });
});
