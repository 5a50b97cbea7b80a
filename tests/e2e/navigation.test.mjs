// The section index: on a long dashboard, a bar of links to every section
// stays at the top, is reached with the keyboard, and marks where you are.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, openApp, screenshot } from "./harness.mjs";

const app = useApp();

test("the section index is keyboard-reachable, stays on screen and marks the section in view", async () => {
  const { page, problems } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Downloads" }).waitFor({ timeout: 60_000 });
  const index = page.getByRole("navigation", { name: "Sections" });
  const links = index.getByRole("link");
  assert.deepEqual(await links.allInnerTexts(), [
    "Overview", "Data quality", "Explore", "Segments", "Clusters", "Map", "Rules & classifier", "Value & churn", "Distributions", "Customers", "Downloads",
  ]);
  assert.equal(await index.getByRole("link", { name: "Overview" }).getAttribute("aria-current"), "location");

  // Tab from the Overview link to Clusters, then Enter.
  await index.getByRole("link", { name: "Overview" }).focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Clusters");
  await page.keyboard.press("Enter");
  const heading = page.locator("#clusters-title");
  await page.waitForFunction(() => {
    const top = document.getElementById("clusters-title")?.getBoundingClientRect().top ?? -1;
    return top > 0 && top < 150;
  });
  const bar = await index.boundingBox();
  const title = await heading.boundingBox();
  assert.ok(bar && bar.y <= 1, `the index stays at the top (y = ${bar?.y})`);
  assert.ok(title && bar && title.y >= bar.y + bar.height, "the heading stops below the index, not under it");
  await page.waitForFunction(() => document.querySelector('nav[aria-label="Sections"] a[aria-current]')?.textContent === "Clusters");
  await screenshot(page, "section-index-clusters");

  // Scrolling by hand moves the mark too; at the very bottom, where the last
  // heading cannot reach the bar, the last section on screen is marked.
  await page.mouse.move(640, 400);
  await page.mouse.wheel(0, -2000);
  await page.waitForFunction(() => document.querySelector('nav[aria-label="Sections"] a[aria-current]')?.textContent !== "Clusters");
  await page.mouse.wheel(0, 100_000);
  await page.waitForFunction(() => document.querySelector('nav[aria-label="Sections"] a[aria-current]')?.textContent === "Downloads");
  assert.deepEqual(problems, []);
});
