// How much optimising compilation of WebAssembly (V8's TurboFan tier-up,
// on background threads) happens during one run, by phase: while reading,
// while analysing and after the analysis (the page drawing the dashboard).
// On a two-core machine that compilation takes CPU from the workers. Prints
// the run's summary line and the CPU ms of `wasm.TopTierCompilation` events.
//     node bench/compile_during_run.mjs transactions.csv
// BENCH_QUERY (e.g. "warm_up=0") and SEGMENTO_DIST work as for browser_bench.mjs.
import { withAppPage, traceRun } from "./bench_page.mjs";

const file = process.argv[2];
await withAppPage(async (page, browser) => {
  const { summary, events } = await traceRun(page, browser, file, "/tmp/segmento-compile-trace.json", ["v8.wasm", "blink.user_timing"]);
  const marks = events.filter((e) => e.cat?.includes("blink.user_timing"));
  const at = (name) => marks.find((e) => e.name === name)?.ts ?? Infinity;
  const readDone = at("read: done");
  const analysed = at("analysis: done");
  const ms = { read: 0, analyse: 0, after: 0 };
  for (const e of events) {
    if (e.name !== "wasm.TopTierCompilation") continue;
    // Thread time when the trace has it: the CPU the compilation took.
    const cpu = (e.tdur ?? e.dur ?? 0) / 1000;
    if (e.ts < readDone) ms.read += cpu;
    else if (e.ts < analysed) ms.analyse += cpu;
    else ms.after += cpu;
  }
  console.log(`${summary}\ncompilation CPU ms: reading ${ms.read.toFixed(0)}, analysing ${ms.analyse.toFixed(0)}, after ${ms.after.toFixed(0)}`);
});
