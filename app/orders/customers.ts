/**
 * Who an imported order belongs to, in order: the Shopify customer whose numeric id is the retailer's customer
 * code; the customer an earlier import of the same customer code went to; the customer with one of the order's
 * emails; the customer with the JOOR connection's contact email; else a new customer (when the merchant allows).
 * The steps that need nothing but the order live here; the lookups are in customers.server.ts.
 */
import type { JoorConnection, JoorOrder } from "~/joor/schemas";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Emails the order itself carries (billing first), lower-cased, valid-looking, without repeats. */
export function orderEmails(order: Pick<JoorOrder, "billing_email" | "shipping_email">): string[] {
  return emailList([order.billing_email, order.shipping_email]);
}

export function connectionEmail(connection: Pick<JoorConnection, "customer_contact_email"> | null): string | null {
  return emailList([connection?.customer_contact_email])[0] ?? null;
}

function emailList(values: ReadonlyArray<string | undefined>): string[] {
  const emails = values.map((value) => value?.trim().toLowerCase()).filter((value): value is string => !!value && EMAIL.test(value));
  return [...new Set(emails)];
}

/** Orders with the same customer code and emails resolve to the same customer within one poll. */
export function customerKey(order: Pick<JoorOrder, "customer_code" | "billing_email" | "shipping_email">): string {
  return JSON.stringify([order.customer_code ?? null, orderEmails(order)]);
}
