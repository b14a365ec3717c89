import { describe, expect, it } from "vitest";
import {
  bulkConnectionJobSchema,
  joorConnectionSchema,
  joorPriceSchema,
  joorPriceTypeSchema,
  joorSkuSchema,
  orderPageSchema,
  v4EnvelopeSchema,
} from "./schemas";

describe("schemas", () => {
  it("keep unknown fields and turn numbers into ids, numeric text into numbers, empty text into absent", () => {
    const connection = joorConnectionSchema.parse({
      connection_id: 812,
      customer_code: 6123456789,
      customer_name: "Nord",
      customer_alias: "",
      sales_rep_code: null,
      billing: "not an object",
      extra: [1],
    });
    expect(connection).toMatchObject({ connection_id: "812", customer_code: "6123456789", extra: [1] });
    expect(connection.customer_alias).toBeUndefined();
    expect(connection.sales_rep_code).toBeUndefined();
    expect(connection.billing).toBeUndefined();
  });

  it("keep prices as strings even when JOOR sends numbers", () => {
    expect(joorPriceSchema.parse({ id: 1, wholesale_value: 12.5, retail_value: "29.00" })).toMatchObject({ id: "1", wholesale_value: "12.5", retail_value: "29.00" });
  });

  it("accept other spellings of a price type's label and currency", () => {
    expect(joorPriceTypeSchema.parse({ id: "7", name: "EUR Wholesale", currency_code: "EUR" })).toMatchObject({ label: "EUR Wholesale", currency: "EUR" });
  });

  it("default missing lists and normalise job status", () => {
    expect(joorSkuSchema.parse({ id: "U2t1OjE=" })).toMatchObject({ trait_values: [], identifiers: [] });
    expect(bulkConnectionJobSchema.parse({ bulk_connections_job_id: 5, status: "Finished", connections: null })).toMatchObject({
      bulk_connections_job_id: "5",
      status: "finished",
      connections: [],
    });
    expect(v4EnvelopeSchema.parse({ data: null, errors: [{ status: null, message: 3 }] })).toEqual({
      data: [],
      errors: [{ status: "ERROR", message: "3" }],
    });
  });

  it("refuse what cannot be read", () => {
    expect(joorConnectionSchema.safeParse({ customer_name: "no id" }).success).toBe(false);
    expect(joorPriceSchema.safeParse({ id: {} }).success).toBe(false);
  });

  it("reads a page of orders entry by entry: an odd field reads as absent, an entry without an id as null", () => {
    const page = orderPageSchema.parse({
      orders: [
        { order_id: 7, order_total: "12.50", order_comments: { odd: true }, line_items: [{ item_quantity: "two" }, "not a line"] },
        { customer_name: "no id" },
        "not an order",
      ],
    });
    expect(page.orders).toEqual([
      expect.objectContaining({ order_id: "7", order_total: 12.5, order_comments: undefined, line_items: [expect.objectContaining({ item_quantity: undefined }), null] }),
      null,
      null,
    ]);
  });
});
