import type { AuthFlow, CognitoAuth, CognitoAuthError, Tokens } from "./index.js";

/** The text the element shows a person for an error (also exported by the package entry). */
export { describeError } from "./index.js";

/**
 * `<cognito-login>`: a sign-in form that walks each challenge itself (codes, MFA choice, TOTP
 * setup, new password, custom challenges) and a forgot-password path.
 *
 * Attributes: `user-pool-id`, `client-id`, `endpoint`, `auth-flow`, `client-metadata` (a JSON
 * object of strings, sent on every call), `storage` (`memory`, `localStorage`, `sessionStorage`),
 * `autofocus` (focus the first field at once; without it focus moves into the element only
 * after a person acted in it). In React 19 TSX: `/// <reference types="cognito-wasm/react" />`.
 *
 * Theming: the custom properties `--cognito-login-accent`, `--cognito-login-accent-text`,
 * `--cognito-login-background`, `--cognito-login-color`, `--cognito-login-muted`,
 * `--cognito-login-border`, `--cognito-login-radius`, `--cognito-login-font`,
 * `--cognito-login-width`, `--cognito-login-error`, `--cognito-login-error-background`, and the
 * parts `container`, `heading`, `form`, `intro`, `label`, `input`, `button`, `link`, `error`,
 * `status`, `qr`, `secret`.
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

/** The element's attributes, as JSX props (see `cognito-wasm/react`). */
export interface CognitoLoginAttributes {
  "user-pool-id": string;
  "client-id": string;
  endpoint?: string;
  "auth-flow"?: AuthFlow;
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
  /** A sign-in, password reset or sign-out failed; the element shows why. */
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
