import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectedStructure,
  migrationTimestamp,
  parsePrismaSchema,
  portableModels,
  structureFromMigrations,
  type Provider,
} from "./prisma-files";

/**
 * The app runs on SQLite (prisma/) or PostgreSQL (prisma/postgres/). Both schemas must declare the same
 * models, and each dialect's migrations must build exactly its schema, so a change made to one side only fails
 * here, without a database.
 */
const root = path.resolve(__dirname, "../..");
const dirs: Record<Provider, string> = {
  sqlite: path.join(root, "prisma"),
  postgresql: path.join(root, "prisma/postgres"),
};

const read = (file: string) => readFileSync(file, "utf8");
const schemaText = (provider: Provider) => read(path.join(dirs[provider], "schema.prisma"));
const migrationNames = (provider: Provider) =>
  readdirSync(path.join(dirs[provider], "migrations"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
const migrationSql = (provider: Provider) =>
  migrationNames(provider).map((name) => read(path.join(dirs[provider], "migrations", name, "migration.sql")));

describe("the SQLite and PostgreSQL schemas", () => {
  it("name their own providers, as do their migration locks", () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      expect(parsePrismaSchema(schemaText(provider)).provider).toBe(provider);
      expect(read(path.join(dirs[provider], "migrations/migration_lock.toml"))).toMatch(`provider = "${provider}"`);
    }
  });

  it("declare the same models, fields, types, defaults, uniques and indexes", () => {
    const sqlite = portableModels(parsePrismaSchema(schemaText("sqlite")));
    const postgres = portableModels(parsePrismaSchema(schemaText("postgresql")));
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
  });

  for (const provider of ["sqlite", "postgresql"] as const) {
    it(`build exactly the ${provider} schema from the ${provider} migrations`, () => {
      const schema = parsePrismaSchema(schemaText(provider));
      expect(structureFromMigrations(migrationSql(provider))).toEqual(expectedStructure(schema.models, provider));
    });
  }

  it("keep their migrations in step: every SQLite migration after the PostgreSQL baseline has a counterpart", () => {
    const sqlite = migrationNames("sqlite");
    const [baseline, ...later] = migrationNames("postgresql");
    // The PostgreSQL baseline stands for every SQLite migration up to its timestamp; each later change gets a
    // migration of the same name in both folders.
    expect(later).toEqual(sqlite.filter((name) => migrationTimestamp(name) > migrationTimestamp(baseline)));
    expect(migrationTimestamp(baseline) >= migrationTimestamp(sqlite[0])).toBe(true);
  });
});

describe("the schema check itself", () => {
  const schema = `
    datasource db {
      provider = "postgresql" // a comment with "quotes"
    }
    model Thing {
      id      String   @id @default(cuid())
      shop    String
      label   String?  @db.VarChar(40)
      flag    Boolean  @default(false)
      note    String   @default("a b")
      seenAt  DateTime @default(now())
      @@unique([shop, label])
      @@index([shop, seenAt])
    }`;
  const migration = `
    -- CreateTable
    CREATE TABLE "Thing" (
        "id" TEXT NOT NULL,
        "shop" TEXT NOT NULL,
        "label" VARCHAR(40),
        "flag" BOOLEAN NOT NULL DEFAULT false,
        "note" TEXT NOT NULL DEFAULT 'a b',
        "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

        CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")
    );
    CREATE UNIQUE INDEX "Thing_shop_label_key" ON "Thing"("shop", "label");
    CREATE INDEX "Thing_shop_seenAt_idx" ON "Thing"("shop", "seenAt");`;
  const models = parsePrismaSchema(schema).models;

  it("accepts migrations that build the schema", () => {
    expect(structureFromMigrations([migration])).toEqual(expectedStructure(models, "postgresql"));
  });

  it("finds a column, a default, a nullability or an index the migrations lack", () => {
    const expected = expectedStructure(models, "postgresql");
    const drifted = [
      migration.replace(`"flag" BOOLEAN NOT NULL DEFAULT false,`, ""),
      migration.replace(`DEFAULT 'a b'`, `DEFAULT 'a'`),
      migration.replace(`"shop" TEXT NOT NULL,`, `"shop" TEXT,`),
      migration.replace(`CREATE INDEX "Thing_shop_seenAt_idx" ON "Thing"("shop", "seenAt");`, ""),
      `${migration} DROP INDEX "Thing_shop_label_key";`,
      `${migration} ALTER TABLE "Thing" ADD COLUMN "extra" TEXT;`,
    ];
    for (const sql of drifted) expect(structureFromMigrations([sql])).not.toEqual(expected);
  });

  it("tells the two schemas apart when a field differs beyond its native type", () => {
    const withoutNative = portableModels(parsePrismaSchema(schema.replace("@db.VarChar(40)", "")));
    expect(withoutNative).toEqual(portableModels(parsePrismaSchema(schema)));
    expect(portableModels(parsePrismaSchema(schema.replace("@default(false)", "@default(true)")))).not.toEqual(
      withoutNative,
    );
  });

  it("follows SQLite's table rebuilds and column additions", () => {
    const rebuilt = structureFromMigrations([
      `CREATE TABLE "T" ("id" TEXT NOT NULL PRIMARY KEY, "a" TEXT);
       CREATE INDEX "T_a_idx" ON "T"("a");`,
      `PRAGMA foreign_keys=OFF;
       CREATE TABLE "new_T" ("id" TEXT NOT NULL PRIMARY KEY, "a" TEXT, "b" INTEGER NOT NULL DEFAULT 0);
       INSERT INTO "new_T" ("a", "id") SELECT "a", "id" FROM "T";
       DROP TABLE "T";
       ALTER TABLE "new_T" RENAME TO "T";
       CREATE INDEX "T_b_idx" ON "T"("b");
       ALTER TABLE "T" ADD COLUMN "c" DATETIME;`,
    ]);
    expect(rebuilt).toEqual({
      tables: {
        T: {
          primaryKey: ["id"],
          columns: {
            id: { type: "TEXT", notNull: true, default: null },
            a: { type: "TEXT", notNull: false, default: null },
            b: { type: "INTEGER", notNull: true, default: "0" },
            c: { type: "DATETIME", notNull: false, default: null },
          },
        },
      },
      indexes: { T_b_idx: { table: "T", columns: ["b"], unique: false } },
    });
  });

  it("refuses what it does not understand instead of passing it", () => {
    expect(() => structureFromMigrations([`CREATE VIEW "V" AS SELECT 1;`])).toThrow(/not understood/);
    expect(() => expectedStructure(parsePrismaSchema(schema.replace("@@index", "@@fulltext")).models, "postgresql")).toThrow(
      /not understood/,
    );
  });
});
