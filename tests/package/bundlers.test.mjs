// An app that installs the packed tarball (npm pack of pkg/); its Vite and webpack 5 production
// builds emit both .wasm files and sign alice in against the emulator, loading the SIMD one, or
// the baseline one in a page whose WebAssembly.validate says no.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, startStack } from "../browser/harness.mjs";
import { ARTIFACTS, openWatched, strictCsp } from "./support.mjs";

const APP = join(ARTIFACTS, "app");
const modules = createRequire(join(ROOT, "tests/js/package.json"));
let emulator;
let server;
let browser;
let stop;

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

function webpackBuild() {
  const webpack = modules("webpack");
  const config = { mode: "production", context: APP, entry: "./main.js", output: { path: join(APP, "dist-webpack") } };
  return new Promise((resolve, reject) =>
    webpack(config, (error, stats) => (error || stats.hasErrors() ? reject(error ?? new Error(stats.toString("errors-only"))) : resolve())),
  );
}

before(async () => {
  await rm(APP, { recursive: true, force: true });
  await cp(join(ROOT, "tests/package/app"), APP, { recursive: true });
  const tarball = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", APP, join(ROOT, "pkg")], ROOT))[0].filename;
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${tarball}`], APP);
  run(process.execPath, [join(ROOT, "tests/js/node_modules/vite/bin/vite.js"), "build", "--base", "./", "--logLevel", "warn", APP], APP);
  await webpackBuild();
  await writeFile(join(APP, "dist-webpack/index.html"),
    '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script src="main.js"></script>\n');
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url, "'self'") }));
});

after(() => stop?.());

/** The emitted .wasm files of a build, by which package file each one is (same bytes). */
async function emittedWasm(assets) {
  const builds = {};
  for (const name of ["cognito_wasm_simd_bg.wasm", "cognito_wasm_bg.wasm"]) {
    builds[name] = await readFile(join(ROOT, "pkg", name));
  }
  const emitted = {};
  for (const file of (await readdir(join(APP, assets))).filter((f) => f.endsWith(".wasm"))) {
    const bytes = await readFile(join(APP, assets, file));
    const [name] = Object.entries(builds).find(([, build]) => build.equals(bytes)) ?? [`unknown ${file}`];
    emitted[name] = file;
  }
  return emitted;
}

for (const [bundler, dist, assets] of [["Vite", "dist", "dist/assets"], ["webpack", "dist-webpack", "dist-webpack"]]) {
  for (const [browserKind, withoutSimd, wasm] of [
    ["with wasm SIMD", false, "cognito_wasm_simd_bg.wasm"],
    ["without wasm SIMD", true, "cognito_wasm_bg.wasm"],
  ]) {
    test(`${bundler}: the production build emits both .wasm files and, ${browserKind}, signs alice in with ${wasm}`, async () => {
      const emitted = await emittedWasm(assets);
      assert.deepEqual(Object.keys(emitted).sort(), ["cognito_wasm_bg.wasm", "cognito_wasm_simd_bg.wasm"], `the .wasm files in ${assets}`);
      const page = await openWatched(browser, "about:blank", { withoutSimd });
      const fetched = [];
      page.on("response", (response) => {
        if (response.url().endsWith(".wasm")) fetched.push([new URL(response.url()).pathname, response.status(), response.headers()["content-type"]]);
      });
      await page.goto(`${server.url}/tests/artifacts/app/${dist}/index.html?endpoint=${encodeURIComponent(emulator.url)}`);
      await page.waitForSelector("body[data-result], body[data-error]", { state: "attached", timeout: 30_000 });
      assert.equal(await page.getAttribute("body", "data-error"), null);
      assert.equal(await page.getAttribute("body", "data-result"), "alice");
      assert.deepEqual(fetched, [[`/tests/artifacts/app/${assets}/${emitted[wasm]}`, 200, "application/wasm"]]);
      assert.deepEqual(await page.violations(), []);
      assert.deepEqual(page.problems, []);
      await page.close();
    });
  }
}
