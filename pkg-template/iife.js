// The classic-script build (cognito-wasm.iife.js): window.CognitoWasm, the package's API, and
// <cognito-login>. The wasm travels inside this file, gzipped, so that one integrity= covers it
// all and no second request (nor connect-src for it) is needed. Only the SIMD build is inside
// (two would double the download): browsers without wasm SIMD get a typed error instead.
import { init, CognitoAuthError } from "./index.js";
import { defineCognitoLogin } from "./element.js";
import { simdSupported } from "./simd.js";
import wasmGzip from "./cognito_wasm_simd_bg.wasm.gz";

const wasm = simdSupported()
  ? new Response(new Blob([wasmGzip]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()
  : Promise.reject(
      new CognitoAuthError(
        "UnsupportedBrowser",
        "This browser lacks WebAssembly SIMD, which cognito-wasm.iife.js needs (Chrome 91, " +
          "Firefox 113, Safari 16.4 or later); the npm package also runs without it.",
      ),
    );
// Starts compiling now; a failure (e.g. a CSP without 'wasm-unsafe-eval', or no wasm SIMD) is
// reported by the next CognitoAuth.create, which retries with the same bytes.
init({ module_or_path: wasm }).catch(() => {});
defineCognitoLogin();

export { init, CognitoAuth, CognitoAuthError } from "./index.js";
export { CognitoLoginElement } from "./element.js";
