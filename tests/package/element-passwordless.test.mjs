// <cognito-login> with the sign-in doors a page can offer (`methods`) and the sign-up path
// (`sign-up`), from the integrity-pinned classic script under the strict CSP, in pages loaded
// from http://localhost (the demo pool's passkey relying party id): kim adds a passkey and
// signs in with it through Chromium's virtual authenticator, a refused passkey dialog, ivy's
// email code (a wrong one first), jack's SMS code, USER_AUTH's choice, sign-up with its
// confirmation code, and the default element left as it was.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStack } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, openWatched, strictCsp } from "./support.mjs";
import {
  addAuthenticator,
  alertText,
  assertQuiet,
  atLocalhost,
  buttonTexts,
  focusedText,
  heading,
  login,
  openElement,
  shadow,
  stepText,
  typeSignIn,
  writeElementPage,
} from "./element-support.mjs";

const EVERY_DOOR = 'methods="password passkey email-code sms-code" sign-up';
const METADATA = { source: "passwordless-element" };
let emulator;
let server;
let browser;
let stop;
const pages = {};

before(async () => {
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url) }));
  const metadata = ` client-metadata='${JSON.stringify(METADATA)}'`;
  pages.doors = await writeElementPage("doors.html", emulator, { attributes: EVERY_DOOR + metadata });
  pages.choice = await writeElementPage("doors-choice.html", emulator, { attributes: 'methods="choice"' });
  pages.passkeyOnly = await writeElementPage("doors-passkey.html", emulator, { attributes: 'methods="passkey"' });
  pages.plain = await writeElementPage("doors-default.html", emulator);
});

beforeEach(() => emulator.reset());

after(() => stop?.());

const open = (name) => openElement(browser, atLocalhost(server.url + pages[name]));
const click = (page, name) => login(page).getByRole("button", { name, exact: true }).click();
const statusText = (page) => login(page).locator('[part="status"]').textContent();
const waitAlert = (page, text) => login(page).getByRole("alert").filter({ hasText: text }).waitFor();
const waitStatus = (page, text) => login(page).getByRole("status").filter({ hasText: text }).waitFor();
const lastCode = async (username) => (await emulator.deliveries()).findLast((d) => d.username === username).code;
const eventsOf = async (page, type) => (await page.events()).filter((event) => event.type === type);

async function expectSignedIn(page, username) {
  await heading(page, "Signed in");
  await page.getByText(`You're signed in as ${username}.`).waitFor();
  assert.equal((await eventsOf(page, "signed-in")).at(-1).username, username);
}

test("the default element is today's password form: no other door, no sign-up", async () => {
  const page = await open("plain");
  assert.deepEqual(await buttonTexts(page), ["Sign in", "Forgot your password?"]);
  assert.doesNotMatch(await stepText(page), /\bor\b|passkey|code/i);
  await typeSignIn(page, "alice");
  await expectSignedIn(page, "alice");
  assert.deepEqual(await buttonTexts(page), ["Sign out"], "no Add a passkey unless the page offers passkeys");
  const initiate = (await emulator.log()).find((entry) => entry.operation === "InitiateAuth");
  assert.equal(initiate.authFlow, "USER_SRP_AUTH");
  await page.close();
});

test("the doors the page offers, in order; a passkey-only element has no password field", async () => {
  const page = await open("doors");
  assert.deepEqual(await buttonTexts(page), [
    "Sign in", "Sign in with a passkey", "Email me a code", "Text me a code", "Forgot your password?", "Create an account",
  ]);
  const parts = await shadow(page, (el) => [...el.shadowRoot.querySelectorAll("form > button")].map((b) => b.getAttribute("part")));
  assert.deepEqual(parts, ["button", "button secondary", "button secondary", "button secondary"]);
  await login(page).screenshot({ path: join(ARTIFACTS, "element-doors.png") });
  await page.close();

  const only = await open("passkeyOnly");
  assert.deepEqual(await buttonTexts(only), ["Sign in with a passkey"]);
  assert.equal(await login(only).getByLabel("Password").count(), 0);
  assert.equal(await shadow(only, (el) => el.shadowRoot.querySelector("form > button").getAttribute("part")), "button");
  await only.close();
});

test("kim: password, Add a passkey, sign out, Sign in with a passkey", async () => {
  const page = await open("doors");
  const authenticator = await addAuthenticator(page);
  await typeSignIn(page, "kim");
  await expectSignedIn(page, "kim");
  assert.deepEqual(await buttonTexts(page), ["Add a passkey", "Sign out"]);

  await click(page, "Add a passkey");
  await waitStatus(page, "Passkey added.");
  assert.equal(await alertText(page), "");
  assert.equal(await focusedText(page), "Add a passkey", "focus stays on the button");
  assert.equal((await authenticator.credentials()).length, 1, "the authenticator holds kim's passkey");
  const registered = (await emulator.log()).find((entry) => entry.operation === "CompleteWebAuthnRegistration");
  assert.equal(registered.outcome, "ok");
  await login(page).screenshot({ path: join(ARTIFACTS, "element-passkey-added.png") });

  await click(page, "Sign out");
  await heading(page, "Sign in");
  assert.equal(await page.getByLabel("Username").inputValue(), "kim", "the username is kept");
  await click(page, "Sign in with a passkey");
  await expectSignedIn(page, "kim");
  const log = await emulator.log();
  const initiate = log.findLast((entry) => entry.operation === "InitiateAuth");
  assert.equal(initiate.authFlow, "USER_AUTH");
  const answer = log.findLast((entry) => entry.challengeName === "WEB_AUTHN");
  assert.equal(answer.outcome, "tokens");
  assert.deepEqual(answer.clientMetadata, METADATA, "client-metadata goes on the passkey's answer");
  assert.equal((await eventsOf(page, "signed-in")).length, 2);
  await assertQuiet(page);
  await page.close();
});

test("a passkey dialog the person refuses: a friendly message, back on the form, its button focused", async () => {
  const page = await open("doors");
  const consenting = await addAuthenticator(page);
  await typeSignIn(page, "kim");
  await heading(page, "Signed in");
  await click(page, "Add a passkey");
  await waitStatus(page, "Passkey added.");
  await click(page, "Sign out");
  await heading(page, "Sign in");

  // The person says no (or the dialog times out): the browser answers NotAllowedError.
  await consenting.remove();
  await addAuthenticator(page, { isUserConsenting: false });
  const started = Date.now();
  await click(page, "Sign in with a passkey");
  await waitAlert(page, "The passkey request was cancelled or timed out.");
  assert.ok(Date.now() - started < 15_000, "no hang");
  await heading(page, "Sign in");
  assert.equal(await focusedText(page), "Sign in with a passkey", "its button again, to try once more");
  assert.equal(await page.getByLabel("Username").inputValue(), "kim");
  assert.equal(await statusText(page), "", "the prompt's status is gone");
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]).at(-1), ["error", "AbortError"]);
  await login(page).screenshot({ path: join(ARTIFACTS, "element-passkey-cancelled.png") });

  // Refusing to create one leaves the person signed in, told why. (The virtual authenticator
  // creates whatever isUserConsenting says: the browser's answer to a refusal is stubbed.)
  await typeSignIn(page, "kim");
  await heading(page, "Signed in");
  await page.evaluate(() => {
    navigator.credentials.create = () =>
      Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"));
  });
  await click(page, "Add a passkey");
  await waitAlert(page, "The passkey request was cancelled or timed out.");
  assert.equal(await statusText(page), "");
  await heading(page, "Signed in");
  await assertQuiet(page);
  await page.close();
});

test("a second passkey on the same device is refused by the browser, and said so", async () => {
  const page = await open("doors");
  await addAuthenticator(page);
  await typeSignIn(page, "kim");
  await heading(page, "Signed in");
  await click(page, "Add a passkey");
  await waitStatus(page, "Passkey added.");
  await click(page, "Add a passkey");
  await waitAlert(page, "This device already has a passkey for your account.");
  assert.equal(await statusText(page), "");
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]).at(-1), ["error", "PasskeyError"]);
  await page.close();
});

test("without WebAuthn, Add a passkey says this browser can't use passkeys", async () => {
  const page = await open("doors");
  await typeSignIn(page, "alice");
  await heading(page, "Signed in");
  await page.evaluate(() => delete window.PublicKeyCredential);
  await click(page, "Add a passkey");
  await waitAlert(page, "This browser can't use passkeys.");
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]).at(-1), ["error", "UnsupportedBrowser"]);
  await page.close();
});

test("a browser without WebAuthn is not offered passkeys: no passkey door, no Add a passkey", async () => {
  const page = await openWatched(browser, "about:blank");
  await page.addInitScript(() => delete window.PublicKeyCredential);
  await page.goto(atLocalhost(server.url + pages.doors));
  await heading(page, "Sign in");
  assert.deepEqual(await buttonTexts(page), [
    "Sign in", "Email me a code", "Text me a code", "Forgot your password?", "Create an account",
  ]);
  await typeSignIn(page, "alice");
  await heading(page, "Signed in");
  assert.deepEqual(await buttonTexts(page), ["Sign out"]);
  await page.close();
});

test("ivy: Email me a code, by keyboard; a wrong code is asked again", async () => {
  const page = await open("doors");
  await page.getByLabel("Username").fill("ivy");
  // Password, Sign in, the passkey door, then the email door: the password is not needed for it.
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  assert.equal(await focusedText(page), "Email me a code");
  await page.keyboard.press("Enter");
  await heading(page, "Enter your code");
  await page.getByText("We sent a code by email to i***@e***.com.").waitFor();
  assert.equal(await focusedText(page), "code");

  await page.keyboard.type("000000");
  await page.keyboard.press("Enter");
  await waitAlert(page, "That code isn't right.");
  assert.equal(await focusedText(page), "code", "the same step asks again");
  await login(page).screenshot({ path: join(ARTIFACTS, "element-email-code-wrong.png") });
  await page.getByLabel("Code").fill(await lastCode("ivy"));
  await page.keyboard.press("Enter");
  await expectSignedIn(page, "ivy");
  const log = await emulator.log();
  assert.ok(log.some((entry) => entry.challengeName === "EMAIL_OTP" && entry.outcome === "tokens"));
  assert.equal(log.find((entry) => entry.operation === "InitiateAuth").authFlow, "USER_AUTH");
  await assertQuiet(page);
  await page.close();
});

test("jack: Text me a code", async () => {
  const page = await open("doors");
  await page.getByLabel("Username").fill("jack");
  await click(page, "Text me a code");
  await heading(page, "Enter your code");
  await page.getByText("We sent a code by text message to +*******0100.").waitFor();
  await page.getByLabel("Code").fill(await lastCode("jack"));
  await click(page, "Verify");
  await expectSignedIn(page, "jack");
  assert.ok((await emulator.log()).some((entry) => entry.challengeName === "SMS_OTP" && entry.outcome === "tokens"));
  await page.close();
});

test("a door this account cannot use leads to the choice of what it can (alice has no passkey)", async () => {
  const page = await open("doors");
  await page.getByLabel("Username").fill("alice");
  await click(page, "Sign in with a passkey");
  await heading(page, "Choose how to sign in");
  await page.getByText("That way of signing in isn't available for this account.").waitFor();
  const options = await login(page).getByRole("radio").evaluateAll((radios) => radios.map((r) => r.labels[0].textContent));
  assert.deepEqual(options, ["Password", "A code by email"], "PASSWORD and PASSWORD_SRP are one choice");
  await login(page).getByLabel("A code by email").check();
  await click(page, "Continue");
  await heading(page, "Enter your code");
  await page.getByLabel("Code").fill(await lastCode("alice"));
  await click(page, "Verify");
  await expectSignedIn(page, "alice");
  await page.close();
});

test('methods="choice": the username, then the account\'s own factors; a password chosen is asked for', async () => {
  const page = await open("choice");
  assert.deepEqual(await buttonTexts(page), ["Continue"]);
  await page.getByLabel("Username").fill("alice");
  await click(page, "Continue");
  await heading(page, "Choose how to sign in");
  assert.equal(await focusedText(page), "factor", "focus on the first choice");
  assert.doesNotMatch(await stepText(page), /isn't available/);
  await click(page, "Continue");
  await heading(page, "Enter your password");
  await page.getByText("Signing in as alice.").waitFor();
  assert.equal(await focusedText(page), "password");
  await login(page).getByLabel("Password").fill(PASSWORD);
  await click(page, "Sign in");
  await expectSignedIn(page, "alice");
  const log = await emulator.log();
  assert.ok(log.some((entry) => entry.challengeName === "SELECT_CHALLENGE"));
  assert.ok(log.some((entry) => entry.challengeName === "PASSWORD_VERIFIER" && entry.outcome === "tokens"), "SRP for the password");
  await page.close();
});

test("sign-up: a taken username and a weak password told, then the code (a wrong one, resent) signs in", async () => {
  const page = await open("doors");
  await click(page, "Create an account");
  await heading(page, "Create an account");
  assert.equal(await focusedText(page), "username");
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Email").fill("nina@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await click(page, "Create account");
  await waitAlert(page, "That username is taken.");
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]).at(-1), ["error", "UsernameExistsException"]);

  await page.getByLabel("Username").fill("nina");
  await page.getByLabel("Password").fill("password");
  await click(page, "Create account");
  await waitAlert(page, "Choose a stronger password: it must have uppercase characters.");
  await page.getByLabel("Password").fill(PASSWORD);
  await click(page, "Create account");

  await heading(page, "Confirm your account");
  await page.getByText(/We sent a code to n\*+@e\*+\.com\./).waitFor();
  assert.equal(await focusedText(page), "code");
  await page.getByLabel("Code").fill("000000");
  await click(page, "Confirm");
  await waitAlert(page, "That code isn't right.");
  assert.equal(await focusedText(page), "code", "back to the code");
  await login(page).screenshot({ path: join(ARTIFACTS, "element-sign-up-confirm.png") });

  await click(page, "Resend code");
  await waitStatus(page, /We sent a new code to n\*+@e\*+\.com\./);
  const signUpCodes = (await emulator.deliveries()).filter((d) => d.username === "nina" && d.purpose === "SIGN_UP");
  assert.equal(signUpCodes.length, 2, "the code went out twice");
  await page.getByLabel("Code").fill(signUpCodes.at(-1).code);
  await click(page, "Confirm");
  await expectSignedIn(page, "nina");
  const log = await emulator.log();
  for (const operation of ["SignUp", "ConfirmSignUp", "ResendConfirmationCode"]) {
    assert.deepEqual(log.findLast((entry) => entry.operation === operation).clientMetadata, METADATA, operation);
  }
  assert.equal(log.findLast((entry) => entry.operation === "InitiateAuth").outcome, "tokens", "signed in without a second password");
  await assertQuiet(page);
  await page.close();
});

test("sign-up that the pool confirms at once goes back to the sign-in, saying so", async () => {
  const page = await open("doors");
  // A PreSignUp trigger with autoConfirmUser would answer this.
  await page.route(`${emulator.url}**`, async (route) => {
    const target = route.request().headers()["x-amz-target"] ?? "";
    if (!target.endsWith(".SignUp")) return route.continue();
    await route.fulfill({
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "access-control-allow-origin": "*" },
      body: JSON.stringify({ UserConfirmed: true, UserSub: "00000000-0000-4000-8000-000000000000" }),
    });
  });
  await click(page, "Create an account");
  await page.getByLabel("Username").fill("olga");
  await page.getByLabel("Email").fill("olga@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await click(page, "Create account");
  await heading(page, "Sign in");
  await waitStatus(page, "Your account is ready. Sign in.");
  assert.equal(await page.getByLabel("Username").inputValue(), "olga");
  await page.close();
});
