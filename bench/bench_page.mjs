// What every browser bench script starts with: the built app served from
// dist/, headless Chromium, one laptop-sized page with the analysis worker up.
import { readFileSync } from "node:fs";
import { serveDist, launchBrowser } from "../tests/e2e/harness.mjs";

/** Runs `measure(page, browser)` on a fresh page of the app; cleans up after. */
export async function withAppPage(measure) {
  const server = await serveDist();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // BENCH_QUERY (e.g. "warm_up=0") is appended to the page URL for A/B runs.
    await page.goto(process.env.BENCH_QUERY ? `${server.url}?${process.env.BENCH_QUERY}` : server.url);
    // Timed runs start once the worker has warmed up (it takes files from
    // `data-worker-ready` on, but at full speed only from here).
    await page.locator(process.env.BENCH_READY ?? "body[data-worker-warm]").waitFor({ state: "attached", timeout: 60_000 });
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
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]))).observe({ type: "longtask" });
  });
}

/** Main-thread tasks over 50 ms so far: [start ms, duration ms] each. */
export async function longTasks(page) {
  return page.evaluate(() => window.__longTasks);
}

export async function longestTaskMs(page) {
  return Math.max(0, ...(await longTasks(page)).map(([, duration]) => duration));
}

/**
 * Times, inside the page, from the next `event` on an element matching
 * `trigger` (capture phase, so before the app handles it) to the first frame
 * after an element matching `target` is in the document. Playwright's waits
 * poll every 500 ms once a wait passes ≈ 300 ms, which added up to half a
 * second to what they measured. Read the result with `readTimer(page, name)`.
 */
export async function startTimer(page, name, trigger, event, target) {
  await page.evaluate(([name, trigger, event, target]) => {
    const timers = (window.__timers ??= {});
    const timer = (timers[name] = { started: null, shown: null });
    document.addEventListener(event, (e) => {
      if (timer.started === null && e.target instanceof Element && e.target.closest(trigger)) timer.started = performance.now();
    }, true);
    const seen = () => {
      if (timer.started === null || timer.shown !== null || !document.querySelector(target)) return false;
      requestAnimationFrame(() => { timer.shown ??= performance.now(); });
      return true;
    };
    const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
    observer.observe(document.body, { childList: true, subtree: true });
  }, [name, trigger, event, target]);
}

/** Milliseconds measured by `startTimer`, once Playwright has seen the target. */
export async function readTimer(page, name) {
  await page.waitForFunction((name) => window.__timers?.[name]?.shown != null, name);
  return page.evaluate((name) => window.__timers[name].shown - window.__timers[name].started, name);
}

/**
 * Chooses `file`, then records a trace with `categories` from the click on
 * "Analyse" until just after the results appear. Returns the run's summary
 * line and the trace's events.
 */
export async function traceRun(page, browser, file, tracePath, categories) {
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("button", { name: "Analyse" }).waitFor({ timeout: 120_000 });
  await browser.startTracing(page, { path: tracePath, categories });
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 1_800_000 });
  await page.waitForTimeout(300);
  await browser.stopTracing();
  const summary = await page.locator(".run-stats").innerText();
  return { summary, events: JSON.parse(readFileSync(tracePath, "utf8")).traceEvents };
}
