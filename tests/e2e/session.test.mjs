// The worker owns the analysis session: a cancelled run and a replaced
// worker lose nothing, and the dashboard's requests keep working after.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useApp, openApp } from "./harness.mjs";

const app = useApp();

/** About 40 MB of UCI-layout lines: long enough to cancel mid-way. */
async function bigCsvFile() {
  const header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  const lines = [];
  for (let i = 0; i < 600_000; i++) {
    lines.push(`${536365 + (i >> 2)},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${1 + (i % 7)},12/${1 + (i % 28)}/2010 8:26,2.55,${12346 + (i % 5000)},United Kingdom\n`);
  }
  const path = join(tmpdir(), `segmento-session-${process.pid}.csv`);
  await writeFile(path, header + lines.join(""));
  return path;
}

/** Chooses the big file, goes through the mapping step and starts the run; resolves to its progress region. */
async function startBigRun(page) {
  await page.getByLabel("Choose a transactions file").setInputFiles(await bigCsvFile());
  await page.getByRole("region", { name: /Columns — segmento-session-/ }).waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Analyse" }).click();
  const progress = page.getByRole("region", { name: "Progress" });
  await progress.waitFor({ timeout: 10_000 });
  return progress;
}

async function chooseK(page, k) {
  await page.getByRole("radiogroup", { name: "Number of clusters" }).getByRole("radio", { name: new RegExp(`^k = ${k}`) }).click();
  await page.getByRole("heading", { name: `Clusters (k-means, k = ${k})` }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator("article.profile").count(), k);
}

test("cancelling a run keeps the previous results, and the restored session answers", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await chooseK(page, 4);
  const overview = await page.locator("#overview-title").innerText();

  const progress = await startBigRun(page);
  await page.waitForTimeout(200);
  await progress.getByRole("button", { name: "Cancel" }).click();
  await progress.waitFor({ state: "detached", timeout: 5_000 });
  await page.waitForTimeout(1_000);
  assert.equal(await page.locator("body").getAttribute("data-workers-started"), "2");

  // The sample's dashboard is still there, and the fresh worker holds its session.
  assert.equal(await page.locator("#overview-title").innerText(), overview);
  await chooseK(page, 3);
  await chooseK(page, 2);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Customers CSV", exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^sample-segments\.csv$/);
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.deepEqual(problems, []);
});

test("a worker replaced to give memory back hands over its session", async () => {
  // The page replaces the worker 3 s after every run (the threshold is 128 MB otherwise).
  const { page, problems } = await openApp(app.browser, `${app.server.url}?recycle_after_ms=3000`);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.locator("body").getAttribute("data-workers-started"), "1");
  await chooseK(page, 5);
  await page.locator("body[data-workers-started='2']").waitFor({ state: "attached", timeout: 15_000 });
  // A k switch and a table search after the replacement.
  await chooseK(page, 3);
  await page.getByLabel("Search customers").fill("123");
  await page.getByText(/\d+ matching customers/).waitFor();
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.deepEqual(problems, []);
});

test("a file chosen as soon as the engine is ready is analysed at once; left alone, the worker warms up", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.locator("body[data-worker-ready]").waitFor({ state: "attached", timeout: 30_000 });
  // Chosen right away: the warm-up (if still going) gives way to the file.
  // 60 customers (C0 … C59), five purchases each.
  const csv = ["customer_id,date,amount"]
    .concat(Array.from({ length: 300 }, (_, i) => `C${i % 60},2011-0${1 + (i % 9)}-1${i % 10},${(5 + (i * 7) % 90).toFixed(2)}`))
    .join("\n");
  await page.getByLabel("Choose a transactions file").setInputFiles({ name: "sixty.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 30_000 });
  const customers = page.locator(".card", { has: page.locator(".card-label", { hasText: /^customers$/ }) }).locator(".card-value");
  assert.equal(await customers.innerText(), "60");
  // No order id column: the defaults that fit the file, said where they apply.
  assert.match(await page.locator(".file-defaults").innerText(), /^The file has no order id column, so a purchase is a calendar day with orders .*identical lines are kept/);
  assert.match(await page.locator(".definitions", { hasText: "Definitions:" }).innerText(), /a purchase is a calendar day with orders; .*no order id column, so purchases are days and identical lines are kept/);
  assert.deepEqual(problems, []);

  const fresh = await openApp(app.browser, app.server.url);
  await fresh.page.locator("body[data-worker-warm]").waitFor({ state: "attached", timeout: 30_000 });
  assert.ok(await fresh.page.locator("body[data-worker-ready]").count() === 1);
  assert.deepEqual(fresh.problems, []);
});

test("a worker that fails mid-run ends the run with a message; nothing is lost and the next run works", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await chooseK(page, 4);
  const overview = await page.locator("#overview-title").innerText();

  const progress = await startBigRun(page);
  // An uncaught error in the analysis worker, as a panic (an `unreachable`
  // trap) or running out of memory gives: the worker cannot answer any more.
  let analysisWorker;
  for (const worker of page.workers()) if ((await worker.evaluate(() => self.name)) !== "segmento-helper") analysisWorker = worker;
  await analysisWorker.evaluate(() => { setTimeout(() => { throw new Error("injected fault"); }, 0); });
  const alert = page.getByRole("alert").filter({ hasText: /stopped unexpectedly/ });
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.innerText(), /The analysis stopped unexpectedly \(.*injected fault\)\. The previous results are kept/);
  await progress.waitFor({ state: "detached", timeout: 5_000 });
  await page.locator("body[data-workers-started='2']").waitFor({ state: "attached", timeout: 10_000 });

  // The sample's dashboard stays, and the fresh worker holds its session.
  assert.equal(await page.locator("#overview-title").innerText(), overview);
  await chooseK(page, 3);
  // The next run works.
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 60_000 });
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  assert.deepEqual(problems.filter((p) => !/injected fault/.test(p)), []);
});

test("a helper that fails mid-run is done without: the run ends with the same results and no message", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await startBigRun(page);
  let helper;
  for (const worker of page.workers()) if ((await worker.evaluate(() => self.name)) === "segmento-helper") helper = worker;
  assert.ok(helper, `the helper is one of the page's workers: ${page.workers().map((w) => w.url())}`);
  await helper.evaluate(() => { setTimeout(() => { throw new Error("injected helper fault"); }, 0); });
  await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 60_000 });
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 10_000 });
  assert.match(await page.locator("#overview-title").innerText(), /segmento-session-/);
  assert.match(await results.innerText(), /\b5,000\b/, "all 5,000 customers");
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.equal(await page.locator("body").getAttribute("data-workers-started"), "1");
  assert.deepEqual(problems.filter((p) => !/injected helper fault/.test(p)), []);
});

test("a tab frozen in the background during a run picks up and finishes it", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  const progress = await startBigRun(page);
  // What Chromium does to a hidden tab it saves power on: the page (and its workers) stop, then resume.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await cdp.send("Page.setWebLifecycleState", { state: "active" });
  await progress.waitFor({ state: "detached", timeout: 60_000 });
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 10_000 });
  assert.match(await results.innerText(), /\b5,000\b/);
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.deepEqual(problems, []);
});
