/**
 * A brand as if it had just finished onboarding, written with the app's own modules into the database
 * DATABASE_URL names: offline session, JOOR connected, the chosen flows on with their options. Used by the
 * runs that drive the app's real processes (the fault suite, the bench). Nothing is started here.
 */
import type { FlowOptions } from "~/settings/options";
import type { JoorConnectionSettings } from "~/settings/settings.server";

export interface InstallShop {
  shop: string;
  accessToken: string;
  joor: JoorConnectionSettings;
  flows: { customers?: boolean; catalog?: boolean; inventory?: boolean; orders?: boolean };
  /** Options as the settings form would take them; missing ones get their defaults. */
  options?: unknown;
}

export async function installShop(install: InstallShop): Promise<FlowOptions> {
  const { prisma } = await import("~/db.server");
  const { sessionStorage, SCOPES } = await import("~/shopify.server");
  const { markInstalled } = await import("~/shops.server");
  const { saveJoorConnection } = await import("~/settings/settings.server");
  const { flowOptionsSchema } = await import("~/settings/options");
  const { Session } = await import("@shopify/shopify-api");

  const { shop, accessToken, flows } = install;
  await sessionStorage.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: SCOPES.join(","), accessToken }),
  );
  await markInstalled(shop, SCOPES.join(","));
  await saveJoorConnection(shop, install.joor);
  const options = flowOptionsSchema.parse(install.options ?? {});
  await prisma.shopSettings.update({
    where: { shop },
    data: {
      customersEnabled: flows.customers ?? false,
      catalogEnabled: flows.catalog ?? false,
      inventoryEnabled: flows.inventory ?? false,
      ordersEnabled: flows.orders ?? false,
      options: JSON.stringify(options),
    },
  });
  return options;
}
