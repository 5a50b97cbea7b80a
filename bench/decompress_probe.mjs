// Probes, in headless Chromium, what reading a compressed file while it is
// decompressed costs besides the decompression: the browser's
// DecompressionStream alone (in the page and in a worker), and, in a worker,
// gathering 131 MB of 64 KiB pieces into blobs and reading them back, against
// copying them into one buffer (what the helper's batches do).
//     node bench/decompress_probe.mjs FILE.csv.gz
import { chromium } from "../tests/e2e/node_modules/playwright-core/index.mjs";

const file = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
await page.setContent(`<input type=file id=f>`);
await page.setInputFiles("#f", file);
for (const variant of ["page", "page", "worker", "worker"]) {
  const ms = await page.evaluate(async (variant) => {
    const file = document.getElementById("f").files[0];
    const run = async (file) => {
      const t0 = performance.now();
      let bytes = 0;
      await file.stream().pipeThrough(new DecompressionStream("gzip")).pipeTo(new WritableStream({ write(piece) { bytes += piece.length; } }));
      return performance.now() - t0;
    };
    if (variant === "page") return run(file);
    const source = `onmessage = async (e) => postMessage(await (${run.toString()})(e.data));`;
    const worker = new Worker(URL.createObjectURL(new Blob([source])));
    return new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.postMessage(file); });
  }, variant);
  console.log(`DecompressionStream into a counting sink, in the ${variant}: ${ms.toFixed(0)} ms`);
}
for (let run = 0; run < 2; run++) {
  const timings = await page.evaluate(async () => {
    const source = `onmessage = async () => {
      const pieces = [];
      for (let i = 0; i < 2000; i++) { const piece = new Uint8Array(65536); piece[0] = i; pieces.push(piece); }
      let t0 = performance.now();
      const blobs = [];
      for (let i = 0; i < pieces.length; i += 64) blobs.push(new Blob(pieces.slice(i, i + 64)));
      const build = performance.now() - t0;
      t0 = performance.now();
      for (const blob of blobs) await blob.arrayBuffer();
      const read = performance.now() - t0;
      t0 = performance.now();
      const batch = new Uint8Array(4 << 20);
      let at = 0;
      for (const piece of pieces) { if (at + piece.length > batch.length) at = 0; batch.set(piece, at); at += piece.length; }
      postMessage({ build, read, copy: performance.now() - t0 }); }`;
    const worker = new Worker(URL.createObjectURL(new Blob([source])));
    return new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.postMessage(0); });
  });
  console.log(`131 MB in 64 KiB pieces, in a worker: into 4 MiB blobs ${timings.build.toFixed(0)} ms, read back ${timings.read.toFixed(0)} ms; copied into a 4 MiB batch ${timings.copy.toFixed(0)} ms`);
}
await browser.close();
