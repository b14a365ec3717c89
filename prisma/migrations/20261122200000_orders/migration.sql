-- AlterTable
ALTER TABLE "OrderImport" ADD COLUMN "payload" TEXT;
ALTER TABLE "OrderImport" ADD COLUMN "joorVersion" TEXT;
ALTER TABLE "OrderImport" ADD COLUMN "customerCode" TEXT;
ALTER TABLE "OrderImport" ADD COLUMN "customerGid" TEXT;
ALTER TABLE "OrderImport" ADD COLUMN "followUp" TEXT;

-- CreateIndex
CREATE INDEX "OrderImport_shop_customerCode_idx" ON "OrderImport"("shop", "customerCode");
