/**
 * What the customer sync remembers per customer in SyncState.details, and the contract the customers page
 * reads. Besides the columns: SyncState.contentHash is the hash of the last connection payload JOOR accepted,
 * SyncState.joorId the JOOR connection id.
 */
import { z } from "zod";
import type { JoorConnectionInput } from "~/joor/types";

/** A bulk-connection job JOOR is still working on for this customer. */
export interface CustomerJob {
  id: string;
  /** Hash of the payload the job carries. */
  hash: string;
  /** ISO time the job was submitted. */
  submittedAt: string;
}

export interface CustomerSyncDetails {
  /** The customer's name (first and last), as read from Shopify. */
  name: string | null;
  email: string | null;
  /** Company of the default address. */
  company: string | null;
  city: string | null;
  /** ISO 3166 two-letter code. */
  country: string | null;
  /** The JOOR customer code: the customer's numeric id. */
  customerCode: string | null;
  /** The last connection payload sent to JOOR (null until one is sent). */
  connection: JoorConnectionInput | null;
  /** What the last mapping had to change or leave out (cut values, missing address). */
  warnings: string[];
  /** JOOR's validation of the accepted connection: pending (new, awaiting JOOR's data team) or validated. */
  validation: "pending" | "validated" | null;
  /** ISO time JOOR last told the connection's state (a finished job or a read of the connection). */
  checkedAt: string | null;
  /** The job in flight, if any. */
  job: CustomerJob | null;
  /** Hash of the link metafield last written on the Shopify customer. */
  metafieldHash: string | null;
}

export const EMPTY_DETAILS: CustomerSyncDetails = {
  name: null,
  email: null,
  company: null,
  city: null,
  country: null,
  customerCode: null,
  connection: null,
  warnings: [],
  validation: null,
  checkedAt: null,
  job: null,
  metafieldHash: null,
};

const nullableText = z.string().nullable().catch(null);

const detailsSchema = z.object({
  name: nullableText,
  email: nullableText,
  company: nullableText,
  city: nullableText,
  country: nullableText,
  customerCode: nullableText,
  connection: z
    .looseObject({ customer_code: z.string(), customer_name: z.string() })
    .nullable()
    .catch(null)
    .transform((value) => value as JoorConnectionInput | null),
  warnings: z.array(z.string()).catch([]),
  validation: z.enum(["pending", "validated"]).nullable().catch(null),
  checkedAt: nullableText,
  job: z.object({ id: z.string(), hash: z.string(), submittedAt: z.string() }).nullable().catch(null),
  metafieldHash: nullableText,
});

/** Reads stored details leniently: anything missing or unreadable falls back field by field. */
export function readCustomerDetails(stored: unknown): CustomerSyncDetails {
  const record = stored !== null && typeof stored === "object" && !Array.isArray(stored) ? stored : {};
  const parsed = detailsSchema.safeParse({ ...EMPTY_DETAILS, ...record });
  return parsed.success ? parsed.data : { ...EMPTY_DETAILS };
}
