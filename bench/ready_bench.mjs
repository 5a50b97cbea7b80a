// Start-up: on a cold profile (a fresh browser each time, nothing cached),
// milliseconds from navigation to (a) the page's first button, (b) the
// engine ready to take a file (the analysis worker and its helper loaded:
// `body[data-worker-ready]`) and (c) warmed up (runs at full speed from
// here: `body[data-worker-warm]`). Prints JSON: every run and the medians.
// Usage: node bench/ready_bench.mjs [runs=3]
import { serveDist, launchBrowser } from "../tests/e2e/harness.mjs";

const runs = Number(process.argv[2] ?? 3);
const server = await serveDist();
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.addInitScript(() => {
        const seen = (window.__startup = {});
        const check = () => {
          seen.button ??= document.querySelector("button.primary") ? performance.now() : undefined;
          seen.ready ??= document.body?.hasAttribute("data-worker-ready") ? performance.now() : undefined;
          seen.warm ??= document.body?.hasAttribute("data-worker-warm") ? performance.now() : undefined;
        };
        new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
      });
      await page.goto(process.env.BENCH_QUERY ? `${server.url}?${process.env.BENCH_QUERY}` : server.url);
      await page.locator("body[data-worker-warm]").waitFor({ state: "attached", timeout: 60_000 });
      const { button, ready, warm } = await page.evaluate(() => window.__startup);
      results.push({ button_ms: Math.round(button), ready_ms: Math.round(ready), warm_ms: Math.round(warm) });
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  runs: results,
  median_button_ms: median(results.map((r) => r.button_ms)),
  median_ready_ms: median(results.map((r) => r.ready_ms)),
  median_warm_ms: median(results.map((r) => r.warm_ms)),
}));
