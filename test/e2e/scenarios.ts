/**
 * What a merchant does in the app, in order, on one freshly installed sandbox shop: onboarding up to the first
 * synced record, a refused settings save, linking an existing JOOR retailer on the matching screen, retrying a
 * failed order; then every page's loading, error and empty states.
 */
import type { Locator, Page } from "playwright-core";
import { DEMO_JOOR } from "../sandbox/demo-data";
import type { BrowserSession } from "./browser";

export interface Scenario {
  name: string;
  run(session: BrowserSession, sandboxUrl: string): Promise<void>;
}

/** The first sync runs through the sandbox's worker, Shopify bulk operations and JOOR jobs in real time. */
const FIRST_SYNC_TIMEOUT_MS = 90_000;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** The error Polaris shows on a field, read through the field's aria-describedby, as a screen reader would. */
async function fieldError(page: Page, field: Locator): Promise<string> {
  check((await field.getAttribute("aria-invalid")) === "true", "the field is not marked invalid");
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(" ");
}

async function expectFieldError(page: Page, field: Locator, expected: string): Promise<void> {
  const shown = await fieldError(page, field);
  check(shown.includes(expected), `expected the error "${expected}" on the field, found "${shown}"`);
}

interface SandboxState {
  customers: Array<{ id: string; name: string; email: string; tags: string[] }>;
  products: Array<{ title: string; variants: Array<{ id: string; sku: string; available: number }> }>;
  joorConnections: Array<{ id: string; customerCode: string | null; name: string | null }>;
  joorOrders: Array<{ id: string; status: string; export: string }>;
}

async function sandboxState(sandboxUrl: string): Promise<SandboxState> {
  const response = await fetch(`${sandboxUrl}/_sandbox/api/state`);
  return (await response.json()) as SandboxState;
}

const onboarding: Scenario = {
  name: "onboarding through the first synced record",
  async run({ page, open, shoot }) {
    await open("/app");
    check(new URL(page.url()).pathname === "/app/onboarding", `a shop without JOOR should land on onboarding, not ${page.url()}`);
    await page.getByRole("heading", { name: "Connect JOOR" }).waitFor();
    await shoot("onboarding-connect");

    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("Enter the JOOR account id").first().waitFor();
    await expectFieldError(page, page.getByLabel("Account id"), "Enter the JOOR account id");

    const { credentials } = DEMO_JOOR;
    await page.getByLabel("Environment").selectOption(DEMO_JOOR.environment);
    await page.getByLabel("Account id").fill(DEMO_JOOR.accountId);
    await page.getByLabel("v2 API token").fill(credentials.v2Token);
    await page.getByLabel("v4 client id").fill(credentials.v4.clientId);
    await page.getByLabel("v4 client secret").fill(credentials.v4.clientSecret);
    await page.getByLabel("v4 username").fill(credentials.v4.username);
    await page.getByLabel("v4 password").fill("not-the-password");
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("JOOR refused the connection").waitFor();
    await page.getByText("JOOR answered:").first().waitFor();
    await shoot("onboarding-connection-refused");

    await page.getByLabel("v4 password").fill(credentials.v4.password);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Choose what to sync" }).waitFor();

    await page.getByLabel("Customers → JOOR connections").check();
    await page.getByLabel("Inventory → JOOR").check();
    check(await page.getByLabel("Products → JOOR styles (catalog)").isChecked(), "turning inventory on should turn the catalog on");
    await shoot("onboarding-flows");
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("heading", { name: "Choose tags" }).waitFor();
    check((await page.getByLabel("Product tag").inputValue()) === "JOOR_ENABLED", "the product tag should start at its default");
    await shoot("onboarding-tags");
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("heading", { name: "Start the first sync" }).waitFor();
    await page.getByRole("button", { name: "Start the first sync" }).click();
    await page.getByRole("heading", { name: "First sync" }).waitFor();
    await shoot("onboarding-first-sync-started");
    await page.getByText("Your first records are in JOOR").waitFor({ timeout: FIRST_SYNC_TIMEOUT_MS });
    await shoot("onboarding-first-records-synced");

    await open("/app");
    check(new URL(page.url()).pathname === "/app", "once connected the dashboard should open, not onboarding");
    await page.getByRole("heading", { name: "JOOR sync" }).waitFor();
    await shoot("dashboard");
  },
};

const settingsValidation: Scenario = {
  name: "settings: invalid input is refused with the message on its field",
  async run({ page, open, shoot }) {
    await open("/app/settings");
    await page.getByLabel("Account id").fill("bad id!");
    await page.getByLabel("Check every (minutes)").fill("0");
    await page.getByLabel("Products → JOOR styles (catalog)").uncheck();
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Some fields need attention").waitFor();
    await expectFieldError(page, page.getByLabel("Account id"), "Use the account id JOOR gave you");
    await expectFieldError(page, page.getByLabel("Check every (minutes)"), "At least every minute");
    await expectFieldError(page, page.getByLabel("Inventory → JOOR"), "Inventory sync needs the catalog sync");
    check((await page.getByLabel("Account id").inputValue()) === "bad id!", "a refused save must keep what the merchant typed");
    await shoot("settings-errors");

    await open("/app/settings");
    check((await page.getByLabel("Account id").inputValue()) === DEMO_JOOR.accountId, "a refused save must change nothing");
    check(await page.getByLabel("Products → JOOR styles (catalog)").isChecked(), "a refused save must leave the catalog on");
  },
};

const matching: Scenario = {
  name: "matching: an existing JOOR retailer is linked to its Shopify customer",
  async run({ page, open, shoot }, sandboxUrl) {
    await open("/app/customers/matching");
    await shoot("matching-empty");
    await page.getByRole("button", { name: "Download JOOR connections" }).first().click();
    const row = page.locator("tr", { hasText: "Maison Dubois" });
    await row.getByText("Emma Dubois").waitFor({ timeout: 30_000 });
    await shoot("matching-candidates");
    await row.getByRole("button", { name: "Confirm" }).first().click();
    await page.getByText("Linked. The customer will be kept in sync with JOOR.").waitFor();

    const state = await sandboxState(sandboxUrl);
    const emma = state.customers.find((customer) => customer.email === "emma@retailer6.test");
    const connection = state.joorConnections.find((candidate) => candidate.name === "Maison Dubois");
    check(emma !== undefined && connection !== undefined, "the demo data should hold Emma Dubois and Maison Dubois");
    const emmaId = emma!.id.split("/").pop();
    check(connection!.customerCode === emmaId, `JOOR's customer code should be Emma's Shopify id ${emmaId}, is ${connection!.customerCode}`);
    check(emma!.tags.includes("JOOR_ENABLED"), "the linked customer should carry the customer tag");

    await page.getByRole("tab", { name: /^Linked/ }).click();
    await page.locator("tr", { hasText: "Maison Dubois" }).waitFor();
    await shoot("matching-linked");
  },
};

/** Loads the page again until `target` shows: for work the worker does in the background. */
async function reopenUntil(session: BrowserSession, path: string, target: Locator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await session.open(path);
    if ((await target.count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`${path} did not show what was expected within ${timeoutMs} ms`);
    await session.page.waitForTimeout(1_000);
  }
}

const retryFailedOrder: Scenario = {
  name: "orders: a failed order is imported after its cause is fixed and it is retried",
  async run(session, sandboxUrl) {
    const { page, open, shoot } = session;
    await open("/app/settings");
    await page.getByLabel("Approved JOOR orders → Shopify orders").check();
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Settings saved").waitFor();

    // The demo orders ask for 6 of each size; the white Oxford Shirt in S (SKU DEMO-1-1) holds only 5, and the
    // default is to claim stock only when it is there.
    const failed = page.locator("tr", { hasText: "Stock claim failed" }).filter({ hasText: "Oxford Shirt - White / S" });
    await reopenUntil(session, "/app/orders", failed, 60_000);
    const joorOrder = /JOOR (\w+)/.exec(await failed.innerText())?.[1];
    check(joorOrder !== undefined, "the failed row should name its JOOR order");
    await shoot("orders-failed");

    const state = await sandboxState(sandboxUrl);
    const short = state.products.flatMap((product) => product.variants).find((variant) => variant.sku === "DEMO-1-1");
    check(short !== undefined, "the demo data should hold the variant DEMO-1-1");
    const restocked = await fetch(`${sandboxUrl}/_sandbox/api/variants/${short!.id}/restock`, { method: "POST" });
    check(restocked.ok, "the sandbox should restock the variant");

    await failed.getByRole("button", { name: "Retry" }).click();
    await page.getByText("The order will be imported again").waitFor();
    const imported = page.locator("tr", { hasText: `JOOR ${joorOrder}` }).filter({ hasText: "Imported" });
    await reopenUntil(session, "/app/orders", imported, 60_000);
    const exported = (await sandboxState(sandboxUrl)).joorOrders.find((order) => order.id === joorOrder);
    check(exported?.export === "exported", `JOOR should hear that order ${joorOrder} was imported, its export is ${exported?.export}`);
    await shoot("orders-retried");
  },
};

const otherPages: Scenario = {
  name: "customers and activity pages, reached through the admin navigation",
  async run({ page, open, hydrated, shoot }) {
    await open("/app/customers");
    await page.getByRole("heading", { name: "Customers" }).waitFor();
    await shoot("customers");
    // The admin's navigation menu drives the app's router: no page load, the session token goes along.
    await page.locator("#sandbox-banner").getByRole("link", { name: "Activity" }).click();
    await page.getByRole("heading", { name: "Activity" }).waitFor();
    await hydrated();
    await shoot("activity");
  },
};

/** Every app page, with the Remix route that loads its data, its heading, and its error boundary's heading. */
const PAGES = [
  { name: "dashboard", path: "/app", route: "routes/app._index", heading: "JOOR sync", error: "The dashboard could not be loaded" },
  { name: "settings", path: "/app/settings", route: "routes/app.settings", heading: "Settings", error: "The settings could not be loaded" },
  { name: "activity", path: "/app/activity", route: "routes/app.activity", heading: "Activity", error: "The activity could not be loaded" },
  { name: "customers", path: "/app/customers", route: "routes/app.customers._index", heading: "Customers", error: "The customers could not be loaded" },
  {
    name: "matching",
    path: "/app/customers/matching",
    route: "routes/app.customers.matching",
    heading: "Match JOOR customers",
    error: "The JOOR connections could not be loaded",
  },
  { name: "orders", path: "/app/orders", route: "routes/app.orders", heading: "Orders", error: "The orders could not be loaded" },
  { name: "onboarding", path: "/app/onboarding", route: "routes/app.onboarding", heading: "First sync", error: "The setup could not be loaded" },
];

/**
 * Starts a move within the app as its own links do (Remix fetches only the new page's data); does not wait for
 * it to finish, since a test may be holding that data back.
 */
async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    void (window as unknown as { __remixRouter: { navigate(to: string): Promise<void> } }).__remixRouter.navigate(to);
  }, path);
}

const pageStates: Scenario = {
  name: "every page shows that it is loading, and an error on the page itself",
  async run({ page, open, shoot }) {
    for (const target of PAGES) {
      const dataOf = (url: URL) => url.searchParams.get("_data") === target.route;
      const elsewhere = target.path === "/app/activity" ? "/app/customers" : "/app/activity";
      await open(elsewhere);

      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(dataOf, async (route) => {
        await held;
        await route.continue();
      });
      await navigate(page, target.path);
      await page.locator("#sandbox-loading").waitFor();
      release();
      await page.getByRole("heading", { name: target.heading, exact: true }).first().waitFor();
      await page.locator("#sandbox-loading").waitFor({ state: "detached" });
      await page.unroute(dataOf);

      await navigate(page, elsewhere);
      await page.route(dataOf, (route) =>
        route.fulfill({
          status: 500,
          headers: { "Content-Type": "application/json", "X-Remix-Error": "yes" },
          body: JSON.stringify({ message: "The database did not answer", stack: "" }),
        }),
      );
      await navigate(page, target.path);
      await page.getByText(target.error).waitFor();
      await page.getByText("The database did not answer").waitFor();
      await shoot(`${target.name}-error`);
      await page.unroute(dataOf);
    }
  },
};

const emptyStates: Scenario = {
  name: "lists with nothing to show say so",
  async run({ page, open, shoot }) {
    await open("/app/activity?record=no-such-record");
    await page.getByText("Nothing matches these filters").waitFor();
    await open("/app/customers?q=no-such-customer");
    await page.getByText("No customers match").waitFor();
    await open("/app/customers/matching?q=no-such-retailer");
    await page.getByText("No connections match").waitFor();
    await shoot("matching-no-match");
  },
};

export const SCENARIOS: Scenario[] = [onboarding, settingsValidation, matching, retryFailedOrder, otherPages, pageStates, emptyStates];
