// axe-core (tests/js, pinned) in each state of <cognito-login>: the sign-in form, a code step,
// the MFA choice, TOTP set-up, a new password, a custom challenge, forgot password, the reset,
// signed in, and an error shown; with every sign-in door offered (at http://localhost, with
// Chromium's virtual authenticator): the doors, the choice of factor, the password step, an
// email code, sign-up and its code, Add a passkey and its outcomes, a refused passkey dialog. Every rule axe runs by default, WCAG and best practice, on the
// whole page (a proper host page: lang, title, <main>, <h1>) with the element's open shadow root;
// no violation allowed. axe is loaded from 'self', so the strict CSP stays as it is.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "../browser/harness.mjs";
import { strictCsp } from "./support.mjs";
import {
  addAuthenticator,
  assertQuiet,
  atLocalhost,
  heading,
  login,
  openElement,
  shadow,
  typeSignIn,
  writeElementPage,
} from "./element-support.mjs";

let emulator;
let server;
let browser;
let stop;
let pagePath;
let doorsPath;

before(async () => {
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url) }));
  pagePath = await writeElementPage("a11y.html", emulator);
  doorsPath = await writeElementPage("a11y-doors.html", emulator, {
    attributes: 'methods="password passkey email-code sms-code choice" sign-up',
  });
});

after(() => stop?.());

/** axe's violations on the whole page, as "rule (impact): target" lines. */
async function violations(page) {
  // From the page's own origin ('self'): 127.0.0.1, or localhost for the passkey pages.
  await page.addScriptTag({ url: `${new URL(page.url()).origin}/tests/js/node_modules/axe-core/axe.min.js` });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${JSON.stringify(node.target)} ${violation.help}`),
    );
  });
  const ran = await page.evaluate(() => window.axe.getRules().length);
  assert.ok(ran > 50, `axe has its rules (${ran})`);
  return found;
}

const STATES = {
  "sign-in form": async () => {},
  "code step (bob, SMS)": async (page) => {
    await typeSignIn(page, "bob");
    await heading(page, "Enter your code");
  },
  "MFA choice (grace)": async (page) => {
    await typeSignIn(page, "grace");
    await heading(page, "Verify it's you");
  },
  "TOTP set-up (henry)": async (page) => {
    await typeSignIn(page, "henry");
    await heading(page, "Set up your authenticator app");
  },
  "new password (dave)": async (page) => {
    await typeSignIn(page, "dave", "TempPassw0rd!");
    await heading(page, "Choose a new password");
  },
  "custom challenge (erin)": async (page) => {
    await shadow(page, (el) => el.setAttribute("auth-flow", "CUSTOM_WITH_SRP"));
    await typeSignIn(page, "erin");
    await heading(page, "One more step");
  },
  "forgot password": async (page) => {
    await page.getByRole("button", { name: "Forgot your password?" }).click();
    await heading(page, "Reset your password");
  },
  "reset (code and new password)": async (page) => {
    await page.getByRole("button", { name: "Forgot your password?" }).click();
    await page.getByLabel("Username").fill("alice");
    await page.getByRole("button", { name: "Send code" }).click();
    await heading(page, "Choose a new password");
  },
  "signed in (alice)": async (page) => {
    await typeSignIn(page, "alice");
    await heading(page, "Signed in");
  },
  "error shown (wrong password)": async (page) => {
    await typeSignIn(page, "alice", "not-her-password");
    await login(page).getByRole("alert").filter({ hasText: "Incorrect username or password." }).waitFor();
  },
};

const click = (page, name) => login(page).getByRole("button", { name, exact: true }).click();
const signInKim = async (page) => {
  await addAuthenticator(page);
  await typeSignIn(page, "kim");
  await heading(page, "Signed in");
};

// The element with every door and sign-up, at http://localhost.
const DOOR_STATES = {
  "sign-in form with every door": async () => {},
  "choice of factor (alice, Other ways to sign in)": async (page) => {
    await page.getByLabel("Username").fill("alice");
    await click(page, "Other ways to sign in");
    await heading(page, "Choose how to sign in");
  },
  "choice after a door the account cannot use (alice, passkey)": async (page) => {
    await page.getByLabel("Username").fill("alice");
    await click(page, "Sign in with a passkey");
    await login(page).getByText("isn't available for this account").waitFor();
  },
  "password step (alice chose Password)": async (page) => {
    await page.getByLabel("Username").fill("alice");
    await click(page, "Other ways to sign in");
    await click(page, "Continue");
    await heading(page, "Enter your password");
  },
  "email code step (ivy)": async (page) => {
    await page.getByLabel("Username").fill("ivy");
    await click(page, "Email me a code");
    await heading(page, "Enter your code");
  },
  "sign-up form": async (page) => {
    await click(page, "Create an account");
    await heading(page, "Create an account");
  },
  "sign-up error (username taken)": async (page) => {
    await click(page, "Create an account");
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Email").fill("someone@example.com");
    await page.getByLabel("Password").fill("Passw0rd!");
    await click(page, "Create account");
    await login(page).getByRole("alert").filter({ hasText: "taken" }).waitFor();
  },
  "sign-up confirmation code, resent": async (page) => {
    await click(page, "Create an account");
    await page.getByLabel("Username").fill("nina");
    await page.getByLabel("Email").fill("nina@example.com");
    await page.getByLabel("Password").fill("Passw0rd!");
    await click(page, "Create account");
    await heading(page, "Confirm your account");
    await click(page, "Resend code");
    await login(page).getByRole("status").filter({ hasText: "new code" }).waitFor();
  },
  "signed in with Add a passkey (kim)": signInKim,
  "passkey added (status)": async (page) => {
    await signInKim(page);
    await click(page, "Add a passkey");
    await login(page).getByRole("status").filter({ hasText: "Passkey added." }).waitFor();
  },
  "passkey not added (error)": async (page) => {
    await signInKim(page);
    await click(page, "Add a passkey");
    await login(page).getByRole("status").filter({ hasText: "Passkey added." }).waitFor();
    await click(page, "Add a passkey");
    await login(page).getByRole("alert").filter({ hasText: "already has a passkey" }).waitFor();
  },
  "passkey dialog refused (back on the form)": async (page) => {
    await signInKim(page);
    await click(page, "Add a passkey");
    await login(page).getByRole("status").filter({ hasText: "Passkey added." }).waitFor();
    await click(page, "Sign out");
    await heading(page, "Sign in");
    await page.evaluate(() => {
      navigator.credentials.get = () => Promise.reject(new DOMException("Not allowed.", "NotAllowedError"));
    });
    await click(page, "Sign in with a passkey");
    await login(page).getByRole("alert").filter({ hasText: "cancelled or timed out" }).waitFor();
  },
};

for (const [state, reach, path, at] of [
  ...Object.entries(STATES).map(([state, reach]) => [state, reach, () => pagePath, (url) => url]),
  ...Object.entries(DOOR_STATES).map(([state, reach]) => [state, reach, () => doorsPath, atLocalhost]),
]) {
  test(`axe finds no violation: ${state}`, async () => {
    const page = await openElement(browser, at(server.url + path()));
    await reach(page);
    assert.deepEqual(await violations(page), []);
    await assertQuiet(page);
    await page.close();
    await emulator.reset();
  });
}
