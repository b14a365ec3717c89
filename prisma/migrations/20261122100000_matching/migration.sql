-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_JoorConnection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "customerCode" TEXT,
    "name" TEXT,
    "contactName" TEXT,
    "email" TEXT,
    "city" TEXT,
    "country" TEXT,
    "linkedGid" TEXT,
    "data" TEXT,
    "fetchedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'unmatched',
    "candidates" TEXT,
    "candidatesAt" DATETIME,
    "decision" TEXT,
    "createdGid" TEXT,
    "linkSource" TEXT,
    "linkedAt" DATETIME,
    "lastError" TEXT
);
INSERT INTO "new_JoorConnection" ("city", "connectionId", "country", "customerCode", "data", "email", "fetchedAt", "id", "linkedGid", "name", "shop") SELECT "city", "connectionId", "country", "customerCode", "data", "email", "fetchedAt", "id", "linkedGid", "name", "shop" FROM "JoorConnection";
DROP TABLE "JoorConnection";
ALTER TABLE "new_JoorConnection" RENAME TO "JoorConnection";
CREATE INDEX "JoorConnection_shop_customerCode_idx" ON "JoorConnection"("shop", "customerCode");
CREATE INDEX "JoorConnection_shop_status_idx" ON "JoorConnection"("shop", "status");
CREATE UNIQUE INDEX "JoorConnection_shop_connectionId_key" ON "JoorConnection"("shop", "connectionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

