import { prisma } from "~/db.server";
import { markManyDirty } from "~/sync/sync-state.server";

/**
 * Follow-up work a catalog handler asks for (linesheets to rebuild, stock to send). Marked in a transaction of
 * its own, like every engine step, so no other caller's open transaction can take the marks down with it.
 *
 * The marks come due a few seconds later: the handler marks before the engine has saved the product's new
 * details, and the linesheet or stock sync must read those details, not the ones before.
 */
export const FOLLOW_UP_DELAY_MS = 5_000;

export interface FollowUps {
  shop: string;
  /** kind → gids */
  marks: Map<string, Set<string>>;
}

export function followUps(shop: string): FollowUps {
  return { shop, marks: new Map() };
}

export function addFollowUp(followUp: FollowUps, kind: string, gid: string): void {
  const gids = followUp.marks.get(kind) ?? new Set<string>();
  gids.add(gid);
  followUp.marks.set(kind, gids);
}

export async function markFollowUps(followUp: FollowUps, now: Date): Promise<void> {
  const entries = [...followUp.marks.entries()].filter(([, gids]) => gids.size > 0);
  if (entries.length === 0) return;
  const at = new Date(now.getTime() + FOLLOW_UP_DELAY_MS);
  await prisma.$transaction(async (tx) => {
    for (const [kind, gids] of entries) await markManyDirty(tx, { shop: followUp.shop, kind, gids: [...gids], at });
  });
}
