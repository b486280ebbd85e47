// The playground's passwordless flows at http://localhost:PORT (passkeys need it), with Chromium's
// virtual authenticator: ivy's email code and jack's SMS code in one click; kim without a passkey
// (SELECT_CHALLENGE, her password), Add a passkey in the Account card, sign out, then one click
// signs her in with it, and Delete removes it; a manual USER_AUTH sign-in where the person picks
// the factor; sign-up with its code (a wrong one first); getUser and a password change. The
// timeline shows no code, password, token or passkey signature. At 127.0.0.1 the page says to
// open it at localhost. Screenshots go to tests/artifacts/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStack } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, openWatched } from "./support.mjs";
import { addAuthenticator, atLocalhost } from "./element-support.mjs";

let emulator;
let server;
let browser;
let stop;
let page;
let authenticator;

before(async () => {
  ({ emulator, server, browser, stop } = await startStack());
  const url = `${atLocalhost(server.url)}/www/index.html?endpoint=${encodeURIComponent(emulator.url)}`;
  page = await openWatched(browser, url);
  await page.setViewportSize({ width: 1440, height: 1100 });
  authenticator = await addAuthenticator(page);
});

after(() => stop?.());

const screenshot = (target, name) => target.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });
const signedInAs = (username) => page.locator("#status").filter({ hasText: `Signed in as ${username}` }).waitFor({ timeout: 60_000 });
const lastGroup = () => page.locator("#timeline .group").first();

/** Nothing secret on the screen: codes, passwords, tokens; a passkey's signature only redacted. */
async function assertRedacted() {
  const timeline = await page.textContent("#timeline");
  for (const secret of [PASSWORD, "123456", "eyJ"]) assert.ok(!timeline.includes(secret), secret);
  assert.equal(await page.textContent("#error"), "");
  return timeline;
}

test("at localhost the page does not ask to be opened elsewhere", async () => {
  const notice = page.locator("#localhost-notice");
  assert.equal(await notice.count(), 1, "the page has the notice");
  assert.ok(await notice.isHidden(), "and keeps it hidden at localhost");
});

test("ivy and jack: one click each, the code as the first factor", async () => {
  for (const [username, challenge] of [["ivy", "EMAIL_OTP"], ["jack", "SMS_OTP"]]) {
    await page.click(`button[data-user="${username}"]`);
    await signedInAs(username);
    await lastGroup().filter({ hasText: `challenge ${challenge}` }).waitFor();
    const group = await lastGroup().textContent();
    assert.match(group, /InitiateAuth\s*USER_AUTH/);
    assert.match(group, new RegExp(`RespondToAuthChallenge\\s*${challenge}`));
    assert.match(await page.textContent("#claims"), new RegExp(`cognito:username\\s*${username}`));
    await assertRedacted();
  }
  await screenshot(page, "jack-sms-code");
});

test("kim: no passkey yet, so her password; Add a passkey; then one click signs her in with it", async () => {
  await page.click("#sign-out");
  await page.locator("#status").filter({ hasText: "Signed out" }).waitFor();
  await page.click('button[data-user="kim"]');
  await signedInAs("kim");
  await lastGroup().filter({ hasText: "has no passkey yet" }).waitFor();
  assert.match(await lastGroup().textContent(), /SELECT_CHALLENGE/);
  const account = page.locator("#account");
  await account.getByText("No passkey yet.").waitFor();

  await account.getByRole("button", { name: "Add a passkey" }).click();
  await account.locator("#passkeys li[data-credential]").first().waitFor();
  assert.equal(await account.locator("#passkeys li[data-credential]").count(), 1);
  assert.match(await account.locator("#passkeys").textContent(), /Passkey 1/);
  assert.equal((await authenticator.credentials()).length, 1);
  const registration = await lastGroup().textContent();
  assert.match(registration, /StartWebAuthnRegistration/);
  assert.match(registration, /CompleteWebAuthnRegistration/);
  assert.match(registration, /"attestationObject": "‹redacted›"/);
  await screenshot(page, "kim-passkey-added");

  await page.click("#sign-out");
  await page.locator("#status").filter({ hasText: "Signed out" }).waitFor();
  await page.click('button[data-user="kim"]');
  await signedInAs("kim");
  const group = lastGroup();
  await group.filter({ hasText: "the browser's passkey dialog" }).waitFor();
  const text = await group.textContent();
  assert.match(text, /RespondToAuthChallenge\s*WEB_AUTHN/);
  assert.doesNotMatch(text, /SELECT_CHALLENGE/, "straight to the passkey");
  // The CREDENTIAL answer is shown parsed, its signature redacted.
  assert.match(text, /"signature": "‹redacted›"/);
  assert.match(text, /"type": "webauthn.get"/, "clientDataJSON shown decoded");
  const answer = (await emulator.log()).findLast((entry) => entry.challengeName === "WEB_AUTHN");
  assert.equal(answer.outcome, "tokens");
  await assertRedacted();
  await screenshot(page, "kim-passkey-sign-in");

  await account.getByRole("button", { name: "Delete Passkey 1" }).click();
  await account.getByText("No passkey yet.").waitFor();
  assert.ok((await emulator.log()).some((entry) => entry.operation === "DeleteWebAuthnCredential" && entry.outcome === "ok"));
});

test("a manual USER_AUTH sign-in: the person picks the factor, then gives the password", async () => {
  await page.click("#sign-out");
  await page.locator("#status").filter({ hasText: "Signed out" }).waitFor();
  await page.selectOption('#settings select[name="authFlow"]', "USER_AUTH");
  assert.ok(await page.locator("#preferred").isVisible(), "the first-factor choice shows for USER_AUTH");
  const manual = page.locator("#manual");
  await manual.getByLabel("Username").fill("alice");
  await manual.getByLabel("Password").fill("");
  await manual.getByRole("button", { name: "Sign in" }).click();
  const prompt = page.locator("#prompt");
  await prompt.getByRole("heading", { name: "Choose how to sign in" }).waitFor();
  const offered = await prompt.getByLabel("First factor").locator("option").allTextContents();
  assert.deepEqual(offered, ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
  await screenshot(page, "manual-choose-factor");
  await prompt.getByLabel("First factor").selectOption("PASSWORD_SRP");
  await prompt.getByRole("button", { name: "Continue" }).click();
  await prompt.getByRole("heading", { name: "Enter your password" }).waitFor();
  await prompt.getByLabel("Password").fill(PASSWORD);
  await prompt.getByRole("button", { name: "Continue" }).click();
  await signedInAs("alice");
  assert.match(await lastGroup().textContent(), /PASSWORD_VERIFIER/);
  await assertRedacted();
  await page.selectOption('#settings select[name="authFlow"]', "USER_SRP_AUTH");
});

test("sign-up: a wrong code is asked again, the right one signs the new user in", async () => {
  const form = page.locator("#sign-up");
  await form.getByLabel("Username").fill("nina");
  await form.getByLabel("Email", { exact: true }).fill("nina@example.com");
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign up" }).click();
  const prompt = page.locator("#sign-up-prompt");
  await prompt.getByRole("heading", { name: "Enter the emailed code" }).waitFor();
  await prompt.getByLabel("Code").fill("000000");
  await prompt.getByRole("button", { name: "Continue" }).click();
  await prompt.getByText("CodeMismatchException").waitFor();
  await prompt.getByRole("button", { name: "Resend code" }).click();
  await lastGroup().filter({ hasText: "a new code went to" }).waitFor();
  const { code } = (await emulator.deliveries()).findLast((delivery) => delivery.username === "nina");
  await prompt.getByLabel("Code").fill(code);
  await prompt.getByRole("button", { name: "Continue" }).click();
  await signedInAs("nina");
  const group = await lastGroup().textContent();
  for (const operation of ["SignUp", "ResendConfirmationCode", "ConfirmSignUp", "InitiateAuth"]) assert.match(group, new RegExp(operation));
  await assertRedacted();
  await screenshot(page, "sign-up");
});

test("the account: getUser, and a password change", async () => {
  const account = page.locator("#account");
  await account.getByRole("button", { name: "Get user" }).click();
  await account.locator("#user-info").filter({ hasText: '"username": "nina"' }).waitFor();
  assert.match(await account.locator("#user-info").textContent(), /"email": "nina@example.com"/);
  await account.getByLabel("Current password").fill(PASSWORD);
  await account.getByLabel("New password").fill("N3w-Passw0rd!");
  await account.getByRole("button", { name: "Change password" }).click();
  await lastGroup().filter({ hasText: "the password was changed" }).waitFor();
  assert.ok((await emulator.log()).some((entry) => entry.operation === "ChangePassword" && entry.outcome === "ok"));
  const timeline = await assertRedacted();
  assert.ok(!timeline.includes("N3w-Passw0rd!"));
  await screenshot(page, "account");
  assert.deepEqual(page.problems.filter((problem) => !problem.includes("status of 400")), []);
});

test("at 127.0.0.1 the playground and the element page say to open them at localhost", async () => {
  for (const name of ["index.html", "login.html"]) {
    const other = await openWatched(browser, `${server.url}/www/${name}?endpoint=${encodeURIComponent(emulator.url)}`);
    const notice = other.locator("#localhost-notice");
    await notice.waitFor();
    assert.match(await notice.textContent(), /Passkeys need this page at/);
    const href = await other.locator("#localhost-link").getAttribute("href");
    assert.equal(new URL(href).hostname, "localhost");
    assert.equal(new URL(href).pathname, `/www/${name}`);
    assert.equal(new URL(href).searchParams.get("endpoint"), emulator.url);
    await other.close();
  }
});

test("the element page offers every door and sign-up; ivy signs in with an emailed code", async () => {
  const login = await openWatched(browser, `${atLocalhost(server.url)}/www/login.html?endpoint=${encodeURIComponent(emulator.url)}`);
  await login.setViewportSize({ width: 1280, height: 900 });
  await login.locator("#snippet").filter({ hasText: 'methods="password passkey email-code sms-code" sign-up' }).waitFor();
  const element = login.locator("cognito-login");
  await element.getByRole("button", { name: "Create an account" }).waitFor();
  await element.getByLabel("Username").fill("ivy");
  await element.getByRole("button", { name: "Email me a code" }).click();
  await element.getByRole("heading", { name: "Enter your code" }).waitFor();
  await screenshot(login, "element-email-code");
  await element.getByLabel("Code").fill("123456");
  await element.getByRole("button", { name: "Verify" }).click();
  await login.locator("#events li").filter({ hasText: "signed-in · ivy" }).waitFor();
  await element.getByRole("button", { name: "Add a passkey" }).waitFor();
  await login.close();
});
