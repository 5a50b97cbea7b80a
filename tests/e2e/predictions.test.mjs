// Predictions you can trust: both purchase models compared on a holdout
// (lifetimes' calibration_and_holdout_data), the diagnostic plots, the
// revenue forecast and its backtest, and the chosen model in the CSV —
// checked against the lifetimes fixture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { useApp, openApp, screenshot, ROOT } from "./harness.mjs";

const app = useApp();

async function predictionsPanel() {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 900 });
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Downloads" }).waitFor({ timeout: 60_000 });
  const panel = page.getByRole("region", { name: "Predicted value and churn risk" });
  await panel.scrollIntoViewIfNeeded();
  return { page, problems, panel };
}

function csvRows(text) {
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const columns = header.split(",");
  return { columns, rows: rows.map((r) => r.split(",")) };
}

async function comparisonRows(panel) {
  const table = panel.getByRole("table", { name: "How far to trust these predictions" });
  await table.waitFor({ timeout: 120_000 });
  return table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
}

test("both models are compared on a holdout as lifetimes computes it, with the diagnostic plots and the forecast", async () => {
  const { page, problems, panel } = await predictionsPanel();
  const fixture = JSON.parse(await readFile(join(ROOT, "tests/fixtures/clv_reference.json"), "utf8"));
  await panel.getByRole("button", { name: "Predict lifetime value and churn" }).click();
  const rows = await comparisonRows(panel);
  const text = await panel.innerText();
  // The split lifetimes used: the last quarter of the observed days.
  assert.match(text, /fitted on purchases up to 7 Sep 2011, checked on 8 Sep 2011 – 9 Dec 2011 \(93 days/);
  // BG/NBD (in use) and MBG/NBD; BG/NBD has a + b < 1 on the calibration part and says why it has no holdout figures.
  const models = rows.filter((r) => r.length === 7).map((r) => r[0]);
  assert.deepEqual(models, ["BG/NBD (in use)", "MBG/NBD"]);
  assert.ok(rows.some((r) => r.length === 1 && /a \+ b = 0\.99\d, below 1/.test(r[0]) && /use MBG\/NBD/.test(r[0])), JSON.stringify(rows));
  const mbg = rows.find((r) => r[0] === "MBG/NBD");
  const h = fixture.holdout.mbgnbd;
  assert.equal(mbg[4], h.mae.toFixed(3));
  assert.equal(mbg[5], h.rmse.toFixed(3));
  assert.equal(mbg[6], `${h.predicted_total.toFixed(0)} / ${h.actual_total}`);
  assert.equal(Number(mbg[3].replace(/,/g, "")), Number(fixture.mbgnbd.aic.toFixed(1)));
  // lifetimes' diagnostic plots and the forecast are drawn.
  for (const name of [/Customers with 0 to 6 repeat purchase days/, /Expected purchases by frequency and recency/, /P\(alive\) by frequency and recency/, /Expected revenue of today's customers/]) {
    const canvas = panel.getByRole("img", { name });
    await canvas.waitFor({ timeout: 30_000 });
    assert.ok((await canvas.boundingBox()).height > 200, String(name));
  }
  const total = fixture.forecast.reduce((s, m) => s + m.predicted, 0);
  const shown = Number(text.match(/expected to spend ([\d,]+\.\d\d) over the next 12 months/)[1].replace(/,/g, ""));
  assert.ok(Math.abs(shown - total) < 0.01, `forecast ${shown} vs lifetimes' ${total}`);
  assert.match(text, /No revenue backtest: the BG\/NBD fit has a \+ b/);
  // Beside the revenue by month, once predicted.
  const distributions = page.getByRole("region", { name: "Distributions" });
  await distributions.getByRole("img", { name: /revenue today's customers are expected to bring in each of the next 12 months/ }).waitFor({ timeout: 30_000 });

  // MBG/NBD drives the figures: the holdout plot and the backtest appear, with lifetimes' MAPE.
  await panel.getByLabel("Purchase model").selectOption("mbgnbd");
  await panel.getByRole("button", { name: "Predict again" }).click();
  await panel.getByRole("img", { name: /Revenue of the calibration customers in each holdout month/ }).waitFor({ timeout: 120_000 });
  await panel.getByRole("img", { name: /Mean purchases in the holdout period, actual and predicted/ }).waitFor();
  const after = await panel.innerText();
  assert.match(after, new RegExp(`MAPE, mean absolute percentage error over the holdout months\\): ${fixture.holdout.backtest.mbgnbd.mape.toFixed(1)}%`));
  assert.match(after, /MBG\/NBD r = 1\.134, α = 57\.58/);
  assert.deepEqual((await comparisonRows(panel)).filter((r) => r.length === 7).map((r) => r[0]), ["BG/NBD", "MBG/NBD (in use)"]);
  await screenshot(page, "model-trust");

  // The predictions CSV carries the chosen model's figures (lifetimes' ModifiedBetaGeoFitter).
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    panel.getByRole("button", { name: "Predictions CSV (every customer)", exact: true }).click(),
  ]);
  const csv = csvRows(await readFile(await file.path(), "utf8"));
  const model = csv.columns.indexOf("purchase_model");
  const alive = csv.columns.indexOf("p_alive");
  assert.ok(model > 0 && alive > 0, csv.columns.join());
  assert.equal(csv.rows.length, 198);
  assert.ok(csv.rows.every((r) => r[model] === "MBG/NBD"));
  const reference = new Map(fixture.mbgnbd_rows.map((r) => [String(r.customer_id), r.p_alive]));
  for (const r of csv.rows) {
    assert.ok(Math.abs(Number(r[alive]) - reference.get(r[0])) < 1e-4, `${r[0]}: ${r[alive]} vs ${reference.get(r[0])}`);
  }

  // Another holdout: 30 days, said in the split line.
  await panel.getByLabel("Holdout days").fill("30");
  await panel.getByLabel("Holdout days").press("Tab");
  await panel.getByRole("button", { name: "Predict again" }).click();
  await panel.getByText(/fitted on purchases up to 9 Nov 2011, checked on 10 Nov 2011 – 9 Dec 2011 \(30 days/).waitFor({ timeout: 120_000 });
  assert.deepEqual(problems, []);
});

/** Quote-aware CSV rows (RFC 4180), for reading the sample independently of the app. */
function parseCsvText(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function customersCsv(page) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Customers CSV", exact: true }).click()]);
  return parseCsvText(await readFile(await file.path(), "utf8")).filter((r) => r.length > 1);
}

test("returns as net revenue: each customer's cancellations and returns come off monetary, never below 0", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 900 });
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Downloads" }).waitFor({ timeout: 60_000 });
  const gross = await customersCsv(page);
  const header = gross[0];
  assert.ok(header.includes("monetary_total"), header.join());
  const reference = header.find((h) => h.startsWith("recency_days_to_")).slice("recency_days_to_".length);

  await page.getByText("RFM definitions").click();
  await page.getByLabel("Cancellations and returns", { exact: true }).selectOption("net");
  await page.getByRole("button", { name: "Re-run with these definitions" }).click();
  await page.getByText(/cancellations and returns are subtracted from monetary \(net revenue, never below 0\)/).first().waitFor({ timeout: 60_000 });
  assert.match(await page.getByRole("region", { name: "Data quality" }).innerText(), /Net revenue: \d+ cancellation and return lines subtracted/);
  const net = await customersCsv(page);
  assert.ok(net[0].includes("monetary_net_total"), net[0].join());

  // Independently of the app: each customer's returned value from the sample's
  // cancellation (C + digits) and negative-quantity lines dated before the reference date.
  const sample = parseCsvText(await readFile(join(ROOT, "public/sample.csv"), "utf8"));
  const [cols, ...lines] = sample;
  const at = (name) => cols.indexOf(name);
  const returned = new Map();
  for (const l of lines) {
    if (l.length !== cols.length) continue;
    const qty = Number(l[at("Quantity")]), price = Number(l[at("UnitPrice")]), id = l[at("CustomerID")].replace(/\.0$/, "");
    if (!id || !(/^C\d/i.test(l[at("InvoiceNo")]) || qty < 0)) continue;
    const [m, d, y] = l[at("InvoiceDate")].split(" ")[0].split("/").map(Number);
    const day = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (day >= reference || !(qty * price < 0)) continue;
    returned.set(id, (returned.get(id) ?? 0) - qty * price);
  }
  const money = (rows, column) => new Map(rows.slice(1).map((r) => [r[0], Number(r[rows[0].indexOf(column)])]));
  const before = money(gross, "monetary_total");
  const after = money(net, "monetary_net_total");
  assert.equal(after.size, before.size);
  let lowered = 0;
  for (const [id, g] of before) {
    const expected = Math.max(0, g - (returned.get(id) ?? 0));
    assert.ok(Math.abs(after.get(id) - expected) < 0.011, `${id}: ${after.get(id)} vs ${expected}`);
    if (after.get(id) < g) lowered += 1;
  }
  assert.ok(lowered > 0);
  assert.deepEqual(problems, []);
});
