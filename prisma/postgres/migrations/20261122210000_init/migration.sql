-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "scopes" TEXT,
    "joorEnvironment" TEXT NOT NULL DEFAULT 'sandbox',
    "joorAccountId" TEXT,
    "joorSecrets" TEXT,
    "customersEnabled" BOOLEAN NOT NULL DEFAULT false,
    "catalogEnabled" BOOLEAN NOT NULL DEFAULT false,
    "inventoryEnabled" BOOLEAN NOT NULL DEFAULT false,
    "ordersEnabled" BOOLEAN NOT NULL DEFAULT false,
    "options" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "eventId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "SyncState" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "dirtySeq" INTEGER NOT NULL DEFAULT 0,
    "dirtySince" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'dirty',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "lastError" TEXT,
    "contentHash" TEXT,
    "joorId" TEXT,
    "details" TEXT,
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduledTask" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "nextRunAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "intervalSeconds" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "lastRunAt" TIMESTAMP(3),
    "lastError" TEXT,
    "state" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ScheduledTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JoorBudget" (
    "account" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "creditsUsed" INTEGER NOT NULL DEFAULT 0,
    "blockedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JoorBudget_pkey" PRIMARY KEY ("account")
);

-- CreateTable
CREATE TABLE "JoorCreditMinute" (
    "account" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "credits" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "JoorCreditMinute_pkey" PRIMARY KEY ("account","minute")
);

-- CreateTable
CREATE TABLE "OrderImport" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "joorOrderId" TEXT NOT NULL,
    "exportGeneration" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "shopifyOrderGid" TEXT,
    "shopifyOrderName" TEXT,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "acknowledgedAt" TIMESTAMP(3),
    "details" TEXT,
    "payload" TEXT,
    "joorVersion" TEXT,
    "customerCode" TEXT,
    "customerGid" TEXT,
    "followUp" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JoorConnection" (
    "id" TEXT NOT NULL,
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
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'unmatched',
    "candidates" TEXT,
    "candidatesAt" TIMESTAMP(3),
    "decision" TEXT,
    "createdGid" TEXT,
    "linkSource" TEXT,
    "linkedAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "JoorConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "flow" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "recordGid" TEXT,
    "label" TEXT,
    "message" TEXT,
    "details" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityEvent_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "OrderImport_shop_customerCode_idx" ON "OrderImport"("shop", "customerCode");

-- CreateIndex
CREATE UNIQUE INDEX "OrderImport_shop_joorOrderId_exportGeneration_key" ON "OrderImport"("shop", "joorOrderId", "exportGeneration");

-- CreateIndex
CREATE INDEX "JoorConnection_shop_customerCode_idx" ON "JoorConnection"("shop", "customerCode");

-- CreateIndex
CREATE INDEX "JoorConnection_shop_status_idx" ON "JoorConnection"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "JoorConnection_shop_connectionId_key" ON "JoorConnection"("shop", "connectionId");

-- CreateIndex
CREATE INDEX "ActivityEvent_shop_createdAt_idx" ON "ActivityEvent"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "ActivityEvent_shop_flow_status_idx" ON "ActivityEvent"("shop", "flow", "status");

