import type { ShopSettings } from "@prisma/client";
import { open, seal } from "~/crypto.server";
import { prisma } from "~/db.server";
import { joorCredentialsSchema, type JoorCredentials, type JoorEnvironment } from "./joor-credentials";
import { readFlowOptions, type FlowOptions } from "./options";

export interface JoorConnectionSettings {
  environment: JoorEnvironment;
  accountId: string;
  credentials: JoorCredentials;
}

export interface ShopConfiguration {
  shop: string;
  flows: { customers: boolean; catalog: boolean; inventory: boolean; orders: boolean };
  options: FlowOptions;
  joorConnected: boolean;
  uninstalled: boolean;
}

export function toConfiguration(row: ShopSettings): ShopConfiguration {
  return {
    shop: row.shop,
    flows: {
      customers: row.customersEnabled,
      catalog: row.catalogEnabled,
      // Inventory and orders depend on the catalog's SKU mapping.
      inventory: row.catalogEnabled && row.inventoryEnabled,
      orders: row.catalogEnabled && row.ordersEnabled,
    },
    options: readFlowOptions(row.options),
    joorConnected: Boolean(row.joorAccountId && row.joorSecrets),
    uninstalled: row.uninstalledAt !== null,
  };
}

export async function getShopConfiguration(shop: string): Promise<ShopConfiguration | null> {
  const row = await prisma.shopSettings.findUnique({ where: { shop } });
  return row ? toConfiguration(row) : null;
}

/** The credentials as stored: validated, then sealed, so the plaintext never reaches the database. */
export function sealJoorCredentials(credentials: JoorCredentials): string {
  return seal(JSON.stringify(joorCredentialsSchema.parse(credentials)));
}

/** Stores the JOOR account and its credentials, sealed. */
export async function saveJoorConnection(shop: string, connection: JoorConnectionSettings): Promise<void> {
  const joorSecrets = sealJoorCredentials(connection.credentials);
  await prisma.shopSettings.upsert({
    where: { shop },
    create: { shop, joorEnvironment: connection.environment, joorAccountId: connection.accountId, joorSecrets },
    update: { joorEnvironment: connection.environment, joorAccountId: connection.accountId, joorSecrets },
  });
}

/** The shop's JOOR connection with its credentials opened, or null when the merchant has not connected JOOR. */
export async function loadJoorConnection(shop: string): Promise<JoorConnectionSettings | null> {
  const row = await prisma.shopSettings.findUnique({
    where: { shop },
    select: { joorEnvironment: true, joorAccountId: true, joorSecrets: true },
  });
  if (!row?.joorAccountId || !row.joorSecrets) return null;
  return {
    environment: row.joorEnvironment === "production" ? "production" : "sandbox",
    accountId: row.joorAccountId,
    credentials: joorCredentialsSchema.parse(JSON.parse(open(row.joorSecrets))),
  };
}
