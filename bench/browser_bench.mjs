// Times the built app in headless Chromium on one file: from choosing the
// file to the dashboard on screen (the mapping step's click excluded), timed
// in the page (see startTimer), and the longest main-thread task meanwhile.
// Prints one JSON line.
//     node bench/browser_bench.mjs transactions.csv
import { withAppPage, observeLongTasks, longestTaskMs, longTasks, startTimer, readTimer } from "./bench_page.mjs";

const file = process.argv[2];
await withAppPage(async (page) => {
  await observeLongTasks(page);
  // bench/thread_cpu.sh reads the threads' CPU time at these two lines.
  if (process.env.BENCH_MARK_RUN) console.log("run: start");
  await startTimer(page, "sniff", 'input[type="file"]', "change", "section.mapping button.primary");
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("button", { name: "Analyse" }).waitFor({ timeout: 120_000 });
  const sniffMs = await readTimer(page, "sniff");
  await startTimer(page, "run", "section.mapping button.primary", "click", 'section[aria-label="Results"]');
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 1_800_000 });
  const runMs = await readTimer(page, "run");
  if (process.env.BENCH_MARK_RUN) console.log("run: end");
  const footer = await page.locator(".run-stats").innerText();
  const memory = Number((footer.match(/\((\d+) MB of worker memory\)/) ?? [])[1] ?? NaN);
  // "Read in X ms (N workers), analysed in Y ms (k sweep shared by M workers | 1 worker)"
  const [, readMs, readWorkers, analyseMs] = footer.match(/^Read in (\d+) ms \((\d+) workers?\), analysed in (\d+) ms/) ?? [];
  const sweepWorkers = Number((footer.match(/k sweep shared by (\d+) workers/) ?? [, 1])[1]);
  const customers = Number((await page.locator(".card", { has: page.locator(".card-label", { hasText: /^customers$/ }) }).locator(".card-value").innerText()).replace(/,/g, ""));
  // The dashboard's later sections and charts are built in tasks after the
  // overview is on screen: their tasks count too.
  await page.waitForTimeout(2000);
  if (process.env.BENCH_VERBOSE) console.error(`sniff ${sniffMs} ms, run ${runMs} ms; ${footer}; long tasks [start, ms]: ${JSON.stringify(await longTasks(page))}`);
  console.log(JSON.stringify({
    seconds: (sniffMs + runMs) / 1000, customers, worker_memory_mb: memory, longest_task_ms: await longestTaskMs(page),
    read_ms: Number(readMs), analyse_ms: Number(analyseMs), read_workers: Number(readWorkers), sweep_workers: sweepWorkers,
  }));
});
