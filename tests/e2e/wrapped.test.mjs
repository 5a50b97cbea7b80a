// Files as shops have them: gzip-compressed (by Node's zlib here) and a ZIP
// export bundle (by Python's zipfile) open in the browser and give exactly
// the results, and the downloads, of the plain CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { useApp, openApp, screenshot, DIST } from "./harness.mjs";

const app = useApp();
const FIXTURES = new URL("../fixtures/", import.meta.url);

/** Chooses a file, goes through the mapping step, analyses; returns the mapping text and the customers CSV. */
async function analyse(page, file, choose = async () => {}) {
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  const mapping = page.getByRole("region", { name: /Columns — / });
  await mapping.waitFor({ timeout: 60_000 });
  await choose(page, mapping);
  const said = await mapping.innerText();
  await mapping.getByRole("button", { name: "Analyse" }).click();
  // An earlier run's results stay on the page until this one ends.
  await page.getByRole("region", { name: "Progress" }).waitFor({ state: "detached", timeout: 60_000 });
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Customers CSV" }).click(),
  ]);
  return { said, customers: await readFile(await download.path(), "utf8"), quality: await page.locator(".quality").first().innerText().catch(() => "") };
}

test("a .csv.gz and a .zip give the plain CSV's results", async () => {
  const sample = await readFile(join(DIST, "sample.csv"));
  const plainPage = await openApp(app.browser, app.server.url);
  const plain = await analyse(plainPage.page, { name: "orders.csv", mimeType: "text/csv", buffer: sample });

  const gz = await openApp(app.browser, app.server.url);
  // The file chooser offers them too, not only CSV files.
  const accepted = (await gz.page.getByLabel("Choose a transactions file").getAttribute("accept")).split(",");
  for (const extension of [".gz", ".zip", ".xlsx", ".xls", ".ods"]) assert.ok(accepted.includes(extension), `${extension} in ${accepted}`);
  const gzipped = await analyse(gz.page, { name: "orders.csv.gz", mimeType: "application/gzip", buffer: gzipSync(sample) });
  assert.match(gzipped.said, /Read: gzip-compressed: 0\.5 MB of text from 0\.1 MB\./);
  assert.equal(gzipped.customers, plain.customers);
  // Read while the second worker decompressed it, in two parts joined.
  assert.match(await gz.page.locator(".run-stats").innerText(), /^Read in \d+ ms \(2 workers\)/);

  const zipped = await openApp(app.browser, app.server.url);
  const archive = await readFile(new URL("sample_export.zip", FIXTURES));
  let offered = [];
  const fromZip = await analyse(zipped.page, { name: "export.zip", mimeType: "application/zip", buffer: archive }, async (page) => {
    offered = await page.getByLabel("File in the archive").locator("option").allInnerTexts();
  });
  // The largest of its three text files by default, and a chooser for the others.
  assert.match(fromZip.said, /Read: "export\/orders\.csv" from the ZIP archive \(0\.5 MB of its 3 text files\)\./);
  assert.deepEqual(offered, ["README.txt", "export/orders.csv", "export/refunds.csv"]);
  assert.equal(fromZip.customers, plain.customers);
  assert.match(await zipped.page.locator(".run-stats").innerText(), /^Read in \d+ ms \(2 workers\)/);
  await screenshot(zipped.page, "zip-export");

  // Choosing the other CSV in the archive reads that one.
  await zipped.page.getByLabel("Choose a transactions file").setInputFiles({ name: "export.zip", mimeType: "application/zip", buffer: archive });
  const mapping = zipped.page.getByRole("region", { name: /Columns — / });
  await mapping.waitFor({ timeout: 60_000 });
  await zipped.page.getByLabel("File in the archive").selectOption("export/refunds.csv");
  await mapping.getByText(/Read: "export\/refunds\.csv" from the ZIP archive/).waitFor({ timeout: 30_000 });
  assert.match(await mapping.getByRole("table", { name: "First rows of the file" }).innerText(), /12348\t2011-02-07\t22\.50/);

  for (const { problems } of [plainPage, gz, zipped]) assert.deepEqual(problems, []);
});

test("a damaged gzip file says so and the previous results stay", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const sample = await readFile(join(DIST, "sample.csv"));
  const cut = gzipSync(sample).subarray(0, 20_000);
  await page.getByLabel("Choose a transactions file").setInputFiles({ name: "cut.csv.gz", mimeType: "application/gzip", buffer: cut });
  // The mapping step decompresses only the file's first rows, which are
  // whole: the damage shows when the run reaches it.
  const mapping = page.getByRole("region", { name: /Columns — / });
  await mapping.waitFor({ timeout: 30_000 });
  // Its last bytes are not a size a text of this file could have: no size is claimed.
  assert.match(await mapping.innerText(), /Read: gzip-compressed: 0\.0 MB\./);
  await mapping.getByRole("button", { name: "Analyse" }).click();
  const alert = page.getByRole("alert").filter({ hasText: /could not be decompressed/ });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /damaged or incomplete/);
  assert.equal(await page.getByRole("region", { name: "Results" }).count(), 1, "the sample's results stay");

  // Two gzip files joined end to end (`gzip >>`): the browser reads only the
  // first, and the message says what to do.
  const half = sample.indexOf(0x0a, sample.length >> 1) + 1;
  const joined = Buffer.concat([gzipSync(sample.subarray(0, half)), gzipSync(sample.subarray(half))]);
  await page.getByLabel("Choose a transactions file").setInputFiles({ name: "joined.csv.gz", mimeType: "application/gzip", buffer: joined });
  await mapping.waitFor({ timeout: 30_000 });
  await mapping.getByRole("button", { name: "Analyse" }).click();
  const joinedAlert = page.getByRole("alert").filter({ hasText: /several gzip files joined/ });
  await joinedAlert.waitFor({ timeout: 30_000 });
  assert.match(await joinedAlert.innerText(), /gzip -dc joined\.gz \| gzip > one\.gz/);
  assert.equal(await page.getByRole("region", { name: "Results" }).count(), 1, "the sample's results stay");
  assert.deepEqual(problems.filter((p) => !/could not be decompressed/.test(p)), []);
});

test("an .xlsx workbook (openpyxl) opens, a sheet is chosen, all sheets are joined", async () => {
  const sample = await readFile(join(DIST, "sample.csv"));
  const plainPage = await openApp(app.browser, app.server.url);
  const plain = await analyse(plainPage.page, { name: "orders.csv", mimeType: "text/csv", buffer: sample });

  const book = await openApp(app.browser, app.server.url);
  const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const one = await analyse(book.page, { name: "sample.xlsx", mimeType: xlsx, buffer: await readFile(new URL("sample.xlsx", FIXTURES)) });
  assert.match(one.said, /Read: sheet Online Retail: 6,001 rows\./);
  // The workbook stores customer ids as numbers, so the sample's two lines of
  // invoice 537695 that differ only by "13417" and "13417.0" are one line
  // twice there (an exact duplicate): every other customer is the CSV's.
  const others = (csv) => csv.trim().split("\n").filter((line) => !line.startsWith("13417,"));
  assert.deepEqual(others(one.customers), others(plain.customers));
  assert.equal(one.customers.trim().split("\n").length, plain.customers.trim().split("\n").length);

  // Two sheets (the sample split by date): one sheet alone, then both.
  const twoPage = await openApp(app.browser, app.server.url);
  const two = { name: "two_sheets.xlsx", mimeType: xlsx, buffer: await readFile(new URL("two_sheets.xlsx", FIXTURES)) };
  let sheets = [];
  const first = await analyse(twoPage.page, two, async (page) => {
    sheets = await page.getByLabel("Sheet", { exact: true }).locator("option").allInnerTexts();
  });
  assert.equal(sheets.length, 3, `two sheets and "all sheets": ${sheets}`);
  assert.ok(first.customers.trim().split("\n").length < one.customers.trim().split("\n").length);
  const both = await analyse(twoPage.page, two, async (page, mapping) => {
    await page.getByLabel("Sheet", { exact: true }).selectOption("all");
    await mapping.getByText(/concatenated/).waitFor({ timeout: 60_000 });
  });
  // The sheets hold the sample's rows split by date, so customers come in
  // another order: the same R, F, M, scores and segments (k-means starts
  // from the customers in file order, so a customer on a cluster border may
  // fall on the other side).
  const sorted = (csv) => csv.trim().split(/\r?\n/).map((line) => line.split(",").slice(0, 9).join(",")).sort();
  assert.deepEqual(sorted(both.customers), sorted(one.customers));
  await screenshot(twoPage.page, "workbook-all-sheets");
  for (const { problems } of [plainPage, book, twoPage]) assert.deepEqual(problems, []);
});

test("an aligned text export without a header (CDNOW-like) reads like its CSV", async () => {
  const text = await readFile(new URL("cdnow_like.txt", FIXTURES), "utf8");
  // The same purchases as a plain CSV with a header, split here by the test.
  const rows = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => line.split(/\s+/));
  const csv = ["customer_id,date,items,amount", ...rows.map((r) => r.join(","))].join("\n") + "\n";
  const plainPage = await openApp(app.browser, app.server.url);
  const plain = await analyse(plainPage.page, { name: "cdnow.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

  const aligned = await openApp(app.browser, app.server.url);
  const fromText = await analyse(aligned.page, { name: "CDNOW_master.txt", mimeType: "text/plain", buffer: Buffer.from(text) }, async (page) => {
    assert.equal(await page.getByLabel("Delimiter").inputValue(), String(" ".charCodeAt(0)));
    assert.equal(await page.getByLabel("First row is a header").isChecked(), false);
  });
  assert.match(fromText.said, /spaces delimited/);
  assert.match(fromText.said, /the first row looks like data \(00001, 19970106, 4, 77\.23\)/);
  assert.match(fromText.said, /compact/i);
  // Same customers, same R, F, M (the columns are named differently: column 1…).
  assert.equal(fromText.customers.split("\n").slice(1).join("\n"), plain.customers.split("\n").slice(1).join("\n"));
  await screenshot(aligned.page, "aligned-text");
  for (const { problems } of [plainPage, aligned]) assert.deepEqual(problems, []);
});

test("a damaged .xls that stops the workbook reader says so, and the previous results stay", async () => {
  // Found by the container fuzz target: calamine panics on this compound file.
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const buffer = await readFile(new URL("damaged_cfb.xls", FIXTURES));
  await page.getByLabel("Choose a transactions file").setInputFiles({ name: "damaged.xls", mimeType: "application/vnd.ms-excel", buffer });
  const alert = page.getByRole("alert").filter({ hasText: /workbook/i });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /damaged|could not|cannot/i);
  assert.equal(await page.getByRole("region", { name: "Results" }).count(), 1, "the sample's results stay");
  assert.deepEqual(problems.filter((p) => !/unreachable|workbook|RuntimeError|panicked/i.test(p)), []);
});

/**
 * The sample with one line repeated right where a first-line-break cut of
 * its gzipped text would fall (the first line break from 80% of the text
 * on): the repeat and its original share an invoice.
 */
function sampleWithRepeatAtTheCut(sample) {
  const text = sample.toString("latin1"); // a character per byte, as the cut counts
  const breaks = [...text.matchAll(/\n/g)].map((m) => m.index);
  for (let i = 1; i < breaks.length; i++) {
    const [previous, end] = [breaks[i - 1], breaks[i]];
    const line = text.slice(previous + 1, end + 1);
    if (line.split(",")[0] !== text.slice(end + 1, end + 40).split(",")[0]) continue; // the next line is of another invoice
    const cutFrom = Math.floor((text.length + line.length) * 0.8);
    if (cutFrom > previous && cutFrom <= end) return text.slice(0, end + 1) + line + text.slice(end + 1);
  }
  throw new Error("no line fits");
}

test("a .csv.gz whose cut would separate a line from its repeat is still read in two parts", async () => {
  const text = Buffer.from(sampleWithRepeatAtTheCut(await readFile(join(DIST, "sample.csv"))), "latin1");
  const plainPage = await openApp(app.browser, app.server.url);
  const plain = await analyse(plainPage.page, { name: "orders.csv", mimeType: "text/csv", buffer: text });
  const gz = await openApp(app.browser, app.server.url);
  const gzipped = await analyse(gz.page, { name: "orders.csv.gz", mimeType: "application/gzip", buffer: gzipSync(text) });
  assert.equal(gzipped.customers, plain.customers);
  // Cut at the end of the invoice, so the parts join.
  assert.match(await gz.page.locator(".run-stats").innerText(), /^Read in \d+ ms \(2 workers\)/);
  for (const { problems } of [plainPage, gz]) assert.deepEqual(problems, []);
});
