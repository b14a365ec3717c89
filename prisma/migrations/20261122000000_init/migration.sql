-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "scopes" TEXT,
    "joorEnvironment" TEXT NOT NULL DEFAULT 'sandbox',
    "joorAccountId" TEXT,
    "joorSecrets" TEXT,
    "customersEnabled" BOOLEAN NOT NULL DEFAULT false,
    "catalogEnabled" BOOLEAN NOT NULL DEFAULT false,
    "inventoryEnabled" BOOLEAN NOT NULL DEFAULT false,
    "ordersEnabled" BOOLEAN NOT NULL DEFAULT false,
    "options" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "eventId" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SyncState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "dirtySeq" INTEGER NOT NULL DEFAULT 0,
    "dirtySince" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'dirty',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "contentHash" TEXT,
    "joorId" TEXT,
    "details" TEXT,
    "lastSyncedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ScheduledTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "nextRunAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "intervalSeconds" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastRunAt" DATETIME,
    "lastError" TEXT,
    "state" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JoorBudget" (
    "account" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "creditsUsed" INTEGER NOT NULL DEFAULT 0,
    "blockedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OrderImport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "joorOrderId" TEXT NOT NULL,
    "exportGeneration" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "shopifyOrderGid" TEXT,
    "shopifyOrderName" TEXT,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "acknowledgedAt" DATETIME,
    "details" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JoorConnection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "customerCode" TEXT,
    "name" TEXT,
    "email" TEXT,
    "city" TEXT,
    "country" TEXT,
    "linkedGid" TEXT,
    "data" TEXT,
    "fetchedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "flow" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "recordGid" TEXT,
    "label" TEXT,
    "message" TEXT,
    "details" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_topic_idx" ON "WebhookDelivery"("shop", "topic");

-- CreateIndex
CREATE INDEX "SyncState_status_nextAttemptAt_idx" ON "SyncState"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SyncState_shop_kind_status_idx" ON "SyncState"("shop", "kind", "status");

-- CreateIndex
CREATE INDEX "SyncState_leaseExpiresAt_idx" ON "SyncState"("leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "SyncState_shop_kind_gid_key" ON "SyncState"("shop", "kind", "gid");

-- CreateIndex
CREATE INDEX "ScheduledTask_status_nextRunAt_idx" ON "ScheduledTask"("status", "nextRunAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledTask_shop_kind_key" ON "ScheduledTask"("shop", "kind");

-- CreateIndex
CREATE INDEX "OrderImport_shop_status_idx" ON "OrderImport"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OrderImport_shop_joorOrderId_exportGeneration_key" ON "OrderImport"("shop", "joorOrderId", "exportGeneration");

-- CreateIndex
CREATE INDEX "JoorConnection_shop_customerCode_idx" ON "JoorConnection"("shop", "customerCode");

-- CreateIndex
CREATE UNIQUE INDEX "JoorConnection_shop_connectionId_key" ON "JoorConnection"("shop", "connectionId");

-- CreateIndex
CREATE INDEX "ActivityEvent_shop_createdAt_idx" ON "ActivityEvent"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "ActivityEvent_shop_flow_status_idx" ON "ActivityEvent"("shop", "flow", "status");

