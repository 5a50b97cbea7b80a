// Long runs show progress and can be cancelled; the dashboard is readable
// in dark mode and on a 1280px laptop screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useApp, openApp, screenshot, SCREENSHOTS } from "./harness.mjs";

const app = useApp();

/** About 75 MB of UCI-layout lines, written to a file: long enough to cancel mid-way. */
async function bigCsvFile() {
  const header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  const lines = [];
  for (let i = 0; i < 1_000_000; i++) {
    lines.push(`${536365 + (i >> 2)},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${1 + (i % 7)},12/${1 + (i % 28)}/2010 8:26,2.55,${12346 + (i % 5000)},United Kingdom\n`);
  }
  const path = join(tmpdir(), `segmento-big-${process.pid}.csv`);
  await writeFile(path, header + lines.join(""));
  return path;
}

test("a long run shows progress and Cancel stops it without results or errors", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByLabel("Choose a transactions file").setInputFiles(await bigCsvFile());
  await page.getByRole("region", { name: /Columns — segmento-big-/ }).waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Analyse" }).click();
  const progress = page.getByRole("region", { name: "Progress" });
  await progress.waitFor({ timeout: 10_000 });
  assert.match(await progress.innerText(), /segmento-big-/);
  await progress.getByRole("button", { name: "Cancel" }).click();
  await progress.waitFor({ state: "detached", timeout: 5_000 });
  // Give a terminated worker the chance to (wrongly) deliver anything.
  await page.waitForTimeout(1_000);
  assert.equal(await page.getByRole("region", { name: "Results" }).count(), 0);
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.deepEqual(problems, []);
});

test("dark mode and a 1280px screen", async () => {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  await page.goto(app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(21, 23, 27)");
  // Nothing overflows the laptop-width page horizontally.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  await page.locator("section[aria-labelledby=clusters-title]").screenshot({ path: `${SCREENSHOTS}/clusters-dark-1280.png` });
  await screenshot(page, "dashboard-dark-1280");
  assert.deepEqual(problems, []);
});
