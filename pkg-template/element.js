// <cognito-login>: a sign-in form that walks each Cognito challenge itself. Shadow DOM, no
// framework; themable through CSS custom properties and ::part. Importing this module defines
// nothing (the package has no side effects): call defineCognitoLogin(), as the classic-script
// build does.
import {
  STYLE,
  attributeLabel,
  choices,
  codeInput,
  h,
  input,
  passwordInput,
  qrImage,
  sent,
  usernameInput,
} from "./element-dom.js";
import { CognitoAuth, CognitoAuthError, describeError } from "./index.js";

// The text the element shows for an error; the package entry exports it too.
export { describeError };

// Lets server-side rendering import this module where HTMLElement does not exist.
const Base = globalThis.HTMLElement ?? class {};

// The sign-in doors a page can offer (`methods`), in the order their buttons take after the
// password form: how each signs in. The password door follows `auth-flow`.
const DOORS = {
  passkey: ["Sign in with a passkey", "WEB_AUTHN"],
  "email-code": ["Email me a code", "EMAIL_OTP"],
  "sms-code": ["Text me a code", "SMS_OTP"],
  choice: ["Other ways to sign in"],
};

// USER_AUTH's first factors as a person reads them (PASSWORD and PASSWORD_SRP are one choice).
const FACTORS = {
  PASSWORD_SRP: "Password",
  PASSWORD: "Password",
  EMAIL_OTP: "A code by email",
  SMS_OTP: "A code by text message",
  WEB_AUTHN: "A passkey",
};
const PASSKEY_PROMPT = "Follow your browser's prompt to use your passkey.";

const MFA_CHOICES = {
  SMS_MFA: "Text message (SMS)",
  SOFTWARE_TOKEN_MFA: "Authenticator app",
  EMAIL_OTP: "Email",
};

let sheet;

/**
 * `<cognito-login user-pool-id client-id endpoint auth-flow client-metadata storage>`.
 * Events: `signed-in` (detail: tokens), `signed-out`, `error` (detail: the CognitoAuthError).
 */
export class CognitoLoginElement extends Base {
  static observedAttributes = ["user-pool-id", "client-id", "endpoint", "storage", "auth-flow", "methods", "sign-up"];

  #auth = null;
  #ready = null;
  // Bumped when the pool, client, endpoint or storage changes: late results of the old ones are dropped.
  #generation = 0;
  #unsubscribe = [];
  #abort = null;
  #restoring = false;
  #signInShown = false;
  #lastUsername = "";
  // The sign-in door last used: after a failure its button takes focus again.
  #door;
  #lastCustomParameters;
  // Whether a person has acted in the element (submitted or pressed one of its buttons): only
  // then does focus move into each new step. Before that (page load, a restored session) the
  // page keeps its focus and scroll position, unless the element has `autofocus`.
  #acted = false;
  #heading;
  #error;
  #status;
  #body;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    }
    root.adoptedStyleSheets = [sheet];
    this.#heading = h("h2", { part: "heading", tabindex: "-1" });
    // Live regions exist from the start so that screen readers announce what is put in them.
    this.#error = h("p", { part: "error", role: "alert" });
    this.#status = h("p", { part: "status", role: "status" });
    this.#body = h("div");
    root.append(h("div", { part: "container" }, this.#heading, this.#error, this.#status, this.#body));
  }

  /** The CognitoAuth instance, once created (see `ready`). */
  get auth() {
    return this.#auth;
  }

  /** Resolves to the CognitoAuth instance for the current attributes. */
  get ready() {
    this.#ready ??= this.#create();
    return this.#ready;
  }

  connectedCallback() {
    if (!this.#body.firstChild) this.#signInForm();
    this.#restore();
  }

  disconnectedCallback() {
    this.#abort?.abort();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name === "auth-flow" || name === "methods" || name === "sign-up") {
      if (this.#signInShown) this.#signInForm();
      return;
    }
    this.#abort?.abort();
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#auth = this.#ready = null;
    this.#generation++;
    if (this.isConnected) {
      this.#signInForm();
      this.#restore();
    }
  }

  async #create() {
    const generation = this.#generation;
    try {
      const auth = await CognitoAuth.create({
        userPoolId: this.getAttribute("user-pool-id") ?? "",
        clientId: this.getAttribute("client-id") ?? "",
        endpoint: this.getAttribute("endpoint") || undefined,
        storage: this.getAttribute("storage") || undefined,
      });
      if (generation === this.#generation) {
        this.#unsubscribe = [
          auth.on("signedIn", (tokens) => this.#signedIn(tokens)),
          auth.on("signedOut", () => this.#signedOut()),
        ];
        this.#auth = auth;
      }
      return auth;
    } catch (error) {
      if (generation === this.#generation) this.#ready = null;
      throw error;
    }
  }

  /** Creates the instance and shows a session kept in storage. Once per task, so that
   *  attributes set right after insertion are read. */
  #restore() {
    if (this.#restoring) return;
    this.#restoring = true;
    queueMicrotask(async () => {
      this.#restoring = false;
      const generation = this.#generation;
      try {
        const auth = await this.ready;
        const tokens = await auth.getTokens().catch(() => null);
        if (tokens && generation === this.#generation) this.#signedIn(tokens);
      } catch (error) {
        if (generation === this.#generation) this.#fail(error);
      }
    });
  }

  #clientMetadata() {
    const text = this.getAttribute("client-metadata");
    if (!text) return undefined;
    let metadata;
    try {
      metadata = JSON.parse(text);
    } catch {
      // reported below
    }
    const valid = metadata && typeof metadata === "object" && !Array.isArray(metadata) &&
      Object.values(metadata).every((value) => typeof value === "string");
    if (!valid) throw new CognitoAuthError("InvalidConfig", "client-metadata must be a JSON object of strings.");
    return metadata;
  }

  /** Shows one step: a heading, an optional intro, fields and buttons. Focus moves into it once a
   *  person has acted (or with `autofocus`). */
  #show({ title, intro, content = [], submit, onsubmit, links = [], error, status, signIn = false }) {
    this.#signInShown = signIn;
    this.#heading.textContent = title;
    const form = h(
      "form",
      {
        part: "form",
        onsubmit: (event) => {
          event.preventDefault();
          this.#acted = true;
          this.#error.textContent = this.#status.textContent = "";
          for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
          onsubmit(Object.fromEntries(new FormData(form)), form, event.submitter);
        },
      },
      intro && h("p", { part: "intro" }, intro),
      content,
      submit && h("button", { part: "button", type: "submit" }, submit),
      // [label, onclick] pairs (falsy ones left out), shown as links under the form.
      h("div", { class: "links" }, links.filter(Boolean).map(([label, onclick]) =>
        h("button", {
          part: "link",
          type: "button",
          onclick: () => {
            this.#acted = true;
            onclick();
          },
        }, label))),
    );
    this.#body.replaceChildren(form);
    this.#error.textContent = error ? describeError(error) : "";
    this.#status.textContent = status ?? "";
    if (!this.#acted && !this.hasAttribute("autofocus")) return;
    const fields = [...form.querySelectorAll("input")];
    const target = fields.find((field) => !field.value) ?? fields[0] ?? this.#heading;
    target.focus();
    // A kept value (the username on "Forgot your password?") is selected: typing replaces it.
    if (target.value) target.select();
  }

  /** Runs one request; on failure shows why, tells the page, and re-opens `form` (or the sign-in). */
  async #run(task, form, signal) {
    try {
      await task();
    } catch (error) {
      if (signal?.aborted) return; // cancelled by the person or replaced: nothing to report
      if (form) for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
      this.#fail(error, form);
    }
  }

  #fail(error, form) {
    if (!form) this.#signInForm({ door: this.#door });
    // The pressed button was disabled while the request ran, and lost focus: back to the first field.
    else if (this.#acted && !this.shadowRoot.activeElement) {
      const field = form.querySelector("input");
      field?.focus();
      field?.select();
    }
    this.#error.textContent = describeError(error);
    this.dispatchEvent(new CustomEvent("error", { detail: error, bubbles: true, composed: true }));
  }

  /** The sign-in doors the page offers (`methods`; default the password form), in button order;
   *  passkeys only where the browser has WebAuthn. */
  #doors() {
    const named = (this.getAttribute("methods") || "password").split(/\s+/);
    const doors = ["password", ...Object.keys(DOORS)].filter((door) =>
      named.includes(door) && (door !== "passkey" || globalThis.PublicKeyCredential));
    return doors.length ? doors : ["password"];
  }

  /** The sign-in form: the username, the password when that door is offered, a button per door. */
  #signInForm({ status, door: failed } = {}) {
    const doors = this.#doors();
    const withPassword = doors[0] === "password" && this.getAttribute("auth-flow") !== "CUSTOM_WITHOUT_SRP";
    const password = withPassword && passwordInput("Password", "password", "current-password");
    const buttons = doors.map((door, index) =>
      h("button", {
        part: index ? "button secondary" : "button",
        type: "submit",
        value: door,
        // Only the password door needs the password (implicit submission clicks the first button).
        onclick: () => password && (password.lastChild.required = door === "password"),
      }, door === "password" ? "Sign in" : door === "choice" && doors.length === 1 ? "Continue" : DOORS[door][0]),
    );
    this.#show({
      title: "Sign in",
      content: [
        usernameInput(this.#lastUsername),
        password,
        buttons[0],
        doors[0] === "password" && doors.length > 1 && h("p", { class: "or" }, "or"),
        buttons.slice(1),
      ],
      links: [
        withPassword && ["Forgot your password?", () => this.#forgotForm()],
        this.hasAttribute("sign-up") && ["Create an account", () => this.#signUpForm()],
      ],
      status,
      signIn: true,
      onsubmit: ({ username, password }, _, submitter) => this.#signIn(username, password, submitter?.value || doors[0]),
    });
    // After a door other than the password failed (a closed passkey dialog), its button again.
    if (failed && failed !== "password" && this.#acted) buttons[doors.indexOf(failed)]?.focus();
  }

  /** Signs in through `door`: the password one with `auth-flow`, the others with USER_AUTH. */
  #signIn(username, password, door) {
    this.#lastUsername = username;
    this.#door = door;
    const flow = this.getAttribute("auth-flow") || undefined;
    const byPassword = door === "password";
    const preferred = byPassword ? (flow === "USER_AUTH" ? "PASSWORD_SRP" : undefined) : DOORS[door][1];
    if (preferred === "WEB_AUTHN") this.#status.textContent = PASSKEY_PROMPT;
    const { signal } = (this.#abort = new AbortController());
    this.#run(async () => {
      const auth = await this.ready;
      await auth.signIn({
        username,
        password: byPassword ? password : undefined,
        authFlow: byPassword ? flow : "USER_AUTH",
        preferredChallenge: preferred,
        clientMetadata: this.#clientMetadata(),
        signal,
        handlers: this.#handlers(preferred),
      });
    }, undefined, signal);
  }

  /** The challenge handlers: each shows its step and resolves with what the person enters.
   *  `preferred`: USER_AUTH's first factor asked for (the choice says when it was not offered). */
  #handlers(preferred) {
    const ask = (context, step) =>
      new Promise((resolve) =>
        this.#show({
          error: context.error,
          links: [["Cancel", () => this.#cancel()]],
          ...step,
          onsubmit: resolve,
        }),
      );
    const codeStep = (intro) => (context) =>
      ask(context, { title: "Enter your code", intro: intro(context), content: [codeInput()], submit: "Verify" })
        .then((values) => values.code.trim());
    const sentTo = (medium) => (context) => sent(`We sent a code by ${medium}`, context);
    return {
      smsMfa: codeStep(sentTo("text message")),
      emailOtp: codeStep(sentTo("email")),
      smsOtp: codeStep(sentTo("text message")),
      softwareTokenMfa: codeStep(() => "Enter the 6-digit code from your authenticator app."),
      selectMfaType: (context) =>
        ask(context, {
          title: "Verify it's you",
          content: choices("How do you want to get your code?", "mfaType",
            (context.mfaTypes ?? Object.keys(MFA_CHOICES)).map((type) => [type, MFA_CHOICES[type] ?? type])),
          submit: "Continue",
        }).then((values) => values.mfaType),
      // USER_AUTH without a usable preference: the factors this account can use.
      selectChallenge: (context) => {
        const offered = context.availableChallenges;
        return ask(context, {
          title: "Choose how to sign in",
          intro: preferred && !offered.includes(preferred) && "That way of signing in isn't available for this account.",
          content: choices("Sign in with", "factor", offered
            .filter((factor) => factor !== "PASSWORD" || !offered.includes("PASSWORD_SRP"))
            .map((factor) => [factor, FACTORS[factor] ?? factor])),
          submit: "Continue",
        }).then(({ factor }) => {
          if (factor === "WEB_AUTHN") this.#status.textContent = PASSKEY_PROMPT;
          return factor;
        });
      },
      // USER_AUTH: a password factor chosen without a password.
      password: (context) =>
        ask(context, {
          title: "Enter your password",
          intro: ["Signing in as ", h("strong", {}, this.#lastUsername), "."],
          content: passwordInput("Password", "password", "current-password"),
          submit: "Sign in",
        }).then((values) => values.password),
      mfaSetup: (context) =>
        ask(context, {
          title: "Set up your authenticator app",
          intro: "Scan this QR code with your authenticator app, or enter the key by hand. Then enter the code it shows.",
          content: [
            qrImage(context.otpauthUri),
            h("code", { part: "secret", "aria-label": "Setup key" }, context.secretCode.match(/.{1,4}/g).join(" ")),
            h("p", {}, h("a", { part: "link", href: context.otpauthUri }, "Open in an authenticator app on this device")),
            codeInput(),
          ],
          submit: "Verify",
        }).then((values) => values.code.trim()),
      newPasswordRequired: (context) =>
        ask(context, {
          title: "Choose a new password",
          intro: "Your password has to be changed before you can sign in.",
          content: [
            passwordInput("New password", "newPassword", "new-password"),
            context.requiredAttributes.map((name) =>
              input(attributeLabel(name), { name, value: context.userAttributes?.[name] }),
            ),
          ],
          submit: "Set password and sign in",
        }).then(({ newPassword, ...attributes }) => ({ newPassword, attributes })),
      customChallenge: (context) => {
        const { question, ...others } = context.parameters;
        // What the pool's create-auth-challenge trigger made public for the person. Cognito's
        // own ChallengeParameters (USERNAME, USER_ID_FOR_SRP, …) are all UPPER_SNAKE_CASE.
        const shown = Object.entries(others).filter(([key]) => !/^[A-Z0-9_]+$/.test(key));
        const parameters = JSON.stringify(context.parameters);
        // The same question again means the answer was refused.
        const refused = context.attempt > 1 && parameters === this.#lastCustomParameters;
        this.#lastCustomParameters = parameters;
        return ask(context, {
          title: "One more step",
          content: [
            shown.length > 0 &&
              h("dl", {}, shown.map(([key, value]) => [h("dt", {}, attributeLabel(key)), h("dd", {}, value)])),
            input(question ?? "Answer", { name: "answer", autocomplete: "off" }),
          ],
          submit: "Continue",
          error: context.error ?? (refused ? { message: "That answer isn't right. Try again." } : undefined),
        }).then((values) => values.answer);
      },
    };
  }

  #cancel() {
    this.#abort?.abort();
    this.#signInForm();
  }

  #forgotForm() {
    this.#show({
      title: "Reset your password",
      intro: "Enter your username and we'll send you a code to choose a new password.",
      content: usernameInput(this.#lastUsername),
      submit: "Send code",
      links: [["Back to sign in", () => this.#signInForm()]],
      onsubmit: ({ username }, form) => {
        this.#lastUsername = username;
        this.#run(async () => {
          const auth = await this.ready;
          const delivery = await auth.forgotPassword({ username, clientMetadata: this.#clientMetadata() });
          this.#resetForm(username, delivery);
        }, form);
      },
    });
  }

  #resetForm(username, delivery) {
    this.#show({
      title: "Choose a new password",
      intro: sent("We sent a code", delivery),
      content: [codeInput(), passwordInput("New password", "newPassword", "new-password")],
      submit: "Reset password",
      links: [["Back to sign in", () => this.#signInForm()]],
      onsubmit: ({ code, newPassword }, form) =>
        this.#run(async () => {
          const auth = await this.ready;
          await auth.confirmForgotPassword({ username, code: code.trim(), newPassword, clientMetadata: this.#clientMetadata() });
          this.#signInForm({ status: "Your password has been changed. Sign in with your new password." });
        }, form),
    });
  }

  #signUpForm() {
    this.#show({
      title: "Create an account",
      content: [
        usernameInput(this.#lastUsername),
        input("Email", { name: "email", type: "email", autocomplete: "email", spellcheck: "false" }),
        passwordInput("Password", "password", "new-password"),
      ],
      submit: "Create account",
      links: [["Back to sign in", () => this.#signInForm()]],
      onsubmit: ({ username, email, password }, form) => {
        this.#lastUsername = username;
        this.#run(async () => {
          const auth = await this.ready;
          const result = await auth.signUp({ username, password, attributes: { email }, clientMetadata: this.#clientMetadata() });
          if (result.userConfirmed) this.#signInForm({ status: "Your account is ready. Sign in." });
          else this.#confirmForm(username, result.codeDelivery);
        }, form);
      },
    });
  }

  /** The sign-up's confirmation code; a right one signs the new account in (ConfirmSignUp's Session). */
  #confirmForm(username, delivery) {
    this.#show({
      title: "Confirm your account",
      intro: sent("We sent a code", delivery),
      content: codeInput(),
      submit: "Confirm",
      links: [
        ["Resend code", async () => {
          this.#error.textContent = this.#status.textContent = "";
          try {
            const auth = await this.ready;
            const again = await auth.resendSignUpCode({ username, clientMetadata: this.#clientMetadata() });
            this.#status.textContent = sent("We sent a new code", again);
          } catch (error) {
            this.#fail(error, this.#body.firstChild);
          }
        }],
        ["Back to sign in", () => this.#signInForm()],
      ],
      onsubmit: ({ code }, form) =>
        this.#run(async () => {
          const auth = await this.ready;
          // Signed in: the signedIn event shows it. No tokens (the client has no USER_AUTH): sign in.
          const tokens = await auth.confirmSignUp({ username, code: code.trim(), autoSignIn: true, clientMetadata: this.#clientMetadata() });
          if (!tokens) this.#signInForm({ status: "Your account is confirmed. Sign in." });
        }, form),
    });
  }

  #signedIn(tokens) {
    this.#show({
      title: "Signed in",
      content: [
        h("p", { part: "intro" }, "You're signed in as ", h("strong", {}, tokens.username), "."),
        this.#doors().includes("passkey") &&
          h("button", { part: "button secondary", type: "button", onclick: (event) => this.#addPasskey(event.currentTarget) },
            "Add a passkey"),
      ],
      submit: "Sign out",
      onsubmit: (_, form) => this.#run(() => this.#auth.signOut(), form),
    });
    this.dispatchEvent(new CustomEvent("signed-in", { detail: tokens, bubbles: true, composed: true }));
  }

  /** Creates a passkey for the signed-in account (the browser's dialog). The button stays
   *  focusable while it runs (aria-disabled), so a keyboard user keeps their place. */
  async #addPasskey(button) {
    if (button.hasAttribute("aria-disabled")) return;
    this.#acted = true;
    button.setAttribute("aria-disabled", "true");
    this.#error.textContent = "";
    this.#status.textContent = "Follow your browser's prompt to create a passkey.";
    try {
      await this.#auth.registerPasskey();
      this.#status.textContent = "Passkey added. Next time, you can sign in with it.";
    } catch (error) {
      if (!button.isConnected) return; // signed out meanwhile
      this.#status.textContent = "";
      this.#fail(error, button.form);
    } finally {
      button.removeAttribute("aria-disabled");
    }
  }

  #signedOut() {
    this.#signInForm();
    this.dispatchEvent(new CustomEvent("signed-out", { bubbles: true, composed: true }));
  }
}

/** Defines `<cognito-login>` (once) and returns its class; does nothing where there is no
 *  `customElements` (Node, server-side rendering). */
export function defineCognitoLogin() {
  const registry = globalThis.customElements;
  if (registry && !registry.get("cognito-login")) registry.define("cognito-login", CognitoLoginElement);
  return CognitoLoginElement;
}
