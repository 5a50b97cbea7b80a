// Records a Chromium CPU profile of one run (Analyse → results) and prints,
// per thread (page, analysis worker, helper), the functions with the most
// self time. Release builds carry no function names; for names, rebuild the
// worker's module with them (a copy of dist/ as SEGMENTO_DIST):
//   wasm-bindgen --target no-modules --keep-debug --out-dir W --out-name worker \
//     target/wasm32-unknown-unknown/release/worker.wasm
//   wasm-opt -O3 -g W/worker_bg.wasm -o COPY/worker_bg.wasm; cp W/worker.js COPY/
//     node bench/profile_run.mjs transactions.csv   (TOP=n functions per thread)
import { withAppPage, traceRun } from "./bench_page.mjs";
const file = process.argv[2];
const tracePath = process.argv[3] ?? "/tmp/segmento-profile.json";
await withAppPage(async (page, browser) => {
  const { summary, events } = await traceRun(page, browser, file, tracePath, ["v8.execute", "disabled-by-default-v8.cpu_profiler", "blink.user_timing"]);
  console.log(summary);
  const perThread = new Map();
  for (const e of events) {
    if (e.name !== "ProfileChunk") continue;
    const key = `${e.pid}:${e.tid}`;
    const st = perThread.get(key) ?? { nodes: new Map(), self: new Map(), total: 0 };
    perThread.set(key, st);
    const cp = e.args.data.cpuProfile ?? {};
    for (const n of cp.nodes ?? []) st.nodes.set(n.id, n.callFrame.functionName || n.callFrame.url || "(anon)");
    const samples = cp.samples ?? []; const deltas = e.args.data.timeDeltas ?? [];
    samples.forEach((id, i) => { const name = st.nodes.get(id) ?? "?"; st.self.set(name, (st.self.get(name) ?? 0) + (deltas[i] ?? 0)); st.total += deltas[i] ?? 0; });
  }
  for (const [key, st] of perThread) {
    // Each JavaScript context (page, worker, helper) has a profiler thread of its own.
    console.log(`== context ${key}: ${(st.total / 1000).toFixed(0)} ms sampled`);
    [...st.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25)).forEach(([n, t]) => console.log(`${(t / 1000).toFixed(0).padStart(6)} ms  ${n.slice(0, 100)}`));
  }
});
