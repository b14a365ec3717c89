import { Prisma } from "@prisma/client";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { containsIgnoringCase, jsonArrayElements, jsonElementText, jsonText, likeIgnoringCase } from "./dialect.server";

/** Runs on whichever database the tests use: SQLite by default, PostgreSQL under `npm run test:postgres`. */
const shop = "alpha.myshopify.com";

async function record(gid: string, details: unknown) {
  await prisma.syncState.create({
    data: { shop, kind: "product", gid, details: details === null ? null : JSON.stringify(details) },
  });
}

beforeEach(async () => {
  await prisma.syncState.deleteMany();
  await record("gid://1", { name: "Maison Dubois", linesheets: [{ key: "core", name: "Core" }, { key: "fall" }] });
  await record("gid://2", { name: "ÉCOLE Süd", linesheets: { key: "core" } });
  await record("gid://3", { linesheets: [] });
  await record("gid://4", null);
});

afterAll(() => prisma.$disconnect());

describe("dialect SQL", () => {
  it("reads a top-level key of a JSON column as text, null when absent", async () => {
    const rows = await prisma.$queryRaw<Array<{ gid: string; name: string | null }>>`
      SELECT "gid", ${jsonText(Prisma.sql`"details"`, "name")} AS "name" FROM "SyncState" ORDER BY "gid"`;
    expect(rows).toEqual([
      { gid: "gid://1", name: "Maison Dubois" },
      { gid: "gid://2", name: "ÉCOLE Süd" },
      { gid: "gid://3", name: null },
      { gid: "gid://4", name: null },
    ]);
  });

  it("lists the elements of a JSON array, and nothing for a missing key or a value that is not an array", async () => {
    const rows = await prisma.$queryRaw<Array<{ gid: string; key: string; name: string | null }>>`
      SELECT s."gid" AS "gid", ${jsonElementText("j", "key")} AS "key", ${jsonElementText("j", "name")} AS "name"
      FROM "SyncState" AS s, ${jsonArrayElements(Prisma.sql`s."details"`, "linesheets")} AS j
      WHERE ${jsonElementText("j", "key")} IN (${Prisma.join(["core", "fall", "spring"])})`;
    expect(rows.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { gid: "gid://1", key: "core", name: "Core" },
      { gid: "gid://1", key: "fall", name: null },
    ]);
  });

  it("matches LIKE patterns ignoring the case of letters", async () => {
    const rows = await prisma.$queryRaw<Array<{ gid: string }>>`
      SELECT "gid" FROM "SyncState"
      WHERE ${jsonText(Prisma.sql`"details"`, "name")} ${likeIgnoringCase()} ${"%dUBOIS%"} ESCAPE '\\'`;
    expect(rows).toEqual([{ gid: "gid://1" }]);
  });

  it("finds text containing a search in another letter case through Prisma's filters", async () => {
    const rows = await prisma.syncState.findMany({ where: { details: containsIgnoringCase("maison DUBOIS") }, select: { gid: true } });
    expect(rows).toEqual([{ gid: "gid://1" }]);
  });
});
