import { describe, expect, it } from "vitest";
import { BULK_CONNECTION_BATCH_SIZE, INVENTORY_BATCH_SIZE, V4_BULK_MAX_RECORDS } from "~/joor/assumptions";
import { RecordKind } from "~/records";
import { registerHandlers } from "./handlers.server";
import { HandlerRegistry } from "./registry";

describe("registerHandlers", () => {
  it("sizes the batches of customers, styles and stock to one JOOR bulk call each", () => {
    const registry = new HandlerRegistry();
    registerHandlers(registry);
    expect(registry.syncBatchSizes()).toMatchObject({
      [RecordKind.customer]: BULK_CONNECTION_BATCH_SIZE,
      [RecordKind.product]: V4_BULK_MAX_RECORDS,
      [RecordKind.inventoryItem]: INVENTORY_BATCH_SIZE,
    });
  });
});
