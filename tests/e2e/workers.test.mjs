// The worker pool: the same file read and analysed by 1, 2, 3 and 4
// workers (forced with `?workers=N`) gives the same results to the last
// digit, and the file is read by as many workers as there are parts for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useApp, openApp } from "./harness.mjs";

const app = useApp();

/**
 * About 34 MB of UCI-layout lines (five parts of the file): orders of 1–6
 * lines that often straddle a part's cut, repeated lines, cancellations,
 * customers spread over the whole file.
 */
async function poolCsvFile() {
  const header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  const lines = [];
  // mulberry32: a seeded generator whose low bits are as random as its high ones.
  let seed = 12345;
  const next = (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  for (let order = 0; lines.length < 450_000; order++) {
    const customer = 12346 + next(6_000);
    const day = 1 + next(28);
    const month = 1 + next(12);
    const invoice = next(40) === 0 ? `C${536365 + order}` : `${536365 + order}`;
    const size = 1 + next(6);
    for (let line = 0; line < size; line++) {
      const text = `${invoice},${84000 + next(900)},"MUG, ${next(50)} COLOURS",${1 + next(12)},${month}/${day}/2011 ${8 + next(10)}:${10 + next(49)},${(0.5 + next(900) / 100).toFixed(2)},${customer},United Kingdom\n`;
      lines.push(text);
      if (next(200) === 0) lines.push(text);
    }
  }
  const path = join(tmpdir(), `segmento-pool-${process.pid}.csv`);
  await writeFile(path, header + lines.join(""));
  return path;
}

async function analyse(url, file) {
  const { page, problems } = await openApp(app.browser, url);
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("region", { name: /Columns — segmento-pool-/ }).waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 120_000 });
  await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 60_000 });
  const stats = await page.locator(".run-stats").innerText();
  const sweep = await page.locator("table.sweep").innerText();
  const quality = await page.getByRole("region", { name: /Data quality/ }).first().innerText();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Customers CSV", exact: true }).click(),
  ]);
  const csv = await readFile(await download.path(), "utf8");
  // The model holds the scaler and the centres to the last bit.
  const [modelDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Model JSON", exact: true }).click(),
  ]);
  const model = await readFile(await modelDownload.path(), "utf8");
  await page.close();
  return { stats, sweep, quality, csv, model, problems };
}

test("1, 2, 3 and 4 workers give the same results to the last digit", async () => {
  const file = await poolCsvFile();
  const runs = new Map();
  for (const workers of [1, 2, 3, 4]) {
    const run = await analyse(`${app.server.url}?workers=${workers}`, file);
    assert.deepEqual(run.problems, [], `${workers} workers`);
    // Five parts: every worker takes at least one.
    const read = workers === 1 ? "1 worker" : `${workers} workers`;
    assert.match(run.stats, new RegExp(`^Read in \\d+ ms \\(${read}\\), analysed in \\d+ ms \\((1 worker|k sweep shared by (\\d) workers)\\)`), run.stats);
    const sweptBy = Number((run.stats.match(/k sweep shared by (\d) workers/) ?? [, 1])[1]);
    assert.ok(sweptBy <= workers, run.stats);
    runs.set(workers, run);
  }
  const one = runs.get(1);
  assert.ok(one.csv.split("\n").length > 5_000, "thousands of customers");
  for (const workers of [2, 3, 4]) {
    const run = runs.get(workers);
    assert.equal(run.sweep, one.sweep, `the k sweep with ${workers} workers`);
    assert.equal(run.quality, one.quality, `the data-quality report with ${workers} workers`);
    assert.ok(run.csv === one.csv, `the customers CSV with ${workers} workers`);
    assert.equal(run.model, one.model, `the model JSON with ${workers} workers`);
  }
});
