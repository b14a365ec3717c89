import type { ReactNode } from "react";

/** IndexTable cells do not wrap by default; names, companies and errors can be long. */
export function Wrap({ children }: { children: ReactNode }) {
  return <div style={{ whiteSpace: "normal", overflowWrap: "break-word", maxWidth: "28rem" }}>{children}</div>;
}
