// Beyond the basic dashboard: decision-tree rules (and a model that labels by
// them), other clustering methods with a comparison, lifetime value and churn,
// the cohort heatmap, and importing an RFM table instead of transactions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { useApp, openApp, screenshot, DIST } from "./harness.mjs";

const app = useApp();
const FIXTURES = resolve(import.meta.dirname, "../fixtures");

async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: buttonName, exact: true }).click()]);
  return { path: await file.path(), name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

function parseCsv(text) {
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const columns = header.split(",");
  return { columns, rows: rows.map((r) => r.split(",")) };
}

function column(csv, name) {
  const i = csv.columns.indexOf(name);
  assert.ok(i >= 0, `column ${name} in ${csv.columns}`);
  return csv.rows.map((r) => r[i]);
}

async function dropFile(page, name, text) {
  const dataTransfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: "text/csv" }));
    return dt;
  }, [name, text]);
  await page.dispatchEvent(".drop-zone", "drop", { dataTransfer });
}

async function sampleResults() {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  return { page, problems };
}

function idle(page) {
  return page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 120_000 });
}

test("plain rules explain the clusters, and a saved model labels new customers by them", async () => {
  const { page, problems } = await sampleResults();
  const panel = page.getByRole("region", { name: "Why is a customer in this cluster?" });
  await panel.waitFor({ timeout: 30_000 });
  const accuracy = await panel.locator(".rules-accuracy").innerText();
  const [, train] = accuracy.match(/put ([\d.]+)% of customers/) ?? [];
  assert.ok(Number(train) > 50, accuracy);
  const rules = panel.locator("ol.rules li");
  assert.ok((await rules.count()) >= 2);
  assert.match(await rules.first().innerText(), /(recency|frequency|monetary).*→/);
  await panel.getByLabel("Rule depth").selectOption("1");
  await page.waitForFunction(() => document.querySelectorAll("ol.rules li").length <= 2);

  const customers = parseCsv((await download(page, "Customers CSV")).text);
  const model = await download(page, "Model JSON");
  const json = JSON.parse(model.text);
  assert.ok(json.rules && json.rules.nodes.length >= 3, "the model carries the depth-1 rule tree");

  await page.getByLabel("Saved model JSON").setInputFiles(model.path);
  await page.getByLabel("Transactions to label").setInputFiles(join(DIST, "sample.csv"));
  await page.getByLabel(/the model's plain rules/).check();
  await page.getByRole("button", { name: "Apply model" }).click();
  await page.getByRole("heading", { name: /customers labelled/ }).waitFor({ timeout: 60_000 });
  assert.match(await page.locator(".applied").innerText(), /labelled by the model's decision rules/);
  const labelled = parseCsv((await download(page, "Download labelled customers CSV")).text);
  const byId = new Map(column(customers, "customer_id").map((id, i) => [id, column(customers, "cluster")[i]]));
  const ids = column(labelled, "customer_id");
  const clusters = column(labelled, "cluster");
  assert.equal(ids.length, byId.size);
  const agree = ids.filter((id, i) => byId.get(id) === clusters[i]).length / ids.length;
  // A depth-1 tree: the labels are the rules', close to but not the clusters.
  assert.ok(agree > 0.5, `rules agree with the clusters for ${agree}`);
  assert.ok(new Set(clusters).size <= 2, "a depth-1 tree has at most two leaves");
  assert.deepEqual(problems, []);
});

test("a Gaussian mixture and DBSCAN replace k-means, and the methods are compared", async () => {
  const { page, problems } = await sampleResults();
  await page.getByLabel("Clustering method", { exact: true }).selectOption("gmm");
  await page.getByLabel("Mixture components").fill("3");
  await page.getByLabel("Mixture components").dispatchEvent("change");
  await page.getByRole("button", { name: "Use this method" }).click();
  await page.getByRole("heading", { name: "Clusters (Gaussian mixture, 3 clusters)" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.locator(".profiles article").count(), 3);
  const mixture = parseCsv((await download(page, "Customers CSV")).text);
  assert.deepEqual([...new Set(column(mixture, "cluster"))].sort(), ["0", "1", "2"]);

  await page.getByRole("button", { name: "Compare methods" }).click();
  const table = page.getByRole("table", { name: "Clustering methods compared" });
  await table.waitFor({ timeout: 120_000 });
  const names = await table.locator("tbody td:first-child").allInnerTexts();
  assert.ok(names.includes("k-means") && names.includes("Gaussian mixture"), names.join());
  assert.equal(names.length + (await page.getByText(/did not run/).count()), 3);

  await page.getByLabel("Clustering method", { exact: true }).selectOption("dbscan");
  await page.getByLabel("DBSCAN eps").fill("abc");
  await page.getByLabel("DBSCAN eps").dispatchEvent("change");
  await page.getByRole("button", { name: "Use this method" }).click();
  assert.match(await page.getByRole("alert").innerText(), /eps must be a positive number/);
  await page.getByRole("button", { name: "Dismiss" }).click();

  // Back to k-means by picking a k.
  await page.getByRole("radio", { name: /^k = 4/ }).click();
  await page.getByRole("heading", { name: "Clusters (k-means, k = 4)" }).waitFor();
  await screenshot(page, "methods");
  assert.deepEqual(problems, []);
});

test("lifetime value and churn risk are predicted, with a CSV of every customer", async () => {
  const { page, problems } = await sampleResults();
  const panel = page.getByRole("region", { name: "Predicted value and churn risk" });
  await panel.getByRole("button", { name: "Predict lifetime value and churn" }).click();
  const churn = page.getByRole("table", { name: "Customers likely to churn" });
  await churn.waitFor({ timeout: 120_000 });
  const rows = await churn.locator("tbody tr").allInnerTexts();
  assert.ok(rows.length > 0, "some customers are likely to churn");
  const pAlive = rows.map((r) => Number(r.split("\t")[1].replace("%", "")));
  assert.ok(pAlive.every((p) => p < 50), pAlive.join());
  const csv = parseCsv((await download(page, "Predictions CSV (every customer)")).text);
  assert.equal(csv.rows.length, 198);
  const fixture = JSON.parse(await readFile(join(FIXTURES, "clv_reference.json"), "utf8"));
  // The browser's figures are the engine's, which match the lifetimes package.
  const reference = new Map(fixture.rows.map((c) => [String(c.customer_id), c]));
  const ids = column(csv, "customer_id");
  const alive = column(csv, "p_alive").map(Number);
  let checked = 0;
  ids.forEach((id, i) => {
    const ref = reference.get(id);
    if (ref) {
      assert.ok(Math.abs(ref.p_alive - alive[i]) < 1e-3, `${id}: ${alive[i]} vs ${ref.p_alive}`);
      checked += 1;
    }
  });
  assert.equal(checked, 198);
  assert.equal(await panel.getByRole("note", { name: "About this fit" }).count(), 0, "the sample's fit needs no warning");

  // lifetimes' penalizer_coef: a refit with it says so beside the parameters;
  // a value out of range is not taken.
  const penalizer = panel.getByLabel("Penalizer");
  await penalizer.fill("-3");
  await penalizer.press("Tab");
  assert.equal(await penalizer.inputValue(), "0");
  await penalizer.fill("0.0001");
  await penalizer.press("Tab");
  await panel.getByRole("button", { name: "Predict again" }).click();
  await panel.getByText(/; penalizer 0\.0001\. Value is discounted/).waitFor({ timeout: 120_000 });
  // Too strong a penalty for the sample: a and b shrink to zero, and the
  // message says to use a smaller one; the last prediction stays.
  await penalizer.fill("0.01");
  await penalizer.press("Tab");
  await panel.getByRole("button", { name: "Predict again" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 120_000 });
  assert.match(await alert.innerText(), /with penalizer 0\.01 the purchase model's a and b shrank.*Use a smaller penalizer \(e\.g\. 0\.001\)/s);
  assert.ok(await panel.getByText(/; penalizer 0\.0001\./).isVisible(), "the previous prediction stays");
  assert.deepEqual(problems, []);
});

test("the cohort heatmap is drawn for transactions", async () => {
  const { page, problems } = await sampleResults();
  const chart = page.getByRole("img", { name: /month of their first purchase/ });
  await chart.waitFor({ timeout: 30_000 });
  assert.ok((await chart.boundingBox()).height >= 260);
  assert.deepEqual(problems, []);
});

test("an RFM table (warehouse SQL output or our own export) is analysed directly", async () => {
  const { page, problems } = await sampleResults();
  const original = parseCsv((await download(page, "Customers CSV")).text);

  await dropFile(page, "rfm_from_duckdb.csv", await readFile(join(FIXTURES, "sql_duckdb_sample.csv"), "utf8"));
  await page.getByRole("heading", { name: "Overview — rfm_from_duckdb.csv" }).waitFor({ timeout: 60_000 });
  const quality = page.getByRole("region", { name: "Imported RFM table" });
  assert.match(await quality.innerText(), /198 customers read/);
  assert.match(await quality.innerText(), /reference date 2011-12-10 from the reference_date column/);
  const imported = parseCsv((await download(page, "Customers CSV")).text);
  const clusterOf = (csv) => new Map(column(csv, "customer_id").map((id, i) => [id, column(csv, "cluster_name")[i]]));
  assert.deepEqual(clusterOf(imported), clusterOf(original), "same clusters as from the transactions");
  assert.equal(await page.getByRole("img", { name: /month of their first purchase/ }).count(), 0, "no cohorts without transactions");
  assert.match(await page.getByRole("region", { name: "Predicted value and churn risk" }).innerText(), /Needs transactions/);
  assert.deepEqual(problems, []);
});
