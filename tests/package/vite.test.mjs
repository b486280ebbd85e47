// A Vite app that installs the packed tarball (npm pack of pkg/) and whose production build signs
// alice in against the emulator, loading the .wasm asset Vite emitted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, launchBrowser, startEmulator, startStaticServer } from "../browser/harness.mjs";
import { ARTIFACTS, openWatched, strictCsp } from "./support.mjs";

const APP = join(ARTIFACTS, "vite-app");
const VITE = join(ROOT, "tests/js/node_modules/vite/bin/vite.js");
let emulator;
let server;
let browser;

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

before(async () => {
  await rm(APP, { recursive: true, force: true });
  await cp(join(ROOT, "tests/package/vite-app"), APP, { recursive: true });
  const tarball = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", APP, join(ROOT, "pkg")], ROOT))[0].filename;
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${tarball}`], APP);
  run(process.execPath, [VITE, "build", "--base", "./", "--logLevel", "warn", APP], APP);
  emulator = await startEmulator();
  const csp = strictCsp(emulator.url, "'self'");
  server = await startStaticServer({ headers: () => ({ "content-security-policy": csp }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  emulator?.stop();
});

test("Vite emits the .wasm as an asset", async () => {
  const assets = await readdir(join(APP, "dist/assets"));
  assert.equal(assets.filter((name) => name.endsWith(".wasm")).length, 1, assets.join(", "));
});

test("the production build signs alice in with that asset", async () => {
  const url = `${server.url}/tests/artifacts/vite-app/dist/index.html?endpoint=${encodeURIComponent(emulator.url)}`;
  const page = await openWatched(browser, "about:blank");
  const wasm = [];
  page.on("response", (response) => {
    if (response.url().endsWith(".wasm")) wasm.push([new URL(response.url()).pathname, response.status(), response.headers()["content-type"]]);
  });
  await page.goto(url);
  await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 30_000 });
  assert.equal(await page.getAttribute("body", "data-error"), null);
  assert.equal(await page.getAttribute("body", "data-result"), "alice");
  assert.equal(wasm.length, 1);
  assert.match(wasm[0][0], /^\/tests\/artifacts\/vite-app\/dist\/assets\/cognito_wasm_bg-[\w-]+\.wasm$/);
  assert.deepEqual(wasm[0].slice(1), [200, "application/wasm"]);
  assert.deepEqual(await page.violations(), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});
