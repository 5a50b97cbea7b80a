// Installable and offline: after the first visit the app reloads and analyses
// the sample with the network cut off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp } from "./harness.mjs";

const app = useApp();

test("after one visit the app works offline", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  await page.goto(app.server.url);
  // The service worker has cached the shell and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener("controllerchange", ok, { once: true }));
    }
  });
  const manifest = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href);
  assert.match(manifest, /manifest\.webmanifest$/);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  // The results are drawn section by section: wait for the profiles too.
  await page.locator("article.profile").nth(1).waitFor({ timeout: 60_000 });
  assert.ok((await page.locator("article.profile").count()) >= 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a browser without WebAssembly SIMD is told what it needs instead of a blank page", async () => {
  const page = await app.browser.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  // Pretend the feature check's module is invalid, as in a browser without SIMD.
  await page.addInitScript(() => {
    WebAssembly.validate = () => false;
  });
  await page.goto(app.server.url);
  await page.getByText("needs a browser with WebAssembly SIMD").waitFor({ timeout: 10_000 });
  assert.equal(await page.getByRole("button", { name: "Try the sample data" }).count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
