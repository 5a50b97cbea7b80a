// The container's web server configuration (deploy/nginx.conf, which the
// Dockerfile installs) run with Debian's nginx against dist/: the same security
// headers as the other hosts, the right content types, and the app works.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DIST, hostHeaders, launchBrowser, openApp } from "./harness.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";
let nginx;
let url;
let browser;

async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "segmento-nginx-"));
  const port = await freePort();
  const server = (await readFile(join(ROOT, "deploy", "nginx.conf"), "utf8"))
    .replace("listen 8080;", `listen 127.0.0.1:${port};`)
    .replace("root /usr/share/nginx/html;", `root ${DIST};`);
  assert.ok(server.includes(`root ${DIST};`) && server.includes(`:${port};`), "the server block was adapted");
  await writeFile(join(dir, "server.conf"), server);
  // The same frame as the official image's /etc/nginx/nginx.conf, with paths a test may write.
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `${t}_temp_path ${dir}/${t};`)
    .join("\n  ");
  await writeFile(
    join(dir, "nginx.conf"),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  ${temp}
  include ${dir}/server.conf;
}
`,
  );
  nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: "inherit" });
  url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      break;
    } catch {
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  nginx?.kill();
});

test("nginx sends the security headers of public/_headers on every response", async () => {
  const expected = await hostHeaders();
  for (const path of ["", "index.html", "segmento_bg.wasm", "worker_loader.js", "sw.js", "sample.csv", "manifest.webmanifest", "no-such-file"]) {
    const response = await fetch(url + path);
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(response.headers.get(name), value, `${name} on /${path}`);
    }
    assert.equal(response.headers.get("server"), "nginx", "no version in the Server header");
  }
  assert.equal((await fetch(url + "no-such-file")).status, 404);
});

test("nginx serves the right content types and compresses the WebAssembly", async () => {
  const types = {
    "": "text/html",
    "segmento_bg.wasm": "application/wasm",
    "worker_bg.wasm": "application/wasm",
    "boot.js": "application/javascript",
    "manifest.webmanifest": "application/manifest+json",
    "sample.csv": "text/csv",
  };
  for (const [path, type] of Object.entries(types)) {
    const response = await fetch(url + path, { headers: { "accept-encoding": "identity" } });
    assert.equal(response.status, 200, path);
    assert.ok(response.headers.get("content-type").startsWith(type), `${path}: ${response.headers.get("content-type")}`);
  }
  const wasm = await fetch(url + "segmento_bg.wasm", { headers: { "accept-encoding": "gzip" } });
  assert.equal(wasm.headers.get("content-encoding"), "gzip");
});

test("the app served by the container's configuration analyses the sample", async () => {
  const { page, problems } = await openApp(browser, url);
  await page.getByRole("button", { name: "Try the sample data" }).click();
  await page.getByRole("region", { name: "Results" }).waitFor({ timeout: 60_000 });
  assert.ok((await page.locator("article.profile").count()) >= 2);
  assert.deepEqual(problems, []);
  await page.close();
});
