// Cognito's SRP client math in plain JavaScript BigInt, written for the comparison: textbook
// right-to-left square-and-multiply with `%` (V8's native BigInt multiply and divide), and
// WebCrypto for SHA-256/HMAC. Also computes the server's B for the fixed inputs.
import { N_HEX } from "./inputs.mjs";

const N = BigInt("0x" + N_HEX);
const g = 2n;
const encoder = new TextEncoder();

function modPow(base, exponent, modulus) {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

/** Java BigInteger.toByteArray() style hex: even length, "00" in front of a set top bit. */
function padHex(value) {
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return /^[89a-f]/.test(hex) ? "00" + hex : hex;
}

function hexBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
  return bytes;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function hmac(key, message) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, message));
}

const toBigInt = (bytes) =>
  BigInt("0x" + (Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") || "0"));

const multiplier = async () => toBigInt(await sha256(hexBytes(padHex(N) + padHex(g))));

async function privateKey({ poolName, userId, password, saltHex }) {
  const inner = await sha256(encoder.encode(poolName + userId + ":" + password));
  return toBigInt(await sha256(concat(hexBytes(padHex(BigInt("0x" + saltHex))), inner)));
}

/** SRP_B for the fixed inputs: B = (k·g^x + g^b) mod N. */
export async function serverB(inputs) {
  const v = modPow(g, await privateKey(inputs), N);
  const b = BigInt("0x" + inputs.bHex);
  return (((await multiplier()) * v + modPow(g, b, N)) % N).toString(16);
}

/** One sign-in's client work: A, then S, K and the claim signature (Base64). */
export async function signIn(inputs, srpBHex) {
  const a = BigInt("0x" + inputs.aHex);
  const A = modPow(g, a, N);
  const B = BigInt("0x" + srpBHex);
  const u = toBigInt(await sha256(hexBytes(padHex(A) + padHex(B))));
  const x = await privateKey(inputs);
  const k = await multiplier();
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, a + u * x, N);
  const prk = await hmac(hexBytes(padHex(u)), hexBytes(padHex(S)));
  const key = (await hmac(prk, concat(encoder.encode("Caldera Derived Key"), [1]))).slice(0, 16);
  const block = Uint8Array.from(atob(inputs.secretBlock), (c) => c.charCodeAt(0));
  const message = concat(
    encoder.encode(inputs.poolName),
    encoder.encode(inputs.userId),
    block,
    encoder.encode(inputs.timestamp),
  );
  return btoa(String.fromCharCode(...(await hmac(key, message))));
}
