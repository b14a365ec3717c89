-- CreateTable
CREATE TABLE "JoorCreditMinute" (
    "account" TEXT NOT NULL,
    "minute" DATETIME NOT NULL,
    "credits" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("account", "minute")
);
