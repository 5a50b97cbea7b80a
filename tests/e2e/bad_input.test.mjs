// Bad input never crashes the app: each file ends in a clear message (or a
// sane result), and the results already on screen stay intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { useApp, openApp } from "./harness.mjs";

const app = useApp();
const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const line = (inv, qty, date, price, customer, description = "MUG") => `${inv},85123A,${description},${qty},${date},${price},${customer},United Kingdom`;

/** Files that must be refused, with the words the message must contain. */
const REFUSED = [
  ["empty.csv", Buffer.alloc(0), /empty/],
  ["binary.csv", Buffer.from([0, 1, 2, 3, 255, 254, 0, 7, 8, 0]), /not look like a text file|NUL|binary/i],
  ["photo.csv", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]), /PNG/],
  ["header-only.csv", Buffer.from(HEADER + "\n"), /no data rows|header/i],
  ["all-cancelled.csv", Buffer.from([HEADER, line("C1", -1, "12/1/2010 8:26", 2.5, 17850), line("C2", -2, "12/2/2010 8:26", 2.5, 17851)].join("\n")), /cancel/i],
  ["one-customer.csv", Buffer.from([HEADER, line(1, 1, "12/1/2010 8:26", 2.5, 17850), line(2, 3, "12/5/2010 8:26", 4, 17850)].join("\n")), /at least 2 customers/],
  ["twins.csv", Buffer.from([HEADER, line(1, 1, "12/1/2010 8:26", 2.5, 17850), line(2, 1, "12/1/2010 8:26", 2.5, 17851)].join("\n")), /at least 2 customers who differ/],
  ["one-long-line.csv", Buffer.from("x".repeat(10 * 1024 * 1024)), /cannot be a header row/],
];

async function runSample(page) {
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  return page.locator("#overview-title").innerText();
}

/** Loads a file; if the mapping step opens and allows it, presses Analyse. */
async function submit(page, name, buffer) {
  await page.getByLabel("Choose a transactions file").setInputFiles({ name, mimeType: "text/csv", buffer });
  const analyse = page.getByRole("button", { name: "Analyse" });
  const alert = page.locator(".error[role=alert]").first();
  await Promise.race([analyse.waitFor({ timeout: 60_000 }), alert.waitFor({ timeout: 60_000 })]);
  if ((await analyse.count()) > 0 && !(await analyse.isDisabled())) await analyse.click();
}

test("refused files give a clear message and keep the previous results", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  const before = await runSample(page);
  for (const [name, buffer, expected] of REFUSED) {
    await submit(page, name, buffer);
    const message = page.locator(".error[role=alert]").first();
    await message.waitFor({ timeout: 60_000 });
    assert.match(await message.innerText(), expected, name);
    assert.equal(await page.locator("#overview-title").innerText(), before, `${name}: previous results must stay`);
    const dismiss = page.getByRole("button", { name: "Dismiss" });
    if (await dismiss.count()) await dismiss.click();
    const close = page.getByRole("button", { name: "Close" });
    if (await close.count()) await close.click();
  }
  assert.deepEqual(problems, []);
});

test("odd but usable files work, and file text is shown as text and neutralised in the export", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  const customers = [];
  for (let c = 0; c < 30; c++) customers.push(c);
  const rows = [HEADER];
  customers.forEach((c) => {
    for (let p = 0; p <= c % 4; p++) rows.push(line(1000 + c * 10 + p, 1 + p, `${1 + (c % 12)}/${1 + p}/2011 10:00`, (2 + c).toFixed(2), 20000 + c));
  });
  // Formula injection and markup in text fields; a ragged row; a date in the future; Latin-1 bytes.
  rows.push(line(9001, 1, "3/3/2011 10:00", 5, '"=HYPERLINK(""http://evil.example"",""x"")"'));
  rows.push(line(9002, 1, "3/4/2011 10:00", 5, "<img src=x onerror=alert(1)>"));
  rows.push("9003,85123A,RAGGED");
  rows.push(line(9004, 2, "1/1/2031 10:00", 5, 20001));
  const latin1 = Buffer.from(line(9005, 1, "3/5/2011 10:00", 3, 20002, "CAF\u00c9 M\u00dcG") + "\n", "latin1");
  const file = Buffer.concat([Buffer.from(rows.join("\n") + "\n", "utf8"), latin1]);
  await submit(page, "odd.csv", file);
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  // The ragged row is reported with its line number; the markup never became an element.
  assert.match(await page.getByRole("region", { name: "Results" }).innerText(), /line \d+: .*expected 8 fields|fields/i);
  assert.equal(await page.locator("img[src=x]").count(), 0);
  await page.getByLabel("Search customers").fill("<img");
  await page.getByRole("cell", { name: "<img src=x onerror=alert(1)>" }).waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Customers CSV", exact: true }).click()]);
  const csv = await readFile(await download.path(), "utf8");
  // The cell holds quotes and commas, so it is quoted; inside, it starts with the neutralising '.
  assert.match(csv, /^"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)"/m, "formula cells are neutralised");
  assert.doesNotMatch(csv, /^"?=/m);
  // k larger than the customers is impossible to choose: the sweep stops at the distinct customers.
  assert.ok((await page.getByRole("radiogroup", { name: "Number of clusters" }).getByRole("radio").count()) <= 9);
  assert.deepEqual(problems, []);
});

test("dates from 1900 to 9999 are set aside and said; with the rule off the run still ends", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  const rows = [HEADER];
  for (let c = 0; c < 30; c++) for (let p = 0; p <= c % 3; p++) rows.push(line(1000 + c * 10 + p, 1 + p, `${1 + (c % 12)}/${1 + p}/2011 10:00`, (2 + c).toFixed(2), 20000 + c));
  rows.push(line(9001, 1, "1/1/1900 00:00", 5, 20001));
  rows.push(line(9002, 1, "12/31/9999 23:59", 5, 20002));
  await submit(page, "typos.csv", Buffer.from(rows.join("\n") + "\n"));
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 60_000 });
  // A year from today, as the page's clock gives it.
  const now = new Date(Date.now() + 365 * 86_400_000);
  const latest = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  const rule = page.getByRole("row").filter({ hasText: `dates before 1990-01-01 or after ${latest}` });
  assert.match(await rule.innerText(), /\b2\b/);
  assert.match(await results.innerText(), /date 1900-01-01 is not within/);

  // Switched off, the typos are kept as the user asked: a run still ends (the
  // reference date is then the year 10000's first day).
  await page.getByLabel(`Apply rule: dates before 1990-01-01 or after ${latest}`).uncheck();
  await page.getByRole("button", { name: "Re-run with these rules" }).click();
  await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 60_000 });
  await page.getByText(/10000-01-01/).first().waitFor({ timeout: 60_000 });
  assert.deepEqual(problems, []);
});
