/** Reads a JSON column the engine wrote; text that is not JSON is handed over as it is rather than lost. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `undefined` leaves a JSON column alone, `null` clears it. */
export function toJsonColumn(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null ? null : JSON.stringify(value);
}
