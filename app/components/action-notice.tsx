import { Banner } from "@shopify/polaris";
import { useEffect, useState } from "react";

/** What a page's action answers a fetcher with. */
export interface ActionReply {
  ok: boolean;
  message: string;
}

/**
 * The latest reply of a fetcher's action, kept until dismissed. `onReply` runs once per reply, e.g. to clear a
 * selection whose rows may have left the view.
 */
export function useActionNotice(fetcher: { state: string; data?: ActionReply }, onReply: () => void) {
  const [notice, setNotice] = useState<ActionReply | null>(null);
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    setNotice(fetcher.data);
    onReply();
  }, [fetcher.state, fetcher.data, onReply]);
  return { notice, dismiss: () => setNotice(null) };
}

export function ActionNotice({ notice, dismiss }: { notice: ActionReply | null; dismiss: () => void }) {
  if (!notice) return null;
  return (
    <Banner tone={notice.ok ? "success" : "critical"} onDismiss={dismiss}>
      {notice.message}
    </Banner>
  );
}
