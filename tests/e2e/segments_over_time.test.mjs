// Segments over time and segment presets on the bundled sample: the
// migration at the default date (every customer once in the matrix, the
// customers CSV gains the earlier segment), Shopify's groups, and scores
// from cut points.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { useApp, openApp, screenshot } from "./harness.mjs";

const app = useApp();

async function openSample() {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 900 });
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Downloads" }).waitFor({ timeout: 60_000 });
  return { page, problems };
}

/** The customers CSV as { header, rows } (no quoted commas in the sample's cells we read). */
async function customersCsv(page) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Customers CSV" }).click(),
  ]);
  const lines = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((c, i) => [header[i], c])));
  return { header, rows };
}

const customersOnCard = async (page) =>
  Number((await page.locator(".card", { hasText: "customers" }).first().locator(".card-value").innerText()).replace(/,/g, ""));

test("segments over time at the default date: every customer once, and the CSV gains the earlier segment", async () => {
  const { page, problems } = await openSample();
  const customers = await customersOnCard(page);
  const block = page.locator(".segments-over-time");
  await block.scrollIntoViewIfNeeded();
  const reference = (await block.innerText()).match(/reference date (\d{4}-\d{2}-\d{2})/)[1];
  const expected = new Date(Date.parse(reference) - 90 * 86_400_000).toISOString().slice(0, 10);
  const input = block.getByLabel("Earlier as-of date");
  assert.equal(await input.inputValue(), expected, "the default is the reference date minus 90 days");
  // Keyboard: Enter on the focused button compares.
  await block.getByRole("button", { name: "Compare segments" }).focus();
  await page.keyboard.press("Enter");
  await block.locator(".migration-total").waitFor({ timeout: 30_000 });
  assert.match(await block.locator(".migration-total").innerText(), new RegExp(`^${customers} customers in the matrix`));
  // The table's row totals add up to the customers analysed.
  const totals = await block.locator("table.migration tbody tr td:last-child").allInnerTexts();
  assert.equal(totals.map((t) => Number(t.replace(/,/g, ""))).reduce((a, b) => a + b, 0), customers);
  assert.equal(await block.locator("table.migration tbody tr th").last().innerText(), "New since");
  const flows = await block.locator("ol.flows li").allInnerTexts();
  assert.ok(flows.length > 0);
  for (const flow of flows) assert.match(flow, /^\d+ .+ became .+$/);
  assert.equal(await block.locator("canvas").count(), 1);
  await screenshot(page, "segments-over-time");

  const { header, rows } = await customersCsv(page);
  const column = "previous_segment";
  assert.ok(header.includes(column), header.join(","));
  assert.ok(rows.every((r) => r.previous_segment_as_of === expected));
  assert.equal(rows.length, customers);
  assert.ok(rows.some((r) => r[column] === "New since"));
  assert.ok(rows.every((r) => r[column] !== ""));

  // A date after the reference date says what to do, next to the date.
  await input.fill("2030-01-01");
  await block.getByRole("button", { name: "Compare segments" }).click();
  await block.getByRole("alert").waitFor();
  assert.match(await block.getByRole("alert").innerText(), /before the reference date .*choose an earlier date/);
  assert.deepEqual(problems, []);
});

test("Shopify's groups replace the grid's names", async () => {
  const { page, problems } = await openSample();
  const section = page.getByRole("region", { name: /RFM segments/ });
  await section.scrollIntoViewIfNeeded();
  await section.getByLabel("Segment groups").selectOption("shopify");
  await section.getByRole("button", { name: "Apply segments" }).click();
  await page.locator(".definitions", { hasText: "Shopify" }).first().waitFor({ timeout: 10_000 });
  const shopify = ["Champions", "Loyal", "Active", "Promising", "New", "Needs attention", "At risk", "Previously loyal", "Almost lost", "Dormant"];
  const section2 = page.getByRole("region", { name: /RFM segments/ });
  await section2.locator("table.segments tbody tr").first().waitFor();
  const names = await section2.locator("table.segments tbody td:first-child strong").allInnerTexts();
  assert.ok(names.length >= 4, names.join(", "));
  for (const name of names) assert.ok(shopify.includes(name), `${name} is one of Shopify's groups`);
  assert.ok(names.includes("Needs attention") || names.includes("At risk") || names.includes("Dormant"));
  assert.equal(await section2.getByText("Edit segment names (R × F grid)").count(), 0, "the grid editor is for the grid");
  assert.deepEqual(problems, []);
});

test("cut points replace quantile scores, with the documented boundaries", async () => {
  const { page, problems } = await openSample();
  const before = await customersCsv(page);
  const section = page.getByRole("region", { name: /RFM segments/ });
  await section.scrollIntoViewIfNeeded();
  await section.getByRole("radio", { name: "cut points" }).check();
  // Wrong order is refused with what to do.
  await section.getByLabel("Recency cut points (days)").fill("90 / 30 / 180 / 365");
  await section.getByRole("button", { name: "Apply segments" }).click();
  assert.match(await section.getByRole("alert").innerText(), /Recency: cut points must go up \(90 is followed by 30\)/);
  await section.getByLabel("Recency cut points (days)").fill("30 / 90 / 180 / 365");
  await section.getByLabel("Frequency cut points").fill("2 / 3 / 5 / 10");
  await section.getByLabel("Monetary cut points").fill("100 / 250 / 500 / 1000");
  await section.getByRole("button", { name: "Apply segments" }).click();
  await page.locator(".definitions", { hasText: "scores from cut points" }).first().waitFor({ timeout: 10_000 });
  const after = await customersCsv(page);
  const recencyColumn = after.header.find((h) => h.startsWith("recency_days_to_"));
  const score = (v, cuts, lowerIsBetter) =>
    lowerIsBetter ? cuts.length + 1 - cuts.filter((c) => v > c).length : 1 + cuts.filter((c) => v >= c).length;
  for (const row of after.rows) {
    assert.equal(Number(row.r_score), score(Number(row[recencyColumn]), [30, 90, 180, 365], true), JSON.stringify(row));
    assert.equal(Number(row.f_score), score(Number(row.frequency_invoices), [2, 3, 5, 10], false), JSON.stringify(row));
    assert.equal(Number(row.m_score), score(Number(row.monetary_total), [100, 250, 500, 1000], false), JSON.stringify(row));
  }
  const changed = after.rows.filter((r, i) => r.r_score !== before.rows[i].r_score || r.f_score !== before.rows[i].f_score || r.m_score !== before.rows[i].m_score);
  assert.ok(changed.length > 0, "some scores changed");
  await screenshot(page, "segment-cut-points");
  assert.deepEqual(problems, []);
});
