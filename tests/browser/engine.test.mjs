// The sign-in engine in headless Chromium against the project's emulator: every flow and
// challenge with the demo users, ClientMetadata on every step (checked through /__log),
// wrong codes, missing handlers, abort, the emulator's faults, refresh, sign-out, devices.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  META,
  POOL,
  assertMetadataOnEveryAuthCall,
  assertOk,
  emulatorClientSecret,
  engineSuite,
  signIn,
  triggers,
  userTotpSecret,
} from "./support.mjs";

const stack = engineSuite();
const run = stack.run;

describe("sign-in flows", () => {
  test("alice signs in with SRP; metadata reaches every call and the documented triggers", async () => {
    const result = await run(signIn, { username: "alice", clientMetadata: { step: "call" } });
    const value = assertOk(result);
    assert.equal(value.username, "alice");
    assert.equal(value.idUser, "alice");
    assert.equal(value.tokenUse, "access");
    assert.ok(value.expiresIn > 3000 && value.expiresIn <= 3600, String(value.expiresIn));
    assert.equal(value.hasRefresh, true);
    assert.deepEqual(result.events, [{ name: "signedIn", detail: null }]);

    const log = await stack.emulator.log();
    const ops = log.map((e) => `${e.operation}:${e.authFlow ?? e.challengeName}`);
    assert.deepEqual(ops, ["InitiateAuth:USER_SRP_AUTH", "RespondToAuthChallenge:PASSWORD_VERIFIER"]);
    assertMetadataOnEveryAuthCall(log, { ...META, step: "call" });
    const [pre] = triggers(log, "PreAuthentication");
    assert.equal(pre.validationData?.step, "call", "InitiateAuth metadata reaches PreAuthentication as validationData");
    for (const name of ["PostAuthentication", "PreTokenGeneration"]) {
      const [fired] = triggers(log, name);
      assert.ok(fired, `${name} ran`);
      assert.equal(fired.clientMetadata?.step, "call", `${name} got RespondToAuthChallenge's metadata`);
    }
    assert.deepEqual(stack.page.problems, []);
  });

  test("a wrong password is a NotAuthorizedException without the password in it", async () => {
    const result = await run(signIn, { username: "alice", password: "Wr0ng-Secret!" });
    assert.equal(result.ok, false);
    assert.equal(result.error.isCognitoAuthError, true);
    assert.equal(result.error.isError, true);
    assert.equal(result.error.name, "NotAuthorizedException");
    assert.equal(result.error.retryable, false);
    assert.ok(result.error.requestId, "the request id is kept");
    assert.ok(!result.error.message.includes("Wr0ng-Secret!"));
  });

  test("the secret client signs in (SECRET_HASH with the right username at each step)", async () => {
    const secret = await emulatorClientSecret();
    const result = await run(signIn, { username: "alice@example.com" }, {
      clientId: "demo-secret-client",
      clientSecret: secret,
    });
    assert.equal(assertOk(result).username, "alice");
  });

  test("USER_PASSWORD_AUTH migrates frank from the legacy directory", async () => {
    const result = await run(signIn, { username: "frank", authFlow: "USER_PASSWORD_AUTH" });
    assert.equal(assertOk(result).username, "frank");
    const log = await stack.emulator.log();
    const [migration] = triggers(log, "UserMigration");
    assert.ok(migration, "UserMigration ran");
    assert.equal(migration.validationData?.app, "engine-test");
  });

  test("bob: a wrong SMS code, then the right one, in the same flow", async () => {
    const result = await run(async (auth) => {
      const seen = [];
      const tokens = await auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        handlers: {
          smsMfa(c) {
            seen.push({ attempt: c.attempt, error: c.error?.name ?? null, destination: c.destination, medium: c.deliveryMedium });
            return c.attempt === 1 ? "000000" : "123456";
          },
        },
      });
      return { seen, username: tokens.username };
    });
    const value = assertOk(result);
    assert.equal(value.username, "bob");
    assert.equal(value.seen.length, 2);
    assert.deepEqual(value.seen.map((s) => [s.attempt, s.error]), [[1, null], [2, "CodeMismatchException"]]);
    assert.match(value.seen[0].destination, /\*/);
    assert.equal(value.seen[0].medium, "SMS");
    const log = await stack.emulator.log();
    assertMetadataOnEveryAuthCall(log);
    const sms = log.filter((e) => e.challengeName === "SMS_MFA");
    assert.deepEqual(sms.map((e) => e.outcome), ["error:CodeMismatchException", "tokens"]);
  });

  test("carol answers TOTP", async () => {
    const secret = await userTotpSecret("carol");
    const result = await run(async (auth, sdk, { secret }) => {
      const tokens = await auth.signIn({
        username: "carol",
        password: "Passw0rd!",
        handlers: { softwareTokenMfa: () => window.totpNow(secret) },
      });
      return tokens.username;
    }, { secret });
    assert.equal(assertOk(result), "carol");
    assertMetadataOnEveryAuthCall(await stack.emulator.log());
  });

  test("dave sets a new password with the required attributes, then signs in with it", async () => {
    const result = await run(async (auth) => {
      let required;
      await auth.signIn({
        username: "dave",
        password: "TempPassw0rd!",
        handlers: {
          newPasswordRequired(c) {
            required = c.requiredAttributes;
            const attributes = Object.fromEntries(c.requiredAttributes.map((a) => [a, a === "name" ? "Dave" : "x"]));
            return { newPassword: "N3w-Passw0rd!", attributes };
          },
        },
      });
      await auth.signOut();
      const again = await auth.signIn({ username: "dave", password: "N3w-Passw0rd!" });
      return { required, username: again.username };
    });
    const value = assertOk(result);
    assert.ok(Array.isArray(value.required));
    assert.equal(value.username, "dave");
    assertMetadataOnEveryAuthCall(await stack.emulator.log());
  });

  test("erin: CUSTOM_WITH_SRP rounds with per-step metadata reaching Define/Create/Verify", async () => {
    const result = await run(async (auth) => {
      const questions = [];
      const tokens = await auth.signIn({
        username: "erin",
        password: "Passw0rd!",
        authFlow: "CUSTOM_WITH_SRP",
        handlers: {
          customChallenge(c) {
            questions.push({ attempt: c.attempt, parameters: c.parameters });
            return { answer: c.attempt === 1 ? "wrong" : "42", clientMetadata: { round: String(c.attempt) } };
          },
        },
      });
      return { questions, username: tokens.username };
    });
    const value = assertOk(result);
    assert.equal(value.username, "erin");
    assert.ok(value.questions.length >= 2, "a wrong answer is asked again");
    assert.equal(value.questions[1].attempt, 2);
    const log = await stack.emulator.log();
    assertMetadataOnEveryAuthCall(log);
    const custom = log.filter((e) => e.challengeName === "CUSTOM_CHALLENGE");
    assert.deepEqual(custom.map((e) => e.clientMetadata.round), ["1", "2"]);
    for (const name of ["VerifyAuthChallengeResponse", "DefineAuthChallenge", "CreateAuthChallenge"]) {
      const withRound = triggers(custom, name).filter((t) => t.clientMetadata?.app === "engine-test");
      assert.ok(withRound.length > 0, `${name} got the RespondToAuthChallenge metadata`);
    }
  });

  test("erin: CUSTOM_WITHOUT_SRP goes straight to the question", async () => {
    const result = await run(async (auth) => {
      const tokens = await auth.signIn({
        username: "erin",
        authFlow: "CUSTOM_WITHOUT_SRP",
        handlers: { customChallenge: () => "42" },
      });
      return tokens.username;
    });
    assert.equal(assertOk(result), "erin");
    const log = await stack.emulator.log();
    assert.equal(log[0].authFlow, "CUSTOM_AUTH");
    assert.ok(!log.some((e) => e.challengeName === "PASSWORD_VERIFIER"));
  });

  test("grace chooses SMS among her MFA types", async () => {
    const result = await run(async (auth) => {
      let types;
      const tokens = await auth.signIn({
        username: "grace",
        password: "Passw0rd!",
        handlers: {
          selectMfaType(c) {
            types = c.mfaTypes;
            return "SMS_MFA";
          },
          smsMfa: () => "123456",
        },
      });
      return { types, username: tokens.username };
    });
    const value = assertOk(result);
    assert.ok(value.types.includes("SMS_MFA") && value.types.includes("SOFTWARE_TOKEN_MFA"));
    assert.equal(value.username, "grace");
    const log = await stack.emulator.log();
    assertMetadataOnEveryAuthCall(log);
    assert.ok(log.some((e) => e.challengeName === "SELECT_MFA_TYPE"));
  });

  test("henry enrols TOTP inside the flow, then is asked for it next time", async () => {
    const result = await run(async (auth) => {
      let setup;
      await auth.signIn({
        username: "henry",
        password: "Passw0rd!",
        handlers: {
          async mfaSetup(c) {
            setup = { secret: c.secretCode, uri: c.otpauthUri };
            return window.totpNow(c.secretCode);
          },
        },
      });
      await auth.signOut();
      const next = await auth.signIn({
        username: "henry",
        password: "Passw0rd!",
        handlers: { softwareTokenMfa: () => window.totpNow(setup.secret) },
      });
      return { setup, username: next.username };
    });
    const value = assertOk(result);
    assert.match(value.setup.uri, /^otpauth:\/\/totp\/.+secret=/);
    assert.equal(value.username, "henry");
    const log = await stack.emulator.log();
    const ops = log.map((e) => e.operation);
    assert.ok(ops.includes("AssociateSoftwareToken") && ops.includes("VerifySoftwareToken"));
    assert.ok(log.some((e) => e.challengeName === "MFA_SETUP"));
    assertMetadataOnEveryAuthCall(log);
  });
});

describe("handlers and abort", () => {
  test("a missing handler fails with ChallengeHandlerMissing", async () => {
    const result = await run(signIn, { username: "bob" });
    assert.equal(result.ok, false);
    assert.equal(result.error.name, "ChallengeHandlerMissing");
    assert.equal(result.error.challengeName, "SMS_MFA");
  });

  test("a handler that throws ends the flow with HandlerError and its cause", async () => {
    const result = await run(async (auth) =>
      auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        handlers: { smsMfa: () => Promise.reject(new Error("user closed the dialog")) },
      }),
    );
    assert.equal(result.ok, false);
    assert.equal(result.error.name, "HandlerError");
    assert.equal(result.error.cause, "user closed the dialog");
  });

  test("abort while a handler waits rejects with AbortError, and the module keeps working", async () => {
    const result = await run(async (auth) => {
      const controller = new AbortController();
      const pending = auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        signal: controller.signal,
        handlers: {
          smsMfa: (c) =>
            new Promise((resolve) => {
              c.signal.addEventListener("abort", () => resolve("123456"));
              setTimeout(() => controller.abort(), 50);
            }),
        },
      });
      let name;
      try {
        await pending;
      } catch (e) {
        name = e.name;
      }
      const after = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      return { name, after: after.username };
    });
    assert.deepEqual(assertOk(result), { name: "AbortError", after: "alice" });
  });

  test("abort during a slow reply rejects with AbortError", async () => {
    await stack.emulator.fault({ operation: "InitiateAuth", count: 1, kind: "delay", delayMs: 3000 });
    const result = await run(async (auth) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = performance.now();
      try {
        await auth.signIn({ username: "alice", password: "Passw0rd!", signal: controller.signal });
        return { name: "none" };
      } catch (e) {
        return { name: e.name, ms: performance.now() - started };
      }
    });
    const value = assertOk(result);
    assert.equal(value.name, "AbortError");
    assert.ok(value.ms < 2500, `aborted promptly (${value.ms} ms)`);
  });
});

describe("SRP math in slices", () => {
  // The clock is made to run 4 ms per Date.now() call, so the SDK's 10 ms slices end after two
  // exponentiation steps whatever the machine's speed: the yields are counted, not timed.
  // `abortAt`: abort the sign-in at that yield.
  const slicedSignIn = async (auth, sdk, { abortAt = 0 }) => {
    const realNow = Date.now;
    const realYield = scheduler.yield.bind(scheduler);
    const controller = new AbortController();
    let skew = 0;
    let yields = 0;
    Date.now = () => realNow() + (skew += 4);
    scheduler.yield = () => {
      if (++yields === abortAt) controller.abort();
      return realYield();
    };
    try {
      const tokens = await auth.signIn({
        username: "alice",
        password: "Passw0rd!",
        signal: controller.signal,
      });
      return { username: tokens.username, yields };
    } catch (e) {
      return { error: e.name, yields };
    } finally {
      Date.now = realNow;
      scheduler.yield = realYield;
    }
  };

  test("the SRP math yields to the page between slices, and the sign-in succeeds", async () => {
    const value = assertOk(await run(slicedSignIn));
    assert.equal(value.username, "alice");
    // A (256 comb columns) and the key (52 + 207 windows), two steps per slice.
    assert.ok(value.yields > 200, `yielded ${value.yields} times`);
  });

  test("abort between slices rejects with AbortError before the claim is sent", async () => {
    // Past A (about 128 yields; InitiateAuth is out by then), into the session key.
    const value = assertOk(await run(slicedSignIn, { abortAt: 180 }));
    assert.equal(value.error, "AbortError");
    assert.equal(value.yields, 180, "stopped at the first yield after the abort");
    const calls = (await stack.emulator.log()).map((entry) => entry.operation);
    assert.deepEqual(calls, ["InitiateAuth"], "the claim was never sent");
  });
});

describe("faults and retries", () => {
  for (const kind of ["http500", "throttle", "drop"]) {
    test(`InitiateAuth ${kind} once is retried`, async () => {
      await stack.emulator.fault({ operation: "InitiateAuth", count: 1, kind });
      const result = await run(signIn, { username: "alice" });
      assert.equal(assertOk(result).username, "alice");
      const log = await stack.emulator.log();
      assert.equal(log.filter((e) => e.operation === "InitiateAuth").length, 2);
    });
  }

  test("a throttled PASSWORD_VERIFIER restarts from InitiateAuth instead of re-sending", async () => {
    await stack.emulator.fault({ operation: "RespondToAuthChallenge", count: 1, kind: "throttle" });
    const result = await run(signIn, { username: "alice" });
    assert.equal(assertOk(result).username, "alice");
    const log = await stack.emulator.log();
    const ops = log.map((e) => e.operation);
    assert.deepEqual(ops, ["InitiateAuth", "RespondToAuthChallenge", "InitiateAuth", "RespondToAuthChallenge"]);
  });

  test("persistent 500s end with a retryable error after a bounded number of tries", async () => {
    await stack.emulator.fault({ operation: "InitiateAuth", count: 10, kind: "http500" });
    const result = await run(signIn, { username: "alice" });
    assert.equal(result.ok, false);
    assert.equal(result.error.retryable, true);
    const tries = (await stack.emulator.log()).filter((e) => e.operation === "InitiateAuth").length;
    assert.equal(tries, 4);
  });

  test("malformed JSON is an InvalidServerResponse, and the module keeps working", async () => {
    await stack.emulator.fault({ operation: "InitiateAuth", count: 1, kind: "malformedJson" });
    const result = await run(async (auth) => {
      let name;
      try {
        await auth.signIn({ username: "alice", password: "Passw0rd!" });
      } catch (e) {
        name = e.name;
      }
      const after = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      return { name, after: after.username };
    });
    assert.deepEqual(assertOk(result), { name: "InvalidServerResponse", after: "alice" });
  });

  test("replies go through the browser's strict JSON.parse, with the core's depth limit", async () => {
    // An app fetch that answers InitiateAuth with each body in turn, then lets calls through.
    const result = await run(async (_auth, sdk) => {
      const deep = "[".repeat(40) + "]".repeat(40);
      const bodies = ['{"ChallengeName":"X",}', `{"ChallengeName":"X","Deep":${deep}}`];
      const fetch = (url, init) => {
        const target = init.headers["X-Amz-Target"];
        if (target.endsWith(".InitiateAuth") && bodies.length) {
          return Promise.resolve(new Response(bodies.shift(), { status: 200 }));
        }
        return window.fetch(url, init);
      };
      const auth = await sdk.CognitoAuth.create({
        userPoolId: "us-east-1_DemoPool1",
        clientId: "demo-client",
        endpoint: window.endpoint,
        fetch,
      });
      const names = [];
      for (let i = 0; i < 2; i++) {
        await auth.signIn({ username: "alice", password: "Passw0rd!" }).catch((e) => names.push(e.name));
      }
      const after = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      return { names, after: after.username, expiresIn: Math.round((after.expiresAt - Date.now()) / 1000) };
    });
    const value = assertOk(result);
    assert.deepEqual(value.names, ["InvalidServerResponse", "InvalidServerResponse"]);
    assert.equal(value.after, "alice");
    // ExpiresIn and the claims are numbers read through the same parser.
    assert.ok(value.expiresIn > 3500 && value.expiresIn <= 3600, String(value.expiresIn));
  });

  test("an unreachable endpoint is a NetworkError", async () => {
    const result = await run(signIn, { username: "alice" }, { endpoint: "http://127.0.0.1:9/" });
    assert.equal(result.ok, false);
    assert.equal(result.error.name, "NetworkError");
    assert.equal(result.error.retryable, true);
  });

  test("bad config and bad options are typed errors", async () => {
    const bad = await run(() => 1, {}, { userPoolId: "nope" });
    assert.equal(bad.error.name, "InvalidConfig");
    const flow = await run(signIn, { username: "alice", authFlow: "MAGIC" });
    assert.equal(flow.error.name, "InvalidConfig");
    const md = await run(signIn, { username: "alice", clientMetadata: { nested: { no: 1 } } });
    assert.equal(md.error.name, "InvalidConfig");
  });
});

describe("tokens, refresh and sign-out", () => {
  test("getTokens refreshes once for concurrent callers and keeps the refresh token", async () => {
    const result = await run(async (auth) => {
      const first = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const [a, b] = await Promise.all([
        auth.getTokens({ forceRefresh: true }),
        auth.getTokens({ forceRefresh: true }),
      ]);
      const lazy = await auth.getTokens();
      return {
        changed: a.accessToken !== first.accessToken,
        same: a.accessToken === b.accessToken && lazy.accessToken === a.accessToken,
        refreshKept: a.refreshToken === first.refreshToken,
      };
    });
    assert.deepEqual(assertOk(result), { changed: true, same: true, refreshKept: true });
    assert.deepEqual(result.events.map((e) => e.name), ["signedIn", "tokenRefreshed"]);
    const log = await stack.emulator.log();
    const refreshes = log.filter((e) => e.operation === "GetTokensFromRefreshToken");
    assert.equal(refreshes.length, 1);
    assert.equal(refreshes[0].clientMetadata?.app, "engine-test");
  });

  test("a transient refresh failure keeps the tokens; sign-out revokes and clears", async () => {
    const result = await run(async (auth) => {
      await auth.signIn({ username: "alice", password: "Passw0rd!" });
      await fetch(new URL("/__faults", window.endpoint), {
        method: "POST",
        body: JSON.stringify({ operation: "GetTokensFromRefreshToken", count: 10, kind: "http500" }),
      });
      let failed;
      try {
        await auth.getTokens({ forceRefresh: true });
      } catch (e) {
        failed = e.name;
      }
      const kept = (await auth.getTokens()) !== null;
      await fetch(new URL("/__reset", window.endpoint), { method: "POST", body: "{}" });
      return { failed, kept };
    }, {}, {});
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.value.kept, true);
    assert.equal(result.value.failed, "InternalErrorException");
    assert.ok(result.events.some((e) => e.name === "tokenRefreshFailed"));
    assert.ok(!result.events.some((e) => e.name === "signedOut"));
  });

  test("sign-out revokes the refresh token; refreshing it afterwards fails and signs out", async () => {
    const result = await run(async (auth, sdk, { config }) => {
      const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      await auth.signOut();
      const after = await auth.getTokens();
      // A second client that still holds the revoked refresh token.
      const stale = await sdk.CognitoAuth.create({
        ...config,
        storage: {
          getItem: () => JSON.stringify({ idToken: tokens.idToken, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: 0, tokenType: "Bearer", username: "alice" }),
          setItem() {},
          removeItem() {},
        },
      });
      let refreshError;
      try {
        await stale.getTokens();
      } catch (e) {
        refreshError = e.name;
      }
      return { after, refreshError };
    }, { config: { userPoolId: POOL, clientId: "demo-client", endpoint: stack.emulator.url } });
    const value = assertOk(result);
    assert.equal(value.after, null);
    assert.equal(value.refreshError, "NotAuthorizedException");
    assert.deepEqual(result.events.map((e) => e.name), ["signedIn", "signedOut"]);
    const ops = (await stack.emulator.log()).map((e) => e.operation);
    assert.ok(ops.includes("RevokeToken"));
  });

  test("autoRefresh refreshes a restored session that is about to expire", async () => {
    const result = await run(async (auth, sdk, { config }) => {
      const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const stored = JSON.stringify({
        idToken: tokens.idToken,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: Date.now() + 30_000,
        tokenType: "Bearer",
        username: "alice",
      });
      const items = new Map([["cognito-wasm.demo-client", stored]]);
      const storage = {
        getItem: (k) => items.get(k) ?? null,
        setItem: (k, v) => void items.set(k, v),
        removeItem: (k) => void items.delete(k),
      };
      const restored = await sdk.CognitoAuth.create({ ...config, storage, autoRefresh: true });
      const refreshed = await new Promise((resolve, reject) => {
        restored.on("tokenRefreshed", resolve);
        setTimeout(() => reject(new Error("no refresh within 5 s")), 5_000);
      });
      const saved = JSON.parse(items.get("cognito-wasm.demo-client"));
      return {
        newToken: refreshed.accessToken !== tokens.accessToken,
        stored: saved.accessToken === refreshed.accessToken,
        later: saved.expiresAt > Date.now() + 3_000_000,
      };
    }, { config: { userPoolId: POOL, clientId: "demo-client", endpoint: stack.emulator.url } });
    assert.deepEqual(assertOk(result), { newToken: true, stored: true, later: true });
  });

  test("global sign-out invalidates the access token", async () => {
    const result = await run(async (auth) => {
      await auth.signIn({ username: "alice", password: "Passw0rd!" });
      await auth.signOut({ global: true });
      return auth.getTokens();
    });
    assert.equal(assertOk(result), null);
    const ops = (await stack.emulator.log()).map((e) => e.operation);
    assert.ok(ops.includes("GlobalSignOut"));
  });

  test("localStorage sessions are restored by a new instance", async () => {
    const result = await run(async (auth, sdk, { config }) => {
      const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const restored = await sdk.CognitoAuth.create(config);
      const again = await restored.getTokens();
      await restored.signOut();
      return { same: again?.accessToken === tokens.accessToken, cleared: localStorage.length };
    }, { config: { userPoolId: POOL, clientId: "demo-client", endpoint: stack.emulator.url, storage: "localStorage" } }, { storage: "localStorage" });
    assert.deepEqual(assertOk(result), { same: true, cleared: 0 });
  });
});

describe("remembered devices and password reset", () => {
  test("bob's second sign-in on a remembered device skips SMS MFA through device SRP", async () => {
    const result = await run(async (auth) => {
      let smsAsked = 0;
      const handlers = { smsMfa: () => (smsAsked++, "123456") };
      const first = await auth.signIn({ username: "bob", password: "Passw0rd!", handlers });
      await auth.signOut();
      const second = await auth.signIn({ username: "bob", password: "Passw0rd!", handlers });
      return { smsAsked, first: first.deviceKey, second: second.deviceKey, error: first.rememberDeviceError?.name ?? null };
    }, {}, { rememberDevices: true, deviceName: "engine test browser" });
    const value = assertOk(result);
    assert.equal(value.error, null);
    assert.equal(value.smsAsked, 1);
    assert.ok(value.first);
    assert.equal(value.second, value.first);
    const log = await stack.emulator.log();
    assert.ok(log.some((e) => e.operation === "ConfirmDevice"));
    const device = log.filter((e) => ["DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"].includes(e.challengeName));
    assert.equal(device.length, 2);
    assertMetadataOnEveryAuthCall(log);
    const posts = triggers(log, "PostAuthentication");
    assert.equal(posts.length, 2);
  });

  test("forgot password: code by SMS/email, new password, metadata on both calls", async () => {
    const result = await run(async (auth) => auth.forgotPassword({ username: "alice", clientMetadata: { why: "forgot" } }));
    const details = assertOk(result);
    assert.ok(details.destination && details.deliveryMedium);
    const [delivery] = (await stack.emulator.deliveries()).filter((d) => d.purpose === "FORGOT_PASSWORD");
    const done = await run(async (auth, sdk, { code }) => {
      await auth.confirmForgotPassword({ username: "alice", code, newPassword: "Res3t-Passw0rd!" });
      const tokens = await auth.signIn({ username: "alice", password: "Res3t-Passw0rd!" });
      return tokens.username;
    }, { code: delivery.code });
    assert.equal(assertOk(done), "alice");
    const log = await stack.emulator.log();
    for (const op of ["ForgotPassword", "ConfirmForgotPassword"]) {
      const call = log.find((e) => e.operation === op);
      assert.equal(call.clientMetadata?.app, "engine-test", `${op} carried the metadata`);
    }
    assert.equal(log.find((e) => e.operation === "ForgotPassword").clientMetadata.why, "forgot");
  });
});

