// The model as SQL, end to end: the Labelling SQL downloads of a run on the
// sample, executed by DuckDB (and BigQuery's through sqlglot into DuckDB) on
// the page's own customers CSV, give every customer the segment and cluster
// the page gave it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { useApp, openApp, screenshot } from "./harness.mjs";

const app = useApp();
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Built by tests/reference/check_sql.sh, which scripts/test.sh runs first.
const PYTHON = join(ROOT, ".tools/duckvenv/bin/python");

async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: buttonName, exact: true }).click()]);
  return { path: await file.path(), name: file.suggestedFilename() };
}

/** customer_id → [segment, cluster, cluster name] from the customers CSV (no quoted cells in the sample). */
function labelsOf(csv) {
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  const columns = header.split(",");
  const at = (name) => columns.indexOf(name);
  return new Map(rows.map((r) => r.split(",")).map((c) => [c[at("customer_id")], [c[at("rfm_segment")], Number(c[at("cluster")]), c[at("cluster_name")]]]));
}

test("labelling SQL from the page labels the page's customers as the page did", async () => {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run tests/reference/check_sql.sh first (scripts/test.sh does)`);
  const { page, problems } = await openApp(app.browser, app.server.url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  const group = page.getByRole("group", { name: "Labelling SQL" });
  await group.scrollIntoViewIfNeeded();

  const customers = await download(page, "Customers CSV");
  const expected = labelsOf(await readFile(customers.path, "utf8"));
  assert.ok(expected.size > 100);
  const files = {};
  for (const [button, slug] of [["DuckDB", "duckdb"], ["Spark SQL", "spark"], ["BigQuery", "bigquery"]]) {
    const sql = await download(page, button);
    assert.equal(sql.name, `sample-labelling-${slug}.sql`);
    files[slug] = sql.path;
    const text = await readFile(sql.path, "utf8");
    assert.match(text, /^-- Segmento labelling SQL/);
    for (const id of expected.keys()) assert.ok(!text.includes(`'${id}'`), `the SQL must carry no customer id (${id})`);
  }
  assert.match(await readFile(files.spark, "utf8"), /createOrReplaceTempView\("rfm_table"\)/);
  assert.match(await readFile(files.bigquery, "utf8"), /FLOAT64/);

  for (const dialect of ["duckdb", "bigquery"]) {
    const out = execFileSync(PYTHON, [join(ROOT, "tests/reference/label_with_sql.py"), "--sql", files[dialect], "--dialect", dialect, "--customers", customers.path], { encoding: "utf8" });
    const labelled = new Map(Object.entries(JSON.parse(out)));
    assert.equal(labelled.size, expected.size, dialect);
    for (const [id, labels] of expected) assert.deepEqual(labelled.get(id), labels, `${dialect}: customer ${id}`);
  }
  assert.deepEqual(problems, []);
});

const FIXTURES = join(ROOT, "tests/fixtures");

async function choose(page, file) {
  await page.getByLabel("Choose a transactions file").setInputFiles(join(FIXTURES, file));
}

test("a Parquet RFM table from a warehouse opens like its CSV; zstd and damaged files get a message", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  const requests = [];
  page.context().on("request", (request) => requests.push(`${request.method()} ${request.url()}`));

  await choose(page, "rfm_table.parquet");
  await page.getByRole("heading", { name: "Overview — rfm_table.parquet" }).waitFor({ timeout: 60_000 });
  const quality = page.getByRole("region", { name: "Imported RFM table" });
  assert.match(await quality.innerText(), /198 customers read/);
  assert.match(await quality.innerText(), /reference date 2011-12-10 from the reference_date column/);
  const fromParquet = await readFile((await download(page, "Customers CSV")).path, "utf8");
  // Only the reader's own code was fetched, from the page's origin.
  const origin = new URL(app.server.url).origin;
  for (const r of requests) assert.ok(r.startsWith(`GET ${origin}/`), r);
  assert.ok(requests.some((r) => r.endsWith("/parquet_bg.wasm")), requests.join("\n"));

  await choose(page, "sql_duckdb_sample.csv");
  await page.getByRole("heading", { name: "Overview — sql_duckdb_sample.csv" }).waitFor({ timeout: 60_000 });
  const fromCsv = await readFile((await download(page, "Customers CSV")).path, "utf8");
  assert.equal(fromParquet, fromCsv, "the same customers CSV as from DuckDB's CSV of the table");

  await choose(page, "rfm_table_zstd.parquet");
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /compressed with ZSTD.*Snappy/s);
  await screenshot(page, "parquet-zstd-refused");
  assert.ok(await page.getByRole("heading", { name: "Overview — sql_duckdb_sample.csv" }).isVisible(), "the previous results stay");

  // A byte of rfm_table.parquet changed: the parquet crate panics on it,
  // which stops only the Parquet reader's worker.
  await choose(page, "damaged.parquet");
  await page.getByRole("alert").filter({ hasText: /Parquet reader stopped/ }).waitFor({ timeout: 60_000 });
  assert.ok(await page.getByRole("heading", { name: "Overview — sql_duckdb_sample.csv" }).isVisible(), "the previous results stay");
  assert.deepEqual(problems.filter((p) => !/parquet|unreachable|RuntimeError/i.test(p)), []);
});

test("transactions in Parquet go through the mapping step like a CSV", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await choose(page, "transactions_sample.parquet");
  await page.getByRole("button", { name: "Analyse" }).click({ timeout: 60_000 });
  await page.getByRole("heading", { name: "Overview — transactions_sample.parquet" }).waitFor({ timeout: 60_000 });
  const customers = labelsOf(await readFile((await download(page, "Customers CSV")).path, "utf8"));
  assert.equal(customers.size, 198);
  assert.deepEqual(problems, []);
});
