import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Reloads the route's data every `intervalMs` while `active`, skipping a beat while a reload is still under way. */
export function usePollWhile(active: boolean, intervalMs: number): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, revalidator]);
}
