// The analyst's workflow beyond segments: the t-SNE customer map (drawn on
// request in the worker, with progress, coloured by cluster, hoverable,
// downloadable, recoloured when k changes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, openApp, screenshot } from "./harness.mjs";

const app = useApp();

async function openSample() {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 900 });
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Downloads" }).waitFor({ timeout: 60_000 });
  return { page, problems };
}

/** Moves the pointer over `canvas` on a grid until the hover line names a customer. */
async function hoverSomeone(page, canvas, hoverLine) {
  const box = await canvas.boundingBox();
  for (let y = box.y + 20; y < box.y + box.height - 40; y += 6) {
    for (let x = box.x + 60; x < box.x + box.width - 20; x += 6) {
      await page.mouse.move(x, y);
      const text = await hoverLine.innerText();
      if (!text.startsWith("Hover a point")) return text;
    }
  }
  return null;
}

test("the t-SNE map is drawn on request, names the customer under the pointer, and follows k", async () => {
  const { page, problems } = await openSample();
  const section = page.getByRole("region", { name: "Customer map (t-SNE)" });
  await section.scrollIntoViewIfNeeded();
  assert.match(await section.innerText(), /all 198 customers/);
  assert.equal(await section.locator("canvas").count(), 0, "nothing is computed before it is asked for");
  await section.getByRole("button", { name: "Draw the map" }).click();
  await page.getByText("Mapping customers with t-SNE").first().waitFor({ timeout: 10_000 });
  const figure = section.locator("figure");
  await figure.waitFor({ timeout: 120_000 });
  const note = await section.locator(".embedding-note").innerText();
  assert.match(note, /^All 198 customers, perplexity 30, 1000 iterations \(seed 42\), in \d+\.\d s\. KL divergence \d+\.\d{3}; trustworthiness 0\.9\d{2} at 10 neighbours\./);
  const canvas = figure.locator("canvas");
  const hoverLine = figure.locator("p.hover");
  const who = await hoverSomeone(page, canvas, hoverLine);
  assert.ok(who, "some point names its customer");
  assert.match(who, /Customer \S+/);
  await screenshot(page, "tsne-map");

  const [png] = await Promise.all([
    page.waitForEvent("download"),
    figure.getByRole("button", { name: /Download the .* chart as PNG/ }).click(),
  ]);
  assert.equal(png.suggestedFilename(), "tsne-map.png");

  // Another k recolours the same map (no second computation: no progress).
  await page.getByRole("radio", { name: /^k = 5/ }).click();
  await page.waitForFunction(() => document.querySelector('[role="radio"][aria-checked="true"]')?.textContent.startsWith("k = 5"));
  await section.locator(".embedding-note").waitFor();
  assert.equal(await section.locator(".embedding-note").innerText(), note);
  assert.equal(await section.getByRole("button", { name: "Draw the map again" }).count(), 1);
  assert.deepEqual(problems, []);
});
