/**
 * Shopify's search syntax for list queries (`customers(query: "tag:'X' AND updated_at:>2024-01-01")`): terms
 * joined by AND (or a space), OR, NOT / leading "-", parentheses, `field:value` with optional `>`, `>=`, `<`,
 * `<=`, quoted values and a trailing `*` for prefixes. As on Shopify, an unknown field is ignored (so the
 * filter matches more, not less) and reported as a warning in `extensions.search`.
 */

export type FieldKind = "text" | "tag" | "enum" | "date" | "id" | "number";

export interface SearchField<T> {
  kind: FieldKind;
  get: (item: T) => string | number | null | readonly (string | null)[];
}

export interface SearchSpec<T> {
  fields: Record<string, SearchField<T>>;
  /** Texts a bare word (no field) is matched against. */
  freeText: (item: T) => (string | null)[];
}

export interface SearchWarning {
  field: string;
  message: string;
}

type Op = "=" | ">" | ">=" | "<" | "<=";

type Node =
  | { kind: "and" | "or"; children: Node[] }
  | { kind: "not"; child: Node }
  | { kind: "term"; field: string | null; op: Op; value: string }
  | { kind: "ignored" };

type Token = { kind: "lparen" } | { kind: "rparen" } | { kind: "word"; text: string; colonAt: number; quoted: boolean };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "(" || c === ")") {
      tokens.push(c === "(" ? { kind: "lparen" } : { kind: "rparen" });
      i += 1;
    } else {
      let text = "";
      let colonAt = -1;
      let quoted = false;
      while (i < query.length && !/[\s()]/.test(query[i])) {
        const ch = query[i];
        if (ch === "'" || ch === '"') {
          const end = query.indexOf(ch, i + 1);
          const stop = end === -1 ? query.length : end;
          text += query.slice(i + 1, stop);
          quoted = true;
          i = stop + 1;
        } else {
          if (ch === ":" && colonAt === -1) colonAt = text.length;
          text += ch;
          i += 1;
        }
      }
      tokens.push({ kind: "word", text, colonAt, quoted });
    }
  }
  return tokens;
}

function parseTerm(token: Extract<Token, { kind: "word" }>): Node {
  if (token.colonAt === -1) return { kind: "term", field: null, op: "=", value: token.text };
  const field = token.text.slice(0, token.colonAt).toLowerCase();
  let rest = token.text.slice(token.colonAt + 1);
  let op: Op = "=";
  for (const candidate of [">=", "<=", ">", "<", "="] as const) {
    if (rest.startsWith(candidate)) {
      op = candidate;
      rest = rest.slice(candidate.length);
      break;
    }
  }
  return { kind: "term", field, op, value: rest };
}

function parse(tokens: Token[]): Node {
  let pos = 0;
  const peekWord = (): string | null => {
    const token = tokens[pos];
    return token?.kind === "word" && !token.quoted ? token.text : null;
  };
  const parseOr = (): Node => {
    const children = [parseAnd()];
    while (peekWord() === "OR") {
      pos += 1;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: "or", children };
  };
  const parseAnd = (): Node => {
    const children = [parseUnary()];
    while (pos < tokens.length && tokens[pos].kind !== "rparen" && peekWord() !== "OR") {
      if (peekWord() === "AND") pos += 1;
      children.push(parseUnary());
    }
    return children.length === 1 ? children[0] : { kind: "and", children };
  };
  const parseUnary = (): Node => {
    const token = tokens[pos];
    if (!token) return { kind: "ignored" };
    if (token.kind === "lparen") {
      pos += 1;
      const inner = parseOr();
      if (tokens[pos]?.kind === "rparen") pos += 1;
      return inner;
    }
    if (token.kind === "rparen") {
      pos += 1;
      return { kind: "ignored" };
    }
    pos += 1;
    if (!token.quoted && token.text === "NOT") return { kind: "not", child: parseUnary() };
    if (!token.quoted && token.text.startsWith("-") && token.text.length > 1) {
      return {
        kind: "not",
        child: parseTerm({
          ...token,
          text: token.text.slice(1),
          colonAt: token.colonAt === -1 ? -1 : token.colonAt - 1,
        }),
      };
    }
    return parseTerm(token);
  };
  return tokens.length === 0 ? { kind: "ignored" } : parseOr();
}

function compare(a: number | bigint, b: number | bigint, op: Op): boolean {
  switch (op) {
    case "=":
      return a === b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

function toBigInt(value: string): bigint | null {
  const digits = /(\d+)$/.exec(value)?.[1];
  return digits ? BigInt(digits) : null;
}

function matchValue(kind: FieldKind, actual: string | number | null, op: Op, wanted: string): boolean {
  if (actual === null || actual === "") return false;
  if (wanted === "*") return true;
  const text = String(actual);
  switch (kind) {
    case "text":
    case "tag":
    case "enum": {
      const a = text.toLowerCase();
      const w = wanted.toLowerCase();
      return w.endsWith("*") && kind === "text" ? a.startsWith(w.slice(0, -1)) : a === w;
    }
    case "date": {
      const a = Date.parse(text);
      const w = Date.parse(wanted);
      if (Number.isNaN(w)) return false;
      if (op === "=" && /^\d{4}-\d{2}-\d{2}$/.test(wanted)) return text.startsWith(wanted);
      return compare(a, w, op);
    }
    case "id": {
      const a = toBigInt(text);
      const w = toBigInt(wanted);
      return a !== null && w !== null && compare(a, w, op);
    }
    case "number":
      return compare(Number(actual), Number(wanted), op);
  }
}

/** Compiles a search query into a predicate, with warnings for the fields it ignored. */
export function compileSearch<T>(
  query: string | null | undefined,
  spec: SearchSpec<T>,
): { matches: (item: T) => boolean; warnings: SearchWarning[] } {
  const warnings: SearchWarning[] = [];
  const resolve = (node: Node): Node => {
    switch (node.kind) {
      case "and":
      case "or": {
        const children = node.children.map(resolve).filter((child) => child.kind !== "ignored");
        if (children.length === 0) return { kind: "ignored" };
        return children.length === 1 ? children[0] : { kind: node.kind, children };
      }
      case "not": {
        const child = resolve(node.child);
        return child.kind === "ignored" ? child : { kind: "not", child };
      }
      case "term":
        if (node.field !== null && !(node.field in spec.fields)) {
          warnings.push({ field: node.field, message: "Invalid search field for this query." });
          return { kind: "ignored" };
        }
        return node;
      case "ignored":
        return node;
    }
  };
  const tree = resolve(parse(tokenize(query ?? "")));
  const evaluate = (node: Node, item: T): boolean => {
    switch (node.kind) {
      case "and":
        return node.children.every((child) => evaluate(child, item));
      case "or":
        return node.children.some((child) => evaluate(child, item));
      case "not":
        return !evaluate(node.child, item);
      case "ignored":
        return true;
      case "term": {
        if (node.field === null) {
          const wanted = node.value.toLowerCase().replace(/\*$/, "");
          return spec.freeText(item).some((text) => text?.toLowerCase().includes(wanted) ?? false);
        }
        const field = spec.fields[node.field];
        const raw = field.get(item);
        const values = Array.isArray(raw) ? raw : [raw as string | number | null];
        return values.some((value) => matchValue(field.kind, value, node.op, node.value));
      }
    }
  };
  return { matches: (item) => evaluate(tree, item), warnings };
}
