// Shared test harness: serves dist/ like a static host (with the same
// security headers) and starts Debian's Chromium headless via playwright-core.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DIST = process.env.SEGMENTO_DIST ?? join(ROOT, "dist");
export const SCREENSHOTS = join(ROOT, "artifacts", "screenshots");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".csv": "text/csv",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

/** The headers `public/_headers` gives every path, as a static host would send them. */
export async function hostHeaders() {
  const text = await readFile(join(ROOT, "public", "_headers"), "utf8");
  const headers = {};
  for (const line of text.split("\n")) {
    const match = line.match(/^\s+([A-Za-z-]+):\s*(.+)$/);
    if (match) headers[match[1]] = match[2].trim();
  }
  return headers;
}

/** Serves `dist` (default `DIST`) on a free loopback port with the host's security headers; resolves to { url, close }. */
export async function serveDist(dist = DIST) {
  const security = await hostHeaders();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = normalize(join(dist, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...security, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Chromium with a fresh profile and no background networking. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...(process.env.EXTRA_CHROMIUM_ARGS ?? "").split(" ").filter(Boolean),
    ],
  });
}

/** Opens the app in a new page; collects console errors and page crashes. */
export async function openApp(browser, url, viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  await page.goto(url);
  await page.getByRole("button", { name: "Try the sample data" }).waitFor();
  return { page, problems };
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Registers before/after hooks that serve dist/ and start Chromium for the
 * tests of one file; returns an object whose `server` and `browser` are set
 * once the hooks have run.
 */
export function useApp() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
