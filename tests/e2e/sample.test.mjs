// The walking skeleton end to end: the page loads, the sample runs through
// the worker, and results appear.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, launchBrowser, openApp, screenshot } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the sample data runs end to end and shows results", async () => {
  const { page, problems } = await openApp(browser, server.url);
  assert.match(await page.title(), /Segmento/);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 30_000 });
  await screenshot(page, "sample-overview");
  const text = await results.innerText();
  assert.match(text, /sample\.csv/);
  assert.deepEqual(problems, []);
});
