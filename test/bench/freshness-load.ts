/**
 * The freshness scenario's load and its clock, free of I/O: a steady beat of merchant changes whose JOOR cost
 * fits the credit budget, and the time from each change in Shopify to the moment JOOR first holds it.
 */
import { seededRandom } from "../fakes/shopify/webhooks";
import { EDIT_FIELDS, variantCount, type EditField } from "./product-traffic";

/** What changes at one beat: one style edited, and stock sold of a few variants of other styles. */
export interface Beat {
  at: number;
  edit: { product: number; field: EditField; variant: number; serial: number };
  sales: Array<{ product: number; variant: number }>;
}

export interface BeatOptions {
  durationMs: number;
  beatMs: number;
  salesPerBeat: number;
  products: number;
  seed: number;
}

/**
 * Beats from time 0 every `beatMs` while inside `durationMs`. The edit's field takes turns (title, description,
 * price), and every style in a beat is a different one, so each change is told apart in JOOR.
 */
export function planBeats(options: BeatOptions): Beat[] {
  if (options.salesPerBeat + 1 > options.products) throw new Error("A beat needs a different style for each change");
  const random = seededRandom(options.seed);
  const pick = (count: number) => Math.floor(random() * count);
  const beats: Beat[] = [];
  for (let index = 0; index * options.beatMs < options.durationMs; index++) {
    const chosen = new Set<number>();
    const style = () => {
      let product = pick(options.products);
      while (chosen.has(product)) product = (product + 1) % options.products;
      chosen.add(product);
      return product;
    };
    const edited = style();
    beats.push({
      at: index * options.beatMs,
      edit: { product: edited, field: EDIT_FIELDS[index % EDIT_FIELDS.length], variant: pick(variantCount(edited)), serial: index + 1 },
      sales: Array.from({ length: options.salesPerBeat }, () => {
        const product = style();
        return { product, variant: pick(variantCount(product)) };
      }),
    });
  }
  return beats;
}

export interface BudgetShape {
  /** Credits per window the app lets non-priority work spend (JOOR's limit less the app's order-poll reserve). */
  usableCredits: number;
  windowMs: number;
  /** Credits of one JOOR write. */
  writeCredits: number;
}

/**
 * The shortest beat whose writes fit the budget: each beat costs at most `writesPerBeat` JOOR writes when the
 * app batches a beat's changes per kind (one style write, one stock write). Rounded up to whole seconds.
 */
export function shortestBeatMs(writesPerBeat: number, budget: BudgetShape): number {
  const ms = (writesPerBeat * budget.writeCredits * budget.windowMs) / budget.usableCredits;
  return Math.ceil(ms / 1000) * 1000;
}

/**
 * Changes waiting to show in JOOR, by key (a style's name, a SKU's stock…). A change counts as arrived when
 * JOOR holds its value, or a later change's value of the same key: JOOR then holds something at least as new.
 */
export class ChangeClock {
  readonly #pending = new Map<string, Array<{ value: string; madeAt: number }>>();
  readonly #latencies: number[] = [];

  expect(key: string, value: string, madeAt: number): void {
    this.#pending.set(key, [...(this.#pending.get(key) ?? []), { value, madeAt }]);
  }

  /** JOOR holds `value` for `key` at time `at`. */
  observe(key: string, value: string | undefined, at: number): void {
    const waiting = this.#pending.get(key);
    if (!waiting || value === undefined) return;
    let newest = -1;
    waiting.forEach((change, index) => {
      if (change.value === value) newest = index;
    });
    if (newest < 0) return;
    for (const change of waiting.slice(0, newest + 1)) this.#latencies.push(at - change.madeAt);
    const rest = waiting.slice(newest + 1);
    if (rest.length > 0) this.#pending.set(key, rest);
    else this.#pending.delete(key);
  }

  pendingKeys(): string[] {
    return [...this.#pending.keys()];
  }

  pendingCount(): number {
    let count = 0;
    for (const waiting of this.#pending.values()) count += waiting.length;
    return count;
  }

  latencies(): number[] {
    return [...this.#latencies];
  }
}
