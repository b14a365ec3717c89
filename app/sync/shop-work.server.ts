import type { Db } from "./sync-state.server";
import { pauseShopTasks, resumeShopTasks } from "./tasks.server";

/**
 * The shop uninstalled the app (a client found no offline session): nothing for it can succeed. Marking
 * ShopSettings.uninstalledAt makes every claim skip the shop, so its records keep their dirty/retry state,
 * untouched, until it comes back; its tasks are paused so the dashboard says so. Every lease is dropped at once:
 * a worker mid-batch cannot write its outcomes, and the records stay due for after a reinstall.
 */
export async function stopShopWork(db: Db, shop: string, reason: string, now = new Date()): Promise<void> {
  const marked = await db.shopSettings.updateMany({
    where: { shop, uninstalledAt: null },
    data: { uninstalledAt: now },
  });
  if (marked.count === 0) {
    await db.shopSettings.upsert({ where: { shop }, create: { shop, uninstalledAt: now }, update: {} });
  }
  await pauseShopTasks(db, shop, reason);
  await db.syncState.updateMany({ where: { shop, leaseOwner: { not: null } }, data: { leaseOwner: null, leaseExpiresAt: null } });
}

/**
 * After a reinstall, once the install flow has cleared ShopSettings.uninstalledAt: paused tasks run now, and
 * records that were backing off are due now too — what made them fail was the missing install.
 */
export async function resumeShopWork(db: Db, shop: string, now = new Date()): Promise<void> {
  await resumeShopTasks(db, shop, now);
  await db.syncState.updateMany({
    where: { shop, status: { in: ["dirty", "retry", "throttled"] }, nextAttemptAt: { gt: now } },
    data: { nextAttemptAt: now },
  });
}
