// The demo pages: each demo user's one-click sign-in completes, the trigger panel shows the
// ClientMetadata the triggers received, the timeline shows no secret, refresh and sign-out work,
// and the element page signs in through the script tag. Screenshots go to tests/artifacts/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStack } from "../browser/harness.mjs";
import { ARTIFACTS, PASSWORD, openWatched } from "./support.mjs";

const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry"];
let emulator;
let server;
let browser;
let stop;
let page;

before(async () => {
  ({ emulator, server, browser, stop } = await startStack());
  page = await openWatched(browser, `${server.url}/www/index.html?endpoint=${encodeURIComponent(emulator.url)}`);
  await page.setViewportSize({ width: 1440, height: 1000 });
});

after(() => stop?.());

const screenshot = (target, name) => target.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });

for (const username of USERS) {
  test(`one click signs ${username} in; the triggers show the ClientMetadata`, { timeout: 90_000 }, async () => {
    await page.click(`button[data-user="${username}"]`);
    await page.locator("#status").filter({ hasText: `Signed in as ${username}` }).waitFor({ timeout: 75_000 });
    await page.locator("#triggers .call").first().waitFor();
    const triggers = await page.textContent("#triggers");
    assert.match(triggers, /"app":"playground","campaign":"spring-launch"/);
    assert.match(await page.textContent("#claims"), new RegExp(`cognito:username\\s*${username}`));
    const timeline = await page.textContent("#timeline");
    for (const secret of [PASSWORD, "TempPassw0rd", "123456", "eyJ"]) assert.ok(!timeline.includes(secret), secret);
    assert.match(timeline, /‹redacted›/);
    assert.equal(await page.textContent("#error"), "");
    await screenshot(page, username);
  });
}

test("refresh and sign out", async () => {
  await page.click("#refresh");
  await page.locator("#timeline .group").first().filter({ hasText: "GetTokensFromRefreshToken" }).waitFor();
  await page.locator("#status").filter({ hasText: "Signed in as henry" }).waitFor();
  await page.click("#sign-out");
  await page.locator("#status").filter({ hasText: "Signed out" }).waitFor();
  await page.locator("#timeline .group").first().filter({ hasText: "RevokeToken" }).waitFor();
  assert.deepEqual(page.problems.filter((problem) => !problem.includes("status of 400")), []);
  await screenshot(page, "signed-out");
});

test("the manual sign-in asks the person for each challenge", async () => {
  const manual = page.locator("#manual");
  await manual.getByLabel("Username").fill("bob");
  await manual.getByLabel("Password").fill(PASSWORD);
  await manual.getByRole("button", { name: "Sign in" }).click();
  const prompt = page.locator("#prompt");
  await prompt.getByRole("heading", { name: "Enter the SMS code" }).waitFor();
  await screenshot(page, "manual-prompt");
  await prompt.getByLabel("Code").fill("123456");
  await prompt.getByRole("button", { name: "Continue" }).click();
  await page.locator("#status").filter({ hasText: "Signed in as bob" }).waitFor();
  assert.ok(await prompt.isHidden());
});

test("the element page signs in through the script tag", async () => {
  await emulator.reset();
  const login = await openWatched(browser, `${server.url}/www/login.html?endpoint=${encodeURIComponent(emulator.url)}`);
  await login.setViewportSize({ width: 1280, height: 860 });
  await login.locator("#snippet").filter({ hasText: "sha384-" }).waitFor();
  await login.getByLabel("Username").fill("henry");
  await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await login.getByRole("button", { name: "Sign in", exact: true }).click();
  await login.getByRole("heading", { name: "Set up your authenticator app" }).waitFor();
  await screenshot(login, "element-totp-setup");
  await login.getByRole("button", { name: "Cancel" }).click();
  await login.getByLabel("Username").fill("alice");
  await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await login.getByRole("button", { name: "Sign in", exact: true }).click();
  await login.getByRole("heading", { name: "Signed in" }).waitFor();
  await login.locator("#events li").filter({ hasText: "signed-in · alice" }).waitFor();
  await screenshot(login, "element-signed-in");
  await login.close();
});
