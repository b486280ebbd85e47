// axe-core (tests/js, pinned) in each state of <cognito-login>: the sign-in form, a code step,
// the MFA choice, TOTP set-up, a new password, a custom challenge, forgot password, the reset,
// signed in, and an error shown. Every rule axe runs by default, WCAG and best practice, on the
// whole page (a proper host page: lang, title, <main>, <h1>) with the element's open shadow root;
// no violation allowed. axe is loaded from 'self', so the strict CSP stays as it is.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "../browser/harness.mjs";
import { strictCsp } from "./support.mjs";
import { assertQuiet, heading, login, openElement, shadow, typeSignIn, writeElementPage } from "./element-support.mjs";

let emulator;
let server;
let browser;
let stop;
let pagePath;

before(async () => {
  ({ emulator, server, browser, stop } = await startStack({ csp: (url) => strictCsp(url) }));
  pagePath = await writeElementPage("a11y.html", emulator);
});

after(() => stop?.());

/** axe's violations on the whole page, as "rule (impact): target" lines. */
async function violations(page) {
  await page.addScriptTag({ url: `${server.url}/tests/js/node_modules/axe-core/axe.min.js` });
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

for (const [state, reach] of Object.entries(STATES)) {
  test(`axe finds no violation: ${state}`, async () => {
    const page = await openElement(browser, server.url + pagePath);
    await reach(page);
    assert.deepEqual(await violations(page), []);
    await assertQuiet(page);
    await page.close();
    await emulator.reset();
  });
}
