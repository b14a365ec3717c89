/**
 * Parses a webhook body keeping integers beyond 2^53 exact (as strings). Shopify's numeric ids can exceed
 * JavaScript's safe range, and a rounded id would point at another record.
 */
type ReviverContext = { source?: string };

/** 2^53 has 16 digits: a body without a run of 16 digits holds no integer beyond the safe range. */
const LONG_DIGIT_RUN = /\d{16}/;

export function parseWebhookBody(raw: string): unknown {
  // The reviver costs a call per value; most bodies have nothing for it to keep.
  if (!LONG_DIGIT_RUN.test(raw)) return JSON.parse(raw);
  return JSON.parse(raw, function (this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return context.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

export class MalformedPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedPayloadError";
  }
}
