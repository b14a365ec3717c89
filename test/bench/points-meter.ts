/**
 * Admin API points the app actually spends, read off the fake shop's bucket: what each query takes, less what
 * the fake refunds once it knows the query's actual cost. Throttled requests take nothing.
 */
import type { LeakyBucket } from "../fakes/shopify/cost";

export interface PointsMeter {
  /** Points spent since the meter was attached. */
  spent(): number;
}

export function meterPoints(bucket: LeakyBucket): PointsMeter {
  let spent = 0;
  const take = bucket.take.bind(bucket);
  const refund = bucket.refund.bind(bucket);
  bucket.take = (cost: number) => {
    const taken = take(cost);
    if (taken) spent += cost;
    return taken;
  };
  bucket.refund = (points: number) => {
    spent -= points;
    refund(points);
  };
  return { spent: () => spent };
}
