import type { Prisma, PrismaClient } from "@prisma/client";
import { prisma } from "./db.server";
import { armReconcileSweep } from "./reconcile/arm.server";
import { resumeShopWork, stopShopWork } from "./sync/shop-work.server";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Called after Shopify authenticates an install (or a reinstall): the shop's work may run again, and a shop with
 * flows on gets its reconcile sweep if it has none yet.
 */
export async function markInstalled(shop: string, scopes: string | undefined, db: Db = prisma): Promise<void> {
  const previous = await db.shopSettings.findUnique({ where: { shop }, select: { uninstalledAt: true } });
  await db.shopSettings.upsert({
    where: { shop },
    create: { shop, scopes },
    update: { uninstalledAt: null, scopes },
  });
  if (previous?.uninstalledAt) await resumeShopWork(db, shop);
  await armReconcileSweep(db, shop);
}

/** app/uninstalled: the shop's sessions are gone, so nothing can run for it until it installs again. */
export async function markUninstalled(shop: string, at: Date, db: Db): Promise<void> {
  await db.session.deleteMany({ where: { shop } });
  await stopShopWork(db, shop, "The app was uninstalled", at);
}

/** app/scopes_update: keep the stored sessions' scopes in step with what the merchant granted. */
export async function updateGrantedScopes(shop: string, scopes: string[], db: Db): Promise<void> {
  const scope = scopes.join(",");
  await db.session.updateMany({ where: { shop }, data: { scope } });
  await db.shopSettings.updateMany({ where: { shop }, data: { scopes: scope } });
}
