// <cognito-login> from the classic script alone (integrity= pinned) under the strict CSP, with
// each person's sign-in typed into it: alice, bob (SMS), erin (custom challenge), dave (new
// password), henry (TOTP setup), plus errors, focus and events.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStack, startStaticServer } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, POOL, integrity, openWatched, strictCsp, totp, writePage } from "./support.mjs";

const METADATA = { source: "element-test", locale: "en-GB" };
let emulator;
let server;
let browser;
let stop;
let pagePath;

before(async () => {
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url) }));
  const page = (hash) => `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>cognito-login</title>
<script src="/pkg/cognito-wasm.iife.js" integrity="${hash}" crossorigin="anonymous"></script>
<cognito-login user-pool-id="${POOL.userPoolId}" client-id="${POOL.clientId}" endpoint="${emulator.url}"
  client-metadata='${JSON.stringify(METADATA)}'></cognito-login>
`;
  pagePath = await writePage("element.html", page(await integrity("pkg/cognito-wasm.iife.js")));
  await writePage("element-bad-integrity.html", page(`sha384-${"A".repeat(64)}`));
});

after(() => stop?.());

const login = (page) => page.locator("cognito-login");
const heading = (page, name) => page.getByRole("heading", { name }).waitFor();
const shadow = (page, script) => login(page).evaluate(script);
const focused = (page) => shadow(page, (el) => el.shadowRoot.activeElement?.getAttribute("name"));
const alertText = (page) => login(page).locator('[part="error"]').textContent();

async function open() {
  const page = await openWatched(browser, server.url + pagePath);
  await page.waitForFunction(() => customElements.get("cognito-login"));
  await heading(page, "Sign in");
  return page;
}

async function typeSignIn(page, username, password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectSignedIn(page, username) {
  await heading(page, "Signed in");
  await page.getByText(`You're signed in as ${username}.`).waitFor();
  const signedIn = (await page.events()).filter((event) => event.type === "signed-in");
  assert.deepEqual(signedIn, [{ type: "signed-in", name: undefined, username, idToken: true }]);
  assert.ok(await shadow(page, (el) => el.auth instanceof window.CognitoWasm.CognitoAuth), "element.auth");
  assert.deepEqual(await page.violations(), []);
  // The browser logs each refused answer (HTTP 400) itself; anything else is a problem.
  assert.deepEqual(page.problems.filter((problem) => !problem.includes("status of 400")), []);
}

test("the script runs only with its integrity hash", async () => {
  const page = await openWatched(browser, server.url + pagePath.replace("element.html", "element-bad-integrity.html"));
  await page.waitForLoadState("load");
  assert.equal(await page.evaluate(() => typeof window.CognitoWasm), "undefined");
  await page.close();
});

test("without wasm SIMD the element shows a typed UnsupportedBrowser error, not a crash", async () => {
  const page = await openWatched(browser, server.url + pagePath, { withoutSimd: true });
  await page.waitForFunction(() => customElements.get("cognito-login"));
  await login(page).getByRole("alert").filter({ hasText: "lacks WebAssembly SIMD" }).waitFor();
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]), [["error", "UnsupportedBrowser"]]);
  const rejection = await page.evaluate(() =>
    window.CognitoWasm.CognitoAuth.create({ userPoolId: "us-east-1_DemoPool1", clientId: "demo-client" })
      .then(() => null, (error) => [error instanceof window.CognitoWasm.CognitoAuthError, error.name]));
  assert.deepEqual(rejection, [true, "UnsupportedBrowser"]);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("alice, typed with the keyboard alone; a wrong password is announced first", async () => {
  const page = await open();
  assert.equal(await focused(page), undefined, "the element takes no focus on page load");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "username", "Tab enters the form");
  assert.deepEqual(Object.keys(await page.evaluate(() => window.CognitoWasm)).sort(),
    ["CognitoAuth", "CognitoAuthError", "CognitoLoginElement", "init"]);

  await page.keyboard.type("alice");
  await page.keyboard.press("Tab");
  await page.keyboard.type("not-her-password");
  await page.keyboard.press("Enter");
  await login(page).getByRole("alert").filter({ hasText: "Incorrect username or password." }).waitFor();
  assert.equal(await focused(page), "password", "focus returns to the password");
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]), [["error", "NotAuthorizedException"]]);

  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expectSignedIn(page, "alice");
  assert.equal(await alertText(page), "", "the error is cleared");
  const log = (await emulator.log()).filter((entry) => entry.username === "alice");
  assert.ok(log.some((entry) => entry.outcome === "tokens"));
  for (const entry of log) assert.deepEqual(entry.clientMetadata, METADATA, entry.operation);

  await page.getByRole("button", { name: "Sign out" }).click();
  await heading(page, "Sign in");
  assert.ok((await page.events()).some((event) => event.type === "signed-out"));
  await page.close();
});

test("bob: SMS code with the masked destination, a wrong code first", async () => {
  const page = await open();
  await typeSignIn(page, "bob", PASSWORD);
  await heading(page, "Enter your code");
  assert.equal(await focused(page), "code", "focus moves to the code");
  await page.getByText(/We sent a code by text message to \+\*+1234\./).waitFor();

  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await login(page).getByRole("alert").filter({ hasText: "That code isn't right." }).waitFor();
  assert.equal(await focused(page), "code");
  await login(page).screenshot({ path: join(ARTIFACTS, "element-wrong-code.png") });

  const { code } = (await emulator.deliveries()).findLast((delivery) => delivery.username === "bob");
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expectSignedIn(page, "bob");
  await page.close();
});

test("erin: the custom challenge's question", async () => {
  const page = await open();
  await shadow(page, (el) => el.setAttribute("auth-flow", "CUSTOM_WITH_SRP"));
  await typeSignIn(page, "erin", PASSWORD);
  await heading(page, "One more step");
  assert.equal(await focused(page), "answer");
  await page.getByLabel("What is 6 x 7?").fill("41");
  await page.keyboard.press("Enter");
  await login(page).getByRole("alert").filter({ hasText: "That answer isn't right." }).waitFor();
  await page.getByLabel("What is 6 x 7?").fill("42");
  await page.keyboard.press("Enter");
  await expectSignedIn(page, "erin");
  await page.close();
});

test("dave: a new password", async () => {
  const page = await open();
  await typeSignIn(page, "dave", "TempPassw0rd!");
  await heading(page, "Choose a new password");
  assert.equal(await focused(page), "newPassword");
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await login(page).getByRole("alert").filter({ hasText: /password/i }).waitFor();
  assert.equal(await focused(page), "newPassword", "the same step asks again");
  await page.getByLabel("New password").fill("N3w-Passw0rd!");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await heading(page, "Signed in");
  await page.close();
});

test("henry: TOTP setup from the key the element shows", async () => {
  const page = await open();
  await typeSignIn(page, "henry", PASSWORD);
  await heading(page, "Set up your authenticator app");
  assert.equal(await focused(page), "code");
  const qr = login(page).locator('[part="qr"] path');
  assert.ok((await qr.getAttribute("d")).length > 1000, "a QR code is drawn");
  const secret = (await login(page).locator('[part="secret"]').textContent()).replace(/\s/g, "");
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.match(await login(page).getByRole("link").getAttribute("href"), new RegExp(`^otpauth://totp/.*secret=${secret}`));
  await page.getByRole("textbox", { name: "Code" }).fill(totp(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectSignedIn(page, "henry");
  await page.close();
});

test("forgot password, then sign in with the new one; Cancel leaves a challenge", async () => {
  const page = await open();
  await typeSignIn(page, "bob", PASSWORD);
  await heading(page, "Enter your code");
  await page.getByRole("button", { name: "Cancel" }).click();
  await heading(page, "Sign in");
  assert.equal(await alertText(page), "");

  await page.getByRole("button", { name: "Forgot your password?" }).click();
  await heading(page, "Reset your password");
  assert.equal(await focused(page), "username", "bob is kept; the field is focused as the only one");
  await page.getByLabel("Username").fill("alice");
  await page.getByRole("button", { name: "Send code" }).click();
  await heading(page, "Choose a new password");
  await page.getByLabel("Code").fill("123456");
  await page.getByLabel("New password").fill("An0ther-Passw0rd!");
  await page.getByRole("button", { name: "Reset password" }).click();
  await login(page).getByRole("status").filter({ hasText: "Your password has been changed." }).waitFor();
  await page.getByLabel("Password", { exact: true }).fill("An0ther-Passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await heading(page, "Signed in");
  await page.close();
  await emulator.reset();
});

test("also under default-src 'none' with no inline styles allowed", async () => {
  const csp = `default-src 'none'; style-src 'self'; ${strictCsp(emulator.url)}`;
  const strict = await startStaticServer({ headers: () => ({ "content-security-policy": csp }) });
  try {
    const page = await openWatched(browser, strict.url + pagePath);
    await typeSignIn(page, "alice", PASSWORD);
    await expectSignedIn(page, "alice");
    const accent = await login(page).locator('[part="button"]').evaluate((button) => getComputedStyle(button).backgroundColor);
    assert.equal(accent, "rgb(47, 91, 234)", "the element's styles apply");
    await page.close();
  } finally {
    strict.stop();
  }
});
