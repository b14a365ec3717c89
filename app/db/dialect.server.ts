/**
 * The raw SQL that SQLite and PostgreSQL spell differently, in one place. Everything else is written once for
 * both: double-quoted identifiers, `INSERT … ON CONFLICT … DO UPDATE` with the target table's columns
 * qualified by its name (PostgreSQL refuses a bare name there as ambiguous with `excluded`), and Date
 * parameters (each driver adapter stores them the way Prisma does).
 */
import { Prisma } from "@prisma/client";
import { databaseDialect } from "../config/database-url";

const onPostgres = () => databaseDialect() === "postgresql";

/**
 * Ends the SELECT that picks the rows a claim takes. On PostgreSQL the rows stay locked until the claim's
 * transaction commits, and rows another worker is claiming at that moment are skipped instead of waited for,
 * so any number of processes claim side by side without taking the same row or blocking each other. SQLite
 * writes one transaction at a time, so it needs nothing.
 */
export function skipLocked(): Prisma.Sql {
  return onPostgres() ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
}

/**
 * How many rows a claim should look at to take `wanted` of them. With row locks (PostgreSQL) every row found
 * is the claim's own; without them a race lost to another worker falls through to one of the `spares`.
 */
export function claimCandidates(wanted: number, spares: number): number {
  return onPostgres() ? wanted : wanted + spares;
}

/**
 * The text at top-level `key` of a column holding JSON text; null when absent. On SQLite a value that is not
 * JSON reads as null; on PostgreSQL the columns this reads are always written by the app as JSON.
 */
export function jsonText(column: Prisma.Sql, key: string): Prisma.Sql {
  return onPostgres()
    ? Prisma.sql`(${column}::jsonb ->> ${key})`
    : Prisma.sql`(CASE WHEN json_valid(${column}) THEN json_extract(${column}, ${`$.${key}`}) END)`;
}

/**
 * A FROM item (name it with `AS alias`, read it with `jsonElementText(alias, …)`) with one row per element of
 * the array at top-level `key` of a column holding JSON text; no rows when the key is absent or not an array.
 */
export function jsonArrayElements(column: Prisma.Sql, key: string): Prisma.Sql {
  if (onPostgres()) {
    const array = Prisma.sql`(${column}::jsonb -> ${key})`;
    return Prisma.sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END)`;
  }
  const path = `$.${key}`;
  return Prisma.sql`json_each(CASE WHEN json_valid(${column}) AND json_type(${column}, ${path}) = 'array' THEN ${column} ELSE '{}' END, ${path})`;
}

/** The text at `key` of one element produced by `jsonArrayElements` named `alias`. */
export function jsonElementText(alias: string, key: string): Prisma.Sql {
  const value = Prisma.raw(`"${alias}"."value"`);
  return onPostgres() ? Prisma.sql`(${value} ->> ${key})` : Prisma.sql`json_extract(${value}, ${`$.${key}`})`;
}

/** LIKE that ignores letter case: SQLite's LIKE already does for ASCII letters, PostgreSQL needs ILIKE. */
export function likeIgnoringCase(): Prisma.Sql {
  return onPostgres() ? Prisma.sql`ILIKE` : Prisma.sql`LIKE`;
}

/**
 * A Prisma filter for text that contains `text` in any letter case. On SQLite `contains` is a LIKE, which
 * already ignores the case of ASCII letters; on PostgreSQL it is case-sensitive unless asked for
 * `mode: "insensitive"` (ILIKE), an option only the PostgreSQL client's types know: the cast gives the shape
 * both clients accept.
 */
export function containsIgnoringCase(text: string): { contains: string } {
  return onPostgres() ? ({ contains: text, mode: "insensitive" } as { contains: string }) : { contains: text };
}

/**
 * The first statement of a transaction that reads, then writes. SQLite starts every transaction as a reader, and
 * a reader cannot become the writer once another process has committed since it began: the write fails at once
 * ("database is locked"), the busy timeout does not help. A write as the first statement (one that changes
 * nothing) takes the write lock up front, waiting its turn under the busy timeout as BEGIN IMMEDIATE would.
 * PostgreSQL locks rows as it goes and needs nothing.
 */
export async function takeWriteLock(db: Prisma.TransactionClient): Promise<void> {
  if (onPostgres()) return;
  await db.$executeRaw`UPDATE "SyncState" SET "id" = "id" WHERE 0`;
}
