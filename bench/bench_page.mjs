// What every browser bench script starts with: the built app served from
// dist/, headless Chromium, one laptop-sized page with the analysis worker up.
import { serveDist, launchBrowser } from "../tests/e2e/harness.mjs";

/** Runs `measure(page, browser)` on a fresh page of the app; cleans up after. */
export async function withAppPage(measure) {
  const server = await serveDist();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
    await page.locator("body[data-worker-ready]").waitFor({ state: "attached", timeout: 60_000 });
    return await measure(page, browser);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Starts recording main-thread long tasks; read them with `longestTaskMs`. */
export async function observeLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: "longtask" });
  });
}

export async function longestTaskMs(page) {
  const longTasks = await page.evaluate(() => window.__longTasks);
  return Math.round(Math.max(0, ...longTasks));
}
