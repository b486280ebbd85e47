// describeError from the package entry (issue 14: React users never look in
// cognito-wasm/element): the same function as the element's, the words for the errors a new
// user met, and tree-shaking: a minimal sign-in app that does not import it does not grow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../browser/harness.mjs";

const PKG = join(ROOT, "pkg");
const esbuild = createRequire(join(ROOT, "tests/js/package.json"))("esbuild");

test("describeError is exported by the package entry, the same function as the element's", async () => {
  const core = await import(join(PKG, "index.js"));
  const element = await import(join(PKG, "element.js"));
  assert.equal(typeof core.describeError, "function");
  assert.equal(element.describeError, core.describeError);
});

test("describeError: the third wrong code, an expired session, a client with a secret", async () => {
  const { describeError } = await import(join(PKG, "index.js"));
  const text = (name, message) => describeError({ name, message });
  assert.equal(text("NotAuthorizedException", "Invalid session for the user."), "Too many wrong codes. Please start again.");
  assert.match(text("NotAuthorizedException", "Invalid session for the user, session is expired."), /took too long/);
  const secret = text("NotAuthorizedException", "Client demo-secret-client is configured with secret but SECRET_HASH was not received");
  assert.match(secret, /isn't set up correctly/);
  assert.doesNotMatch(secret, /Incorrect username or password/);
  // The same words once the engine reports it as a configuration error quoting Cognito (see the report to the lead).
  assert.equal(text("InvalidConfig", "App client demo-secret-client has a client secret … (Cognito: … SECRET_HASH was not received)"), secret);
  assert.equal(text("NotAuthorizedException", "Incorrect username or password."), "Incorrect username or password.");
  assert.equal(text("NotAuthorizedException", "Password attempts exceeded"), "Too many attempts. Wait a little, then try again.");
  const passkey = { name: "NotAuthorizedException", message: "Incorrect username or password.", challengeName: "WEB_AUTHN" };
  assert.equal(describeError(passkey), "Your passkey wasn't accepted. Sign in another way.");
});

test("describeError: passkeys (a cancelled dialog, a failed one, no WebAuthn) and sign-up", async () => {
  const { describeError, CognitoAuthError } = await import(join(PKG, "index.js"));
  const error = (name, message, details) => describeError(new CognitoAuthError(name, message, details));
  const notAllowed = Object.assign(new Error("The operation either timed out or was not allowed."), { name: "NotAllowedError" });
  const cancelled = error("AbortError", "The operation was cancelled.", { reason: "cancelled", cause: notAllowed });
  assert.match(cancelled, /passkey request was cancelled or timed out/);
  assert.match(cancelled, /try again/);
  // Other aborts are not passkey dialogs: the caller's signal (even with a DOMException
  // AbortError as its reason) and step.cancel() keep the engine's words.
  const domAbort = Object.assign(new Error("signal is aborted without reason"), { name: "AbortError" });
  assert.equal(error("AbortError", "The operation was aborted.", { reason: "aborted", cause: domAbort }), "The operation was aborted.");
  assert.equal(error("AbortError", "The operation was cancelled.", { reason: "cancelled" }), "The operation was cancelled.");

  assert.equal(error("PasskeyError", "InvalidStateError: The user attempted to register an authenticator that contains one of the credentials already registered with the relying party."),
    "This device already has a passkey for your account.");
  assert.match(error("PasskeyError", "SecurityError: This is an invalid domain."), /can't be used at this site's address/);
  assert.match(error("PasskeyError", "UnknownError: something"), /passkey didn't work/);
  assert.match(error("UnsupportedBrowser", "This browser has no WebAuthn, which passkeys need."), /can't use passkeys/);
  // The classic script's own UnsupportedBrowser (no wasm SIMD) keeps its message.
  assert.match(error("UnsupportedBrowser", "This browser lacks WebAssembly SIMD, which cognito-wasm.iife.js needs"), /lacks WebAssembly SIMD/);

  assert.match(error("UsernameExistsException", "User already exists"), /username is taken/);
  assert.match(error("AliasExistsException", "An account with the given email already exists."), /already exists/);
  assert.equal(error("CodeMismatchException", "Invalid verification code provided, please try again."), "That code isn't right. Check it and try again.");
  // The service's wording, and the emulator's.
  assert.equal(error("InvalidPasswordException", "Password did not conform with policy: Password not long enough"),
    "Choose a stronger password: it is too short.");
  assert.equal(error("InvalidPasswordException", "Password does not conform to policy: Password must have symbol characters"),
    "Choose a stronger password: it must have symbol characters.");
  assert.equal(error("InvalidPasswordException", "Provided password cannot be used for security reasons."),
    "Provided password cannot be used for security reasons.");
});

// The smallest real sign-in, as bench/entries/cognito-wasm-signin.mjs is (the bundle-size
// comparison's app), and the same app showing an error's text.
const SIGN_IN = `import { CognitoAuth } from "cognito-wasm";
export async function signIn(userPoolId, clientId, username, password) {
  const auth = await CognitoAuth.create({ userPoolId, clientId });
  return auth.signIn({ username, password });
}
`;
const SIGN_IN_DESCRIBED = `import { CognitoAuth, describeError } from "cognito-wasm";
export async function signIn(userPoolId, clientId, username, password) {
  const auth = await CognitoAuth.create({ userPoolId, clientId });
  return auth.signIn({ username, password }).catch((error) => { throw new Error(describeError(error)); });
}
`;

/** esbuild's minified bundle of `source`, with `cognito-wasm` being the folder `pkg`. */
function bundle(dir, pkg, source) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(pkg, join(dir, "node_modules/cognito-wasm"), "dir");
  writeFileSync(join(dir, "app.mjs"), source);
  const result = esbuild.buildSync({
    entryPoints: [join(dir, "app.mjs")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].contents;
}

test("a sign-in app that does not import describeError does not grow (esbuild, minified)", () => {
  const scratch = join(ROOT, "target/describe-treeshake");
  // The package as it would be without the export: index.js less its import and export of
  // describeError (index.js ships minified: one statement per export, not one line).
  const without = join(scratch, "pkg-without");
  rmSync(without, { recursive: true, force: true });
  cpSync(PKG, without, { recursive: true });
  const entry = readFileSync(join(PKG, "index.js"), "utf8");
  const stripped = entry
    .replace(/(import|export)\s*\{\s*describeError\s*\}\s*from\s*"\.\/describe\.js";?/, "")
    .replace(/\bdescribeError\s*,\s*|,\s*describeError\b/, "");
  assert.notEqual(stripped, entry, "index.js exports describeError");
  assert.doesNotMatch(stripped, /describeError/);
  writeFileSync(join(without, "index.js"), stripped);

  const app = bundle(join(scratch, "app"), PKG, SIGN_IN);
  const baseline = bundle(join(scratch, "baseline"), without, SIGN_IN);
  const described = bundle(join(scratch, "described"), PKG, SIGN_IN_DESCRIBED);
  const text = (bytes) => Buffer.from(bytes).toString("utf8");
  assert.equal(app.length, baseline.length, "the same bytes as without the export");
  assert.doesNotMatch(text(app), /That code isn't right|Too many wrong codes/);
  assert.match(text(described), /Too many wrong codes/, "importing it brings it in");
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
  const cost = gz(described) - gz(app);
  assert.ok(cost > 300 && cost < 1200, `describeError costs ${cost} B gzip`);
  console.log(`sign-in app: ${app.length} B (${gz(app)} B gzip); with describeError: ${described.length} B (${gz(described)} B gzip)`);
});
