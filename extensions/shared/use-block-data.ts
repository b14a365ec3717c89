import { useEffect, useState } from "preact/hooks";
import type { BlockReply } from "./block-data";

export type BlockLoad<T> = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; data: T };

/**
 * Reads a block's data from the app. The admin resolves a relative URL against the app's URL and adds the
 * session token that authenticate.admin checks.
 */
export async function fetchBlockData<T>(path: string, id: string): Promise<BlockLoad<T>> {
  let response: Response;
  try {
    response = await fetch(`${path}?${new URLSearchParams({ id })}`);
  } catch {
    return { status: "error", message: "The JOOR sync app could not be reached. Try again in a moment." };
  }
  const body = (await response.json().catch(() => null)) as BlockReply<T> | null;
  if (response.ok && body?.ok) return { status: "ready", data: body.data };
  return { status: "error", message: body && !body.ok ? body.error : `The JOOR sync app answered HTTP ${response.status}` };
}

/** The block's data for the selected record, loaded once per record. */
export function useBlockData<T>(path: string, id: string | undefined): BlockLoad<T> {
  const [load, setLoad] = useState<BlockLoad<T>>({ status: "loading" });
  useEffect(() => {
    if (!id) {
      setLoad({ status: "error", message: "No record is selected." });
      return;
    }
    let current = true;
    setLoad({ status: "loading" });
    void fetchBlockData<T>(path, id).then((next) => {
      if (current) setLoad(next);
    });
    return () => {
      current = false;
    };
  }, [path, id]);
  return load;
}
