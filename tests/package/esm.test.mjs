// The ESM entry in a page under the strict CSP (plus 'self' in connect-src for the .wasm file
// it fetches): the sign-in works and no CSP violation is reported.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startStack, startStaticServer } from "../browser/harness.mjs";
import { openWatched, strictCsp } from "./support.mjs";

let emulator;
let server;
let browser;
let stop;

before(async () => ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url, "'self'") })));

after(() => stop?.());

for (const [browserKind, withoutSimd, wasm] of [
  ["with wasm SIMD", false, "/pkg/cognito_wasm_simd_bg.wasm"],
  ["without wasm SIMD", true, "/pkg/cognito_wasm_bg.wasm"],
]) {
  test(`${browserKind}, the ESM entry signs alice in under the CSP, loading ${wasm} once and only on use`, async () => {
    const url = `${server.url}/tests/package/pages/esm.html?endpoint=${encodeURIComponent(emulator.url)}`;
    const page = await openWatched(browser, url, { withoutSimd });
    await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 30_000 });
    assert.equal(await page.getAttribute("body", "data-error"), null);
    assert.equal(await page.getAttribute("body", "data-result"), "alice");
    assert.equal(await page.getAttribute("body", "data-wasm-requests"), wasm);
    assert.deepEqual(await page.violations(), []);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

test("init({ module_or_path }) wins over the browser's choice", async () => {
  const page = await openWatched(browser, `${server.url}/tests/package/pages/esm.html?endpoint=${encodeURIComponent(emulator.url)}&wasm=/pkg/cognito_wasm_bg.wasm`);
  await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 30_000 });
  assert.equal(await page.getAttribute("body", "data-error"), null);
  assert.equal(await page.getAttribute("body", "data-result"), "alice");
  assert.equal(await page.getAttribute("body", "data-wasm-requests"), "/pkg/cognito_wasm_bg.wasm");
  await page.close();
});

test("without 'wasm-unsafe-eval' the page gets a clear error, not a hang", async () => {
  const strict = await startStaticServer({
    headers: () => ({ "content-security-policy": strictCsp(emulator.url, "'self'").replace(" 'wasm-unsafe-eval'", "") }),
  });
  try {
    const page = await openWatched(browser, `${strict.url}/tests/package/pages/esm.html?endpoint=${encodeURIComponent(emulator.url)}`);
    await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 30_000 });
    assert.match(await page.getAttribute("body", "data-error"), /CompileError|wasm/i);
    assert.ok((await page.violations()).some((v) => v.startsWith("script-src")), "the browser reports the violation");
    await page.close();
  } finally {
    strict.stop();
  }
});
