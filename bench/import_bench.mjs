// Times the built app in headless Chromium on an RFM table (one row per
// customer): from choosing the file to the dashboard (no mapping step), with
// the worker's own read/analysis split and the longest main-thread task.
//     node bench/import_bench.mjs rfm-table.csv
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
  const started = Date.now();
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("region", { name: "Imported RFM table" }).waitFor({ timeout: 1_800_000 });
  const seconds = (Date.now() - started) / 1000;
  await page.waitForTimeout(2000); // the remaining sections mount one per task
  const footer = await page.locator(".run-stats").innerText();
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(JSON.stringify({ seconds, footer, longest_task_ms: Math.round(Math.max(0, ...longTasks)) }));
} finally {
  await browser.close();
  await server.close();
}
