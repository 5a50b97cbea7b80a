// Downloads: the model JSON carries no customer data, and applying it to the
// same file labels every customer exactly as the dashboard did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { useApp, openApp, DIST } from "./harness.mjs";

const app = useApp();

async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: buttonName, exact: true }).click()]);
  return { path: await file.path(), name: file.suggestedFilename() };
}

function clusterById(csv) {
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  const columns = header.split(",");
  const id = columns.indexOf("customer_id");
  const name = columns.indexOf("cluster_name");
  const segment = columns.indexOf("rfm_segment");
  return new Map(rows.map((r) => r.split(",")).map((c) => [c[id], `${c[name]}|${c[segment]}`]));
}

test("a saved model applied to the same file reproduces the labels", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });

  const model = await download(page, "Model JSON");
  assert.equal(model.name, "sample-model.json");
  const json = JSON.parse(await readFile(model.path, "utf8"));
  assert.equal(json.format, "segmento-model");
  assert.equal(json.version, 1);
  assert.ok(json.centroids.length >= 2);
  const customers = clusterById(await readFile((await download(page, "Customers CSV")).path, "utf8"));
  const someId = [...customers.keys()][0];
  assert.ok(!(await readFile(model.path, "utf8")).includes(`"${someId}"`), "the model must not contain customer ids");

  await page.getByLabel("Saved model JSON").setInputFiles(model.path);
  await page.getByLabel("Transactions to label").setInputFiles(join(DIST, "sample.csv"));
  await page.getByRole("button", { name: "Apply model" }).click();
  await page.getByRole("heading", { name: /customers labelled/ }).waitFor({ timeout: 60_000 });
  const labelled = clusterById(await readFile((await download(page, "Download labelled customers CSV")).path, "utf8"));
  assert.equal(labelled.size, customers.size);
  for (const [id, label] of customers) assert.equal(labelled.get(id), label, `customer ${id}`);
  assert.deepEqual(problems, []);
});

test("a file that is not a model is refused with a clear message", async () => {
  const { page } = await openApp(app.browser, app.server.url);
  await page.getByLabel("Saved model JSON").setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await page.getByLabel("Transactions to label").setInputFiles(join(DIST, "sample.csv"));
  await page.getByRole("button", { name: "Apply model" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /not a Segmento model file/);
});
