import type { Db } from "~/sync/sync-state.server";
import { redactCustomerData, reportCustomerData } from "./customer-data.server";
import type { ComplianceRequest } from "./requests";
import { eraseShopData } from "./shop-data.server";

/** Carries out a compliance request inside the webhook intake's transaction (see each function for why). */
export async function applyComplianceRequest(db: Db, shop: string, request: ComplianceRequest, now: Date): Promise<void> {
  switch (request.topic) {
    case "customers/data_request":
      return reportCustomerData(db, shop, request, now);
    case "customers/redact":
      return redactCustomerData(db, shop, request, now);
    case "shop/redact":
      return eraseShopData(db, shop, now);
  }
}
