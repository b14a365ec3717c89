/**
 * The order import's yardstick, pure: how fast Shopify's cost limit lets orders be created. Over a run, Shopify
 * lets the app spend what its bucket held at the start plus what it restores meanwhile, so creating `orders`
 * orders at `pointsPerOrder` each takes at least (orders × pointsPerOrder − startAvailable) ÷ restoreRate
 * seconds; over a long run that tends to restoreRate ÷ pointsPerOrder orders a second.
 */

export interface CostLimit {
  /** Points restored per second. */
  restoreRate: number;
  /** Points in the bucket when the first order is created. */
  startAvailable: number;
}

/** Orders a second the restore rate alone allows. */
export function steadyOrderRate(pointsPerOrder: number, restoreRate: number): number {
  if (!(pointsPerOrder > 0)) throw new Error("An order must cost points");
  return restoreRate / pointsPerOrder;
}

/** The shortest time (s) in which Shopify's cost limit lets `orders` orders be created, the first at time 0. */
export function fastestImportSeconds(orders: number, pointsPerOrder: number, limit: CostLimit): number {
  if (!(pointsPerOrder > 0) || !(limit.restoreRate > 0)) throw new Error("Points per order and the restore rate must be positive");
  return Math.max(0, orders * pointsPerOrder - limit.startAvailable) / limit.restoreRate;
}

/** The allowed time over the measured one: 1 when the app creates orders as fast as the cost limit lets it. */
export function shareOfAllowedRate(measuredSeconds: number, allowedSeconds: number): number {
  if (!(measuredSeconds > 0)) throw new Error("The import must take some time");
  return allowedSeconds / measuredSeconds;
}
