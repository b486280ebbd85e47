// Whether this browser runs wasm SIMD, the feature the fast build (cognito_wasm_simd_bg.wasm)
// needs: Chrome 91, Firefox 89, Safari 16.4 and later.

/**
 * The smallest module that uses the instruction the SIMD build relies on: a function
 * () -> v128 computing i64x2.extmul_low_i32x4_u(i32x4.splat(0), i32x4.splat(0)).
 */
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of that type
  0x0a, 0x0f, 0x01, 0x0d, 0x00, // code section: one 13-byte body, no locals
  0x41, 0x00, 0xfd, 0x11, // i32.const 0, i32x4.splat
  0x41, 0x00, 0xfd, 0x11, // i32.const 0, i32x4.splat
  0xfd, 0xde, 0x01, // i64x2.extmul_low_i32x4_u (opcode 222, LEB128)
  0x0b, // end
]);

/** True where WebAssembly.validate accepts the probe (validating compiles nothing, so no CSP applies). */
export function simdSupported() {
  return typeof WebAssembly === "object" && WebAssembly.validate(PROBE);
}
