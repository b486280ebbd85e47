// The browser effects the driver performs for the engine beyond fetch and storage: timers, the
// cross-tab refresh lock, the IndexedDB mirror of shared storage, the channel to the other tabs,
// and the passkey dialog. Like index.js it knows nothing of Cognito.

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the cross-tab lock `name` for operation `entry` (released when the operation ends):
 * a Web Lock, or where there are none a `localStorage` entry with an expiry, polled.
 */
export function lock({ name, timeout }, entry) {
  const locks = globalThis.navigator?.locks;
  if (locks) {
    return new Promise((resolve) => {
      locks
        .request(name, { signal: AbortSignal.timeout(timeout) }, () => {
          resolve({ on: "locked" });
          return new Promise((release) => (entry.release = release));
        })
        .catch(() => resolve({ on: "locked", failed: "timeout" }));
    });
  }
  return storageLock(name, timeout, entry);
}

async function storageLock(name, timeout, entry) {
  const me = String(Math.random());
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const held = JSON.parse(localStorage.getItem(name) ?? "null");
    if (!held || held.expires < Date.now()) {
      localStorage.setItem(name, JSON.stringify({ me, expires: Date.now() + timeout }));
      await delay(30);
      if (JSON.parse(localStorage.getItem(name) ?? "null")?.me === me) {
        entry.release = () => JSON.parse(localStorage.getItem(name) ?? "null")?.me === me && localStorage.removeItem(name);
        return { on: "locked" };
      }
    }
    await delay(50);
  }
  return { on: "locked", failed: "timeout" };
}

let database;
/**
 * The cross-tab mirror of shared storage, in IndexedDB: its transactions are ordered across
 * tabs, where another tab's `localStorage` write reaches this one with a delay. With
 * `[[key, value|null], …]` it writes; with `[key, …]` it reads (`undefined`: never written).
 * Without IndexedDB it reads nothing and writes nowhere.
 */
export async function mirror(items) {
  database ??= new Promise((resolve) => {
    const open = globalThis.indexedDB?.open("cognito-wasm", 1);
    if (!open) return resolve(null);
    open.onupgradeneeded = () => open.result.createObjectStore("kv");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(null);
  });
  const db = await database;
  if (!db) return [];
  const writing = Array.isArray(items[0]);
  const transaction = db.transaction("kv", writing ? "readwrite" : "readonly");
  const store = transaction.objectStore("kv");
  const requests = items.map((item) => (writing ? store.put(item[1], item[0]) : store.get(item)));
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  return requests.map((request) => request.result);
}

/**
 * Hears the other tabs on `channel` (the storage key): their messages through a
 * BroadcastChannel, or where there is none their `storage` events. Returns `{ postMessage, close }`.
 */
export function listen(channel, onRecord) {
  if (typeof BroadcastChannel === "function") {
    const broadcast = new BroadcastChannel(channel);
    broadcast.onmessage = (message) => onRecord(message.data);
    return broadcast;
  }
  const onStorage = (event) => event.key === channel && onRecord(event.newValue);
  globalThis.addEventListener?.("storage", onStorage);
  return { postMessage() {}, close: () => globalThis.removeEventListener?.("storage", onStorage) };
}

/** base64url text to bytes, and back. */
const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const base64url = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The JSON form of WebAuthn options (base64url) as the API takes them (bytes). */
function publicKeyOptions(json, create) {
  const PKC = globalThis.PublicKeyCredential;
  const parse = create ? PKC.parseCreationOptionsFromJSON : PKC.parseRequestOptionsFromJSON;
  if (parse) return parse.call(PKC, json);
  const ids = (list) => list?.map((credential) => ({ ...credential, id: bytes(credential.id) }));
  return create
    ? { ...json, challenge: bytes(json.challenge), user: { ...json.user, id: bytes(json.user.id) }, excludeCredentials: ids(json.excludeCredentials) }
    : { ...json, challenge: bytes(json.challenge), allowCredentials: ids(json.allowCredentials) };
}

/** A PublicKeyCredential as its JSON form (AuthenticationResponseJSON / RegistrationResponseJSON). */
function credentialJson(credential) {
  if (credential.toJSON) return credential.toJSON();
  const { response } = credential;
  const encoded = {};
  for (const field of ["clientDataJSON", "authenticatorData", "signature", "userHandle", "attestationObject"]) {
    if (response[field]) encoded[field] = base64url(response[field]);
  }
  if (response.getTransports) {
    encoded.transports = response.getTransports();
    encoded.publicKeyAlgorithm = response.getPublicKeyAlgorithm();
    encoded.authenticatorData = base64url(response.getAuthenticatorData());
    const key = response.getPublicKey();
    if (key) encoded.publicKey = base64url(key);
  }
  return {
    id: credential.id,
    rawId: base64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: encoded,
  };
}

/** The browser's passkey dialog: `navigator.credentials.get` (or `.create`) with the options. */
export async function passkey(action, entry, signal) {
  const create = "create" in action;
  if (!globalThis.navigator?.credentials || !globalThis.PublicKeyCredential) {
    return { on: "passkey", failed: "unsupported" };
  }
  try {
    const publicKey = publicKeyOptions(create ? action.create : action.get, create);
    const credential = await navigator.credentials[create ? "create" : "get"]({ publicKey, signal });
    return { on: "passkey", credential: credentialJson(credential) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    entry.cause = error;
    return { on: "passkey", failed: error?.name ?? "Error", message: String(error?.message ?? error) };
  }
}
