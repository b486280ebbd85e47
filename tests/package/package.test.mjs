// Static checks of pkg/ as npm would pack it: the file list, the exports map, no eval, and
// imports that do nothing (safe during server-side rendering).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../browser/harness.mjs";
import { totp } from "./support.mjs";

const PKG = join(ROOT, "pkg");
const manifest = JSON.parse(await readFile(join(PKG, "package.json"), "utf8"));
const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", PKG], { cwd: ROOT, encoding: "utf8" }))[0]
  .files.map((file) => file.path)
  .sort();

test("the tarball holds exactly the listed files", () => {
  assert.deepEqual(packed, [
    "THIRD_PARTY_LICENSES",
    "cognito-wasm.iife.js",
    "cognito_wasm.js",
    "cognito_wasm_bg.wasm",
    "cognito_wasm_simd_bg.wasm",
    "describe.js",
    "effects.js",
    "element.d.ts",
    "element.js",
    "global.d.ts",
    "index.d.ts",
    "index.js",
    "package.json",
    "react.d.ts",
    "simd.js",
  ]);
});

test("package.json: ESM, no side effects, types first, every export shipped", () => {
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const targets = typeof target === "string" ? [target] : Object.values(target);
    if (typeof target !== "string") assert.equal(Object.keys(target)[0], "types", subpath);
    for (const file of targets) assert.ok(packed.includes(file.replace(/^\.\//, "")), `${subpath} -> ${file}`);
  }
  assert.ok(manifest.exports["./cognito_wasm_bg.wasm"], "the baseline .wasm is its own subpath");
  assert.ok(manifest.exports["./cognito_wasm_simd_bg.wasm"], "the SIMD .wasm is its own subpath");
});

test("no shipped file contains eval( or new Function", async () => {
  for (const file of packed.filter((name) => !name.endsWith(".wasm"))) {
    const text = await readFile(join(PKG, file), "utf8");
    assert.doesNotMatch(text, /\beval\s*\(/, file);
    assert.doesNotMatch(text, /new\s+Function\b/, file);
  }
});

test("the core entry leaves the element out", async () => {
  const entry = await readFile(join(PKG, "index.js"), "utf8");
  assert.doesNotMatch(entry, /element|customElements/);
});

test("importing the entry and the element does nothing, even without a DOM", async () => {
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => assert.fail("importing fetched something");
  try {
    const core = await import(join(PKG, "index.js"));
    const element = await import(join(PKG, "element.js"));
    assert.deepEqual(Object.keys(core).sort(), ["CognitoAuth", "CognitoAuthError", "describeError", "init"]);
    assert.deepEqual(Object.keys(element).sort(), ["CognitoLoginElement", "defineCognitoLogin", "describeError"]);
    assert.equal(typeof globalThis.window, "undefined");
  } finally {
    globalThis.fetch = realFetch;
  }
});

test("the SIMD probe is a module Node's V8 (which has wasm SIMD) accepts, and only with SIMD", async () => {
  const { simdSupported } = await import(join(PKG, "simd.js"));
  assert.equal(simdSupported(), true);
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    assert.equal(simdSupported(), false);
  } finally {
    WebAssembly.validate = validate;
  }
});

test("friendly error text", async () => {
  const { describeError } = await import(join(PKG, "element.js"));
  assert.equal(describeError({ name: "NotAuthorizedException", message: "Incorrect username or password." }),
    "Incorrect username or password.");
  assert.match(describeError({ name: "NotAuthorizedException", message: "Invalid session for the user, session is expired." }), /took too long/);
  assert.match(describeError({ name: "ChallengeHandlerMissing", challengeName: "WEB_AUTHN" }), /WEB_AUTHN/);
  assert.equal(describeError({ name: "InvalidPasswordException", message: "Password not long enough" }),
    "Password not long enough");
});

test("the tests' TOTP matches RFC 6238's SHA-1 vectors", () => {
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
  assert.equal(totp(secret, 59_000), "287082");
  assert.equal(totp(secret, 1_111_111_109_000), "081804");
});
