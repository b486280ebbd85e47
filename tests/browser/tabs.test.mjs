// Sessions shared by tabs, in headless Chromium against the emulator: two pages of one browser
// context on one localStorage key, a client with refresh-token rotation and no grace period.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { startStack } from "./harness.mjs";

const POOL = "us-east-1_DemoPool1";
const CLIENT = "demo-rotating-client";
const HOUR_MS = 3_600_000;

let emulator;
let site;
let browser;
let stop;
let context;

before(async () => ({ emulator, server: site, browser, stop } = await startStack()));

after(() => stop?.());

beforeEach(async () => {
  await emulator.reset();
  await context?.close();
  context = await browser.newContext();
});

/**
 * A tab with the package and a CognitoAuth on localStorage (`window.auth`), whose clock
 * (`Date.now`, which the engine reads) runs `window.shift` ms ahead; events land in
 * `window.events`.
 */
async function tab(config = {}) {
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(String(error)));
  await page.goto(`${site.url}/tests/browser/pages/engine.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(
    async ({ config }) => {
      const real = Date.now.bind(Date);
      window.shift = 0;
      Date.now = () => real() + window.shift;
      window.events = [];
      window.auth = await window.sdk.CognitoAuth.create(config);
      for (const name of ["signedIn", "signedOut", "tokenRefreshed", "tokenRefreshFailed"]) {
        window.auth.on(name, (detail) => window.events.push(name === "tokenRefreshFailed" ? `${name}:${detail.name}` : name));
      }
    },
    { config: { userPoolId: POOL, clientId: CLIENT, endpoint: emulator.url, storage: "localStorage", ...config } },
  );
  return page;
}

const refreshes = async () => (await emulator.log()).filter((e) => e.operation === "GetTokensFromRefreshToken");

test("two tabs refreshing at once spend the rotating refresh token once, 20 times over", async () => {
  const a = await tab();
  await a.evaluate(() => window.auth.signIn({ username: "alice", password: "Passw0rd!" }));
  const b = await tab();
  assert.equal(await b.evaluate(() => window.auth.getSnapshot().username), "alice", "restored in the second tab");
  for (let round = 1; round <= 20; round++) {
    // Both clocks move to a minute before the tokens expire; both tabs ask at once.
    await Promise.all([a, b].map((page) => page.evaluate((ms) => (window.shift += ms), HOUR_MS - 30_000)));
    const [first, second] = await Promise.all(
      [a, b].map((page) =>
        page.evaluate(() =>
          window.auth.getTokens().then(
            (tokens) => ({ access: tokens.accessToken, refresh: tokens.refreshToken }),
            (error) => ({ error: error.name }),
          ),
        ),
      ),
    );
    assert.equal(first.error, undefined, `round ${round}: ${first.error}`);
    assert.deepEqual(second, first, `round ${round}: both tabs hold the same new tokens`);
    const calls = await refreshes();
    assert.equal(calls.length, round, `round ${round}: exactly one refresh reached the service`);
    assert.ok(calls.every((call) => call.outcome === "tokens"), JSON.stringify(calls.map((c) => c.outcome)));
  }
  for (const page of [a, b]) {
    assert.equal(await page.evaluate(() => window.auth.getSnapshot().status), "signedIn");
    const events = await page.evaluate(() => window.events);
    assert.ok(!events.includes("signedOut"), events.join());
    assert.deepEqual(page.problems, []);
  }
});

test("a sign-out in one tab reaches the other tab's listeners and snapshot within a second", async () => {
  const a = await tab();
  const b = await tab();
  await a.evaluate(() => window.auth.signIn({ username: "alice", password: "Passw0rd!" }));
  await b.waitForFunction(() => window.auth.getSnapshot().status === "signedIn", null, { timeout: 1000 });
  assert.deepEqual(await b.evaluate(() => window.events), ["signedIn"]);
  const started = Date.now();
  await a.evaluate(() => window.auth.signOut());
  await b.waitForFunction(() => window.events.includes("signedOut"), null, { timeout: 1000 });
  assert.ok(Date.now() - started < 1000);
  assert.equal(await b.evaluate(() => window.auth.getSnapshot().status), "signedOut");
  assert.equal(await b.evaluate(() => window.auth.getTokens()), null);
});

test("a refresh in one tab reaches the other as tokenRefreshed", async () => {
  const a = await tab();
  await a.evaluate(() => window.auth.signIn({ username: "alice", password: "Passw0rd!" }));
  const b = await tab();
  const refreshed = await a.evaluate(() => window.auth.getTokens({ forceRefresh: true }).then((t) => t.accessToken));
  await b.waitForFunction(() => window.events.includes("tokenRefreshed"), null, { timeout: 1000 });
  assert.equal(await b.evaluate(() => window.auth.getSnapshot().tokens.accessToken), refreshed);
});

test("two instances in one page on one storage key stay in step", async () => {
  const page = await tab();
  const value = await page.evaluate(async (config) => {
    const other = await window.sdk.CognitoAuth.create(config);
    const seen = [];
    other.on("signedIn", (tokens) => seen.push(`signedIn:${tokens.username}`));
    other.on("signedOut", () => seen.push("signedOut"));
    await window.auth.signIn({ username: "alice", password: "Passw0rd!" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = other.getSnapshot().username;
    await window.auth.signOut();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { seen, during, after: other.getSnapshot().status };
  }, { userPoolId: POOL, clientId: CLIENT, endpoint: emulator.url, storage: "localStorage" });
  assert.deepEqual(value, { seen: ["signedIn:alice", "signedOut"], during: "alice", after: "signedOut" });
});

for (const [kind, fault] of [
  ["a 500", { kind: "http500" }],
  ["a dropped connection", { kind: "drop" }],
  ["a timeout", { kind: "delay", delayMs: 2000 }],
]) {
  test(`a refresh that meets ${kind} keeps the session`, async () => {
    const a = await tab({ requestTimeoutMs: 300 });
    await a.evaluate(() => window.auth.signIn({ username: "alice", password: "Passw0rd!" }));
    await emulator.fault({ operation: "GetTokensFromRefreshToken", count: 10, ...fault });
    const outcome = await a.evaluate(() =>
      window.auth.getTokens({ forceRefresh: true }).then(() => "refreshed", (e) => ({ name: e.name, retryable: e.retryable })),
    );
    assert.equal(outcome.retryable, true, JSON.stringify(outcome));
    assert.equal(await a.evaluate(() => window.auth.getSnapshot().status), "signedIn");
    assert.ok(await a.evaluate(() => localStorage.getItem("cognito-wasm.demo-rotating-client") !== null), "still stored");
    const events = await a.evaluate(() => window.events);
    assert.ok(events.some((e) => e.startsWith("tokenRefreshFailed")) && !events.includes("signedOut"), events.join());
  });
}

test("a reused rotating refresh token ends the session", async () => {
  const a = await tab();
  const { refreshToken } = await a.evaluate(() => window.auth.signIn({ username: "alice", password: "Passw0rd!" }));
  await a.evaluate(() => window.auth.getTokens({ forceRefresh: true }));
  // A tab that kept the spent token (restored from a copy of the old record) tries it.
  const stale = await a.evaluate(async ({ refreshToken, config }) => {
    const record = JSON.parse(localStorage.getItem("cognito-wasm.demo-rotating-client"));
    const items = new Map([["k", JSON.stringify({ ...record, refreshToken, expiresAt: 0 })]]);
    const auth = await window.sdk.CognitoAuth.create({
      ...config,
      storageKey: "k",
      storage: { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v), removeItem: (k) => items.delete(k) },
    });
    const error = await auth.getTokens().then(() => null, (e) => e.name);
    return { error, status: auth.getSnapshot().status, stored: items.has("k") };
  }, { refreshToken, config: { userPoolId: POOL, clientId: CLIENT, endpoint: emulator.url } });
  assert.deepEqual(stale, { error: "RefreshTokenReuseException", status: "signedOut", stored: false });
});
