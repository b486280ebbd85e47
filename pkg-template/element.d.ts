import type { AuthFlow, CognitoAuth, CognitoAuthError, Tokens } from "./index.js";

/** The text the element shows a person for an error (also exported by the package entry). */
export { describeError } from "./index.js";

/**
 * `<cognito-login>`: a sign-in form that walks each challenge itself (codes, MFA choice, TOTP
 * setup, new password, custom challenges, USER_AUTH's choice of factor) and a forgot-password
 * path; with `methods`, passkeys and one-time codes; with `sign-up`, account creation.
 *
 * Attributes: `user-pool-id`, `client-id`, `endpoint`, `auth-flow` (the password form's flow),
 * `methods` (the sign-in doors, see {@link CognitoLoginMethod}; default `password`), `sign-up`,
 * `client-metadata` (a JSON object of strings, sent on every call), `storage` (`memory`,
 * `localStorage`, `sessionStorage`), `autofocus` (focus the first field at once; without it
 * focus moves into the element only after a person acted in it). In React 19 TSX:
 * `/// <reference types="cognito-wasm/react" />`.
 *
 * Theming: the custom properties `--cognito-login-accent`, `--cognito-login-accent-text`,
 * `--cognito-login-background`, `--cognito-login-color`, `--cognito-login-muted`,
 * `--cognito-login-border`, `--cognito-login-radius`, `--cognito-login-font`,
 * `--cognito-login-width`, `--cognito-login-error`, `--cognito-login-error-background`, and the
 * parts `container`, `heading`, `form`, `intro`, `label`, `input`, `button`, `link`, `error`,
 * `status`, `qr`, `secret`, and `secondary` (with `button`: the other doors, Add a passkey).
 */
export class CognitoLoginElement extends HTMLElement {
  /** The CognitoAuth instance, once created (null before; see `ready`). */
  readonly auth: CognitoAuth | null;
  /** Resolves to the CognitoAuth instance for the current attributes. */
  readonly ready: Promise<CognitoAuth>;
  addEventListener<K extends keyof CognitoLoginEventMap>(
    type: K,
    listener: (this: CognitoLoginElement, event: CognitoLoginEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof CognitoLoginEventMap>(
    type: K,
    listener: (this: CognitoLoginElement, event: CognitoLoginEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

/**
 * A sign-in door `<cognito-login methods="…">` offers (a client cannot know which factors its pool
 * allows before a sign-in: the page says). Each needs the username (Cognito's USER_AUTH does).
 * - `password`: the username and password form, with `auth-flow` (default USER_SRP_AUTH;
 *   USER_AUTH asks for PASSWORD_SRP); "Forgot your password?". The default door.
 * - `passkey`: "Sign in with a passkey" (USER_AUTH, WEB_AUTHN, the browser's passkey dialog);
 *   once signed in, "Add a passkey".
 * - `email-code`: "Email me a code" (USER_AUTH, EMAIL_OTP).
 * - `sms-code`: "Text me a code" (USER_AUTH, SMS_OTP).
 * - `choice`: "Other ways to sign in" ("Continue" when it is the only door): USER_AUTH without a
 *   preference, then the factors Cognito offers this account, to choose from.
 *
 * A door the account cannot use leads to that choice too. Buttons come in this order, the
 * first one primary; unknown names are ignored; a browser without WebAuthn gets no `passkey`.
 */
export type CognitoLoginMethod = "password" | "passkey" | "email-code" | "sms-code" | "choice";

/** The element's attributes, as JSX props (see `cognito-wasm/react`). */
export interface CognitoLoginAttributes {
  "user-pool-id": string;
  "client-id": string;
  endpoint?: string;
  "auth-flow"?: AuthFlow;
  /** Space-separated {@link CognitoLoginMethod}s, e.g. `"password passkey email-code"`. */
  methods?: CognitoLoginMethod | `${CognitoLoginMethod} ${string}`;
  /** Offer "Create an account": username, email and password, then the emailed code signs in. */
  "sign-up"?: boolean;
  /** A JSON object of strings, sent as ClientMetadata on every call. */
  "client-metadata"?: string;
  storage?: "memory" | "localStorage" | "sessionStorage";
  /** Focus the first field at once (login-only pages). */
  autofocus?: boolean;
}

export interface CognitoLoginEventMap {
  /** Signed in (also when a session was restored from storage). */
  "signed-in": CustomEvent<Tokens>;
  "signed-out": CustomEvent<undefined>;
  /** A sign-in, sign-up, password reset, passkey registration or sign-out failed; the element
   *  shows why. A passkey dialog the person closed is an `AbortError` (its `cause` the browser's
   *  `NotAllowedError`). */
  error: CustomEvent<CognitoAuthError>;
}

/**
 * Defines `<cognito-login>` (once) and returns its class. Importing this module defines nothing;
 * where there is no `customElements` (Node, server-side rendering) this does nothing either.
 */
export function defineCognitoLogin(): typeof CognitoLoginElement;

declare global {
  interface HTMLElementTagNameMap {
    "cognito-login": CognitoLoginElement;
  }
}
