/**
 * Reads the two Prisma schemas and their migration SQL without a database, so a test can check that the SQLite
 * and PostgreSQL variants declare the same data and that each one's migrations build exactly its schema.
 * It understands what this project's schemas use and what `prisma migrate` writes for them; anything else
 * is an error, so a new construct extends the checker instead of slipping past it.
 */

export type Provider = "sqlite" | "postgresql";

export interface ModelField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  /** Field attributes as written (whitespace removed), e.g. `@id`, `@default(now())`. */
  attributes: string[];
}

export interface Model {
  name: string;
  fields: ModelField[];
  /** Block attributes as written (whitespace removed), e.g. `@@unique([shop,kind])`. */
  attributes: string[];
}

export interface PrismaSchema {
  provider: string;
  models: Model[];
}

/** Removes `//` comments outside string literals. */
function stripLineComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== "\\") quoted = !quoted;
    if (!quoted && line.startsWith("//", i)) return line.slice(0, i);
  }
  return line;
}

/** Removes whitespace outside string literals: `@@index([shop, kind])` → `@@index([shop,kind])`. */
function compact(text: string): string {
  let quoted = false;
  let result = "";
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (quoted || !/\s/.test(char)) result += char;
  }
  return result;
}

/** Splits `a @x(1, 2) @y` into its words, keeping parenthesised arguments with their word. */
function words(text: string): string[] {
  const result: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && char === "(") depth++;
    if (!quoted && char === ")") depth--;
    if (!quoted && depth === 0 && /\s/.test(char)) {
      if (current) result.push(current);
      current = "";
    } else if (quoted || !/\s/.test(char)) current += char;
  }
  if (current) result.push(current);
  return result;
}

export function parsePrismaSchema(text: string): PrismaSchema {
  const lines = text.split("\n").map((line) => stripLineComment(line).trim());
  const models: Model[] = [];
  let provider: string | null = null;
  let block: { kind: string; model?: Model } | null = null;
  for (const line of lines) {
    if (!line) continue;
    if (!block) {
      const open = /^(model|datasource|generator|enum|type|view)\s+(\w+)\s*\{$/.exec(line);
      if (!open) throw new Error(`Unexpected line outside a block: ${line}`);
      if (open[1] !== "model" && open[1] !== "datasource" && open[1] !== "generator") {
        throw new Error(`${open[1]} blocks are not understood by the schema check yet`);
      }
      block = { kind: open[1] };
      if (open[1] === "model") {
        block.model = { name: open[2], fields: [], attributes: [] };
        models.push(block.model);
      }
      continue;
    }
    if (line === "}") {
      block = null;
      continue;
    }
    if (block.kind === "datasource") {
      const setting = /^provider\s*=\s*"(\w+)"$/.exec(line);
      if (setting) provider = setting[1];
      continue;
    }
    if (!block.model) continue;
    if (line.startsWith("@@")) {
      block.model.attributes.push(compact(line));
      continue;
    }
    const [name, type, ...attributes] = words(line);
    const shape = /^(\w+)(\[\])?(\?)?$/.exec(type ?? "");
    if (!name || !shape) throw new Error(`Unreadable field in ${block.model.name}: ${line}`);
    block.model.fields.push({
      name,
      type: shape[1],
      list: Boolean(shape[2]),
      optional: Boolean(shape[3]),
      attributes: attributes.map(compact),
    });
  }
  if (!provider) throw new Error("The schema names no datasource provider");
  return { provider, models };
}

/** The models with provider-specific native types (`@db.…`) left out: what both schemas must agree on. */
export function portableModels(schema: PrismaSchema): Model[] {
  return schema.models.map((model) => ({
    ...model,
    fields: model.fields.map((field) => ({
      ...field,
      attributes: field.attributes.filter((attribute) => !attribute.startsWith("@db.")),
    })),
  }));
}

export interface Column {
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface Table {
  columns: Record<string, Column>;
  primaryKey: string[];
}

export interface Index {
  table: string;
  columns: string[];
  unique: boolean;
}

/** Tables and indexes, by name: what a set of migrations builds, or what a schema calls for. */
export interface Structure {
  tables: Record<string, Table>;
  indexes: Record<string, Index>;
}

const SCALAR_TYPES: Record<Provider, Record<string, string>> = {
  sqlite: {
    String: "TEXT",
    Int: "INTEGER",
    BigInt: "BIGINT",
    Boolean: "BOOLEAN",
    DateTime: "DATETIME",
    Float: "REAL",
    Decimal: "DECIMAL",
    Bytes: "BLOB",
  },
  postgresql: {
    String: "TEXT",
    Int: "INTEGER",
    BigInt: "BIGINT",
    Boolean: "BOOLEAN",
    DateTime: "TIMESTAMP(3)",
    Float: "DOUBLE PRECISION",
    Decimal: "DECIMAL(65,30)",
    Bytes: "BYTEA",
    Json: "JSONB",
  },
};

function listOf(argument: string): string[] {
  const list = /^\[([^\]]*)\]/.exec(argument);
  if (!list) throw new Error(`Expected a field list in ${argument}`);
  return list[1].split(",").map((name) => name.trim());
}

function attributeArgument(attribute: string, name: string): string | null {
  if (attribute === name) return "";
  return attribute.startsWith(`${name}(`) && attribute.endsWith(")") ? attribute.slice(name.length + 1, -1) : null;
}

function columnDefault(model: string, field: ModelField): string | null {
  const value = field.attributes.map((attribute) => attributeArgument(attribute, "@default")).find((v) => v !== null);
  if (value === undefined || value === null) return null;
  if (value === "now()") return "CURRENT_TIMESTAMP";
  // Made by Prisma Client, not the database.
  if (value === "cuid()" || value === "uuid()") return null;
  if (/^"(.*)"$/.test(value)) return `'${value.slice(1, -1)}'`;
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(value)) return value;
  throw new Error(`${model}.${field.name}: default ${value} is not understood by the schema check yet`);
}

/** The tables and indexes `prisma migrate` creates for these models on `provider`. */
export function expectedStructure(models: Model[], provider: Provider): Structure {
  const names = new Set(models.map((model) => model.name));
  const structure: Structure = { tables: {}, indexes: {} };
  for (const model of models) {
    const table: Table = { columns: {}, primaryKey: [] };
    const addIndex = (columns: string[], unique: boolean, map: string | null) => {
      const name = map ?? `${model.name}_${columns.join("_")}_${unique ? "key" : "idx"}`;
      structure.indexes[name] = { table: model.name, columns, unique };
    };
    for (const field of model.fields) {
      if (names.has(field.type)) throw new Error(`${model.name}.${field.name}: relations are not understood by the schema check yet`);
      if (field.list) throw new Error(`${model.name}.${field.name}: list fields are not understood by the schema check yet`);
      const native = field.attributes.find((attribute) => attribute.startsWith("@db."));
      const type = native ? native.slice(4).toUpperCase() : SCALAR_TYPES[provider][field.type];
      if (!type) throw new Error(`${model.name}.${field.name}: type ${field.type} is not understood on ${provider}`);
      for (const attribute of field.attributes) {
        if (!/^@(id|unique|updatedAt|default\(.*\)|db\..*)$/.test(attribute)) {
          throw new Error(`${model.name}.${field.name}: ${attribute} is not understood by the schema check yet`);
        }
      }
      table.columns[field.name] = { type, notNull: !field.optional, default: columnDefault(model.name, field) };
      if (field.attributes.includes("@id")) table.primaryKey = [field.name];
      if (field.attributes.includes("@unique")) addIndex([field.name], true, null);
    }
    for (const attribute of model.attributes) {
      const block = /^@@(id|unique|index)\((.*)\)$/.exec(attribute);
      if (!block) throw new Error(`${model.name}: ${attribute} is not understood by the schema check yet`);
      const [, kind, argument] = block;
      const columns = listOf(argument);
      const rest = argument.slice(argument.indexOf("]") + 1);
      const map = /map:"([^"]+)"/.exec(rest)?.[1] ?? null;
      if (rest.replace(/,map:"[^"]+"/, "") !== "") {
        throw new Error(`${model.name}: ${attribute} is not understood by the schema check yet`);
      }
      if (kind === "id") table.primaryKey = columns;
      else addIndex(columns, kind === "unique", map);
    }
    structure.tables[model.name] = table;
  }
  return structure;
}

/** The SQL statements of a migration file: comments removed, whitespace outside literals collapsed. */
function statements(sql: string): string[] {
  const withoutComments = sql
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n");
  const result: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of withoutComments) {
    if (char === "'") quoted = !quoted;
    if (quoted) current += char;
    else if (char === ";") {
      result.push(current.trim());
      current = "";
    } else if (/\s/.test(char)) {
      if (!current.endsWith(" ")) current += " ";
    } else current += char;
  }
  result.push(current.trim());
  return result.filter(Boolean);
}

/** Splits on commas outside parentheses and quotes. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === "(") depth++;
    if (!quoted && char === ")") depth--;
    if (!quoted && depth === 0 && char === ",") {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const quotedNames = (list: string) => [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]);

function parseColumn(definition: string): { name: string; column: Column; primaryKey: boolean } {
  const match = /^"([^"]+)" (.+?)(?: NOT NULL)?(?: DEFAULT (.+?))?( PRIMARY KEY)?$/.exec(definition);
  if (!match) throw new Error(`Unreadable column definition: ${definition}`);
  const [, name, type, defaultValue, primaryKey] = match;
  return {
    name,
    column: { type, notNull: / NOT NULL/.test(definition), default: defaultValue ?? null },
    primaryKey: Boolean(primaryKey),
  };
}

/** Applies migration SQL (in order) to an empty structure, the way the database would. */
export function structureFromMigrations(sqls: string[]): Structure {
  const structure: Structure = { tables: {}, indexes: {} };
  const table = (name: string): Table => {
    const found = structure.tables[name];
    if (!found) throw new Error(`Migration refers to unknown table ${name}`);
    return found;
  };
  for (const statement of sqls.flatMap(statements)) {
    let match: RegExpExecArray | null;
    if (/^(PRAGMA|INSERT INTO) /.test(statement)) continue;
    if ((match = /^CREATE TABLE "([^"]+)" \((.*)\)$/.exec(statement))) {
      const created: Table = { columns: {}, primaryKey: [] };
      for (const part of topLevelParts(match[2])) {
        const key = /^(?:CONSTRAINT "[^"]+" )?PRIMARY KEY \((.*)\)$/.exec(part);
        if (key) {
          created.primaryKey = quotedNames(key[1]);
          continue;
        }
        const { name, column, primaryKey } = parseColumn(part);
        created.columns[name] = column;
        if (primaryKey) created.primaryKey = [name];
      }
      structure.tables[match[1]] = created;
    } else if ((match = /^ALTER TABLE "([^"]+)" RENAME TO "([^"]+)"$/.exec(statement))) {
      structure.tables[match[2]] = table(match[1]);
      delete structure.tables[match[1]];
      for (const index of Object.values(structure.indexes)) if (index.table === match[1]) index.table = match[2];
    } else if ((match = /^ALTER TABLE "([^"]+)" (.*)$/.exec(statement))) {
      const altered = table(match[1]);
      for (const action of topLevelParts(match[2])) {
        let step: RegExpExecArray | null;
        if ((step = /^ADD COLUMN (.*)$/.exec(action))) {
          const { name, column } = parseColumn(step[1]);
          altered.columns[name] = column;
        } else if ((step = /^DROP COLUMN "([^"]+)"$/.exec(action))) {
          delete altered.columns[step[1]];
        } else throw new Error(`Migration statement not understood by the schema check: ${statement}`);
      }
    } else if ((match = /^DROP TABLE "([^"]+)"$/.exec(statement))) {
      table(match[1]);
      delete structure.tables[match[1]];
      for (const [name, index] of Object.entries(structure.indexes)) if (index.table === match[1]) delete structure.indexes[name];
    } else if ((match = /^CREATE (UNIQUE )?INDEX "([^"]+)" ON "([^"]+)" ?\((.*)\)$/.exec(statement))) {
      table(match[3]);
      structure.indexes[match[2]] = { table: match[3], columns: quotedNames(match[4]), unique: Boolean(match[1]) };
    } else if ((match = /^DROP INDEX "([^"]+)"$/.exec(statement))) {
      delete structure.indexes[match[1]];
    } else throw new Error(`Migration statement not understood by the schema check: ${statement}`);
  }
  return structure;
}

/** The timestamp a migration folder's name starts with (`20261122210000_init` → `20261122210000`). */
export function migrationTimestamp(name: string): string {
  const stamp = /^(\d{14})_/.exec(name);
  if (!stamp) throw new Error(`Migration folder ${name} does not start with a timestamp`);
  return stamp[1];
}
