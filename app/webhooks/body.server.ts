/**
 * Reads a request body up to a byte limit. A body sent without a length (chunked) can be any size, so the
 * bytes are counted as they arrive and reading stops at the limit instead of buffering all of it first.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString("utf8");
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}
