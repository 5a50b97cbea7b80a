// Times the built app in headless Chromium on one file: from choosing the
// file to the dashboard on screen (the mapping step's click excluded), and
// the longest main-thread task meanwhile. Prints one JSON line.
//     node bench/browser_bench.mjs transactions.csv
import { serveDist, launchBrowser } from "../tests/e2e/harness.mjs";

const file = process.argv[2];
const server = await serveDist();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.locator("body[data-worker-ready]").waitFor({ state: "attached", timeout: 60_000 });
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: "longtask" });
  });
  let started = Date.now();
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("button", { name: "Analyse" }).waitFor({ timeout: 120_000 });
  const sniffMs = Date.now() - started;
  started = Date.now();
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 1_800_000 });
  const runMs = Date.now() - started;
  const footer = await page.locator(".run-stats").innerText();
  const memory = Number((footer.match(/\((\d+) MB of worker memory\)/) ?? [])[1] ?? NaN);
  const customers = Number((await page.locator(".card", { has: page.locator(".card-label", { hasText: /^customers$/ }) }).locator(".card-value").innerText()).replace(/,/g, ""));
  if (process.env.BENCH_VERBOSE) console.error(`sniff ${sniffMs} ms, run ${runMs} ms; ${footer}`);
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(JSON.stringify({ seconds: (sniffMs + runMs) / 1000, customers, worker_memory_mb: memory, longest_task_ms: Math.round(Math.max(0, ...longTasks)) }));
} finally {
  await browser.close();
  await server.close();
}
