// The Content-Security-Policy is stated three times (the page's meta tag,
// public/_headers for Netlify-style hosts, render.yaml for Render); they must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hostHeaders } from "./harness.mjs";

const ROOT = join(import.meta.dirname, "..", "..");

test("the meta tag, _headers and render.yaml state the same policy", async () => {
  const headerPolicy = (await hostHeaders())["Content-Security-Policy"];
  assert.ok(headerPolicy, "public/_headers sets a Content-Security-Policy");
  const html = await readFile(join(ROOT, "index.html"), "utf8");
  const metaPolicy = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)[1];
  // frame-ancestors only works as a header; everything else must be identical.
  assert.equal(headerPolicy.replace(/; frame-ancestors 'none'$/, ""), metaPolicy);
  const render = await readFile(join(ROOT, "render.yaml"), "utf8");
  assert.ok(render.includes(`value: "${headerPolicy}"`), "render.yaml sends the same policy");
  for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"]) {
    assert.ok(metaPolicy.includes(directive), directive);
  }
  assert.ok(!/https?:/.test(metaPolicy), "no other origin is allowed anywhere");
});
