// Records a Chromium performance trace of one run (file chosen → results on
// screen) and prints the main thread's and the workers' busiest stretches:
// where the time between "Analyse" and the dashboard goes.
//     node bench/trace_run.mjs transactions.csv [trace.json]
import { withAppPage, traceRun } from "./bench_page.mjs";

const file = process.argv[2];
const tracePath = process.argv[3] ?? "/tmp/segmento-trace.json";
await withAppPage(async (page, browser) => {
  const { summary, events } = await traceRun(page, browser, file, tracePath, ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "v8.execute"]);
  console.log(summary);
  const threads = new Map();
  for (const e of events) if (e.name === "thread_name") threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const tasks = events.filter((e) => e.name === "RunTask" && e.dur > 5000);
  const t0 = Math.min(...tasks.map((e) => e.ts));
  // The app's performance marks (see src/app/marks.rs), in order.
  const navigationTiming = /^(navigationStart|fetchStart|unloadEvent|redirect|domain|connect|secureConnection|request|response|dom|loadEvent)/;
  const marks = events.filter((e) => e.cat?.includes("blink.user_timing") && (e.ph === "R" || e.ph === "I" || e.ph === "n") && e.ts >= t0 && !navigationTiming.test(e.name));
  for (const e of marks.sort((a, b) => a.ts - b.ts)) console.log(`${((e.ts - t0) / 1000).toFixed(0).padStart(6)} ms  mark: ${e.name}`);
  for (const e of tasks.sort((a, b) => a.ts - b.ts)) {
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? "?";
    if (!/CrRendererMain|Worker/.test(thread)) continue;
    console.log(`${((e.ts - t0) / 1000).toFixed(0).padStart(6)} ms  ${(e.dur / 1000).toFixed(1).padStart(7)} ms  ${thread}`);
  }
});
