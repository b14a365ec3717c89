import { describe, expect, it } from "vitest";
import { connectionEmail, customerKey, orderEmails } from "./customers";

describe("customer lookup keys", () => {
  it("reads the order's emails, billing first, cleaned and without repeats", () => {
    expect(orderEmails({ billing_email: " Ap@Shop.test ", shipping_email: "ap@shop.test" })).toEqual(["ap@shop.test"]);
    expect(orderEmails({ billing_email: "not-an-email", shipping_email: "ship@shop.test" })).toEqual(["ship@shop.test"]);
    expect(orderEmails({})).toEqual([]);
    expect(connectionEmail({ customer_contact_email: "Buyer@Harbor.test" })).toBe("buyer@harbor.test");
    expect(connectionEmail(null)).toBeNull();
  });

  it("gives orders of one retailer with the same emails one key", () => {
    expect(customerKey({ customer_code: "R1", billing_email: "A@x.test" })).toBe(customerKey({ customer_code: "R1", shipping_email: "a@x.test" }));
    expect(customerKey({ customer_code: "R1" })).not.toBe(customerKey({ customer_code: "R2" }));
  });
});
