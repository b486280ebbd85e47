// What the browser suites share: the engine test page, a runner that evaluates a function in
// it with a fresh CognitoAuth, TOTP codes, and the demo pool's facts.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, beforeEach } from "node:test";

import { ROOT, openPage, startStack } from "./harness.mjs";

export const POOL = "us-east-1_DemoPool1";
export const PASSWORD = "Passw0rd!";
export const META = { app: "engine-test", tenant: "acme" };

/** A fresh engine test page (`window.sdk` is the package) on `site`, pointed at `emulator`. */
export async function enginePage(browser, site, emulator) {
  const page = await openPage(browser, `${site.url}/tests/browser/pages/engine.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate((url) => (window.endpoint = url), emulator.url);
  await page.exposeFunction("totpNow", (secret) => totp(secret));
  return page;
}

/**
 * A suite on one stack (emulator, site, browser, started once): before each test the emulator is
 * reset and `stack.page` is a fresh engine page; `stack.run(body, arg, config)` is `runIn` there.
 */
export function engineSuite() {
  const stack = { run: (...args) => runIn(stack.page, stack.emulator, ...args) };
  let stop;
  before(async () => {
    ({ emulator: stack.emulator, server: stack.site, browser: stack.browser, stop } = await startStack());
  });
  after(() => stop?.());
  beforeEach(async () => {
    await stack.emulator.reset();
    await stack.page?.close();
    stack.page = await enginePage(stack.browser, stack.site, stack.emulator);
  });
  return stack;
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a Base32 secret. */
export function totp(secret, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error("bad base32");
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

/**
 * Runs `body(auth, sdk, arg)` in the page with a fresh CognitoAuth; returns
 * `{ ok, value }` or `{ ok: false, error }` with the error's fields.
 */
export async function runIn(page, emulator, body, arg = {}, config = {}) {
  return page.evaluate(
    async ({ source, arg, config }) => {
      const body = new Function(`return (${source})`)();
      const { CognitoAuth, CognitoAuthError } = window.sdk;
      const events = [];
      try {
        const auth = await CognitoAuth.create(config);
        for (const name of ["signedIn", "signedOut", "tokenRefreshed", "tokenRefreshFailed"]) {
          auth.on(name, (detail) => events.push({ name, detail: detail?.name ?? null }));
        }
        window.auth = auth;
        const value = await body(auth, window.sdk, arg);
        return { ok: true, value, events };
      } catch (e) {
        return {
          ok: false,
          events,
          error: {
            isCognitoAuthError: e instanceof CognitoAuthError,
            isError: e instanceof Error,
            name: e.name,
            message: e.message,
            retryable: e.retryable,
            requestId: e.requestId,
            challengeName: e.challengeName,
            reason: e.reason,
            cause: e.cause === undefined ? undefined : String(e.cause?.message ?? e.cause),
          },
        };
      }
    },
    {
      source: body.toString(),
      arg,
      config: {
        userPoolId: POOL,
        clientId: "demo-client",
        endpoint: emulator.url,
        clientMetadata: META,
        ...config,
      },
    },
  );
}

export const signIn = (auth, sdk, { username, password = "Passw0rd!", ...rest }) =>
  auth.signIn({ username, password, ...rest }).then((t) => ({
    username: t.username,
    tokenUse: t.accessTokenPayload.token_use,
    idUser: t.idTokenPayload["cognito:username"],
    expiresIn: Math.round((t.expiresAt - Date.now()) / 1000),
    hasRefresh: typeof t.refreshToken === "string",
    deviceKey: t.deviceKey ?? null,
    rememberDeviceError: t.rememberDeviceError?.name ?? null,
  }));

export function assertOk(result) {
  assert.equal(result.ok, true, JSON.stringify(result.error));
  return result.value;
}

/** Every RespondToAuthChallenge and InitiateAuth since the reset carried `expected`. */
export function assertMetadataOnEveryAuthCall(entries, expected = META) {
  const calls = entries.filter((e) =>
    ["InitiateAuth", "RespondToAuthChallenge"].includes(e.operation),
  );
  assert.ok(calls.length > 0, "no auth calls logged");
  for (const call of calls) {
    for (const [k, v] of Object.entries(expected)) {
      assert.equal(call.clientMetadata?.[k], v, `${call.operation} ${call.challengeName ?? ""} lacks ${k}`);
    }
  }
}

export function triggers(entries, name) {
  return entries.flatMap((e) => e.triggers.filter((t) => t.name === name));
}

/** The secret of demo-secret-client, from the demo pool config. */
export async function emulatorClientSecret() {
  const config = await demoPool();
  const clients = config.clients ?? config.appClients ?? [];
  const client = (Array.isArray(clients) ? clients : Object.values(clients)).find(
    (c) => (c.clientId ?? c.id) === "demo-secret-client",
  );
  return client.clientSecret ?? client.secret;
}

export async function userTotpSecret(username) {
  const config = await demoPool();
  const users = Array.isArray(config.users) ? config.users : Object.values(config.users);
  const user = users.find((u) => u.username === username);
  return user.totpSecret ?? user.mfa?.totpSecret ?? user.softwareTokenSecret;
}

async function demoPool() {
  return JSON.parse(await readFile(`${ROOT}/emulator/demo-pool.json`, "utf8"));
}
