// Times the built app in headless Chromium on an RFM table (one row per
// customer): from choosing the file to the dashboard (no mapping step),
// timed in the page (see startTimer; `playwright_seconds` is the same span
// as Playwright's waits saw it, up to 0.5 s late), with the worker's own
// read/analysis split and the longest main-thread task until the later
// sections, the scatters and the customer table have arrived.
//     node bench/import_bench.mjs rfm-table.csv
// BENCH_VERBOSE=1 lists every task over 50 ms; BENCH_SETTLE_MS (default
// 2000) is how long the dashboard is watched after it appears.
import { withAppPage, observeLongTasks, longestTaskMs, longTasks, startTimer, readTimer } from "./bench_page.mjs";

const file = process.argv[2];
await withAppPage(async (page) => {
  await observeLongTasks(page);
  await startTimer(page, "run", 'input[type="file"]', "change", 'section[aria-label="Results"]');
  const started = Date.now();
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("region", { name: "Imported RFM table" }).waitFor({ timeout: 1_800_000 });
  const playwrightSeconds = (Date.now() - started) / 1000;
  const runMs = await readTimer(page, "run");
  await page.waitForTimeout(Number(process.env.BENCH_SETTLE_MS ?? 2000)); // the remaining sections mount one per task
  const footer = await page.locator(".run-stats").innerText();
  if (process.env.BENCH_VERBOSE) console.error(`long tasks [start, ms]: ${JSON.stringify(await longTasks(page))}`);
  console.log(JSON.stringify({ seconds: runMs / 1000, playwright_seconds: playwrightSeconds, footer, longest_task_ms: await longestTaskMs(page) }));
});
