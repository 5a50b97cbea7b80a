// The sample data end to end: the page loads, the sample runs through the
// worker, the dashboard shows real figures, and the CSV download matches them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { useApp, openApp, screenshot, SCREENSHOTS } from "./harness.mjs";

const app = useApp();

/** Reads an overview card's value by its label. */
async function card(page, label) {
  const text = await page.locator(".card", { has: page.locator(".card-label", { hasText: new RegExp(`^${label}$`) }) })
    .locator(".card-value").innerText();
  return text;
}

test("the sample data runs end to end and shows results", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  assert.match(await page.title(), /Segmento/);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 60_000 });

  const customers = Number((await card(page, "customers")).replace(/,/g, ""));
  assert.ok(customers > 50, `customers card shows ${customers}`);
  assert.ok(Number((await card(page, "purchases")).replace(/,/g, "")) >= customers);
  // Reading and the k sweep ran on two cores: the analysis worker and its helper.
  assert.match(await page.locator(".run-stats").innerText(), /^Read in \d+ ms \(2 workers\), analysed in \d+ ms \(k sweep shared by 2 workers\)/);
  for (const heading of ["Data quality", "RFM segments", "Customers", "Downloads"]) {
    await results.getByRole("heading", { name: new RegExp(heading) }).first().waitFor();
  }
  // The browser's k = 2 (fitted and measured in WebAssembly, with vector
  // instructions the native tests never run) agrees with scikit-learn's.
  const reference = JSON.parse(await readFile(new URL("../fixtures/sample_reference.json", import.meta.url), "utf8"));
  const theirs = reference.kmeans.find((fit) => fit.k === 2);
  const [k, silhouette, inertia] = (await page.locator("table.sweep tbody tr").first().innerText()).split("\t").map((cell) => cell.trim());
  assert.deepEqual([k, silhouette, inertia], ["2", theirs.silhouette.toFixed(3), theirs.inertia.toFixed(1)]);
  // The cluster profiles are named and each has a playbook.
  const profiles = page.locator("article.profile");
  assert.ok((await profiles.count()) >= 2);
  assert.match(await profiles.first().innerText(), /Do: .+\nChannel: .+\nAvoid: /s);
  await screenshot(page, "sample-overview");

  // The customers CSV holds one row per customer with explicit definitions in its header.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Customers CSV" }).click(),
  ]);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  assert.match(lines[0], /^customer_id,country,recency_days_to_\d{4}-\d{2}-\d{2},frequency_invoices,monetary_total,r_score,f_score,m_score,rfm_segment,cluster,cluster_name$/);
  assert.equal(lines.length - 1, customers);
  assert.deepEqual(problems, []);
});

test("switching k updates the cluster profiles", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const chooser = page.getByRole("radiogroup", { name: "Number of clusters" });
  await chooser.getByRole("radio", { name: /^k = 5/ }).click();
  await page.getByRole("heading", { name: "Clusters (k-means, k = 5)" }).waitFor();
  assert.equal(await page.locator("article.profile").count(), 5);
  await chooser.getByRole("radio", { name: /^k = 2/ }).click();
  await page.getByRole("heading", { name: "Clusters (k-means, k = 2)" }).waitFor();
  assert.equal(await page.locator("article.profile").count(), 2);
  await page.locator("section[aria-labelledby=clusters-title]").screenshot({ path: `${SCREENSHOTS}/clusters.png` });
  assert.deepEqual(problems, []);
});

test("a malformed file produces a clear message and keeps the previous results", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await page.getByLabel("Choose a transactions file").setInputFiles({
    name: "photo.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  });
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /PNG image/);
  // The sample's results are still on screen.
  await page.getByRole("region", { name: "Results" }).waitFor();
  await screenshot(page, "error-keeps-results");
  assert.deepEqual(problems, []);
});

test("renaming a grid cell renames the segment in the table and the export", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await page.getByText("Edit segment names (R × F grid)").click();
  for (const f of [4, 5]) {
    const cell = page.getByLabel(`Segment name for R 5, F ${f}`);
    await cell.fill("VIP");
    await cell.press("Enter");
    await cell.blur();
  }
  await page.locator("table.segments").getByText("VIP", { exact: true }).waitFor();
  assert.equal(await page.locator("table.segments").getByText("Champions", { exact: true }).count(), 0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Customers CSV", exact: true }).click()]);
  const csv = await readFile(await download.path(), "utf8");
  assert.match(csv, /,VIP,/);
  assert.doesNotMatch(csv, /,Champions,/);
  assert.deepEqual(problems, []);
});

test("changing the RFM definitions re-runs and shows them on the page and in the export", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  await page.getByText("RFM definitions").click();
  await page.getByLabel("A purchase is").selectOption("day");
  await page.getByLabel("Monetary is").selectOption("mean");
  await page.getByLabel("Reference date").fill("2011-12-01");
  await page.getByRole("button", { name: "Re-run with these definitions" }).click();
  await page.getByText(/a purchase is a calendar day with orders; monetary is the mean spent per purchase; recency counts days to 2011-12-01 \(chosen\)/).waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Customers CSV", exact: true }).click()]);
  const header = (await readFile(await download.path(), "utf8")).split(/\r?\n/)[0];
  assert.match(header, /recency_days_to_2011-12-01,frequency_days,monetary_mean_per_purchase/);
  assert.deepEqual(problems, []);
});

test("the recommended k is one a marketer can use, with the silhouette's own pick beside it; the range is editable", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  const clusters = page.getByRole("region", { name: /^Clusters/ });
  await clusters.waitFor({ timeout: 60_000 });
  // On the sample the silhouette alone picks k = 2: two groups make no campaign plan.
  await page.getByRole("heading", { name: "Clusters (k-means, k = 3)" }).waitFor();
  assert.match(await clusters.innerText(), /k = 3 gives the best-separated clusters between 3 and 8 .*the silhouette alone would pick k = 2/);
  await page.getByText("RFM definitions").click();
  await page.getByLabel("Recommend k from").selectOption("2");
  await page.getByLabel("Recommend k up to").selectOption("10");
  await page.getByRole("button", { name: "Re-run with these definitions" }).click();
  await page.getByRole("heading", { name: "Clusters (k-means, k = 2)" }).waitFor({ timeout: 60_000 });
  assert.match(await clusters.innerText(), /k = 2 gives the best-separated clusters between 2 and 10/);
  // A minimum above the maximum raises the maximum with it.
  await page.getByLabel("Recommend k from").selectOption("9");
  assert.equal(await page.getByLabel("Recommend k up to").inputValue(), "10");
  await page.getByLabel("Recommend k up to").selectOption("3");
  assert.equal(await page.getByLabel("Recommend k from").inputValue(), "3");
  assert.deepEqual(problems, []);
});
