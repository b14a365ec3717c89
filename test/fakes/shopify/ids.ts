/**
 * Shopify ids. Numeric ids are kept as decimal strings everywhere: real ids can exceed 2^53, and a fake that
 * used JS numbers would hide precision bugs the real API exposes.
 */
export function gid(type: string, id: string): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: string;
}

export function parseGid(value: string): ParsedGid | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  return match ? { type: match[1], id: match[2] } : null;
}

/** Strictly increasing numeric ids, shared by every resource of one fake (like Shopify's global id space). */
export class IdSequence {
  private next: bigint;

  constructor(start: bigint | string | number) {
    this.next = BigInt(start);
  }

  take(): string {
    const id = this.next.toString();
    this.next += 1n;
    return id;
  }

  /** Makes sure later ids do not collide with an id chosen by a test. */
  reserve(id: string): void {
    const value = BigInt(id);
    if (value >= this.next) this.next = value + 1n;
  }
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
