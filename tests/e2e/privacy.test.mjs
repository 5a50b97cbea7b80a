// Privacy: once the page has loaded, analysing a file makes no network
// request at all — not to other origins, not even to its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { useApp, openApp } from "./harness.mjs";

const app = useApp();

const CSV = ["customer_id,date,amount"]
  .concat(Array.from({ length: 300 }, (_, i) => `C${i % 60},2011-0${1 + (i % 9)}-1${i % 10},${(5 + (i * 7) % 90).toFixed(2)}`))
  .join("\n");

/**
 * Loads the app, then analyses `file` and downloads the customers CSV while
 * recording every request (the context sees the page's and its workers',
 * nested ones included). Resolves to the requests and the page's problems.
 */
async function analyseRecording(file) {
  const { page, problems } = await openApp(app.browser, app.server.url);
  // The analysis worker is started (and its code fetched) while the page loads.
  await page.locator("body[data-worker-ready]").waitFor({ state: "attached", timeout: 30_000 });
  const requests = [];
  page.context().on("request", (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("button", { name: "Analyse" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Customers CSV" }).click();
  await page.waitForTimeout(500);
  return { requests, problems };
}

test("processing a file after load makes zero network requests", async () => {
  const { requests, problems } = await analyseRecording({ name: "private.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
});

test("a gzip file is unpacked in the browser: zero network requests", async () => {
  const { requests, problems } = await analyseRecording({ name: "private.csv.gz", mimeType: "application/gzip", buffer: gzipSync(Buffer.from(CSV)) });
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
});

test("a workbook is read in the browser: the only requests fetch the workbook reader's code", async () => {
  const buffer = await readFile(new URL("../fixtures/sample.xlsx", import.meta.url));
  const { requests, problems } = await analyseRecording({ name: "private.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer });
  // Its code is fetched from the page's own origin the first time a workbook
  // is dropped (GET, no body, no query; the service worker may fetch each
  // again to refresh its cache); nothing else is requested.
  const code = ["workbook_loader.js", "workbook.js", "workbook_bg.wasm"].map((name) => new URL(name, app.server.url).href);
  assert.deepEqual([...new Set(requests.map((r) => r.url))], code);
  assert.ok(requests.every((r) => r.method === "GET" && r.body === null), JSON.stringify(requests));
  assert.deepEqual(problems, []);
});
