// A dropped file with unfamiliar headers goes through the column-mapping
// step: the missing columns are named, the user picks them, the run succeeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, openApp, screenshot } from "./harness.mjs";

const app = useApp();

/** Semicolon-separated, decimal commas, headers no exporter uses. */
function unfamiliarCsv() {
  const lines = ["ref;day;value;shop"];
  const days = ["03.01.2011", "15.02.2011", "28.03.2011", "09.05.2011", "21.06.2011", "30.07.2011"];
  for (let c = 0; c < 40; c++) {
    const purchases = 1 + (c % 5);
    for (let p = 0; p < purchases; p++) {
      lines.push(`K${1000 + c};${days[(c + p * 2) % days.length]};${(10 + c * 3.5 + p).toFixed(2).replace(".", ",")};Berlin`);
    }
  }
  return lines.join("\n") + "\n";
}

async function dropFile(page, name, text) {
  const dataTransfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: "text/csv" }));
    return dt;
  }, [name, text]);
  await page.dispatchEvent(".drop-zone", "drop", { dataTransfer });
}

test("a dropped file goes through the mapping step", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url);
  await dropFile(page, "shop-export.csv", unfamiliarCsv());
  const mapping = page.getByRole("region", { name: /Columns — shop-export\.csv/ });
  await mapping.waitFor({ timeout: 30_000 });
  assert.match(await mapping.innerText(), /semicolon delimited/);
  // Nothing maps to a customer id yet: the step says what is missing and Analyse is disabled.
  const alert = mapping.getByRole("alert");
  assert.match(await alert.innerText(), /customer id/);
  const analyse = mapping.getByRole("button", { name: "Analyse" });
  assert.equal(await analyse.isDisabled(), true);
  // The preview shows the file's own rows as text.
  assert.match(await mapping.getByRole("table", { name: "First rows of the file" }).innerText(), /K1000/);
  await screenshot(page, "mapping");

  await page.getByLabel("Column for customer id").selectOption({ label: "ref (1)" });
  await page.getByLabel("Column for date").selectOption({ label: "day (2)" });
  await page.getByLabel("Column for amount").selectOption({ label: "value (3)" });
  await page.getByLabel("Day and month order").selectOption("day");
  await mapping.waitFor();
  await page.getByRole("button", { name: "Analyse" }).click();
  const results = page.getByRole("region", { name: "Results" });
  await results.waitFor({ timeout: 60_000 });
  const customers = await page.locator(".card", { has: page.locator(".card-label", { hasText: /^customers$/ }) }).locator(".card-value").innerText();
  assert.equal(customers, "40");
  assert.equal(await page.getByRole("region", { name: /Columns —/ }).count(), 0, "the mapping step closes after a successful run");
  assert.deepEqual(problems, []);
});
