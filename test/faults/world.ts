/**
 * The outside world of the fault run, hosted in the runner's process: the fake JOOR and the fake Shopify as
 * local HTTP servers with switchable faults, webhooks delivered to the app in bursts, and counters of every
 * fault injected. Besides the fakes' own faults, Shopify sometimes applies a mutation and loses its answer
 * (so an order may exist that the app did not hear of), and JOOR's replies are faulted by reply-faults.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { FetchHandler, LocalServer } from "../fakes/http";
import { serveLocally } from "../fakes/http";
import { createJoorFake, type JoorFake } from "../fakes/joor";
import { seededRandom } from "../fakes/joor/faults";
import { withReplyFaults, type ReplyFaultCounts, type ReplyFaults } from "../fakes/joor/reply-faults";
import { createShopifyFake, WebhookSender, type DeliveryRecord, type FakeShop, type ShopifyFake, type WebhookEvent, type WebhookSenderOptions } from "../fakes/shopify";

export const SHOP = "faults-brand.myshopify.com";
export const API_KEY = "faults-api-key";
export const API_SECRET = "faults-api-secret";
export const JOOR_ACCOUNT = {
  environment: "sandbox" as const,
  accountId: "300400",
  credentials: {
    v2Token: "faults-v2-token",
    v4: { clientId: "faults-client", clientSecret: "faults-client-secret", username: "ops@faults-brand.test", password: "faults-password" },
  },
};

/** JOOR's credit window in the fake: tighter than the app's view of it (JOOR_CREDIT_* below), so JOOR answers 429. */
export const JOOR_CREDITS = { limit: 60, windowSeconds: 10 };
/** The app's credit budget, given to its processes through the environment. */
export const APP_CREDIT_ENV = { JOOR_CREDIT_LIMIT: "300", JOOR_CREDIT_WINDOW_SECONDS: "10" };
/** A JOOR request is given up after this long (the worker's JOOR_TIMEOUT_MS); hung and late replies outlast it. */
export const JOOR_TIMEOUT_MS = 3_000;

const JOOR_FAULTS = { errorRate: 0.2, timeoutRate: 0.03, hangMs: JOOR_TIMEOUT_MS + 1_000 };
const REPLY_FAULTS: ReplyFaults = {
  partialRate: 0.25,
  lateRate: 0.03,
  lateMs: JOOR_TIMEOUT_MS + 1_000,
  throttleRate: 0.04,
  retryAfterSeconds: 2,
};
const SHOPIFY_FAULTS = { errorRate: 0.05, errorStatus: 503 };
/** Share of Admin API mutations Shopify applies but whose answer is lost on the way back (a 502). */
const LOST_MUTATION_ANSWERS = 0.25;
/** Shopify's standard bucket size with a slow refill, so bursts of reads are throttled. */
const BUCKET = { maximumAvailable: 1_000, restoreRate: 30 };

/** Whether a GraphQL request body carries a mutation. */
function isMutation(body: string): boolean {
  try {
    return /^\s*mutation\b/.test((JSON.parse(body) as { query?: string }).query ?? "");
  } catch {
    return false;
  }
}

/**
 * Webhooks as Shopify sends them in a busy moment: the events of a burst are held, then delivered together in
 * shuffled order, with duplicates, small delays and retries of failed deliveries. Outside a burst an event is
 * delivered at once.
 */
export class BurstSender extends WebhookSender {
  private held: WebhookEvent[] | null = null;
  readonly bursts: Promise<unknown>[] = [];
  /** Events delivered after an event that happened later in the same burst. */
  reordered = 0;

  override send(event: WebhookEvent): Promise<DeliveryRecord[]> {
    if (!this.held) return super.send(event);
    this.held.push({ ...event, eventId: event.eventId ?? randomUUID() });
    return Promise.resolve([]);
  }

  /** Runs the merchant's actions, then delivers the webhooks they caused as one shuffled burst. */
  burst(actions: () => void): void {
    this.held = [];
    try {
      actions();
    } finally {
      const events = this.held;
      this.held = null;
      if (events.length > 0) this.bursts.push(this.sendBatch(events).then((records) => this.countReordered(events, records)));
    }
  }

  private countReordered(events: WebhookEvent[], records: DeliveryRecord[]): void {
    const happened = new Map(events.map((event, index) => [event.eventId, index]));
    const arrival = [...new Set(records.filter((record) => record.kind === "original").map((record) => record.eventId))];
    let latest = -1;
    for (const eventId of arrival) {
      const index = happened.get(eventId) ?? -1;
      if (index < latest) this.reordered += 1;
      latest = Math.max(latest, index);
    }
  }

  async settled(): Promise<void> {
    await Promise.all(this.bursts);
    await this.idle();
  }
}

export interface FaultCounts {
  joor429: number;
  joor5xx: number;
  joorTimeouts: number;
  joorLateReplies: number;
  joorPartials: number;
  joorRequests: number;
  shopifyThrottled: number;
  shopify5xx: number;
  shopifyLostAnswers: number;
  shopifyRequests: number;
  webhookDuplicates: number;
  webhookRetries: number;
  webhookReordered: number;
  webhookDeliveries: number;
}

export interface World {
  shopify: ShopifyFake;
  shop: FakeShop;
  joor: JoorFake;
  accessToken: string;
  joorUrl: string;
  shopifyUrl: string;
  /** Set by `deliverWebhooksTo`. */
  sender: BurstSender | null;
  deliverWebhooksTo(appUrl: string, seed: number): BurstSender;
  faultsOn(): void;
  faultsOff(): void;
  counts(): FaultCounts;
  close(): Promise<void>;
}

export async function startWorld(seed: number): Promise<World> {
  const joor = createJoorFake({ seed, credits: JOOR_CREDITS });
  joor.addAccount({ accountId: JOOR_ACCOUNT.accountId, v2Token: JOOR_ACCOUNT.credentials.v2Token, v4: JOOR_ACCOUNT.credentials.v4 });
  const replyFaults: ReplyFaults = { ...REPLY_FAULTS, partialRate: 0, lateRate: 0, throttleRate: 0 };
  const joorSide = withReplyFaults(joor.handler, { faults: replyFaults, random: seededRandom(seed + 1) });

  const shopify = createShopifyFake({ apiKey: API_KEY, apiSecret: API_SECRET, seed: seed + 2, bucket: BUCKET });
  const accessToken = `shpat_${randomBytes(12).toString("hex")}`;
  const shop = shopify.addShop(SHOP, { accessToken, name: "Faults Brand", currencyCode: "USD", locationName: "Flagship" });
  let throttled = 0;
  let lostAnswers = 0;
  let lostAnswerRate = 0;
  const answerLoss = seededRandom(seed + 7);
  const countedShopify: FetchHandler = async (request) => {
    if (!request.url.endsWith("/graphql.json")) return shopify.handler(request);
    const body = await request.text();
    const mutation = isMutation(body);
    const response = await shopify.handler(new Request(request.url, { method: request.method, headers: request.headers, body }));
    if (response.status !== 200) return response;
    if ((await response.clone().text()).includes('"THROTTLED"')) throttled += 1;
    else if (mutation && lostAnswerRate > 0 && answerLoss() < lostAnswerRate) {
      lostAnswers += 1;
      return new Response("Bad Gateway", { status: 502 });
    }
    return response;
  };

  const [joorServer, shopifyServer]: LocalServer[] = await Promise.all([serveLocally(joorSide.handler), serveLocally(countedShopify)]);
  const replyCounts: ReplyFaultCounts = joorSide.counts;

  const world: World = {
    shopify,
    shop,
    joor,
    accessToken,
    joorUrl: joorServer.url,
    shopifyUrl: shopifyServer.url,
    sender: null,
    deliverWebhooksTo(appUrl, senderSeed) {
      const options: WebhookSenderOptions = {
        secret: API_SECRET,
        target: { baseUrl: appUrl },
        seed: senderSeed,
        duplicateSameId: 0.15,
        duplicateNewId: 0.15,
        reorder: true,
        delayMs: { min: 0, max: 25 },
        // Shopify retries a failed delivery for two days; a few quick tries stand in for that here.
        retries: 8,
        retryDelayMs: 500,
      };
      const sender = new BurstSender(options);
      shopify.attachWebhooks(sender);
      world.sender = sender;
      return sender;
    },
    faultsOn() {
      Object.assign(joor.faults, JOOR_FAULTS);
      Object.assign(replyFaults, REPLY_FAULTS);
      shopify.setFaults(SHOPIFY_FAULTS);
      lostAnswerRate = LOST_MUTATION_ANSWERS;
      shopify.bucket(SHOP).restoreRate = BUCKET.restoreRate;
    },
    /** JOOR's own credit window stays: it is how JOOR always behaves. */
    faultsOff() {
      Object.assign(joor.faults, { errorRate: 0, timeoutRate: 0 });
      Object.assign(replyFaults, { partialRate: 0, lateRate: 0, throttleRate: 0 });
      shopify.setFaults({});
      lostAnswerRate = 0;
      shopify.bucket(SHOP).restoreRate = BUCKET.maximumAvailable;
    },
    counts() {
      const deliveries = world.sender?.deliveries ?? [];
      return {
        joor429: joor.calls.filter((call) => call.status === 429).length + replyCounts.throttled,
        joor5xx: joor.calls.filter((call) => call.status === 503).length,
        joorTimeouts: joor.calls.filter((call) => call.status === 504).length,
        joorLateReplies: replyCounts.late,
        joorPartials: replyCounts.partial,
        joorRequests: joor.calls.length + replyCounts.throttled,
        shopifyThrottled: throttled,
        shopify5xx: shopify.requests.filter((entry) => entry.status >= 500).length,
        shopifyLostAnswers: lostAnswers,
        shopifyRequests: shopify.requests.length,
        webhookDuplicates: deliveries.filter((record) => record.kind !== "original" && record.attempt === 1).length,
        webhookRetries: deliveries.filter((record) => record.attempt > 1).length,
        webhookReordered: world.sender?.reordered ?? 0,
        webhookDeliveries: deliveries.length,
      };
    },
    async close() {
      await Promise.all([joorServer.close(), shopifyServer.close()]);
    },
  };
  return world;
}
