// Choice-based sign-in against the emulator in headless Chromium: passkeys through Chromium's
// virtual authenticator (registered, used, cancelled, tampered with), email and SMS codes as
// the first factor, SELECT_CHALLENGE through a handler and step by step, and sign-up that
// signs the new user in. Pages load from http://localhost (a relying party id cannot be an IP).
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import { addAuthenticator, startStack } from "./harness.mjs";
import { assertOk, enginePage, runIn } from "./support.mjs";

const META = { app: "passwordless-test" };

let emulator;
let site;
let browser;
let stop;
let page;
let authenticator;

before(async () => ({ emulator, server: site, browser, stop } = await startStack()));

after(() => stop?.());

beforeEach(async () => {
  await emulator.reset();
  await page?.close();
  page = await enginePage(browser, { url: site.url.replace("127.0.0.1", "localhost") }, emulator);
  authenticator = await addAuthenticator(page);
});

const run = (body, arg, config) => runIn(page, emulator, body, arg, { clientMetadata: META, ...config });
const log = () => emulator.log();
const code = async (purpose) => {
  const deliveries = (await emulator.deliveries()).filter((d) => !purpose || d.purpose === purpose);
  return deliveries.at(-1).code;
};

/** kim signs in with her password and registers a passkey; returns its credential id. */
const registerKim = async () =>
  assertOk(
    await run(async (auth) => {
      await auth.signIn({ username: "kim", password: "Passw0rd!", authFlow: "USER_AUTH", preferredChallenge: "PASSWORD_SRP" });
      const registered = await auth.registerPasskey();
      const listed = await auth.listPasskeys();
      await auth.signOut();
      return { registered, listed };
    }),
  );

describe("passkeys", () => {
  test("kim registers a passkey, signs out, and signs in with it (metadata on the answer)", async () => {
    const { registered, listed } = await registerKim();
    assert.ok(registered.credentialId);
    assert.deepEqual(listed.map((p) => p.credentialId), [registered.credentialId]);
    assert.ok(listed[0].createdAt > Date.now() - 3_600_000);
    const credentials = await authenticator.credentials();
    assert.equal(credentials.length, 1, "the virtual authenticator holds it");

    const result = await run(async (auth) => {
      const tokens = await auth.signIn({
        username: "kim",
        authFlow: "USER_AUTH",
        preferredChallenge: "WEB_AUTHN",
        clientMetadata: { step: "passkey" },
      });
      return tokens.username;
    });
    assert.equal(assertOk(result), "kim");
    const answer = (await log()).find((e) => e.challengeName === "WEB_AUTHN");
    assert.equal(answer.outcome, "tokens");
    assert.equal(answer.clientMetadata?.step, "passkey", "ClientMetadata on the WEB_AUTHN answer");
    assert.equal(answer.clientMetadata?.app, META.app);
    assert.deepEqual(page.problems, []);
  });

  test("a step-by-step sign-in gets the passkey with answer() and no value", async () => {
    await registerKim();
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "kim", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN" });
      const options = step.requestOptions;
      const done = await step.answer();
      return { handler: step.handler, rpId: options.rpId, done: done.done, user: done.tokens.username };
    });
    assert.deepEqual(assertOk(result), { handler: "webAuthn", rpId: "localhost", done: true, user: "kim" });
  });

  test("a ceremony the person refuses is an AbortError with the browser's NotAllowedError as cause", async () => {
    await registerKim();
    await authenticator.remove();
    await addAuthenticator(page, { isUserConsenting: false });
    const result = await run(async (auth) => {
      const started = performance.now();
      const error = await auth.signIn({ username: "kim", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN" }).catch((e) => e);
      return { name: error.name, reason: error.reason, cause: error.cause?.name, ms: performance.now() - started };
    });
    const value = assertOk(result);
    assert.deepEqual([value.name, value.reason, value.cause], ["AbortError", "cancelled", "NotAllowedError"]);
    assert.ok(value.ms < 10_000, `never a hang (${value.ms} ms)`);
  });

  test("an app that gives up on an open passkey dialog aborts it with its signal", async () => {
    await registerKim();
    await authenticator.cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId: authenticator.id, enabled: false });
    const result = await run(async (auth) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("closed")), 1000);
      const error = await auth
        .signIn({ username: "kim", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN", signal: controller.signal })
        .catch((e) => e);
      return { name: error.name, reason: error.reason, cause: error.cause?.message };
    });
    assert.deepEqual(assertOk(result), { name: "AbortError", reason: "aborted", cause: "closed" });
  });

  test("a tampered assertion (bogus signature) is refused by the emulator", async () => {
    await registerKim();
    await authenticator.cdp.send("WebAuthn.setResponseOverrideBits", { authenticatorId: authenticator.id, isBogusSignature: true });
    const result = await run(async (auth, sdk) =>
      auth.signIn({ username: "kim", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN" }).then(
        () => "signed in",
        (e) => ({ name: e.name, challengeName: e.challengeName, text: sdk.describeError(e) }),
      ),
    );
    assert.deepEqual(assertOk(result), {
      name: "NotAuthorizedException",
      challengeName: "WEB_AUTHN",
      text: "Your passkey wasn't accepted. Sign in another way.",
    });
  });

  test("deletePasskey removes it; without WebAuthn registering is UnsupportedBrowser", async () => {
    const { registered } = await registerKim();
    const result = await run(async (auth, sdk, { credentialId }) => {
      await auth.signIn({ username: "kim", password: "Passw0rd!", authFlow: "USER_AUTH", preferredChallenge: "PASSWORD" });
      await auth.deletePasskey(credentialId);
      const after = await auth.listPasskeys();
      const keep = window.PublicKeyCredential;
      delete window.PublicKeyCredential;
      const unsupported = await auth.registerPasskey().catch((e) => e.name);
      window.PublicKeyCredential = keep;
      return { after: after.length, unsupported };
    }, { credentialId: registered.credentialId });
    assert.deepEqual(assertOk(result), { after: 0, unsupported: "UnsupportedBrowser" });
  });
});

describe("codes as the first factor", () => {
  test("ivy signs in with an email code: a wrong code first, then the right one", async () => {
    const result = await run(async (auth) => {
      const seen = [];
      const tokens = await auth.signIn({
        username: "ivy",
        authFlow: "USER_AUTH",
        preferredChallenge: "EMAIL_OTP",
        handlers: {
          emailOtp(c) {
            seen.push([c.challengeName, c.attempt, c.error?.name ?? null, c.deliveryMedium]);
            return c.attempt === 1 ? "000000" : "123456";
          },
        },
      });
      return { seen, username: tokens.username };
    });
    assert.deepEqual(assertOk(result), {
      seen: [["EMAIL_OTP", 1, null, "EMAIL"], ["EMAIL_OTP", 2, "CodeMismatchException", "EMAIL"]],
      username: "ivy",
    });
  });

  test("jack signs in with an SMS code, step by step", async () => {
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "jack", authFlow: "USER_AUTH", preferredChallenge: "SMS_OTP" });
      const wrong = await step.answer("000000");
      const done = await wrong.answer("123456");
      return { handler: step.handler, destination: step.destination, error: wrong.error?.name, user: done.tokens.username };
    });
    const value = assertOk(result);
    assert.equal(value.handler, "smsOtp");
    assert.match(value.destination, /\*/);
    assert.equal(value.error, "CodeMismatchException");
    assert.equal(value.user, "jack");
  });

  test("SELECT_CHALLENGE through a handler: alice picks PASSWORD and is asked for it", async () => {
    const result = await run(async (auth) => {
      let offered;
      const tokens = await auth.signIn({
        username: "alice",
        authFlow: "USER_AUTH",
        handlers: {
          selectChallenge: (c) => ((offered = c.availableChallenges), "PASSWORD"),
          password: (c) => (c.availableChallenges ? "Passw0rd!" : ""),
        },
      });
      return { offered, username: tokens.username };
    });
    const value = assertOk(result);
    assert.ok(value.offered.includes("PASSWORD") && value.offered.includes("EMAIL_OTP"), value.offered.join());
    assert.equal(value.username, "alice");
  });

  test("SELECT_CHALLENGE step by step: alice picks PASSWORD_SRP with the password given", async () => {
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "alice", password: "Passw0rd!", authFlow: "USER_AUTH" });
      const done = await step.answer("PASSWORD_SRP");
      return { handler: step.handler, done: done.done, user: done.tokens.username };
    });
    assert.deepEqual(assertOk(result), { handler: "selectChallenge", done: true, user: "alice" });
    assert.ok((await log()).some((e) => e.challengeName === "PASSWORD_VERIFIER"));
  });
});

describe("sign-up", () => {
  for (const [client, label] of [
    [{}, "the public client"],
    [{ clientId: "demo-secret-client", clientSecret: "demo-client-secret-do-not-use-in-production" }, "a secret client (SECRET_HASH on each call)"],
  ]) {
    test(`sign up, confirm the code, and be signed in, with ${label}`, async () => {
      const username = `nina${Date.now()}`;
      const signedUp = await run(async (auth, sdk, { username }) => {
        const result = await auth.signUp({
          username,
          password: "Passw0rd!",
          attributes: { email: `${username}@example.com` },
          clientMetadata: { step: "signUp" },
        });
        const resent = await auth.resendSignUpCode({ username });
        return { result, resent };
      }, { username }, client);
      const { result, resent } = assertOk(signedUp);
      assert.equal(result.userConfirmed, false);
      assert.ok(result.userSub);
      assert.equal(result.codeDelivery.deliveryMedium, "EMAIL");
      assert.equal(resent.deliveryMedium, "EMAIL");
      const confirmed = await run(async (auth, sdk, { username, code }) => {
        const wrong = await auth.confirmSignUp({ username, code: "000000" }).catch((e) => e.name);
        const tokens = await auth.confirmSignUp({ username, code, autoSignIn: true, clientMetadata: { step: "confirm" } });
        return { wrong, username: tokens?.username, snapshot: auth.getSnapshot().username };
      }, { username, code: await code() }, client);
      const value = assertOk(confirmed);
      assert.equal(value.wrong, "CodeMismatchException");
      assert.equal(value.username, username);
      assert.equal(value.snapshot, username);
      const entries = await log();
      const signUp = entries.find((e) => e.operation === "SignUp");
      assert.equal(signUp.clientMetadata?.step, "signUp");
      const confirm = entries.filter((e) => e.operation === "ConfirmSignUp").at(-1);
      assert.equal(confirm.clientMetadata?.step, "confirm");
      const initiate = entries.filter((e) => e.operation === "InitiateAuth").at(-1);
      assert.equal(initiate.authFlow, "USER_AUTH");
      assert.equal(initiate.outcome, "tokens");
    });
  }
});
