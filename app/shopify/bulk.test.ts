import { createHmac } from "node:crypto";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShopifyFake, type ShopifyFake } from "../../test/fakes/shopify";
import { createWebhookSender } from "../../test/fakes/shopify/webhooks";
import { AdminClient } from "./admin-client.server";
import {
  getBulkOperation,
  parseBulkFinishPayload,
  readBulkResults,
  startBulkQuery,
  type BulkLine,
} from "./bulk.server";

const SHOP = "bulk-test.myshopify.com";
const TOKEN = "shpat_bulk_test";
const SECRET = "bulk-test-secret";
const server = setupServer();
let fake: ShopifyFake;

interface Received {
  topic: string | null;
  hmac: string | null;
  body: string;
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  fake = createShopifyFake({ bulk: { stepMs: 1, chunkBytes: 997 } });
  fake.addShop(SHOP, { accessToken: TOKEN });
  server.resetHandlers(...fake.mswHandlers());
});

const client = () => new AdminClient({ shop: SHOP, accessToken: TOKEN });

const PRODUCTS_BULK = `{
  products(query: "tag:JOOR") {
    edges { node { id title tags variants { edges { node { id sku price } } } } }
  }
}`;

describe("bulk operations", () => {
  it("runs a bulk query end to end: finish webhook, status, streamed JSONL", async () => {
    const shop = fake.shop(SHOP);
    const products = Array.from({ length: 1200 }, (_, i) =>
      shop.createProduct({
        title: `Product ${i} — ünïcödé`,
        tags: ["JOOR"],
        options: ["Size"],
        variants: [
          { sku: `P${i}-S`, price: "10.00", options: ["S"] },
          { sku: `P${i}-M`, price: "11.00", options: ["M"] },
        ],
      }),
    );
    shop.createProduct({ title: "Not for JOOR", tags: ["OTHER"] });

    const received: Received[] = [];
    fake.attachWebhooks(
      createWebhookSender({
        secret: SECRET,
        target: async (request) => {
          received.push({
            topic: request.headers.get("x-shopify-topic"),
            hmac: request.headers.get("x-shopify-hmac-sha256"),
            body: await request.text(),
          });
          return new Response(null, { status: 200 });
        },
      }),
    );

    const admin = client();
    const started = await startBulkQuery(admin, PRODUCTS_BULK);
    expect(started.status).toBe("CREATED");
    await fake.settle();

    expect(received).toHaveLength(1);
    const [finish] = received;
    expect(finish.topic).toBe("bulk_operations/finish");
    expect(finish.hmac).toBe(createHmac("sha256", SECRET).update(finish.body).digest("base64"));
    const finished = parseBulkFinishPayload(JSON.parse(finish.body));
    expect(finished).toEqual({ id: started.id, status: "COMPLETED", errorCode: null });

    const operation = await getBulkOperation(admin, finished.id);
    expect(operation).toMatchObject({ id: started.id, status: "COMPLETED", objectCount: "3600", rootObjectCount: "1200" });
    expect(await getBulkOperation(admin)).toMatchObject({ id: started.id });

    let count = 0;
    let parent: BulkLine | null = null;
    const parents = new Set<string>();
    for await (const line of readBulkResults(operation?.url as string)) {
      count += 1;
      if (line.__parentId === undefined) {
        parent = line;
        parents.add(line.id as string);
        expect(line).not.toHaveProperty("variants");
      } else {
        expect(line.__parentId).toBe(parent?.id);
        expect(line.sku).toMatch(/^P\d+-[SM]$/);
      }
    }
    expect(count).toBe(3600);
    expect(parents).toEqual(new Set(products.map((p) => `gid://shopify/Product/${p.id}`)));
  });

  it("reports no file when nothing matched", async () => {
    const admin = client();
    const started = await startBulkQuery(admin, PRODUCTS_BULK);
    await fake.settle();
    expect(await getBulkOperation(admin, started.id)).toMatchObject({ status: "COMPLETED", objectCount: "0", url: null });
  });

  it("refuses an invalid bulk query and asks to retry while another one runs", async () => {
    fake = createShopifyFake({ bulk: { stepMs: 5, maxConcurrent: 1 } });
    fake.addShop(SHOP, { accessToken: TOKEN });
    server.resetHandlers(...fake.mswHandlers());
    const admin = client();
    await expect(startBulkQuery(admin, "{ shop { name } }")).rejects.toMatchObject({
      terminal: true,
      message: expect.stringContaining("at least one connection"),
    });
    await startBulkQuery(admin, PRODUCTS_BULK);
    await expect(startBulkQuery(admin, PRODUCTS_BULK)).rejects.toMatchObject({
      terminal: false,
      code: "OPERATION_IN_PROGRESS",
      retryAfterMs: 60_000,
    });
    await fake.settle();
  });
});

describe("readBulkResults", () => {
  /** A response whose body arrives in the given byte chunks. */
  function chunked(chunks: Uint8Array[]): typeof fetch {
    return async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            chunks.forEach((chunk) => controller.enqueue(chunk));
            controller.close();
          },
        }),
      );
  }

  it("handles blank lines, CRLF, characters split across chunks and a last line without newline", async () => {
    const text = '{"id":"1","name":"Zoë"}\r\n\n{"id":"2","__parentId":"1"}\n\n{"id":"3","name":"€"}';
    const bytes = new TextEncoder().encode(text);
    // Split inside the two-byte "ë" and the three-byte "€".
    const cut1 = text.indexOf("ë") + 1;
    const cut2 = bytes.length - 4;
    const lines = [];
    for await (const line of readBulkResults("https://storage.example/result.jsonl", {
      fetch: chunked([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)]),
    })) {
      lines.push(line);
    }
    expect(lines).toEqual([{ id: "1", name: "Zoë" }, { id: "2", __parentId: "1" }, { id: "3", name: "€" }]);
  });

  it("reports an unreadable line and an expired link", async () => {
    const broken = readBulkResults("https://storage.example/x", {
      fetch: chunked([new TextEncoder().encode('{"id":"1"}\n{"id":')]),
    });
    await expect(broken.next()).resolves.toMatchObject({ value: { id: "1" } });
    await expect(broken.next()).rejects.toMatchObject({ terminal: false, code: "BULK_RESULT_UNREADABLE" });

    const expired = readBulkResults("https://storage.example/x", {
      fetch: async () => new Response("gone", { status: 403, statusText: "Forbidden" }),
    });
    await expect(expired.next()).rejects.toMatchObject({ terminal: true, status: 403 });
  });
});
