// cognito-wasm: the package entry. Importing it does nothing; the wasm loads on first use.
import initWasm, { WasmAuth } from "./cognito_wasm.js";
import { simdSupported } from "./simd.js";

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
 * calls it. Pass `{ module_or_path }` to host the `.wasm` file elsewhere.
 */
export function init(options) {
  if (options !== undefined) source = options;
  if (!loading) {
    loading = initWasm(source ?? defaultSource()).catch((error) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

/** Every SDK error. `name` is Cognito's `__type` or the SDK's own error name. */
export class CognitoAuthError extends Error {
  constructor(name, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.retryable = Boolean(details.retryable);
    this.requestId = details.requestId;
    if (details.challengeName !== undefined) this.challengeName = details.challengeName;
  }
}

const EVENTS = ["signedIn", "signedOut", "tokenRefreshed", "tokenRefreshFailed"];

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

/** A Cognito user-pool app client: sign-in, tokens, sign-out, password reset. */
export class CognitoAuth {
  #inner;
  #listeners;

  /** Use `CognitoAuth.create(config)`. */
  constructor(inner, listeners) {
    if (!(inner instanceof WasmAuth)) {
      throw new TypeError("Use CognitoAuth.create(config).");
    }
    this.#inner = inner;
    this.#listeners = listeners;
  }

  static async create(config) {
    await init();
    const listeners = new Map(EVENTS.map((event) => [event, new Set()]));
    const emit = (event, detail) => {
      for (const listener of listeners.get(event) ?? []) {
        try {
          listener(detail);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    };
    const inner = await WasmAuth.create(config, { errorClass: CognitoAuthError, emit, yieldToPage });
    return new CognitoAuth(inner, listeners);
  }

  /**
   * Starts in a task of its own: V8 compiles wasm functions on their first call, on the main
   * thread, so a page's first sign-in would otherwise add that work to whatever task called it
   * (often the one that just ran `create`). At 4x CPU throttling the first sign-in's longest
   * task went from 104 to 71 ms (medians of six interleaved runs each; it is split in two).
   */
  signIn(options) {
    return yieldToPage().then(() => this.#inner.signIn(options ?? {}));
  }

  getTokens(options) {
    return this.#inner.getTokens(options ?? {});
  }

  signOut(options) {
    return this.#inner.signOut(options ?? {});
  }

  forgotPassword(options) {
    return this.#inner.forgotPassword(options ?? {});
  }

  confirmForgotPassword(options) {
    return this.#inner.confirmForgotPassword(options ?? {});
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
}
