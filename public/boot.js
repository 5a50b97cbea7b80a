// Starts the app. An external file (not an inline script) so the page's
// Content-Security-Policy can forbid inline scripts entirely.
import init from "./segmento.js";

// Offline after the first visit (see sw.js); the app works without it too.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
await init({ module_or_path: "./segmento_bg.wasm" });
