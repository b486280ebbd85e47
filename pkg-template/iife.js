// The classic-script build (cognito-wasm.iife.js): window.CognitoWasm, the package's API, and
// <cognito-login>. The wasm travels inside this file, gzipped, so that one integrity= covers it
// all and no second request (nor connect-src for it) is needed.
import { init } from "./index.js";
import { defineCognitoLogin } from "./element.js";
import wasmGzip from "./cognito_wasm_bg.wasm.gz";

const wasm = new Response(new Blob([wasmGzip]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
// Starts compiling now; a failure (e.g. a CSP without 'wasm-unsafe-eval') is reported by the
// next CognitoAuth.create, which retries with the same bytes.
init({ module_or_path: wasm }).catch(() => {});
defineCognitoLogin();

export { init, CognitoAuth, CognitoAuthError } from "./index.js";
export { CognitoLoginElement } from "./element.js";
