// The API around the engine in headless Chromium against the emulator: the step API, the
// snapshot and subscribe contract, what supersedes or ends a sign-in, request timeouts, the
// signal every handler and step gets, dispose, and how loading and configuration fail.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { META, POOL, assertOk, engineSuite } from "./support.mjs";

const stack = engineSuite();
const run = stack.run;

const smsCalls = (log) => log.filter((e) => e.challengeName === "SMS_MFA");

describe("step API", () => {
  test("bob steps through SMS MFA: a wrong code, then the right one with the step's metadata", async () => {
    const result = await run(async (auth) => {
      const first = await auth.startSignIn({ username: "bob", password: "Passw0rd!" });
      const seen = (step) => ({
        done: step.done,
        challengeName: step.challengeName,
        handler: step.handler,
        attempt: step.attempt,
        error: step.error?.name ?? null,
        errorIsCognito: step.error ? step.error instanceof window.sdk.CognitoAuthError : null,
        destination: step.destination,
        deliveryMedium: step.deliveryMedium,
        username: step.username,
        signal: step.signal instanceof AbortSignal && !step.signal.aborted,
      });
      const second = await first.answer("000000");
      let stale;
      await first.answer("123456").catch((e) => (stale = e.name));
      const done = await second.answer("123456", { clientMetadata: { step: "second" } });
      return {
        first: seen(first),
        second: seen(second),
        stale,
        done: { done: done.done, username: done.tokens.username, claims: done.tokens.accessTokenPayload.username },
      };
    });
    const value = assertOk(result);
    assert.deepEqual(value.first, {
      done: false,
      challengeName: "SMS_MFA",
      handler: "smsMfa",
      attempt: 1,
      error: null,
      errorIsCognito: null,
      destination: value.first.destination,
      deliveryMedium: "SMS",
      username: "bob",
      signal: true,
    });
    assert.match(value.first.destination, /\*/);
    assert.equal(value.second.attempt, 2);
    assert.equal(value.second.error, "CodeMismatchException");
    assert.equal(value.second.errorIsCognito, true);
    assert.equal(value.stale, "InvalidState", "an answered step cannot be answered again");
    assert.deepEqual(value.done, { done: true, username: "bob", claims: "bob" });
    assert.deepEqual(result.events.map((e) => e.name), ["signedIn"]);
    const sms = smsCalls(await stack.emulator.log());
    assert.deepEqual(sms.map((e) => e.outcome), ["error:CodeMismatchException", "tokens"]);
    assert.equal(sms[0].clientMetadata.step, undefined);
    assert.equal(sms[1].clientMetadata.step, "second", "the step's metadata goes on its own call");
    assert.equal(sms[1].clientMetadata.app, META.app, "over the config's");
  });

  test("an unusable answer is asked again with the reason, on the same session", async () => {
    const result = await run(async (auth) => {
      const first = await auth.startSignIn({ username: "bob", password: "Passw0rd!" });
      const again = await first.answer("");
      const done = await again.answer("123456");
      return { challenge: again.challengeName, error: again.error?.name, done: done.done };
    });
    assert.deepEqual(assertOk(result), { challenge: "SMS_MFA", error: "HandlerError", done: true });
    assert.equal(smsCalls(await stack.emulator.log()).length, 1, "nothing was sent for the unusable answer");
  });

  test("a sign-in without challenges resolves to a done step", async () => {
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "alice", password: "Passw0rd!" });
      return { done: step.done, username: step.tokens.username, keys: Object.keys(step).sort() };
    });
    assert.deepEqual(assertOk(result), { done: true, username: "alice", keys: ["done", "tokens"] });
  });

  test("cancel() aborts the step's signal; a later answer rejects with AbortError", async () => {
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "bob", password: "Passw0rd!" });
      step.cancel();
      const reason = step.signal.reason;
      const late = await step.answer("123456").catch((e) => [e.name, e.reason]);
      const after = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      return { aborted: step.signal.aborted, reason: [reason.name, reason.reason], late, after: after.username };
    });
    assert.deepEqual(assertOk(result), {
      aborted: true,
      reason: ["AbortError", "cancelled"],
      late: ["AbortError", "cancelled"],
      after: "alice",
    });
  });
});

describe("snapshot and subscribe", () => {
  test("the snapshot is stable between changes and follows sign-in and sign-out", async () => {
    const result = await run(async (auth) => {
      const initial = auth.getSnapshot();
      const same = initial === auth.getSnapshot();
      let calls = 0;
      const seen = [];
      const unsubscribe = auth.subscribe(() => {
        calls++;
        seen.push(auth.getSnapshot().status);
      });
      await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const signedIn = auth.getSnapshot();
      const stable = signedIn === auth.getSnapshot();
      await auth.getTokens();
      const unchanged = signedIn === auth.getSnapshot();
      await auth.signOut();
      unsubscribe();
      await auth.signIn({ username: "alice", password: "Passw0rd!" });
      return {
        initial,
        same,
        stable,
        unchanged,
        frozen: Object.isFrozen(signedIn),
        signedIn: { status: signedIn.status, username: signedIn.username, user: signedIn.tokens.idTokenPayload["cognito:username"] },
        calls,
        seen,
      };
    });
    assert.deepEqual(assertOk(result), {
      initial: { status: "signedOut" },
      same: true,
      stable: true,
      unchanged: true,
      frozen: true,
      signedIn: { status: "signedIn", username: "alice", user: "alice" },
      calls: 2,
      seen: ["signedIn", "signedOut"],
    });
  });

  test("a restored session is in the first snapshot and fires signedIn with restored: true", async () => {
    const result = await run(async (auth, sdk, { config }) => {
      await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const restored = await sdk.CognitoAuth.create(config);
      const first = restored.getSnapshot();
      const event = await new Promise((resolve, reject) => {
        restored.on("signedIn", resolve);
        setTimeout(() => reject(new Error("no signedIn within 2 s")), 2000);
      });
      localStorage.clear();
      return { status: first.status, username: first.username, restored: event.restored, user: event.username };
    }, { config: { userPoolId: POOL, clientId: "demo-client", endpoint: stack.emulator.url, storage: "localStorage" } }, { storage: "localStorage" });
    assert.deepEqual(assertOk(result), { status: "signedIn", username: "alice", restored: true, user: "alice" });
  });
});

describe("concurrency", () => {
  test("a new sign-in supersedes a pending one: its promise and handler signal end with AbortError", async () => {
    const result = await run(async (auth) => {
      let signal;
      const pending = auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        handlers: {
          smsMfa: (c) => {
            signal = c.signal;
            return new Promise(() => {}); // the person never answers
          },
        },
      });
      while (!signal) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = auth.signIn({ username: "alice", password: "Passw0rd!" });
      const first = await pending.then(() => null, (e) => ({ name: e.name, reason: e.reason, message: e.message }));
      const tokens = await second;
      return { first, signal: [signal.aborted, signal.reason?.reason], second: tokens.username, snapshot: auth.getSnapshot().username };
    });
    const value = assertOk(result);
    assert.equal(value.first.name, "AbortError");
    assert.equal(value.first.reason, "superseded");
    assert.deepEqual(value.signal, [true, "superseded"]);
    assert.equal(value.second, "alice");
    assert.equal(value.snapshot, "alice");
  });

  test("signOut() ends a pending sign-in", async () => {
    const result = await run(async (auth) => {
      const step = await auth.startSignIn({ username: "bob", password: "Passw0rd!" });
      await auth.signOut();
      const late = await step.answer("123456").catch((e) => [e.name, e.reason]);
      return { late, aborted: step.signal.aborted, status: auth.getSnapshot().status };
    });
    assert.deepEqual(assertOk(result), { late: ["AbortError", "signedOut"], aborted: true, status: "signedOut" });
  });

  test("signing in as another user revokes the earlier session's refresh token", async () => {
    const result = await run(async (auth, sdk, { config }) => {
      const alice = await auth.signIn({ username: "alice", password: "Passw0rd!" });
      const grace = await auth.signIn({ username: "frank", password: "Passw0rd!", authFlow: "USER_PASSWORD_AUTH" });
      // Revocation runs on its own; wait until the service has seen it.
      for (let i = 0; i < 50 && !(await fetch(new URL("/__log", window.endpoint)).then((r) => r.json())).entries.some((e) => e.operation === "RevokeToken"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Alice's old refresh token, held by another instance, no longer refreshes.
      const stale = await sdk.CognitoAuth.create({
        ...config,
        storage: {
          getItem: () => JSON.stringify({ idToken: alice.idToken, accessToken: alice.accessToken, refreshToken: alice.refreshToken, expiresAt: 0, tokenType: "Bearer", username: "alice" }),
          setItem() {},
          removeItem() {},
        },
      });
      const refresh = await stale.getTokens().then(() => "refreshed", (e) => e.name);
      return { grace: grace.username, refresh, snapshot: auth.getSnapshot().username };
    }, { config: { userPoolId: POOL, clientId: "demo-client", endpoint: stack.emulator.url } });
    const value = assertOk(result);
    assert.equal(value.grace, "frank");
    assert.equal(value.snapshot, "frank");
    assert.equal(value.refresh, "NotAuthorizedException");
    const revocations = (await stack.emulator.log()).filter((e) => e.operation === "RevokeToken");
    assert.equal(revocations.length, 1, "alice's token, once");
  });
});

describe("timeouts, signals, dispose", () => {
  test("a request that does not answer in time is retried, then fails with TimeoutError", async () => {
    await stack.emulator.fault({ operation: "InitiateAuth", count: 10, kind: "delay", delayMs: 2000 });
    const result = await run(async (auth) => {
      const started = performance.now();
      const error = await auth.signIn({ username: "alice", password: "Passw0rd!" }).catch((e) => e);
      return { name: error.name, retryable: error.retryable, ms: performance.now() - started };
    }, {}, { requestTimeoutMs: 300 });
    const value = assertOk(result);
    assert.equal(value.name, "TimeoutError");
    assert.equal(value.retryable, true);
    // Four tries of 300 ms and three backoffs (at least 100 + 200 + 400 ms): retried, and bounded.
    assert.ok(value.ms >= 1900 && value.ms < 5000, `${value.ms} ms`);
  });

  test("one slow reply is retried after the timeout and the sign-in succeeds", async () => {
    await stack.emulator.fault({ operation: "InitiateAuth", count: 1, kind: "delay", delayMs: 2000 });
    const result = await run(async (auth) => (await auth.signIn({ username: "alice", password: "Passw0rd!" })).username, {}, { requestTimeoutMs: 500 });
    assert.equal(assertOk(result), "alice");
  });

  test("every handler gets a signal, also without one from the caller; the caller's reason is the cause", async () => {
    const result = await run(async (auth) => {
      let signal;
      const controller = new AbortController();
      const pending = auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        signal: controller.signal,
        handlers: {
          smsMfa: (c) => {
            signal = c.signal;
            setTimeout(() => controller.abort(new Error("person left")), 20);
            return new Promise(() => {});
          },
        },
      });
      const error = await pending.catch((e) => e);
      let plain;
      await auth.signIn({
        username: "bob",
        password: "Passw0rd!",
        handlers: {
          smsMfa: (c) => {
            plain = c.signal instanceof AbortSignal && !c.signal.aborted;
            return "123456";
          },
        },
      });
      return {
        name: error.name,
        reason: error.reason,
        cause: error.cause?.message,
        handlerSignal: [signal !== controller.signal, signal.aborted],
        plain,
      };
    });
    assert.deepEqual(assertOk(result), {
      name: "AbortError",
      reason: "aborted",
      cause: "person left",
      handlerSignal: [true, true],
      plain: true,
    });
  });

  test("dispose() ends pending work and listeners; later calls reject with InvalidState", async () => {
    const result = await run(async (auth) => {
      const events = [];
      auth.on("signedIn", () => events.push("signedIn"));
      const step = await auth.startSignIn({ username: "bob", password: "Passw0rd!" });
      auth.dispose();
      auth.dispose(); // twice is fine
      const late = await step.answer("123456").catch((e) => [e.name, e.reason]);
      const calls = [];
      for (const call of [() => auth.signIn({ username: "alice", password: "Passw0rd!" }), () => auth.getTokens(), () => auth.signOut()]) {
        calls.push(await call().then(() => "resolved", (e) => e instanceof window.sdk.CognitoAuthError && e.name));
      }
      return { late, aborted: step.signal.reason?.reason, calls, events };
    });
    assert.deepEqual(assertOk(result), {
      late: ["AbortError", "disposed"],
      aborted: "disposed",
      calls: ["InvalidState", "InvalidState", "InvalidState"],
      events: [],
    });
  });
});

describe("configuration and loading", () => {
  test("create rejects a relative endpoint and a pool id without a region, with InvalidConfig", async () => {
    for (const [config, field] of [
      [{ endpoint: "cognito-idp.example.com" }, "endpoint"],
      [{ endpoint: "ftp://example.com/" }, "endpoint"],
      [{ userPoolId: "nowhere_DemoPool1" }, "userPoolId"],
      [{ requestTimeoutMs: "soon" }, "requestTimeoutMs"],
      [{ storage: "cookies" }, "storage"],
      [{ fetch: "no" }, "fetch"],
    ]) {
      const result = await run(() => null, {}, config);
      assert.equal(result.ok, false, field);
      assert.equal(result.error.isCognitoAuthError, true, field);
      assert.equal(result.error.name, "InvalidConfig", field);
      assert.match(result.error.message, new RegExp(field), field);
    }
  });

  test("a .wasm URL that serves HTML is a WasmLoadError that says so; a good URL then works", async () => {
    const value = await stack.page.evaluate(async () => {
      const { init, CognitoAuth, CognitoAuthError } = await import("/pkg/index.js");
      const error = await init({ module_or_path: new URL("/tests/browser/pages/engine.html", location.href) }).catch((e) => e);
      const again = await CognitoAuth.create({ userPoolId: "us-east-1_DemoPool1", clientId: "demo-client" }).catch((e) => e.name);
      await init({ module_or_path: new URL("/pkg/cognito_wasm_simd_bg.wasm", location.href) });
      const auth = await CognitoAuth.create({ userPoolId: "us-east-1_DemoPool1", clientId: "demo-client" });
      return {
        name: error.name,
        isCognito: error instanceof CognitoAuthError,
        message: error.message,
        again,
        works: auth.getSnapshot().status,
      };
    });
    assert.equal(value.name, "WasmLoadError");
    assert.equal(value.isCognito, true);
    assert.match(value.message, /not WebAssembly.*HTML/);
    assert.equal(value.again, "WasmLoadError");
    assert.equal(value.works, "signedOut");
  });
});
