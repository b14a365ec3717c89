import { contentHash } from "~/flows/content-hash";

/**
 * How the catalog names things in JOOR. Where JOOR documents nothing, the choice is marked [assumed] (like
 * app/joor/assumptions.ts) so it is easy to find and correct against the real API.
 */

/** Sync kind of a JOOR collection (linesheet), rebuilt from the product SyncStates that list it. */
export const LINESHEET_KIND = "linesheet";

/** How values compare: Unicode-normalised, trimmed, case-insensitive ("Ｍ" = "m"). */
export function valueKey(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase();
}

/** Display form of a merchant-entered value. */
export function displayValue(value: string): string {
  return value.normalize("NFC").trim();
}

/** Lower-case ASCII letters, digits and dashes ("Crème Brûlée" → "creme-brulee"); may be empty. */
export function slug(value: string, maxLength = 40): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}

/**
 * A new color code: the slug of the color name (or a fingerprint when the name has no Latin letters or
 * digits), unique among the style's codes. Codes are remembered per style, so they never change once sent.
 */
export function newColorCode(color: string, taken: ReadonlySet<string>): string {
  const base = slug(color, 30) || `c-${contentHash(valueKey(color)).slice(0, 8)}`;
  let code = base;
  for (let n = 2; taken.has(code); n++) code = `${base}-${n}`;
  return code;
}

/** The style number (product_identifier): the Shopify product's numeric id, which never changes. [assumed] */
export function styleNumber(productId: string): string {
  return productId;
}

/**
 * External id of a grid cell no variant sells (an INACTIVE SKU): derived from the product, color code and size,
 * so creating it again after a crash finds it (DUPLICATED) instead of making a second one.
 */
export function fillerExternalId(productId: string, colorCode: string, sizeKey: string): string {
  return `${productId}-${colorCode}-${contentHash(sizeKey).slice(0, 8)}`;
}

export interface LinesheetRef {
  /** valueKey of the name: tags differing only in case name one linesheet. */
  key: string;
  name: string;
}

export function linesheetGid(key: string): string {
  return `${LINESHEET_KIND}:${key}`;
}

export function linesheetKeyOf(gid: string): string {
  return gid.slice(LINESHEET_KIND.length + 1);
}

/** A collection's external_id, stable for its name (slug plus a fingerprint, so similar names never clash). */
export function linesheetExternalId(key: string): string {
  return `${slug(key, 60) || "linesheet"}-${contentHash(key).slice(0, 8)}`;
}

export const MAX_IMAGE_FILENAME = 100;

/**
 * Image file names. JOOR ties an uploaded image to a color when its file name is
 * `<style number>_<color code>_<n>.<ext>`, as in its bulk image upload; other images are `<style number>_<n>.<ext>`.
 * [assumed] for the API (the v4 asset record has no color field). Names stay within JOOR's 100 characters.
 */
export function imageFilename(style: string, sequence: number, extension: string, colorCode?: string): string {
  const tail = `_${sequence}.${extension}`;
  const head = colorCode ? `${style}_${colorCode}` : style;
  return `${head.slice(0, MAX_IMAGE_FILENAME - tail.length)}${tail}`;
}
