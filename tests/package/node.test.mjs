// The package in plain Node (issue 14): defineCognitoLogin() does nothing where there is no
// customElements (SSR), and a sign-in works from the packed tarball with the .wasm's bytes
// handed to init, over Node's own fetch to the emulator; the README's Node example runs as written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startEmulator } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, POOL } from "./support.mjs";

const APP = join(ARTIFACTS, "node-app");
let emulator;

const run = (args, cwd, options = {}) =>
  execFileSync(args[0], args.slice(1), { cwd, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"], ...options });

before(async () => {
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(APP, { recursive: true });
  writeFileSync(join(APP, "package.json"), JSON.stringify({ name: "node-app", private: true, type: "module" }));
  const [{ filename }] = JSON.parse(run(["npm", "pack", "--json", "--pack-destination", APP, join(ROOT, "pkg")], ROOT));
  run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${filename}`], APP);
  emulator = await startEmulator();
});

after(() => emulator?.stop());

test("defineCognitoLogin() is a no-op where there is no customElements (Node, SSR)", async () => {
  assert.equal(typeof globalThis.customElements, "undefined");
  const { defineCognitoLogin, CognitoLoginElement } = await import(join(ROOT, "pkg/element.js"));
  assert.equal(defineCognitoLogin(), CognitoLoginElement);
  assert.equal(defineCognitoLogin(), CognitoLoginElement, "twice too");
});

/** Runs `source` as an ES module of the app, in a Node process of its own; its stdout, parsed. */
function runInApp(name, source) {
  writeFileSync(join(APP, name), source);
  const out = run([process.execPath, name, emulator.url], APP);
  return JSON.parse(out.trim().split("\n").at(-1));
}

for (const wasm of ["cognito_wasm_simd_bg.wasm", "cognito_wasm_bg.wasm"]) {
  test(`Node ${process.versions.node}: ${wasm}'s bytes to init, alice signs in with USER_SRP_AUTH over fetch, then getTokens`, async () => {
    await emulator.reset();
    const result = runInApp(`signin-${wasm}.mjs`, `
import { readFile } from "node:fs/promises";
import { CognitoAuth, init } from "cognito-wasm";

const bytes = await readFile(new URL(import.meta.resolve("cognito-wasm/${wasm}")));
await init({ module_or_path: bytes });
const auth = await CognitoAuth.create({ userPoolId: "${POOL.userPoolId}", clientId: "${POOL.clientId}", endpoint: process.argv[2] });
const signedIn = await auth.signIn({ username: "alice", password: "${PASSWORD}" });
const kept = await auth.getTokens();
const refreshed = await auth.getTokens({ forceRefresh: true });
auth.dispose();
console.log(JSON.stringify({
  username: signedIn.username,
  email: signedIn.idTokenPayload.email,
  kept: kept.accessToken === signedIn.accessToken,
  refreshed: refreshed.accessToken !== signedIn.accessToken && refreshed.username,
  fetchIsNodes: typeof fetch === "function" && typeof window === "undefined",
}));
`);
    assert.deepEqual(result, { username: "alice", email: "alice@example.com", kept: true, refreshed: "alice", fetchIsNodes: true });
    const log = (await emulator.log()).map((entry) => [entry.operation, entry.authFlow ?? entry.challengeName ?? null, entry.outcome]);
    assert.deepEqual(log, [
      ["InitiateAuth", "USER_SRP_AUTH", "challenge:PASSWORD_VERIFIER"],
      ["RespondToAuthChallenge", "PASSWORD_VERIFIER", "tokens"],
      ["GetTokensFromRefreshToken", null, "tokens"],
    ]);
  });
}

test("the README's Node example runs as written against the emulator", async () => {
  await emulator.reset();
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((match) => match[1]);
  const example = blocks.find((block) => /from "node:fs/.test(block) && /module_or_path/.test(block));
  assert.ok(example, "the README has a Node example that hands the .wasm's bytes to init");
  // Its free variables are the app's settings; its last line signs in.
  const settings = `const userPoolId = "${POOL.userPoolId}", clientId = "${POOL.clientId}", endpoint = process.argv[2];
const username = "alice", password = "${PASSWORD}";
`;
  const result = runInApp("readme-example.mjs", `${settings}${example}
console.log(JSON.stringify({ username: tokens.username, restored: (await auth.getTokens())?.username }));
auth.dispose();
`);
  assert.deepEqual(result, { username: "alice", restored: "alice" });
});
