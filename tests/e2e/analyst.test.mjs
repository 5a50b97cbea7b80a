// The analyst's workflow beyond segments: the t-SNE customer map (drawn on
// request in the worker, with progress, coloured by cluster, hoverable,
// downloadable, recoloured when k changes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { useApp, openApp, screenshot, DIST, ROOT } from "./harness.mjs";

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
  assert.match(note, /^All 198 customers, perplexity 30, 750 iterations \(seed 42\), in \d+\.\d s\. KL divergence \d+\.\d{3}; trustworthiness 0\.9\d{2} at 10 neighbours\./);
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

test("Explore shows the sample's countries, products, orders and months, as pandas counts them", async () => {
  const { page, problems } = await openSample();
  const reference = JSON.parse(await readFile(join(ROOT, "tests/fixtures/explore_reference.json"), "utf8"));
  const section = page.getByRole("region", { name: "Explore" });
  await section.scrollIntoViewIfNeeded();
  // Countries: the table's rows are pandas' top countries, in its order, with its counts.
  const table = section.getByRole("table", { name: "Revenue, orders and customers by country" });
  const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), reference.countries.rows.map((r) => r.country));
  assert.deepEqual(rows.map((r) => [Number(r[3].replace(/,/g, "")), Number(r[4].replace(/,/g, ""))]),
    reference.countries.rows.map((r) => [r.orders, r.customers]));
  // Products: the first row of each list is pandas' top product.
  const text = await section.innerText();
  assert.match(text, /Products \(\d[\d,]* distinct\)/);
  for (const [list, title] of [["by_revenue", "Top products by revenue"], ["by_quantity", "Top products by units sold"], ["by_customers", "Products bought by the most customers"]]) {
    await section.getByText(`${title}: table`).click();
    const first = await section.locator("details[open] tbody tr").first().locator("th").innerText();
    assert.ok(first.startsWith(reference.products[list][0].product), `${title}: ${first}`);
    await section.getByText(`${title}: table`).click();
  }
  // Every chart is drawn: 9 canvases, none of them a "needs" message.
  const canvases = section.locator("canvas");
  assert.equal(await canvases.count(), 9);
  assert.equal(await section.locator(".missing-chart").count(), 0);
  for (const title of ["Orders by weekday and hour", "New and returning customers by month", "Order value", "Items per order"]) {
    assert.ok(await section.getByRole("heading", { name: title, exact: true }).count() === 1, title);
  }
  const [png] = await Promise.all([
    page.waitForEvent("download"),
    section.getByRole("button", { name: "Download the Orders by weekday and hour chart as PNG" }).click(),
  ]);
  assert.equal(png.suggestedFilename(), "orders-weekday-hour.png");
  await screenshot(page, "explore");
  assert.deepEqual(problems, []);
});

test("Explore says what a file without products, countries or times of day would need", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 900 });
  const lines = ["customer_id,order_date,amount"];
  for (let c = 0; c < 30; c++) for (let p = 0; p <= c % 4; p++) lines.push(`C${c},2024-0${1 + ((c + p) % 9)}-1${p},${(12.5 + c + p).toFixed(2)}`);
  const dataTransfer = await page.evaluateHandle((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], "plain.csv", { type: "text/csv" }));
    return dt;
  }, lines.join("\n") + "\n");
  await page.dispatchEvent(".drop-zone", "drop", { dataTransfer });
  await page.getByRole("button", { name: "Analyse" }).click();
  const section = page.getByRole("region", { name: "Explore" });
  await section.waitFor({ timeout: 60_000 });
  const missing = await section.locator(".missing-chart").allInnerTexts();
  assert.equal(missing.length, 3, missing.join(" | "));
  assert.match(missing.join("\n"), /country/);
  assert.match(missing.join("\n"), /product/);
  assert.match(missing.join("\n"), /time/);
  assert.deepEqual(problems, []);
});

test("the random forest is cross-validated in the worker, saved with the model, and labels new customers", async () => {
  const { page, problems } = await openSample();
  const section = page.getByRole("region", { name: "Why is a customer in this cluster?" });
  await section.scrollIntoViewIfNeeded();
  await section.getByRole("button", { name: "Train the classifier" }).click();
  const scores = section.locator(".classifier-scores");
  await scores.waitFor({ timeout: 120_000 });
  const line = await scores.innerText();
  const accuracy = Number(line.match(/Cross-validated accuracy ([\d.]+)%/)[1]) / 100;
  const f1 = Number(line.match(/macro-F1 ([\d.]+)/)[1]);
  assert.ok(accuracy > 0.85 && f1 > 0.8, line);
  assert.match(line, /on all 198 customers \(folds: [\d.]+%, [\d.]+%, [\d.]+%, [\d.]+%, [\d.]+%\)/);
  const confusion = section.getByRole("table", { name: /Confusion matrix/ });
  const cells = await confusion.locator("tbody td").allInnerTexts();
  const k = Math.round(Math.sqrt(cells.length));
  assert.equal(k * k, cells.length);
  assert.equal(cells.reduce((s, c) => s + Number(c), 0), 198, "every customer predicted once");
  const diagonal = await confusion.locator("td.diagonal").allInnerTexts();
  assert.ok(Math.abs(diagonal.reduce((s, c) => s + Number(c), 0) / 198 - accuracy) < 0.006, "accuracy is the diagonal's share");
  assert.equal(await section.getByRole("table", { name: "Precision and recall per cluster" }).locator("tbody tr").count(), k);

  const [modelDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Model JSON", exact: true }).click()]);
  const modelPath = await modelDownload.path();
  const model = JSON.parse(await readFile(modelPath, "utf8"));
  assert.equal(model.classifier.trees.length, 100);
  await page.getByLabel("Saved model JSON").setInputFiles(modelPath);
  await page.getByLabel("Transactions to label").setInputFiles(join(DIST, "sample.csv"));
  await page.getByLabel(/the model's random forest/).check();
  await page.getByRole("button", { name: "Apply model" }).click();
  await page.getByRole("heading", { name: /198 customers labelled/ }).waitFor({ timeout: 60_000 });
  assert.match(await page.locator(".applied").innerText(), /labelled by the model's random forest/);
  await screenshot(page, "classifier");
  assert.deepEqual(problems, []);
});
