// A real out-of-memory: the site built with its WebAssembly memory capped at
// 64 MiB (scripts/build_small_memory.sh; scripts/test.sh builds it and sets
// SEGMENTO_SMALL_MEMORY_DIST). A file with more distinct customers than fit
// ends in a message that says so, and the next run works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDist, launchBrowser, openApp } from "./harness.mjs";

/** 1,000,000 customers of one line each (about 60 MB). */
async function manyCustomersFile() {
  const lines = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"];
  for (let i = 0; i < 1_000_000; i++) lines.push(`${500000 + i},85123A,MUG,1,12/${1 + (i % 28)}/2010 8:26,2.55,C${i},United Kingdom\n`);
  const path = join(tmpdir(), `segmento-many-${process.pid}.csv`);
  await writeFile(path, lines.join(""));
  return path;
}

test("more customers than the worker's memory holds: a clear message, and the next run works", async () => {
  const dist = process.env.SEGMENTO_SMALL_MEMORY_DIST;
  assert.ok(dist, "SEGMENTO_SMALL_MEMORY_DIST is not set: run scripts/build_small_memory.sh and point it at its output (scripts/test.sh does both)");
  const server = await serveDist(dist);
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openApp(browser, server.url);
    await page.getByLabel("Choose a transactions file").setInputFiles(await manyCustomersFile());
    await page.getByRole("region", { name: /Columns — segmento-many-/ }).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Analyse" }).click();
    const alert = page.getByRole("alert").filter({ hasText: /stopped unexpectedly/ });
    await alert.waitFor({ timeout: 120_000 });
    assert.match(await alert.innerText(), /may be too large for this tab's memory/);
    await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 10_000 });
    // A fresh worker: the sample runs.
    await page.getByRole("button", { name: "Try the sample data" }).click();
    await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
    assert.match(await page.locator("#overview-title").innerText(), /sample/);
    // The browser reports the aborted WebAssembly as an error; nothing else may show.
    assert.deepEqual(problems.filter((p) => !/unreachable|memory|RuntimeError/i.test(p)), []);
  } finally {
    await browser.close();
    await server.close();
  }
});
