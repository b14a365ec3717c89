import { createHmac } from "node:crypto";
import type { FetchHandler } from "../http";
import { stringifyPayload } from "./json";

/**
 * Delivers webhooks the way Shopify does: signed JSON POSTs with Shopify's headers, at least once, possibly
 * late, duplicated or out of order. Duplicates come in two kinds, because the app must handle both: a
 * redelivery of the same delivery (same X-Shopify-Webhook-Id) and a second delivery of the same event under
 * a new webhook id (same X-Shopify-Event-Id). All randomness comes from a seeded generator.
 */

export const DEFAULT_WEBHOOK_API_VERSION = "2026-10";

export interface WebhookEvent {
  topic: string;
  shop: string;
  payload: unknown;
  /** Shared by every delivery of this event; generated when absent. */
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
}

/**
 * Where deliveries go: a fetch-style function (e.g. the app's request handler), or a base URL fetched over
 * the network. `path` maps a topic to the request path (default: every topic to `/webhooks`).
 */
export type WebhookTarget =
  | FetchHandler
  | { baseUrl?: string; path?: (topic: string) => string; fetch?: FetchHandler };

export interface WebhookSenderOptions {
  /** The app's API secret: the HMAC key. */
  secret: string;
  target: WebhookTarget;
  apiVersion?: string;
  seed?: number;
  /** Chance (0–1) that a delivery is sent a second time with the same webhook id. */
  duplicateSameId?: number;
  /** Chance (0–1) that an event is delivered a second time under a new webhook id. */
  duplicateNewId?: number;
  /** Wait before each delivery: fixed, or uniformly random in [min, max]. */
  delayMs?: number | { min: number; max: number };
  /** Shuffle the deliveries of a `sendBatch`. */
  reorder?: boolean;
  /** Extra attempts, same webhook id, after a failed delivery (non-2xx, timeout, network error). */
  retries?: number;
  retryDelayMs?: number;
  /** Shopify gives up on a delivery after 5 s. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type DeliveryKind = "original" | "same-id-duplicate" | "new-id-duplicate";

export interface DeliveryRecord {
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string;
  kind: DeliveryKind;
  attempt: number;
  status: number | null;
  error?: string;
  body: string;
}

/** Base64 HMAC-SHA256 of the raw body, as in X-Shopify-Hmac-Sha256. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookRequestOptions {
  url: string;
  topic: string;
  shop: string;
  secret: string;
  /** The payload (serialized as Shopify does) or the exact raw body. */
  payload?: unknown;
  body?: string;
  apiVersion?: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  /** Overrides the signature (to test rejection). */
  hmac?: string;
}

/** A signed delivery request, for route tests. */
export function webhookRequest(options: WebhookRequestOptions, signal?: AbortSignal): Request {
  const body = options.body ?? stringifyPayload(options.payload ?? {});
  return new Request(options.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Hmac-Sha256": options.hmac ?? signWebhookBody(body, options.secret),
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": options.apiVersion ?? DEFAULT_WEBHOOK_API_VERSION,
      "X-Shopify-Webhook-Id": options.webhookId ?? crypto.randomUUID(),
      "X-Shopify-Event-Id": options.eventId ?? crypto.randomUUID(),
      "X-Shopify-Triggered-At": options.triggeredAt ?? new Date().toISOString(),
    },
    body,
    signal,
  });
}

/** mulberry32: small, fast, good enough to make fault runs reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface PlannedDelivery {
  event: Required<Omit<WebhookEvent, "payload">> & { body: string };
  webhookId: string;
  kind: DeliveryKind;
}

export class WebhookSender {
  /** Every attempt, in the order they completed. */
  readonly deliveries: DeliveryRecord[] = [];
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly target: Exclude<WebhookTarget, FetchHandler>;

  constructor(private readonly options: WebhookSenderOptions) {
    this.target = typeof options.target === "function" ? { fetch: options.target } : options.target;
    this.random = seededRandom(options.seed ?? 1);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Delivers one event (and any duplicates the options call for); resolves when all attempts finished. */
  send(event: WebhookEvent): Promise<DeliveryRecord[]> {
    return this.track(this.dispatch(this.plan(event)));
  }

  /** Delivers several events as one burst, shuffled when `reorder` is set. */
  sendBatch(events: WebhookEvent[]): Promise<DeliveryRecord[]> {
    const planned = events.flatMap((event) => this.plan(event));
    if (this.options.reorder) {
      for (let i = planned.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [planned[i], planned[j]] = [planned[j], planned[i]];
      }
    }
    return this.track(this.dispatch(planned));
  }

  /** Resolves once every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private plan(event: WebhookEvent): PlannedDelivery[] {
    const full = {
      topic: event.topic,
      shop: event.shop,
      eventId: event.eventId ?? uuidFrom(this.random),
      triggeredAt: event.triggeredAt ?? new Date(this.now()).toISOString(),
      apiVersion: event.apiVersion ?? this.options.apiVersion ?? DEFAULT_WEBHOOK_API_VERSION,
      body: stringifyPayload(event.payload),
    };
    const original: PlannedDelivery = { event: full, webhookId: uuidFrom(this.random), kind: "original" };
    const planned = [original];
    if (this.random() < (this.options.duplicateSameId ?? 0)) {
      planned.push({ ...original, kind: "same-id-duplicate" });
    }
    if (this.random() < (this.options.duplicateNewId ?? 0)) {
      planned.push({ event: full, webhookId: uuidFrom(this.random), kind: "new-id-duplicate" });
    }
    return planned;
  }

  private delay(): number {
    const delay = this.options.delayMs ?? 0;
    return typeof delay === "number" ? delay : delay.min + this.random() * (delay.max - delay.min);
  }

  private async dispatch(planned: PlannedDelivery[]): Promise<DeliveryRecord[]> {
    const records: DeliveryRecord[] = [];
    for (const delivery of planned) {
      const retries = this.options.retries ?? 0;
      for (let attempt = 1; attempt <= retries + 1; attempt++) {
        const wait = attempt === 1 ? this.delay() : (this.options.retryDelayMs ?? 0);
        if (wait > 0) await this.sleep(wait);
        const record = await this.attempt(delivery, attempt);
        records.push(record);
        this.deliveries.push(record);
        if (record.status !== null && record.status >= 200 && record.status < 300) break;
      }
    }
    return records;
  }

  private request(delivery: PlannedDelivery, signal: AbortSignal): Request {
    const { event } = delivery;
    const target = this.target;
    const path = (target.path ?? (() => "/webhooks"))(event.topic);
    return webhookRequest(
      {
        url: new URL(path, target.baseUrl ?? "http://localhost").toString(),
        topic: event.topic,
        shop: event.shop,
        secret: this.options.secret,
        body: event.body,
        apiVersion: event.apiVersion,
        webhookId: delivery.webhookId,
        eventId: event.eventId,
        triggeredAt: event.triggeredAt,
      },
      signal,
    );
  }

  private async attempt(delivery: PlannedDelivery, attempt: number): Promise<DeliveryRecord> {
    const base = {
      topic: delivery.event.topic,
      shop: delivery.event.shop,
      webhookId: delivery.webhookId,
      eventId: delivery.event.eventId,
      kind: delivery.kind,
      attempt,
      body: delivery.event.body,
    };
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const request = this.request(delivery, controller.signal);
      const send = this.target.fetch ?? ((r: Request) => fetch(r));
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      const response = await Promise.race([send(request), timeout]);
      await response.arrayBuffer().catch(() => undefined);
      return { ...base, status: response.status };
    } catch (error) {
      return { ...base, status: null, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  return new WebhookSender(options);
}
