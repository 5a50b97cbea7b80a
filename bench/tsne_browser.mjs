// Times the customer map (t-SNE, default settings: a sample of at most
// 5,000 customers) in headless Chromium on one file, as the page shows it,
// and prints one JSON line.
//     node bench/tsne_browser.mjs transactions.csv
import { withAppPage } from "./bench_page.mjs";

const file = process.argv[2];
await withAppPage(async (page) => {
  await page.getByLabel("Choose a transactions file").setInputFiles(file);
  await page.getByRole("button", { name: "Analyse" }).click({ timeout: 120_000 });
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 1_800_000 });
  const section = page.getByRole("region", { name: "Customer map (t-SNE)" });
  await section.waitFor({ timeout: 60_000 });
  const started = Date.now();
  await section.getByRole("button", { name: "Draw the map" }).click();
  await section.locator("figure canvas").waitFor({ timeout: 1_800_000 });
  const wall = (Date.now() - started) / 1000;
  const note = await section.locator(".embedding-note").innerText();
  const worker = Number(note.match(/in ([\d.]+) s\./)[1]);
  console.log(JSON.stringify({ note, worker_seconds: worker, click_to_map_seconds: wall }));
});
