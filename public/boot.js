// Starts the app. An external file (not an inline script) so the page's
// Content-Security-Policy can forbid inline scripts entirely.
import init from "./segmento.js";
await init({ module_or_path: "./segmento_bg.wasm" });
