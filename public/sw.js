// Service worker: keeps the app shell so Segmento opens and works offline
// after the first visit. Stale-while-revalidate: answer from the cache at
// once, refresh the copy in the background for the next visit. It only ever
// talks to the page's own origin, and never sees file contents (files are
// read from disk by the page, not fetched).
const CACHE = "segmento-shell-v3";
const SHELL = [
  "./",
  "./index.html",
  "./main.css",
  "./boot.js",
  "./segmento.js",
  "./segmento_bg.wasm",
  "./worker_loader.js",
  "./worker.js",
  "./worker_bg.wasm",
  "./workbook_loader.js",
  "./workbook.js",
  "./workbook_bg.wasm",
  "./parquet_loader.js",
  "./parquet.js",
  "./parquet_bg.wasm",
  "./sample.csv",
  "./favicon.svg",
  "./manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      const refresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(event.request, response.clone());
          return response;
        })
        .catch(() => cached);
      if (cached) {
        event.waitUntil(refresh.then(() => undefined));
        return cached;
      }
      return refresh;
    }),
  );
});
