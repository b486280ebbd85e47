// make bench, the browser part: runs bench/page.html in one headless Chromium page and the
// emulator sign-ins, adds the native timing and the sizes, prints a table and writes it into
// the README's benchmarks section.
//
//   node bench/run.mjs NATIVE_JSON [ROUNDS]
import { readFile, readdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import os from "node:os";
import { join } from "node:path";

import {
  ROOT,
  launchBrowser,
  openPage,
  startEmulator,
  startStaticServer,
} from "../tests/browser/harness.mjs";

const [nativeFile, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 25);
const native = JSON.parse(await readFile(nativeFile, "utf8"));

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1], min: sorted[0], max: sorted.at(-1) };
};
const ms = (v) => v.toFixed(1);
const kb = (bytes) => (bytes / 1024).toFixed(1);

async function sizeOf(path) {
  const bytes = await readFile(join(ROOT, path));
  return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const site = await startStaticServer();
const emulator = await startEmulator();
const browser = await launchBrowser();
/** How much slower the main thread is in the "slower device" sign-ins. */
const SLOW_CPU = 4;
let srp;
let signIns;
let slowSignIns;
let version;
try {
  version = browser.version();
  const page = await openPage(browser, `${site.url}/bench/page.html`);
  await page.waitForFunction(() => window.ready === true);
  srp = await page.evaluate(([n, names]) => window.benchSrp(n, names), [
    rounds,
    ["cognito-wasm", "js-bigint", "amazon-cognito-identity-js", "amplify-v6", "cognito-wasm fallback without SIMD"],
  ]);
  await page.close();
  // A fresh page, so the SRP rounds' long tasks (the JS SDKs take hundreds of ms) stay out.
  const signInPage = await openPage(browser, `${site.url}/bench/page.html`);
  await signInPage.waitForFunction(() => window.ready === true);
  signIns = await signInPage.evaluate(
    ([url, n]) => window.benchEmulatorSignIn(url, n),
    [emulator.url, Math.min(rounds, 10)],
  );
  if (signInPage.problems.length) throw new Error(signInPage.problems.join("\n"));
  // The same on a slower device: Chromium's CPU throttling at 4x (the main thread only). The
  // first sign-in of a page also compiles the wasm functions it calls (V8 compiles wasm lazily,
  // on first call, on the main thread), which no slicing of the SRP math can split.
  const slowPage = await openPage(browser, `${site.url}/bench/page.html`);
  await slowPage.waitForFunction(() => window.ready === true);
  const cdp = await slowPage.context().newCDPSession(slowPage);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOW_CPU });
  slowSignIns = await slowPage.evaluate(([url, n]) => window.benchEmulatorSignIn(url, n), [emulator.url, 5]);
  if (slowPage.problems.length) throw new Error(slowPage.problems.join("\n"));
} finally {
  await browser.close();
  site.stop();
  emulator.stop();
}

const ours = stats(srp.times["cognito-wasm"]).median;
const lines = [];
lines.push(
  `Measured by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: headless Chromium ` +
    `${version}, ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), load average ` +
    `${os.loadavg()[0].toFixed(2)} at the end; ${rounds} rounds per contender, alternated in one ` +
    `page, the first (warm-up) round left out. Times vary with the machine; the ratios are what ` +
    `the targets are about.`,
  "",
  "Client-side SRP work of one USER_SRP_AUTH sign-in (A, then the key and the claim " +
    "signature), same fixed inputs, every signature checked against the known answer. " +
    "cognito-wasm is the build browsers with wasm SIMD load (all since Chrome 91, Firefox 89, " +
    "Safari 16.4); the fallback is what the package loads elsewhere:",
  "",
  "| implementation | median ms | min ms | max ms | first run ms | ratio to cognito-wasm |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
);
for (const [name, times] of Object.entries(srp.times)) {
  const s = stats(times);
  lines.push(
    `| ${name} | ${ms(s.median)} | ${ms(s.min)} | ${ms(s.max)} | ${ms(srp.first[name])} | ` +
      `${(s.median / ours).toFixed(2)} |`,
  );
}
lines.push(
  `| same Rust natively (x86-64, \`cargo bench --bench srp\`) | ${ms(native.median_ms)} | ` +
    `${ms(native.min_ms)} | ${ms(native.max_ms)} | | ${(native.median_ms / ours).toFixed(2)} |`,
  "",
  `Targets: js-bigint / cognito-wasm = ${(stats(srp.times["js-bigint"]).median / ours).toFixed(2)} ` +
    `(≥ 1.05), amazon-cognito-identity-js / cognito-wasm = ` +
    `${(stats(srp.times["amazon-cognito-identity-js"]).median / ours).toFixed(2)} (≥ 8), ` +
    `cognito-wasm / native = ${(ours / native.median_ms).toFixed(2)} (≤ 2.5). ` +
    `Loading and compiling the bench wasm (SIMD build) took ${ms(srp.compileMs)} ms; "first run" includes ` +
    `V8's baseline code before it tiers up.`,
  "",
);
/** "N", or "N (longest X ms; in sign-ins 1, 1, 3)": long tasks of a run, by sign-in (1-based). */
const longTaskSummary = ({ longTasks }) =>
  longTasks.length
    ? `${longTasks.length} (longest ${ms(Math.max(...longTasks.map((t) => t.ms)))} ms; in sign-in ` +
      `${longTasks.map((t) => t.round + 1).join(", ")})`
    : "0";
const clientMs = stats(signIns.results.map((r) => r.clientMs));
const wallMs = stats(signIns.results.map((r) => r.wallMs));
const slowClientMs = stats(slowSignIns.results.map((r) => r.clientMs));
lines.push(
  `Full sign-in with the package (pkg/) against the emulator on loopback, ${signIns.results.length} ` +
    `rounds in a fresh page (the first also loads the wasm): client-side time (wall time minus ` +
    `time inside \`fetch\`) median ${ms(clientMs.median)} ms (min ${ms(clientMs.min)}, max ` +
    `${ms(clientMs.max)}); wall time median ${ms(wallMs.median)} ms. Main-thread long tasks ` +
    `(> 50 ms) during these sign-ins: ${longTaskSummary(signIns)}.`,
  "",
  `The same with the main thread slowed ${SLOW_CPU}x (Chromium's CPU throttling, a slower ` +
    `device), ${slowSignIns.results.length} rounds: client-side median ${ms(slowClientMs.median)} ms; ` +
    `long tasks: ${longTaskSummary(slowSignIns)}. A page's first sign-in runs V8's lazy ` +
    `compilation of the wasm functions it calls, on the main thread, in whichever task first ` +
    `calls them; the SRP math itself yields every 10 ms.`,
  "",
);
const pkgFiles = (await readdir(join(ROOT, "pkg"))).filter((f) => /\.(js|wasm)$/.test(f)).sort();
const sizes = [
  ...(await Promise.all(pkgFiles.map((f) => sizeOf(`pkg/${f}`)))),
  await sizeOf("target/bench/wasm-srp-only/cognito_wasm_bg.wasm"),
  await sizeOf("target/bench/cognito-wasm-signin.js"),
  await sizeOf("target/bench/acij-signin.js"),
  await sizeOf("target/bench/amplify-signin.js"),
];
const label = (path) =>
  path.includes("wasm-srp-only")
    ? "SRP math alone: SIMD wasm with only the bench entry point (feature `srp-only`), no engine or shell"
    : path.replace("target/bench/", "esbuild: ");
const sum = (paths, key) => sizes.filter((s) => paths.includes(s.path)).reduce((n, s) => n + s[key], 0);
const appRow = (label, paths) => `| ${label} | ${kb(sum(paths, "raw"))} | ${kb(sum(paths, "gzip"))} |`;
const app = "target/bench/cognito-wasm-signin.js";
lines.push(
  "Sizes (gzip -9). A minimal sign-in (`bench/entries/*-signin.mjs`: create, sign in) bundled " +
    "by esbuild with `--bundle --minify`, for each SDK:",
  "",
  "| file | raw KB | gzip KB |",
  "| --- | ---: | ---: |",
  ...sizes.map((s) => `| ${label(s.path)} | ${kb(s.raw)} | ${kb(s.gzip)} |`),
  appRow("cognito-wasm minimal sign-in app: bundle + the SIMD wasm it loads", [app, "pkg/cognito_wasm_simd_bg.wasm"]),
  appRow("the same with the baseline wasm", [app, "pkg/cognito_wasm_bg.wasm"]),
);
const table = lines.join("\n");
console.log(table);

const readmePath = join(ROOT, "README.md");
const readme = await readFile(readmePath, "utf8");
const start = "<!-- section:benchmarks -->";
const end = "<!-- /section:benchmarks -->";
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error("README.md has no benchmarks section markers");
const section = `${start}\n## Benchmarks\n\n${table}\n${end}`;
await writeFile(readmePath, readme.slice(0, from) + section + readme.slice(to + end.length));
console.log("\nREADME.md benchmarks section updated.");
