// The playground: connection settings, ClientMetadata, one-click sign-in for the emulator's demo
// users (each challenge answered with the demo pool's documented codes and answers; passkeys
// through the browser's own dialog), a manual sign-in for any pool (USER_AUTH with a preferred
// first factor or the choice), sign-up with its code, the signed-in account (getUser, passkeys
// listed, added and deleted, a password change), a redacted timeline of every request, the
// token claims, and the triggers the emulator ran with the ClientMetadata each received (from
// its /__log).
import { CognitoAuth, describeError } from "/pkg/index.js";
import { SETTINGS_KEY, loadSettings } from "./settings.js";

const DEMO_PASSWORD = "Passw0rd!";
const DEMO_CODE = "123456"; // the demo pool's testCode: every SMS and email code
const DEMO_USERS = [
  { username: "alice", title: "Password only", detail: "SRP, no MFA" },
  { username: "bob", title: "SMS code", detail: "SMS_MFA" },
  { username: "carol", title: "Authenticator app", detail: "SOFTWARE_TOKEN_MFA", totpSecret: "CAROLTOTPSECRETCAROLTOTPSECRET22" },
  // The temporary password works once; after that dave has the new one.
  { username: "dave", title: "New password", detail: "NEW_PASSWORD_REQUIRED", passwords: ["TempPassw0rd!", "N3w-Passw0rd!"] },
  { username: "erin", title: "Custom challenge", detail: "a question after SRP", authFlow: "CUSTOM_WITH_SRP", answers: { "What is 6 x 7?": "42" } },
  { username: "frank", title: "Migration", detail: "from a legacy directory", authFlow: "USER_PASSWORD_AUTH" },
  { username: "grace", title: "MFA choice", detail: "SELECT_MFA_TYPE, then TOTP", totpSecret: "GRACETOTPSECRETGRACETOTPSECRET22", mfaChoice: "SOFTWARE_TOKEN_MFA" },
  { username: "henry", title: "TOTP set-up", detail: "MFA_SETUP while signing in" },
  // Passwordless: USER_AUTH with a preferred first factor, no password given.
  { username: "ivy", title: "Email code", detail: "passwordless, EMAIL_OTP", authFlow: "USER_AUTH", preferredChallenge: "EMAIL_OTP", passwords: [undefined] },
  { username: "jack", title: "SMS code", detail: "passwordless, SMS_OTP", authFlow: "USER_AUTH", preferredChallenge: "SMS_OTP", passwords: [undefined] },
  // Without a passkey yet, SELECT_CHALLENGE: the demo picks her password (then Add a passkey).
  { username: "kim", title: "Passkey", detail: "WEB_AUTHN once she has one", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN", passwords: [undefined], choice: "PASSWORD_SRP" },
];
const $ = (id) => document.getElementById(id);

/** A DOM element with attributes and children. */
function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value != null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child != null && child !== false));
  return node;
}

// ---- settings ---------------------------------------------------------------------------------

/** The shared settings; a `?endpoint=` is applied once, then dropped from the URL. */
function loadPlaygroundSettings() {
  const settings = loadSettings();
  if (new URLSearchParams(location.search).get("endpoint")) {
    history.replaceState(null, "", location.pathname);
  }
  return settings;
}

let settings = loadPlaygroundSettings();
let auth = null; // CognitoAuth for the current settings, made on first use

function saveSettings() {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  auth = null;
  const endpoint = settings.endpoint || `AWS · ${settings.userPoolId.split("_")[0]}`;
  $("target").textContent = endpoint.replace(/^https?:\/\//, "").replace(/\/$/, "");
  $("target").classList.toggle("local", isEmulator());
}

const isEmulator = () => /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(settings.endpoint);

const SETTING_FIELDS = ["userPoolId", "clientId", "endpoint", "authFlow", "preferredChallenge"];

function showSettings() {
  const form = $("settings");
  for (const name of SETTING_FIELDS) form.elements[name].value = settings[name];
  const showPreferred = () => ($("preferred").hidden = settings.authFlow !== "USER_AUTH");
  showPreferred();
  form.addEventListener("input", () => {
    for (const name of SETTING_FIELDS) settings[name] = form.elements[name].value.trim();
    showPreferred();
    saveSettings();
    setSession(null);
  });
  showMetadata();
  saveSettings();
}

function showMetadata() {
  const rows = Object.entries(settings.clientMetadata);
  const update = () => {
    settings.clientMetadata = Object.fromEntries(
      [...$("metadata").children]
        .map((row) => [row.querySelector(".key").value.trim(), row.querySelector(".value").value])
        .filter(([key]) => key),
    );
    saveSettings();
  };
  const row = ([key, value]) =>
    h("div", { class: "pair" },
      h("input", { class: "key", value: key, "aria-label": "Key", placeholder: "key", spellcheck: "false", oninput: update }),
      h("input", { class: "value", value, "aria-label": "Value", placeholder: "value", spellcheck: "false", oninput: update }),
      h("button", { type: "button", class: "icon", "aria-label": `Remove ${key || "pair"}`, title: "Remove",
        onclick: (event) => { event.currentTarget.parentElement.remove(); update(); } }, "×"),
    );
  $("metadata").replaceChildren(...rows.map(row));
  $("metadata-add").onclick = () => {
    const added = row(["", ""]);
    $("metadata").append(added);
    added.querySelector("input").focus();
  };
}

async function getAuth() {
  auth ??= await CognitoAuth.create({
    userPoolId: settings.userPoolId,
    clientId: settings.clientId,
    endpoint: settings.endpoint || undefined,
    clientMetadata: settings.clientMetadata,
    storage: "sessionStorage",
    fetch: observedFetch,
  });
  return auth;
}

// ---- timeline ---------------------------------------------------------------------------------

// Keys whose values never reach the screen: passwords, SRP values, codes, answers, sessions,
// tokens, secrets, device verifiers, and a passkey's signature and attestation.
const SECRET_KEY = /PASSWORD|SECRET|^SRP_[AB]$|SALT|_CODE$|^ANSWER$|TOKEN|Token$|^Session$|Password|Code$|Verifier|Salt|^signature$|^attestationObject$/;

function redact(value, key = "") {
  if (SECRET_KEY.test(key) && value != null) return "‹redacted›";
  // WEB_AUTHN's CREDENTIAL answer and CREDENTIAL_REQUEST_OPTIONS are JSON text: shown parsed, redacted.
  if (/^CREDENTIAL/.test(key) && typeof value === "string") value = parseJson(value);
  // A passkey's clientDataJSON (base64url of JSON: type, challenge, origin) is shown decoded.
  if (key === "clientDataJSON" && typeof value === "string") {
    try {
      value = JSON.parse(atob(value.replace(/-/g, "+").replace(/_/g, "/")));
    } catch {
      // not what WebAuthn gives: shown as it is
    }
  }
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

const parseJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const time = () => new Date().toLocaleTimeString([], { hour12: false });
let group = null; // the <ol> of the current action

/** Starts a new group in the timeline for one action (a sign-in, a refresh, …). */
function startGroup(title) {
  for (const details of $("timeline").querySelectorAll("details")) details.open = false;
  group = h("ol");
  $("timeline").prepend(h("li", { class: "group" }, h("details", { open: true }, h("summary", {}, h("strong", {}, title), h("time", {}, time())), group)));
  $("timeline-empty").hidden = true;
}

function addStep(kind, title, text) {
  if (!group) startGroup("Requests");
  const item = h("li", { class: `event ${kind}` }, h("div", { class: "line" }, h("span", { class: "badge" }, title), h("span", { class: "text" }, text)));
  group.append(item);
  return item;
}

const summaryOf = (body) =>
  body.__type ?? (body.AuthenticationResult ? "tokens" : body.ChallengeName ? `challenge ${body.ChallengeName}` : "ok");

/** The `fetch` given to the SDK: every call and its answer go to the timeline, redacted. */
async function observedFetch(input, init = {}) {
  const operation = new Headers(init.headers).get("x-amz-target")?.split(".").pop() ?? "request";
  const request = redact(parseJson(init.body ?? ""));
  const item = addStep("call", operation, request.AuthFlow ?? request.ChallengeName ?? "");
  const started = performance.now();
  const details = (response) =>
    h("details", {}, h("summary", {}, "Request and response"),
      h("pre", {}, JSON.stringify(request, null, 2)), response && h("pre", {}, JSON.stringify(response, null, 2)));
  try {
    const response = await fetch(input, init);
    const body = redact(parseJson(await response.clone().text()));
    const ok = response.ok ? "ok" : "failed";
    if (body?.ChallengeName === "WEB_AUTHN") {
      queueMicrotask(() =>
        addStep("step", "WEB_AUTHN", "the browser's passkey dialog (no webAuthn handler: the SDK calls navigator.credentials.get)"));
    }
    item.querySelector(".line").append(
      h("span", { class: `result ${ok}` }, `${response.status} · ${typeof body === "object" ? summaryOf(body) : "unreadable"}`),
      h("span", { class: "ms" }, `${Math.round(performance.now() - started)} ms`),
    );
    item.append(details(body));
    return response;
  } catch (error) {
    item.querySelector(".line").append(h("span", { class: "result failed" }, error.name));
    item.append(details());
    throw error;
  }
}

// ---- challenges -------------------------------------------------------------------------------

const base32 = (text) => {
  const bits = [...text.replace(/[\s=]/g, "").toUpperCase()]
    .map((c) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  return new Uint8Array(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
};

/** The current RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app shows it. */
async function totp(secret) {
  const key = await crypto.subtle.importKey("raw", base32(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(Date.now() / 30_000)));
  const mac = new DataView(await crypto.subtle.sign("HMAC", key, counter.buffer));
  return String((mac.getUint32(mac.getUint8(19) & 15) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** Waits for the next 30-second TOTP period (a code is accepted once). */
function nextTotpPeriod(signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 500);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

const learnedSecrets = new Map(); // TOTP secrets met during MFA setup in this page, by username
const codeField = { name: "code", label: "Code", autocomplete: "one-time-code", inputmode: "numeric" };

/**
 * Each challenge: what the timeline says, the form a person fills in (manual sign-in), the demo
 * user's automatic answer, and the handler's return value made from either.
 */
const CHALLENGES = {
  smsMfa: {
    describe: (c) => `code sent by SMS to ${c.destination}`,
    form: () => ({ title: "Enter the SMS code", fields: [codeField] }),
    demo: () => ({ code: DEMO_CODE }),
    result: (values) => values.code,
  },
  emailOtp: {
    describe: (c) => `code sent by email to ${c.destination}`,
    form: () => ({ title: "Enter the emailed code", fields: [codeField] }),
    demo: () => ({ code: DEMO_CODE }),
    result: (values) => values.code,
  },
  smsOtp: {
    describe: (c) => `sign-in code sent by SMS to ${c.destination}`,
    form: () => ({ title: "Enter the SMS code", fields: [codeField] }),
    demo: () => ({ code: DEMO_CODE }),
    result: (values) => values.code,
  },
  selectChallenge: {
    describe: (c) => `choose a first factor: ${c.availableChallenges.join(", ")}`,
    form: (c) => ({ title: "Choose how to sign in", fields: [{ name: "factor", label: "First factor", options: c.availableChallenges }] }),
    demo: (c, user) => {
      const offered = c.availableChallenges;
      if (user.preferredChallenge && !offered.includes(user.preferredChallenge)) {
        addStep("note", `no ${user.preferredChallenge}`,
          user.preferredChallenge === "WEB_AUTHN"
            ? `${c.username} has no passkey yet: the demo signs in with her password. Add one under Account, sign out, then click her again.`
            : `${user.preferredChallenge} is not offered to ${c.username}`);
      }
      const choice = user.choice ?? "PASSWORD_SRP";
      return { factor: offered.includes(choice) ? choice : offered[0] };
    },
    result: (values) => values.factor,
  },
  password: {
    describe: () => "the password of the chosen password factor",
    form: () => ({ title: "Enter your password", fields: [{ name: "password", label: "Password", type: "password", autocomplete: "current-password" }] }),
    demo: () => ({ password: DEMO_PASSWORD }),
    result: (values) => values.password,
  },
  softwareTokenMfa: {
    describe: () => "code from the authenticator app",
    form: () => ({ title: "Enter the authenticator code", fields: [codeField] }),
    demo: async (c, user, signal) => {
      const secret = user.totpSecret ?? learnedSecrets.get(c.username);
      if (!secret) throw new Error(`This page did not see ${c.username}'s TOTP set-up; reset the emulator's users to enrol again.`);
      if (c.attempt > 1) {
        addStep("note", "wait", "that code was used; waiting for the next 30-second period");
        await nextTotpPeriod(signal);
      }
      return { code: await totp(secret) };
    },
    result: (values) => values.code,
  },
  selectMfaType: {
    describe: (c) => `choose one of ${c.mfaTypes?.join(", ")}`,
    form: (c) => ({ title: "Choose how to verify", fields: [{ name: "mfaType", label: "Method", options: c.mfaTypes }] }),
    demo: (c, user) => ({ mfaType: user.mfaChoice }),
    result: (values) => values.mfaType,
  },
  mfaSetup: {
    describe: () => "TOTP secret received for an authenticator app",
    form: (c) => ({
      title: "Set up an authenticator app",
      text: [`Secret: ${c.secretCode}`, h("a", { href: c.otpauthUri }, "Open in an authenticator app")],
      fields: [codeField],
    }),
    demo: async (c) => {
      learnedSecrets.set(c.username, c.secretCode);
      return { code: await totp(c.secretCode) };
    },
    result: (values) => values.code,
  },
  newPasswordRequired: {
    describe: (c) => `a new password${c.requiredAttributes.length ? ` and ${c.requiredAttributes.join(", ")}` : ""}`,
    form: (c) => ({
      title: "Choose a new password",
      fields: [
        { name: "newPassword", label: "New password", type: "password", autocomplete: "new-password" },
        ...c.requiredAttributes.map((name) => ({ name, label: name, value: c.userAttributes?.[name] })),
      ],
    }),
    demo: (c, user) => ({ newPassword: user.passwords.at(-1) }),
    result: ({ newPassword, ...attributes }) => ({ newPassword, attributes }),
  },
  customChallenge: {
    describe: (c) => (c.parameters.question ? `question “${c.parameters.question}”` : "custom challenge"),
    form: (c) => ({ title: "Answer the challenge", fields: [{ name: "answer", label: c.parameters.question ?? "Answer" }] }),
    demo: (c, user) => ({ answer: user.answers[c.parameters.question] }),
    result: (values) => values.answer,
  },
};

/** Handlers that answer as `user` (a demo user) or ask the person in the prompt form. */
function handlers(user, signal) {
  return Object.fromEntries(
    Object.entries(CHALLENGES).map(([name, challenge]) => [
      name,
      async (c) => {
        const retry = c.attempt > 1 ? ` (attempt ${c.attempt}${c.error ? `, after ${c.error.name}` : ""})` : "";
        addStep("step", c.challengeName, `${challenge.describe(c)}${retry}${user ? " → answered by the demo" : ""}`);
        const values = user ? await challenge.demo(c, user, signal) : await ask(challenge.form(c), c.error, signal);
        return challenge.result(values);
      },
    ]),
  );
}

/** Shows a challenge form (under the manual sign-in, or in `target`); resolves with its values.
 *  `extra`: another button, `{ label, onclick }`. */
function ask({ title, text = [], fields, extra }, error, signal, target = "prompt") {
  const form = $(target);
  const control = ({ name, label, options, ...attributes }) =>
    h("label", {}, label,
      options
        ? h("select", { name }, options.map((option) => h("option", {}, option)))
        : h("input", { name, required: true, spellcheck: "false", ...attributes }));
  form.replaceChildren(
    ...[
      h("h3", {}, title),
      error && h("p", { class: "error" }, `${error.name}: ${error.message}`),
      text.map((line) => h("p", { class: "hint" }, line)),
      fields.map(control),
      h("div", { class: "row" },
        h("button", { type: "submit", class: "primary" }, "Continue"),
        extra && h("button", { type: "button", class: "ghost", onclick: extra.onclick }, extra.label),
        h("button", { type: "button", class: "ghost", onclick: () => controller?.abort() }, "Cancel")),
    ].flat().filter(Boolean),
  );
  form.hidden = false;
  form.querySelector("input, select").focus();
  return new Promise((resolve, reject) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      form.hidden = true;
      resolve(Object.fromEntries(new FormData(form)));
    };
    signal.addEventListener("abort", () => ((form.hidden = true), reject(signal.reason)), { once: true });
  });
}

// ---- actions ----------------------------------------------------------------------------------

let controller = null; // aborts the sign-in in progress

/** The emulator's newest log entry number, or null when the endpoint is not the emulator. */
async function logEntries() {
  if (!isEmulator()) return null;
  try {
    const response = await fetch(new URL("__log", settings.endpoint));
    return response.ok ? (await response.json()).entries : null;
  } catch {
    return null;
  }
}

/** Runs one action: a timeline group, errors shown, then the triggers it caused. */
async function act(title, task) {
  const before = await logEntries();
  const since = before?.at(-1)?.seq ?? 0;
  startGroup(title);
  $("error").textContent = "";
  document.body.classList.add("busy");
  try {
    await task();
  } catch (error) {
    // The page's own Cancel aborts quietly; a refused passkey dialog (AbortError "cancelled",
    // the browser's NotAllowedError as cause) is shown like any failure.
    if (!controller?.signal.aborted) {
      const cause = error.cause?.name ? ` (cause: ${error.cause.name})` : "";
      $("error").replaceChildren(`${error.name}: ${error.message}${cause}`,
        h("span", { class: "described" }, `describeError: “${describeError(error)}”`));
      addStep("failed", error.name, `${error.message}${cause}`);
    }
  } finally {
    document.body.classList.remove("busy");
    controller = null;
    showTriggers(before && (await logEntries())?.filter((entry) => entry.seq > since));
  }
}

async function signIn(username, passwords, user) {
  controller = new AbortController();
  const { signal } = controller;
  setStatus(`Signing in as ${username}…`);
  const authFlow = user?.authFlow ?? settings.authFlow;
  const preferred = user?.preferredChallenge ?? settings.preferredChallenge;
  const preferredChallenge = (authFlow === "USER_AUTH" && preferred) || undefined;
  const client = await getAuth();
  for (const [index, password] of passwords.entries()) {
    try {
      const options = { username, password, authFlow, preferredChallenge, signal, handlers: handlers(user, signal) };
      return setSession(await client.signIn(options));
    } catch (error) {
      if (error.name !== "NotAuthorizedException" || index === passwords.length - 1) {
        setSession(await client.getTokens());
        throw error;
      }
      addStep("note", "retry", "the temporary password was already changed; signing in with the new one");
    }
  }
}

function showUsers() {
  $("users").replaceChildren(
    ...DEMO_USERS.map((user) =>
      h("li", {},
        h("button", {
          type: "button",
          class: "user",
          "data-user": user.username,
          onclick: () => act(`Sign in as ${user.username}`, () => signIn(user.username, user.passwords ?? [DEMO_PASSWORD], user)),
        },
        h("span", { class: "avatar", "aria-hidden": "true" }, user.username[0].toUpperCase()),
        h("span", { class: "who" }, h("strong", {}, user.username), h("span", {}, user.title)),
        h("span", { class: "what" }, user.detail, user.authFlow && h("em", {}, user.authFlow))),
      ),
    ),
  );
}

// ---- session ----------------------------------------------------------------------------------

let expiryTimer;

function setStatus(text) {
  $("status").textContent = text;
}

const CLAIM_TIMES = new Set(["exp", "iat", "auth_time"]);
const claimValue = (name, value) =>
  CLAIM_TIMES.has(name) ? `${new Date(value * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC` :
  typeof value === "object" ? JSON.stringify(value) : String(value);

function claimsTable(title, claims, open) {
  return h("details", { open },
    h("summary", {}, title),
    h("table", {}, h("tbody", {}, Object.entries(claims).map(([name, value]) =>
      h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, claimValue(name, value)))))));
}

let accountShown = null; // whose passkeys the Account card lists

function setSession(tokens) {
  clearInterval(expiryTimer);
  $("account").hidden = !tokens;
  if (tokens?.username !== accountShown) {
    accountShown = tokens?.username ?? null;
    $("user-info").hidden = true;
    if (tokens) showPasskeys();
  }
  $("refresh").disabled = $("sign-out").disabled = !tokens;
  document.body.classList.toggle("signed-in", Boolean(tokens));
  $("claims").replaceChildren(...(tokens ? [claimsTable("ID token claims", tokens.idTokenPayload, true), claimsTable("Access token claims", tokens.accessTokenPayload, false)] : []));
  if (!tokens) return setStatus("Signed out");
  const show = () => {
    const minutes = Math.max(0, Math.round((tokens.expiresAt - Date.now()) / 60_000));
    $("status").replaceChildren(
      h("span", { class: "dot", "aria-hidden": "true" }), "Signed in as ", h("strong", {}, tokens.username),
      h("span", { class: "hint" }, ` · access token expires in ${minutes} min`));
  };
  show();
  expiryTimer = setInterval(show, 30_000);
  return tokens;
}

function showTriggers(entries) {
  const panel = $("triggers");
  if (!entries) {
    panel.replaceChildren(h("p", { class: "empty" }, "Trigger details come from the local emulator's log; this endpoint has none."));
    return;
  }
  const json = (value) => (value == null ? h("span", { class: "none" }, "none") : h("code", {}, JSON.stringify(value)));
  const calls = entries.filter((entry) => entry.triggers.length > 0);
  panel.replaceChildren(
    ...calls.map((entry) =>
      h("article", { class: "call" },
        h("header", {}, h("strong", {}, entry.operation), h("span", {}, entry.authFlow ?? entry.challengeName ?? ""),
          h("span", { class: `result ${entry.outcome.startsWith("error") ? "failed" : "ok"}` }, entry.outcome)),
        h("ul", {}, entry.triggers.map((trigger) =>
          h("li", {},
            h("div", {}, h("span", { class: "trigger" }, trigger.name), h("span", { class: "source" }, trigger.triggerSource)),
            h("dl", {},
              h("dt", {}, "clientMetadata"), h("dd", {}, json(trigger.clientMetadata)),
              trigger.validationData != null && [h("dt", {}, "validationData"), h("dd", {}, json(trigger.validationData))])))))),
  );
  if (calls.length === 0) panel.append(h("p", { class: "empty" }, "No trigger ran for this action."));
}

// ---- sign-up and the account ------------------------------------------------------------------

async function signUp(username, email, password) {
  controller = new AbortController();
  const { signal } = controller;
  const client = await getAuth();
  const result = await client.signUp({ username, password: password || undefined, attributes: { email } });
  if (result.userConfirmed) {
    addStep("note", "confirmed", `${username} was confirmed at once: sign in`);
    return;
  }
  const resend = {
    label: "Resend code",
    onclick: () =>
      client.resendSignUpCode({ username }).then(
        (delivery) => addStep("note", "resent", `a new code went to ${delivery.destination}`),
        (error) => addStep("failed", error.name, error.message),
      ),
  };
  let error;
  for (;;) {
    const text = [`Code sent by email to ${result.codeDelivery?.destination ?? "the new user"}.`, "The demo pool's code is 123456."];
    const { code } = await ask({ title: "Enter the emailed code", text, fields: [codeField], extra: resend }, error, signal, "sign-up-prompt");
    addStep("step", "ConfirmSignUp", `the code, then autoSignIn${error ? ` (after ${error.name})` : ""}`);
    try {
      const tokens = await client.confirmSignUp({ username, code, autoSignIn: true });
      setSession(tokens ?? (await client.getTokens()));
      return;
    } catch (refused) {
      if (refused.name !== "CodeMismatchException" && refused.name !== "ExpiredCodeException") throw refused;
      error = refused;
    }
  }
}

const dateOf = (ms) => (ms ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "?");

/** Lists the signed-in user's passkeys, each with Delete. */
async function showPasskeys() {
  const list = $("passkeys");
  let passkeys;
  try {
    passkeys = await (await getAuth()).listPasskeys();
  } catch (error) {
    list.replaceChildren(h("li", { class: "empty" }, `ListWebAuthnCredentials: ${error.name}: ${error.message}`));
    return;
  }
  list.replaceChildren(
    ...passkeys.map((passkey) =>
      h("li", { "data-credential": passkey.credentialId },
        h("span", { class: "who" },
          h("strong", {}, passkey.name ?? "Passkey"),
          h("span", {}, `added ${dateOf(passkey.createdAt)} · ${passkey.authenticatorAttachment ?? "attachment unknown"} · ${passkey.transports.join(", ") || "no transports"}`)),
        h("button", {
          type: "button",
          class: "ghost small",
          "aria-label": `Delete ${passkey.name ?? "passkey"}`,
          onclick: () =>
            act(`Delete ${passkey.name ?? "a passkey"}`, async () => {
              await (await getAuth()).deletePasskey(passkey.credentialId);
              await showPasskeys();
            }),
        }, "Delete"))),
  );
  if (passkeys.length === 0) list.append(h("li", { class: "empty" }, "No passkey yet."));
}

// ---- wiring -----------------------------------------------------------------------------------

showSettings();
showUsers();

$("manual").addEventListener("submit", (event) => {
  event.preventDefault();
  const { username, password } = Object.fromEntries(new FormData(event.target));
  act(`Sign in as ${username}`, () => signIn(username, [password || undefined]));
});
$("sign-up").addEventListener("submit", (event) => {
  event.preventDefault();
  const { username, email, password } = Object.fromEntries(new FormData(event.target));
  act(`Sign up ${username}`, () => signUp(username, email, password));
});
$("get-user").addEventListener("click", () =>
  act("Get user", async () => {
    const user = await (await getAuth()).getUser();
    $("user-info").textContent = JSON.stringify(user, null, 2);
    $("user-info").hidden = false;
  }));
$("add-passkey").addEventListener("click", () =>
  act("Add a passkey", async () => {
    const { credentialId } = await (await getAuth()).registerPasskey();
    addStep("note", "passkey", `registered ${credentialId.slice(0, 16)}…`);
    await showPasskeys();
  }));
$("change-password").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const { oldPassword, newPassword } = Object.fromEntries(new FormData(form));
  act("Change password", async () => {
    await (await getAuth()).changePassword({ oldPassword, newPassword });
    form.reset();
    addStep("note", "changed", "the password was changed (Reset the emulator's users to get the demo one back)");
  });
});

// Passkeys need the page at http://localhost (the demo pool's relying party id).
if (location.hostname !== "localhost") {
  const here = new URL(location.href);
  here.hostname = "localhost";
  here.search = settings.endpoint ? `?endpoint=${encodeURIComponent(settings.endpoint)}` : "";
  $("localhost-link").href = $("localhost-link").textContent = here.href;
  $("localhost-notice").hidden = false;
}
$("refresh").addEventListener("click", () =>
  act("Refresh tokens", async () => setSession(await (await getAuth()).getTokens({ forceRefresh: true }))));
$("sign-out").addEventListener("click", () =>
  act("Sign out", async () => {
    await (await getAuth()).signOut();
    setSession(null);
  }));
$("reset-emulator").addEventListener("click", () =>
  act("Reset the emulator", async () => {
    const response = await fetch(new URL("__reset", settings.endpoint), { method: "POST", body: "{}" });
    if (!response.ok) throw new Error(`The endpoint answered ${response.status}: is it the emulator?`);
    learnedSecrets.clear();
    addStep("note", "reset", "users, devices and tokens are back to the demo pool");
  }));

// A session kept in sessionStorage from before a reload.
getAuth().then((client) => client.getTokens()).then(setSession, () => setSession(null));
