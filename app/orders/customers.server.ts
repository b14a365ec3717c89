/**
 * Finds the Shopify customer for an order's retailer (see customers.ts for the order of the steps), remembering
 * answers for the rest of the poll so many orders of one retailer cost one lookup.
 */
import { codeAsCustomerId } from "~/customers/matching";
import type { JoorClient } from "~/joor/client.server";
import type { JoorConnection, JoorOrder } from "~/joor/schemas";
import { shopifyGid } from "~/records";
import type { AdminClient } from "~/shopify/admin-client.server";
import { connectionEmail, customerKey, orderEmails } from "./customers";
import type { CustomerChoice } from "./mapping";
import { customerByEmail, customerExists } from "./shopify.server";

export interface CustomerLookup {
  choice: CustomerChoice;
  /** The retailer's JOOR connection id, when it was read: a created customer's id is written back to it. */
  connectionId: string | null;
}

export interface CustomerResolverDeps {
  admin: AdminClient;
  joor: JoorClient;
  createCustomers: boolean;
  /** The Shopify customer an earlier import for this customer code went to. */
  earlierCustomer(customerCode: string): Promise<string | null>;
}

export class CustomerResolver {
  private readonly answers = new Map<string, CustomerLookup>();
  private readonly connections = new Map<string, JoorConnection | null>();

  constructor(private readonly deps: CustomerResolverDeps) {}

  async resolve(order: JoorOrder): Promise<CustomerLookup> {
    const key = customerKey(order);
    const known = this.answers.get(key);
    if (known) return known;
    const answer = await this.lookUp(order);
    this.answers.set(key, answer);
    return answer;
  }

  /** The order created its customer: the retailer's next orders in this poll go to that customer. */
  remember(order: JoorOrder, customerGid: string): void {
    const known = this.answers.get(customerKey(order));
    this.answers.set(customerKey(order), {
      choice: { kind: "associate", gid: customerGid, source: "earlier" },
      connectionId: known?.connectionId ?? null,
    });
  }

  private async lookUp(order: JoorOrder): Promise<CustomerLookup> {
    const { admin } = this.deps;
    const code = order.customer_code ?? null;
    const idFromCode = codeAsCustomerId(code);
    if (idFromCode && (await customerExists(admin, shopifyGid("Customer", idFromCode)))) {
      return { choice: { kind: "associate", gid: shopifyGid("Customer", idFromCode), source: "code" }, connectionId: null };
    }
    if (code) {
      const earlier = await this.deps.earlierCustomer(code);
      if (earlier && (await customerExists(admin, earlier))) {
        return { choice: { kind: "associate", gid: earlier, source: "earlier" }, connectionId: null };
      }
    }
    const emails = orderEmails(order);
    for (const email of emails) {
      const gid = await customerByEmail(admin, email);
      if (gid) return { choice: { kind: "associate", gid, source: "email" }, connectionId: null };
    }
    const connection = code ? await this.connection(code) : null;
    const contactEmail = connectionEmail(connection);
    if (contactEmail && !emails.includes(contactEmail)) {
      const gid = await customerByEmail(admin, contactEmail);
      if (gid) return { choice: { kind: "associate", gid, source: "email" }, connectionId: connection?.connection_id ?? null };
    }
    const choice: CustomerChoice = this.deps.createCustomers
      ? { kind: "create", email: emails[0] ?? contactEmail }
      : { kind: "none" };
    return { choice, connectionId: connection?.connection_id ?? null };
  }

  private async connection(code: string): Promise<JoorConnection | null> {
    if (!this.connections.has(code)) this.connections.set(code, await this.deps.joor.getConnectionByCode(code));
    return this.connections.get(code) ?? null;
  }
}
