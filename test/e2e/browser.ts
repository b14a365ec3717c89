/**
 * Debian's Chromium driven by playwright-core, pointed at the sandbox. Requests that would leave the machine
 * (Shopify's CDN) are refused, uncaught page errors are collected, every app request's duration is kept, and
 * each screenshot is taken wide and at the 390 px width of the Shopify mobile admin.
 */
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
/** Shopify's library answers a headless browser's user agent as a bot (HTTP 410): present a desktop Chrome. */
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36";
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };

export interface RequestTiming {
  method: string;
  path: string;
  ms: number;
}

export interface BrowserSession {
  page: Page;
  /** Loads an app page as the admin would open it and waits until React has taken it over. */
  open(pathname: string): Promise<void>;
  /** Waits until the current page is hydrated (clicks before that would do nothing). */
  hydrated(): Promise<void>;
  /** Wide and narrow screenshots; returns the files. Records pages wider than the narrow viewport. */
  shoot(name: string): Promise<string[]>;
  /** Every screenshot taken, in order. */
  screenshots: string[];
  pageErrors: string[];
  overflows: string[];
  timings: RequestTiming[];
  close(): Promise<void>;
}

export async function openBrowser(baseUrl: string, screenshotDir: string): Promise<BrowserSession> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const context = await browser.newContext({ viewport: WIDE, userAgent: USER_AGENT });
  context.setDefaultTimeout(15_000);
  const origin = new URL(baseUrl).origin;
  await context.route(
    (url) => url.origin !== origin,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  const screenshots: string[] = [];
  const pageErrors: string[] = [];
  const overflows: string[] = [];
  const timings: RequestTiming[] = [];
  page.on("pageerror", (error) => {
    const message = `${new URL(page.url()).pathname}: ${error.message}`;
    if (!pageErrors.includes(message)) pageErrors.push(message);
  });
  page.on("requestfinished", (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin || !url.pathname.startsWith("/app")) return;
    if (!["document", "fetch", "xhr"].includes(request.resourceType())) return;
    const { responseEnd } = request.timing();
    if (responseEnd >= 0) timings.push({ method: request.method(), path: `${url.pathname}${url.searchParams.has("_data") ? " (data)" : ""}`, ms: Math.round(responseEnd) });
  });

  const hydrated = async () => {
    // Polaris's provider puts its theme class on <html> once React has committed the hydrated page.
    await page.waitForFunction(() => /\bp-theme-/.test(document.documentElement.className));
  };
  let shots = 0;
  return {
    page,
    screenshots,
    pageErrors,
    overflows,
    timings,
    hydrated,
    async open(pathname) {
      await page.goto(`${baseUrl}${pathname}`);
      await hydrated();
    },
    async shoot(name) {
      shots += 1;
      const prefix = `${String(shots).padStart(2, "0")}-${name}`;
      const files = [path.join(screenshotDir, `${prefix}-wide.png`), path.join(screenshotDir, `${prefix}-narrow.png`)];
      // Transitions (progress bars filling in) are shown at their end state.
      await page.screenshot({ path: files[0], fullPage: true, animations: "disabled" });
      await page.setViewportSize(NARROW);
      // Polaris picks its narrow layouts from media queries after the resize.
      await page.waitForTimeout(300);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > NARROW.width + 1) overflows.push(`${name}: the page is ${width} px wide at ${NARROW.width} px`);
      await page.screenshot({ path: files[1], fullPage: true, animations: "disabled" });
      await page.setViewportSize(WIDE);
      screenshots.push(...files);
      return files;
    },
    close: () => browser.close(),
  };
}
