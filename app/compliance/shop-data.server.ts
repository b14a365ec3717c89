import { joorBudgetKey } from "~/joor/budget.server";
import { log } from "~/logger.server";
import { recordActivity } from "~/sync/activity.server";
import type { Db } from "~/sync/sync-state.server";
import { COMPLIANCE_FLOW } from "./customer-data.server";

/** How a shop/redact delivery is stored (authenticate.webhook's topic): those rows stay so a redelivery stays a no-op. */
const SHOP_REDACT_TOPIC = "SHOP_REDACT";

/**
 * shop/redact (sent 48 hours after the app was uninstalled): every row of the shop goes, in every table. The
 * JOOR credit window and its history belong to the JOOR account, which other shops may share: they go only when
 * no other shop uses the account. What stays: the shop/redact delivery ids (pruned with every delivery after some
 * days) and one Activity line recording the erasure, without personal data.
 *
 * It runs in the intake's transaction: one DELETE per table on indexed shop columns, for a shop whose work
 * stopped two days ago (a task could not run it: claims skip uninstalled shops). A failure erases nothing and
 * Shopify delivers the request again.
 */
export async function eraseShopData(db: Db, shop: string, now: Date): Promise<void> {
  const settings = await db.shopSettings.findUnique({ where: { shop }, select: { joorEnvironment: true, joorAccountId: true } });
  const where = { where: { shop } };
  const counts = {
    sessions: (await db.session.deleteMany(where)).count,
    syncStates: (await db.syncState.deleteMany(where)).count,
    tasks: (await db.scheduledTask.deleteMany(where)).count,
    orderImports: (await db.orderImport.deleteMany(where)).count,
    joorConnections: (await db.joorConnection.deleteMany(where)).count,
    activity: (await db.activityEvent.deleteMany(where)).count,
    webhookDeliveries: (await db.webhookDelivery.deleteMany({ where: { shop, topic: { not: SHOP_REDACT_TOPIC } } })).count,
    settings: (await db.shopSettings.deleteMany(where)).count,
    joorAccountHistory: 0,
  };
  if (settings?.joorAccountId) {
    const { joorEnvironment, joorAccountId } = settings;
    const shared = await db.shopSettings.count({ where: { joorEnvironment, joorAccountId } });
    if (shared === 0) {
      const account = joorBudgetKey(joorEnvironment === "production" ? "production" : "sandbox", joorAccountId);
      counts.joorAccountHistory =
        (await db.joorBudget.deleteMany({ where: { account } })).count + (await db.joorCreditMinute.deleteMany({ where: { account } })).count;
    }
  }
  await recordActivity(db, {
    shop,
    flow: COMPLIANCE_FLOW,
    action: "shop/redact",
    status: "erased",
    message: "Shopify asked to erase the shop's data: every record of the shop was erased",
    at: now,
  });
  log.info("Shop data erased on Shopify's request", { shop, ...counts });
}
