// Starts the app. An external file (not an inline script) so the page's
// Content-Security-Policy can forbid inline scripts entirely.
import init from "./segmento.js";

// Offline after the first visit (see sw.js); the app works without it too.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
// The app is built with WebAssembly SIMD (see .cargo/config.toml): a browser
// without it could not even load the module, so say so instead of a blank page.
// A minimal module using one SIMD instruction (i8x16.splat), as wasm-feature-detect does.
const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
if (typeof WebAssembly !== "object" || !WebAssembly.validate(simd)) {
  const message = document.createElement("p");
  message.className = "unsupported";
  message.textContent = "Segmento needs a browser with WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or newer). Your data never left this computer.";
  document.body.append(message);
} else {
  await init({ module_or_path: "./segmento_bg.wasm" });
}
