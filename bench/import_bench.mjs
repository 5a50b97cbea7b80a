// Times the built app in headless Chromium on an RFM table (one row per
// customer): from choosing the file to the dashboard (no mapping step), with
// the worker's own read/analysis split and the longest main-thread task.
//     node bench/import_bench.mjs rfm-table.csv
import { withAppPage, observeLongTasks, longestTaskMs } from "./bench_page.mjs";

const file = process.argv[2];
await withAppPage(async (page) => {
  await observeLongTasks(page);
  const started = Date.now();
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("region", { name: "Imported RFM table" }).waitFor({ timeout: 1_800_000 });
  const seconds = (Date.now() - started) / 1000;
  await page.waitForTimeout(2000); // the remaining sections mount one per task
  const footer = await page.locator(".run-stats").innerText();
  console.log(JSON.stringify({ seconds, footer, longest_task_ms: await longestTaskMs(page) }));
});
