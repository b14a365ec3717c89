import { registerCatalogSync } from "~/catalog/register.server";
import { registerCustomerMatching } from "~/customers/connections-download.server";
import { registerCustomerSync } from "~/customers/sync.server";
import { defaultFlowServices, type FlowServices } from "~/flows/services.server";
import { registerInventorySync } from "~/inventory/sync.server";
import { registerOrderImport } from "~/orders/poll.server";
import { registerReconcileSweep } from "~/reconcile/sweep.server";
import { registry as defaultRegistry, type HandlerRegistry } from "./registry";

/**
 * The one place that knows every flow's handlers. Each flow exports a function that registers its sync and
 * task handlers on a registry with the services they reach JOOR and Shopify through (e.g.
 * `registerCustomerSync(registry, services)`); add it to this list, and both the web process's in-process
 * worker and `npm run worker` run it.
 */
const flowRegistrations: ReadonlyArray<(registry: HandlerRegistry, services: FlowServices) => void> = [
  registerCustomerSync,
  registerCustomerMatching,
  registerCatalogSync,
  registerInventorySync,
  registerOrderImport,
  registerReconcileSweep,
];

const registered = new WeakSet<HandlerRegistry>();

/** Registers every flow's handlers once per registry (the web server and the worker entry may both ask). */
export function registerHandlers(registry: HandlerRegistry = defaultRegistry, services: FlowServices = defaultFlowServices): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  for (const register of flowRegistrations) register(registry, services);
}
