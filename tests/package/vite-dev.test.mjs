// The Vite dev server with the packed tarball (issue 14), for the README's advice: which Vite
// versions need `optimizeDeps: { exclude: ["cognito-wasm"] }`. Without it, dependency
// pre-bundling moves index.js away from its .wasm files; the dev server then answers the .wasm
// URL with index.html, and the sign-in fails with WasmLoadError ("expected magic word" plus the
// driver's hint). With it, every version signs alice in. The versions are the pinned ones in
// tests/js (vite6, vite7 and vite: npm aliases).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, readFile, rm } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, launchBrowser, openPage, startEmulator } from "../browser/harness.mjs";
import { ARTIFACTS } from "./support.mjs";

const APP = join(ARTIFACTS, "vite-dev-app");
const MODULES = join(ROOT, "tests/js/node_modules");
let emulator;
let browser;

before(async () => {
  await rm(APP, { recursive: true, force: true });
  await cp(join(ROOT, "tests/package/app"), APP, { recursive: true });
  const run = (args, cwd) => execFileSync("npm", args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const [{ filename }] = JSON.parse(run(["pack", "--json", "--pack-destination", APP, join(ROOT, "pkg")], ROOT));
  run(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${filename}`], APP);
  emulator = await startEmulator();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  emulator?.stop();
});

const freePort = () =>
  new Promise((resolve) => {
    const server = createNetServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Serves the app with the Vite in `folder`, opens it, returns body's data-result / data-error. */
async function signInThroughDevServer(folder, exclude) {
  const version = JSON.parse(await readFile(join(MODULES, folder, "package.json"), "utf8")).version;
  const vite = await import(pathToFileURL(join(MODULES, folder, "dist/node/index.js")).href);
  const port = await freePort();
  const server = await vite.createServer({
    configFile: false,
    root: APP,
    logLevel: "silent",
    cacheDir: join(APP, `.vite-${folder}-${exclude ? "exclude" : "default"}`),
    server: { host: "127.0.0.1", port, strictPort: true, hmr: false },
    optimizeDeps: exclude ? { exclude: ["cognito-wasm"] } : {},
  });
  await server.listen();
  try {
    const page = await openPage(browser, "about:blank");
    await page.goto(`http://127.0.0.1:${port}/index.html?endpoint=${encodeURIComponent(emulator.url)}`);
    await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 60_000 });
    const outcome = { result: await page.getAttribute("body", "data-result"), error: await page.getAttribute("body", "data-error") };
    await page.close();
    return { version, ...outcome };
  } finally {
    await server.close();
  }
}

for (const [folder, needsExclude] of [["vite6", true], ["vite7", true], ["vite", false]]) {
  test(`${folder}'s dev server ${needsExclude ? "needs" : "does not need"} optimizeDeps.exclude`, { timeout: 180_000 }, async () => {
    const without = await signInThroughDevServer(folder, false);
    if (needsExclude) {
      assert.equal(without.result, null, `Vite ${without.version} without the exclude`);
      assert.match(without.error, /^WasmLoadError: .*expected magic word.*not WebAssembly/, `Vite ${without.version}`);
    } else {
      assert.deepEqual(without, { version: without.version, result: "alice", error: null }, `Vite ${without.version} without the exclude`);
    }
    const withExclude = await signInThroughDevServer(folder, true);
    assert.deepEqual(withExclude, { version: without.version, result: "alice", error: null }, `Vite ${without.version} with the exclude`);
    console.log(`Vite ${without.version}: without exclude ${without.result ?? without.error.slice(0, 40)}; with exclude ${withExclude.result}`);
  });
}
