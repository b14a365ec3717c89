/**
 * REST-shaped webhook payloads carry numeric ids as JSON numbers, and Shopify's can exceed 2^53. JSON.stringify
 * cannot write such a number, so payloads hold `JsonInteger` markers that `stringifyPayload` writes bare.
 */
const MARK = "@@json-integer@@";
const MARKED = new RegExp(`"${MARK}(-?\\d+)${MARK}"`, "g");

export class JsonInteger {
  constructor(readonly digits: string) {}

  toJSON(): string {
    return `${MARK}${this.digits}${MARK}`;
  }
}

export function int(digits: string | null | undefined): JsonInteger | null {
  return digits === null || digits === undefined ? null : new JsonInteger(digits);
}

export function stringifyPayload(payload: unknown): string {
  return JSON.stringify(payload).replace(MARKED, "$1");
}
