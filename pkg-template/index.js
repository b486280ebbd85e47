// cognito-wasm: the package entry. Importing it does nothing; the wasm loads on first use.
//
// This file is the effects driver: the engine in the wasm makes every decision and answers
// each event with one action (send this request, ask the app this, run the SRP math, read
// or write storage, wait for that operation); this file performs it and reports back. It
// knows nothing of Cognito: no challenge name, error name or request field appears here.
import initWasm, { Engine } from "./cognito_wasm.js";
import { delay, listen, lock, mirror, passkey } from "./effects.js";
import { simdSupported } from "./simd.js";

// The words a person is shown for an error (presentation only; they live in describe.js).
export { describeError } from "./describe.js";

let loading;
// Where the wasm comes from, kept so that a retry after a failed load (e.g. the one inside
// `CognitoAuth.create`) uses the same place instead of falling back to the default URL.
let source;

/**
 * The build for this browser, next to this file: with wasm SIMD (SRP 1.4–2x faster in
 * Chromium) where the browser has it, else the baseline. Literal `new URL(…, import.meta.url)`
 * calls, so that bundlers emit both files.
 */
function defaultSource() {
  const url = simdSupported()
    ? new URL("./cognito_wasm_simd_bg.wasm", import.meta.url)
    : new URL("./cognito_wasm_bg.wasm", import.meta.url);
  return { module_or_path: url };
}

/**
 * Loads the wasm once (concurrent callers share the load). Optional: `CognitoAuth.create`
 * calls it. Pass `{ module_or_path }` to host the `.wasm` file elsewhere, or to hand over its
 * bytes (Node, test runners).
 */
export function init(options) {
  if (options !== undefined) source = options;
  loading ??= initWasm(source ?? defaultSource()).catch((error) => {
    loading = undefined;
    throw wasmLoadError(error);
  });
  return loading;
}

/** Why the wasm did not load, in words a developer can act on. */
function wasmLoadError(error) {
  if (error instanceof CognitoAuthError) return error;
  const text = String(error?.message ?? error);
  const hint = /magic/i.test(text)
    ? " The .wasm URL answered with something that is not WebAssembly, usually an HTML page: the file is not served where the package expects it (see the README's bundler notes), or pass its URL to init({ module_or_path })."
    : /Content.Security|unsafe-eval|CompileError/i.test(text)
      ? " Compiling WebAssembly needs 'wasm-unsafe-eval' in the page's Content-Security-Policy (script-src)."
      : "";
  return new CognitoAuthError("WasmLoadError", `The cognito-wasm WebAssembly did not load: ${text}.${hint}`, {
    cause: error,
  });
}

/** Every SDK error. `name` is Cognito's `__type` or the SDK's own error name. */
export class CognitoAuthError extends Error {
  constructor(name, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.retryable = Boolean(details.retryable);
    this.requestId = details.requestId;
    if (details.challengeName !== undefined) this.challengeName = details.challengeName;
    if (details.reason !== undefined) this.reason = details.reason;
  }
}

/** The CognitoAuthError for an error the engine described. */
const toError = (error, cause) => new CognitoAuthError(error.name, error.message, { ...error, cause });

const EVENTS = ["signedIn", "signedOut", "tokenRefreshed", "tokenRefreshFailed"];
const SIGNED_OUT = Object.freeze({ status: "signedOut" });
const FEED = Symbol("feed");
const PRIVATE = Symbol("private");

/**
 * Hands the main thread back to the page between slices of SRP math: `scheduler.yield()`
 * where there is one (the sign-in keeps its place in line), else a message-channel task
 * (a nested `setTimeout(0)` would be clamped to 4 ms).
 */
function yieldToPage() {
  if (typeof globalThis.scheduler?.yield === "function") return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** `promise`, or a rejection with the signal's reason as soon as it fires. */
function until(promise, signal) {
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason);
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    Promise.resolve(promise)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", stop));
  });
}

const sleep = (ms, signal) => until(delay(ms), signal);

/** The storage option as an object with getItem/setItem/removeItem. */
function resolveStorage(option) {
  if (option == null || option === "memory") {
    const items = new Map();
    return {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: (key) => void items.delete(key),
    };
  }
  let store = option;
  if (option === "localStorage" || option === "sessionStorage") {
    try {
      store = globalThis[option];
    } catch {
      store = undefined; // a sandboxed frame throws on access
    }
    if (!store) throw new CognitoAuthError("InvalidConfig", `${option} is not available here.`);
  }
  if (!["getItem", "setItem", "removeItem"].every((method) => typeof store?.[method] === "function")) {
    throw new CognitoAuthError(
      "InvalidConfig",
      'storage must be "memory", "localStorage", "sessionStorage" or an object with getItem, setItem and removeItem.',
    );
  }
  return store;
}

/** What a challenge handler makes of a step (the engine asks only handlers the app has). */
async function callHandler(handlers, step) {
  try {
    const handler = handlers[step.handler];
    return { value: await until(handler.call(handlers, step), step.signal) };
  } catch (error) {
    if (step.signal.aborted) throw step.signal.reason;
    return { threw: true, cause: error };
  }
}

/** A Cognito user-pool app client: sign-in, tokens, sign-out, password reset. */
export class CognitoAuth {
  #engine;
  #fetch;
  #storage;
  #listeners = new Map(EVENTS.map((event) => [event, new Set()]));
  #subscribers = new Set();
  #snapshot = SIGNED_OUT;
  /** Operations under way: op id -> { controller, ended, cause }. */
  #ops = new Map();
  #timer;
  /** Events held back while `create` runs (no listener exists yet). */
  #held;
  /** The other tabs on the same storage (a BroadcastChannel, or a `storage` event listener). */
  #channel;

  /** Use `CognitoAuth.create(config)`. */
  constructor(key) {
    if (key !== PRIVATE) throw new TypeError("Use CognitoAuth.create(config).");
  }

  static async create(config) {
    await init();
    const auth = new CognitoAuth(PRIVATE);
    const { fetch, storage, ...options } = config ?? {};
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new CognitoAuthError("InvalidConfig", "fetch must be a function.");
    }
    if (typeof (fetch ?? globalThis.fetch) !== "function") {
      throw new CognitoAuthError("InvalidConfig", "No fetch function is available here: pass config.fetch.");
    }
    auth.#fetch = fetch ?? ((...args) => globalThis.fetch(...args));
    auth.#storage = resolveStorage(storage);
    auth.#engine = new Engine();
    auth.#held = [];
    try {
      const { channel } = await auth.#run("create", {
        ...options,
        storage: typeof storage === "object" && storage ? "custom" : storage,
        userAgent: globalThis.navigator?.userAgent,
      });
      if (channel) auth.#channel = listen(channel, (record) => auth.#run("sync", { record }).catch(() => {}));
    } catch (error) {
      auth.dispose();
      throw error;
    }
    // A restored session's `signedIn` reaches listeners added right after `create` resolves.
    const held = auth.#held;
    auth.#held = undefined;
    if (held.length) setTimeout(() => held.forEach((args) => auth.#emit(...args)));
    return auth;
  }

  /**
   * Signs in, answering each challenge with its handler. Starts in a task of its own: V8
   * compiles wasm functions on their first call, on the main thread, so a page's first
   * sign-in would otherwise add that work to whatever task called it.
   */
  async signIn(options) {
    await yieldToPage();
    const handlers = options?.handlers ?? {};
    let step = await this.#startSignIn(options, Object.keys(handlers).filter((name) => typeof handlers[name] === "function"));
    while (!step.done) step = await step[FEED](await callHandler(handlers, step));
    const { tokens, rememberDeviceError } = step;
    return rememberDeviceError ? { ...tokens, rememberDeviceError } : tokens;
  }

  /** Signs in one challenge at a time: each step is answered with `step.answer(value)`. */
  startSignIn(options) {
    return this.#startSignIn(options);
  }

  #startSignIn(options, handlers) {
    const { signal, handlers: _, ...rest } = options ?? {};
    let waiting;
    let failure;
    const next = () => new Promise((resolve, reject) => (waiting = { resolve, reject }));
    const first = next();
    const ask = (action, entry) =>
      new Promise((answered) => {
        let current = true;
        const feed = ({ cause, ...fragment }) => {
          if (failure) return Promise.reject(failure);
          if (!current) return Promise.reject(new CognitoAuthError("InvalidState", "This step was answered already."));
          current = false;
          entry.cause = cause;
          try {
            JSON.stringify(fragment);
          } catch {
            fragment = { value: null }; // not JSON (a BigInt, a cycle): an unusable answer
          }
          const step = next();
          answered({ on: "answer", ...fragment });
          return step;
        };
        const { error, ...context } = action.context;
        waiting.resolve({
          done: false,
          handler: action.handler,
          ...context,
          ...(error && { error: toError(error) }),
          signal: entry.controller.signal,
          answer: (value, { clientMetadata } = {}) => feed({ value, clientMetadata }),
          cancel: () => current && this.#abort(entry.op, "cancelled"),
          [FEED]: feed,
        });
      });
    this.#run("signIn", { ...rest, handlers }, signal, ask).then(
      ({ tokens, rememberDeviceError }) =>
        waiting.resolve({ done: true, tokens, ...(rememberDeviceError && { rememberDeviceError: toError(rememberDeviceError) }) }),
      (error) => waiting.reject((failure = error)),
    );
    return first;
  }

  /** The tokens, refreshed first when near expiry (or when forced); null when signed out. */
  async getTokens(options) {
    const { forceRefresh, signal } = options ?? {};
    return this.#run("getTokens", { forceRefresh }, signal);
  }

  /** Ends a sign-in under way, revokes the tokens (or signs out everywhere) and clears them. */
  async signOut(options) {
    await this.#run("signOut", { global: options?.global });
  }

  forgotPassword(options) {
    return this.#run("forgotPassword", options);
  }

  async confirmForgotPassword(options) {
    await this.#run("confirmForgotPassword", options);
  }

  /** Creates a user: `{ userConfirmed, userSub, codeDelivery? }`. */
  signUp(options) {
    return this.#run("signUp", options);
  }

  /** Confirms a sign-up; with `autoSignIn`, signs the new user in: the tokens, else null. */
  confirmSignUp(options) {
    return this.#run("confirmSignUp", options).then((value) => value && value.tokens);
  }

  resendSignUpCode(options) {
    return this.#run("resendSignUpCode", options);
  }

  // The signed-in user's account: each call uses fresh tokens (refreshed first when near expiry).

  /** Creates a passkey in the browser and registers it: `{ credentialId }`. */
  registerPasskey(options) {
    return this.#run("registerPasskey", {}, options?.signal);
  }

  /** `[{ credentialId, name, createdAt, authenticatorAttachment?, transports, relyingPartyId }]`. */
  listPasskeys() {
    return this.#run("listPasskeys", {});
  }

  async deletePasskey(credentialId) {
    await this.#run("deletePasskey", { credentialId });
  }


  async changePassword(options) {
    await this.#run("changePassword", options);
  }

  /** `{ username, attributes, preferredMfa, mfaSettings }`. */
  getUser() {
    return this.#run("getUser", {});
  }

  /** Per attribute: `{ done: true }`, or `{ done: false, codeDelivery }` when it must be verified. */
  updateUserAttributes(attributes, options) {
    return this.#run("updateUserAttributes", { ...options, attributes });
  }

  sendAttributeCode(options) {
    return this.#run("sendAttributeCode", options);
  }

  async verifyAttribute(options) {
    await this.#run("verifyAttribute", options);
  }

  /** `{ sms?, totp?, email? }`, each `"preferred"`, `"enabled"` or `"disabled"`. */
  async setMfaPreference(options) {
    await this.#run("setMfaPreference", options);
  }

  /** `{ secretCode, otpauthUri, verify(code, { deviceName? }) }`. */
  async setUpTotp() {
    const setup = await this.#run("setUpTotp", {});
    setup.verify = async (code, options) => void (await this.#run("verifyTotp", { ...options, code }));
    return setup;
  }

  /** `[{ deviceKey, name, lastIp?, lastSeen, remembered }]`. */
  listDevices() {
    return this.#run("listDevices", {});
  }

  /** Forgets a device (this browser's when omitted, and its stored secret with it). */
  async forgetDevice(deviceKey) {
    await this.#run("forgetDevice", { deviceKey });
  }

  async setDeviceRemembered(remembered, deviceKey) {
    await this.#run("setDeviceRemembered", { remembered, deviceKey });
  }

  /** Deletes the user; the session ends here too. */
  async deleteUser() {
    await this.#run("deleteUser", {});
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on(event, listener) {
    const set = this.#listeners.get(event);
    if (!set) throw new CognitoAuthError("InvalidConfig", `Unknown event ${event}.`);
    if (typeof listener !== "function") {
      throw new CognitoAuthError("InvalidConfig", "The listener must be a function.");
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** For `useSyncExternalStore`: `listener()` after every change of the snapshot. */
  subscribe(listener) {
    if (typeof listener !== "function") {
      throw new CognitoAuthError("InvalidConfig", "The listener must be a function.");
    }
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** `{ status, username?, tokens? }`: the same object until the session changes. */
  getSnapshot() {
    return this.#snapshot;
  }

  /** Ends every operation under way, the refresh timer and the listeners; later calls reject. */
  dispose() {
    if (!this.#engine) return;
    for (const op of [...this.#ops.keys()]) this.#abort(op, "disposed");
    clearTimeout(this.#timer);
    this.#channel?.close();
    this.#engine.free();
    this.#engine = undefined;
    this.#subscribers.clear();
    for (const set of this.#listeners.values()) set.clear();
  }

  /**
   * Starts operation `kind` and performs its actions until it ends; resolves with its value.
   * `signal` (the caller's) aborts it; `ask` answers its questions.
   */
  async #run(kind, options, signal, ask) {
    if (signal !== undefined && typeof signal?.aborted !== "boolean") {
      throw new CognitoAuthError("InvalidConfig", "signal must be an AbortSignal.");
    }
    const action = this.#call({ start: kind, options });
    const entry = this.#ops.get(action.op);
    const abort = () => this.#abort(action.op, "aborted", signal.reason);
    if (entry && signal) {
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    }
    try {
      return await this.#drive(action, ask);
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /** Sends one event to the engine, delivers what its action announces, returns the action. */
  #call(event, data = "") {
    if (!this.#engine) throw new CognitoAuthError("InvalidState", "This CognitoAuth instance was disposed.");
    const action = JSON.parse(this.#engine.next(JSON.stringify(event), data));
    this.#track(action);
    for (const [op, error] of action.cancel ?? []) this.#ops.get(op)?.controller.abort(toError(error));
    if ("timer" in action) {
      clearTimeout(this.#timer);
      if (action.timer !== null) {
        this.#timer = setTimeout(() => this.getTokens({ forceRefresh: true }).catch(() => {}), action.timer);
      }
    }
    if (action.snapshot) {
      this.#snapshot = Object.freeze(action.snapshot);
      for (const listener of this.#subscribers) listener();
    }
    if ("broadcast" in action) this.#channel?.postMessage(action.broadcast);
    for (const [name, detail, isError] of action.emit ?? []) this.#emit(name, isError ? toError(detail) : detail);
    if (action.spawn) {
      this.#track(action.spawn);
      this.#drive(action.spawn).catch(() => {});
    }
    return action;
  }

  /** Registers the operation an action starts: its abort controller, and a promise of its end. */
  #track({ op, do: effect }) {
    if (effect === "done" || effect === "fail" || this.#ops.has(op)) return;
    let end;
    const ended = new Promise((resolve) => (end = resolve));
    this.#ops.set(op, { op, controller: new AbortController(), ended, end });
  }

  /** Performs an operation's actions until it is done (its value) or fails (throws). */
  async #drive(action, ask) {
    const { op } = action;
    const entry = this.#ops.get(op);
    try {
      for (;;) {
        if (action.do === "done") return action.value;
        if (action.do === "fail") throw toError(action.error, entry?.cause);
        const { signal } = entry.controller;
        let event;
        let data;
        switch (action.do) {
          case "send":
            ({ event, data } = await this.#send(action, signal));
            break;
          case "ask":
            event = await until(ask(action, entry), signal);
            break;
          case "compute":
            await this.#compute(op, signal);
            event = { on: "computed" };
            break;
          case "load":
            event = await this.#load(action);
            break;
          case "store":
            event = await this.#store(action);
            break;
          case "await":
            await until(this.#ops.get(action.target)?.ended, signal);
            event = { on: "settled" };
            break;
          case "lock":
            event = await until(lock(action, entry), signal);
            break;
          case "passkey":
            event = await passkey(action, entry, signal);
            break;
        }
        if (signal.aborted) throw signal.reason;
        action = this.#call({ op, ...event }, data);
      }
    } finally {
      if (entry) {
        this.#ops.delete(op);
        entry.release?.();
        entry.end();
      }
    }
  }

  /** Ends operation `op`: the engine forgets it, and its pending effect rejects. */
  #abort(op, reason, cause) {
    const entry = this.#ops.get(op);
    if (!entry || entry.controller.signal.aborted) return;
    const action = this.#call({ op, on: "abort", reason });
    entry.controller.abort(toError(action.error, cause));
  }

  async #send({ url, headers, body, delay, timeout }, signal) {
    if (delay) await sleep(delay, signal);
    const request = new AbortController();
    const stop = () => request.abort();
    signal.addEventListener("abort", stop, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, timeout);
    try {
      const response = await this.#fetch(url, { method: "POST", mode: "cors", headers, body, signal: request.signal });
      const data = await response.text();
      return { event: { on: "reply", status: response.status, headers: Object.fromEntries(response.headers) }, data };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return { event: { on: "reply", failure: timedOut ? "timeout" : "network", message: String(error?.message ?? error) } };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
  }

  /** Runs the SRP math in slices of about 10 ms, yielding to the page between them. */
  async #compute(op, signal) {
    for (;;) {
      const end = Date.now() + 10;
      while (Date.now() < end) if (!this.#engine.work(op)) return;
      await yieldToPage();
      if (signal.aborted) throw signal.reason;
    }
  }

  /** Reads keys; `fresh`: as any tab last wrote them (the mirror first: storage may lag). */
  async #load({ keys, fresh }) {
    try {
      const mirrored = fresh ? await mirror(keys) : [];
      const values = await Promise.all(
        keys.map((key, i) => (mirrored[i] !== undefined ? mirrored[i] : this.#storage.getItem(key))),
      );
      return { on: "loaded", values: values.map((value) => (typeof value === "string" ? value : null)) };
    } catch {
      return { on: "loaded", failed: "getItem" };
    }
  }

  /** Writes and removes keys; `shared`: in the cross-tab mirror too. */
  async #store({ set, remove, shared }) {
    let method = "setItem";
    try {
      for (const [key, value] of set) await this.#storage.setItem(key, value);
      method = "removeItem";
      for (const key of remove) await this.#storage.removeItem(key);
      if (shared) await mirror([...set, ...remove.map((key) => [key, null])]);
      return { on: "stored" };
    } catch {
      return { on: "stored", failed: method };
    }
  }

  #emit(event, detail) {
    if (this.#held) return void this.#held.push([event, detail]);
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
