/**
 * Money as JOOR takes it: decimal strings with two places ("129.99"), computed in whole cents so no binary
 * rounding creeps in. Shopify has no wholesale price: it comes from a variant metafield, or a percentage of retail.
 */

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/** "12.5" → 1250, "0.015" → 2 (half up); null for anything that is not a plain non-negative amount. */
export function toCents(text: string): number | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const fraction = (match[2] ?? "").padEnd(3, "0");
  const cents = Number(match[1]) * 100 + Number(fraction.slice(0, 2)) + (Number(fraction[2]) >= 5 ? 1 : 0);
  return Number.isSafeInteger(cents) ? cents : null;
}

export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * A metafield's amount: a number (`number_decimal`, text) or a money value (`{"amount": "45.00", ...}`).
 */
export function metafieldCents(value: string): number | null {
  const direct = toCents(value);
  if (direct !== null) return direct;
  try {
    const parsed: unknown = JSON.parse(value);
    const amount = parsed !== null && typeof parsed === "object" ? (parsed as { amount?: unknown }).amount : undefined;
    return typeof amount === "string" || typeof amount === "number" ? toCents(String(amount)) : null;
  } catch {
    return null;
  }
}

export interface WholesaleRule {
  /** "namespace.key", or "" when not used. */
  wholesaleMetafield: string;
  wholesalePercentOfRetail: number | null;
}

export type WholesaleSource = { cents: number; source: "metafield" | "percentage" } | { cents: null; problem: string };

/** The wholesale price of one variant: its metafield, else the percentage of retail, else nothing. */
export function wholesaleCents(metafieldValue: string | null, retailCents: number, rule: WholesaleRule): WholesaleSource {
  if (rule.wholesaleMetafield && metafieldValue !== null && metafieldValue.trim() !== "") {
    const cents = metafieldCents(metafieldValue);
    if (cents !== null) return { cents, source: "metafield" };
    if (rule.wholesalePercentOfRetail === null) {
      return { cents: null, problem: `${rule.wholesaleMetafield} holds "${metafieldValue}", which is not an amount` };
    }
  }
  if (rule.wholesalePercentOfRetail !== null) {
    return { cents: Math.round((retailCents * rule.wholesalePercentOfRetail) / 100), source: "percentage" };
  }
  return {
    cents: null,
    problem: rule.wholesaleMetafield ? `no ${rule.wholesaleMetafield} value` : "no wholesale metafield or percentage is set",
  };
}
