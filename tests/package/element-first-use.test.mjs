// <cognito-login> as a new user met it (issue 14): the custom challenge's text, focus on page
// load, the forgot-password field pre-filled, and the words shown for the third wrong code and
// for an app client with a secret. The classic script alone, under the strict CSP.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStack } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, strictCsp } from "./support.mjs";
import {
  alertText,
  assertQuiet,
  focused,
  heading,
  login,
  openElement,
  shadow,
  stepText,
  typeSignIn,
  writeElementPage,
} from "./element-support.mjs";

// A page taller than any viewport, with the element at its end (a sign-in below an article).
const TALL = '<div style="height: 3000px">An article a person is reading.</div>';
let emulator;
let server;
let browser;
let stop;
const pages = {};

before(async () => {
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url) }));
  pages.plain = await writeElementPage("first-use.html", emulator);
  pages.tall = await writeElementPage("first-use-tall.html", emulator, { above: TALL });
  pages.autofocus = await writeElementPage("first-use-autofocus.html", emulator, { above: TALL, attributes: "autofocus" });
  pages.secret = await writeElementPage("first-use-secret.html", emulator, { clientId: "demo-secret-client" });
});

after(() => stop?.());

const open = (name) => openElement(browser, server.url + pages[name]);

test("erin's custom challenge shows its question, and no protocol field or [object HTMLElement]", async () => {
  const page = await open("plain");
  await shadow(page, (el) => el.setAttribute("auth-flow", "CUSTOM_WITH_SRP"));
  await typeSignIn(page, "erin");
  await heading(page, "One more step");
  const text = await stepText(page);
  await login(page).screenshot({ path: join(ARTIFACTS, "element-custom-challenge.png") });
  assert.doesNotMatch(text, /\[object/);
  assert.doesNotMatch(text, /USER_ID_FOR_SRP|USERNAME|erin/);
  assert.equal(await login(page).locator("dl").count(), 0, "nothing but the question to show");
  await page.getByLabel("What is 6 x 7?").fill("42");
  await page.keyboard.press("Enter");
  await heading(page, "Signed in");
  await assertQuiet(page);
  await page.close();
});

test("a custom challenge's other public parameters are shown as a definition list, protocol fields never", async () => {
  const page = await open("plain");
  // The pool's create-auth-challenge trigger could add public parameters for the person: add a hint.
  await page.route(`${emulator.url}**`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (body.ChallengeName === "CUSTOM_CHALLENGE") body.ChallengeParameters.hint_text = "Six sevens";
    await route.fulfill({ response, body: JSON.stringify(body) });
  });
  await shadow(page, (el) => el.setAttribute("auth-flow", "CUSTOM_WITH_SRP"));
  await typeSignIn(page, "erin");
  await heading(page, "One more step");
  const list = await shadow(page, (el) => {
    const dl = el.shadowRoot.querySelector("dl");
    return dl && [...dl.children].map((child) => [child.localName, child.textContent]);
  });
  assert.deepEqual(list, [["dt", "Hint text"], ["dd", "Six sevens"]]);
  assert.doesNotMatch(await stepText(page), /USER_ID_FOR_SRP|USERNAME|\[object/);
  await page.close();
});

test("on page load the element takes no focus and the page does not scroll to it", async () => {
  const page = await open("tall");
  // Past the session restore (getTokens) that follows the first render.
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.scrollY), 0, "the page stays where the person is");
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  assert.equal(await focused(page), null);

  // Once the person acts, focus follows the steps.
  await typeSignIn(page, "bob");
  await heading(page, "Enter your code");
  assert.equal(await focused(page), "code", "after the person signs in, focus moves to the code");
  await page.close();
});

test("autofocus opts in: a login-only page starts in the username field", async () => {
  const page = await open("autofocus");
  assert.equal(await focused(page), "username");
  assert.ok(await page.evaluate(() => window.scrollY > 0), "the field is scrolled into view");
  await page.close();
});

test("forgot password: typing over the kept username replaces it", async () => {
  const page = await open("plain");
  await typeSignIn(page, "bob");
  await heading(page, "Enter your code");
  await page.getByRole("button", { name: "Cancel" }).click();
  await heading(page, "Sign in");
  await page.getByRole("button", { name: "Forgot your password?" }).click();
  await heading(page, "Reset your password");
  assert.equal(await focused(page), "username");
  await page.keyboard.type("alice");
  assert.equal(await page.getByLabel("Username").inputValue(), "alice");
  await page.keyboard.press("Enter");
  await heading(page, "Choose a new password");
  const forgot = (await emulator.log()).filter((entry) => entry.operation === "ForgotPassword");
  assert.deepEqual(forgot.map((entry) => entry.username), ["alice"]);
  await page.close();
  await emulator.reset();
});

test("the third wrong code says there were too many wrong codes, and to start again", async () => {
  const page = await open("plain");
  await typeSignIn(page, "bob");
  for (let attempt = 1; attempt <= 3; attempt++) {
    await heading(page, "Enter your code");
    await page.getByLabel("Code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    if (attempt < 3) await login(page).getByRole("alert").filter({ hasText: "That code isn't right." }).waitFor();
  }
  await heading(page, "Sign in");
  const text = await alertText(page);
  assert.match(text, /too many wrong codes/i);
  assert.match(text, /start again|sign in again/i);
  assert.doesNotMatch(text, /took too long/);
  assert.deepEqual((await page.events()).map((e) => [e.type, e.name]).at(-1), ["error", "NotAuthorizedException"]);
  await page.close();
});

test("an app client with a secret is shown as a set-up problem, not a wrong password", async () => {
  const page = await open("secret");
  await typeSignIn(page, "alice", PASSWORD);
  await login(page).getByRole("alert").filter({ hasText: /./ }).waitFor();
  const text = await alertText(page);
  assert.notEqual(text, "Incorrect username or password.");
  assert.match(text, /isn't set up correctly/);
  assert.match(text, /client secret/);
  const [event] = await page.events();
  assert.deepEqual([event.type, event.name], ["error", "InvalidConfig"]);
  await page.close();
});
