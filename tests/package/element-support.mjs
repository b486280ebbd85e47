// Helpers for the suites that drive <cognito-login> the way a person would (element-first-use,
// a11y): a page with the integrity-pinned classic script, the element in a <main> with an
// <h1> above it, and the steps that bring the element into each of its states.
import assert from "node:assert/strict";
import { PASSWORD, POOL, integrity, openWatched, writePage } from "./support.mjs";

export { addAuthenticator } from "../browser/harness.mjs";

/**
 * Writes `name` (a page with the classic script and one <cognito-login>) and returns its path.
 * `attributes` go on the element; `above` is HTML put before it (e.g. a tall block).
 * `clientId`: the app client (default the demo pool's client without a secret).
 */
export async function writeElementPage(name, emulator, { attributes = "", above = "", clientId = POOL.clientId } = {}) {
  const hash = await integrity("pkg/cognito-wasm.iife.js");
  return writePage(name, `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>cognito-login: ${name}</title>
<link rel="icon" href="data:,">
<script src="/pkg/cognito-wasm.iife.js" integrity="${hash}" crossorigin="anonymous"></script>
<main>
<h1>Your account</h1>
${above}
<cognito-login user-pool-id="${POOL.userPoolId}" client-id="${clientId}" endpoint="${emulator.url}" ${attributes}></cognito-login>
</main>
`);
}

export const login = (page) => page.locator("cognito-login");
export const heading = (page, name) => page.getByRole("heading", { name }).waitFor();
export const shadow = (page, script, arg) => login(page).evaluate(script, arg);
/** The `name` of the focused field inside the element (or its tag), null when focus is outside. */
export const focused = (page) =>
  shadow(page, (el) => {
    const active = el.shadowRoot.activeElement;
    return active ? (active.getAttribute("name") ?? active.localName) : null;
  });
export const alertText = (page) => login(page).locator('[part="error"]').textContent();

/** Opens the page and waits until the element shows its sign-in form and has its instance. */
export async function openElement(browser, url) {
  const page = await openWatched(browser, url);
  await page.waitForFunction(() => customElements.get("cognito-login"));
  await heading(page, "Sign in");
  await shadow(page, (el) => el.ready);
  return page;
}

export async function typeSignIn(page, username, password = PASSWORD) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** The text of the element's current step (heading, messages and form), as a person sees it. */
export const stepText = (page) => shadow(page, (el) => el.shadowRoot.querySelector("[part=container]").innerText);

/** No CSP violation and no console error other than the browser's own log of an HTTP 400. */
export async function assertQuiet(page) {
  assert.deepEqual(await page.violations(), []);
  assert.deepEqual(page.problems.filter((problem) => !problem.includes("status of 400")), []);
}

/** A URL of the static server at http://localhost (a passkey's relying party id cannot be an IP). */
export const atLocalhost = (url) => url.replace("//127.0.0.1:", "//localhost:");

/** The element's buttons (its form's and links) by their text. */
export const buttonTexts = (page) =>
  shadow(page, (el) => [...el.shadowRoot.querySelectorAll("button")].map((button) => button.textContent));

/** What has focus inside the element: a field's name, a button's text, or null. */
export const focusedText = (page) =>
  shadow(page, (el) => {
    const active = el.shadowRoot.activeElement;
    return active ? (active.getAttribute("name") ?? active.textContent) : null;
  });
