// Types for the classic script, cognito-wasm.iife.js: it sets `window.CognitoWasm` and defines
// <cognito-login>. Pull them into a script-based project with
// `/// <reference types="cognito-wasm/global" />` (or "types": ["cognito-wasm/global"]).
import type { CognitoAuth, CognitoAuthError, init } from "./index.js";
import type { CognitoLoginElement } from "./element.js";

declare global {
  /** What cognito-wasm.iife.js exports: the package's API and the element's class. */
  var CognitoWasm: {
    init: typeof init;
    CognitoAuth: typeof CognitoAuth;
    CognitoAuthError: typeof CognitoAuthError;
    CognitoLoginElement: typeof CognitoLoginElement;
  };
}
