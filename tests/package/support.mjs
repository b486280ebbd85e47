// Helpers shared by the package suites: the strict CSP, pages written at test time, a watch
// for CSP violations, and RFC 6238 TOTP codes.
import { createHash, createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, openPage } from "../browser/harness.mjs";

export const POOL = { userPoolId: "us-east-1_DemoPool1", clientId: "demo-client" };
export const PASSWORD = "Passw0rd!";
export const ARTIFACTS = join(ROOT, "tests/artifacts");

/** The policy the README asks for; `extra` adds sources to connect-src (e.g. 'self' for the .wasm). */
export function strictCsp(emulatorUrl, extra = "") {
  return `script-src 'self' 'wasm-unsafe-eval'; connect-src ${extra} ${new URL(emulatorUrl).origin}`;
}

/** `sha384-…` of a file under the repository. */
export async function integrity(path) {
  const body = await readFile(join(ROOT, path));
  return `sha384-${createHash("sha384").update(body).digest("base64")}`;
}

/** Writes a page under tests/artifacts/package/ and returns its URL path. */
export async function writePage(name, html) {
  const dir = join(ARTIFACTS, "package");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), html);
  return `/tests/artifacts/package/${name}`;
}

/**
 * Opens `url` with CSP violations and the page's events recorded before any of its scripts run:
 * `page.violations()` and `page.events()`. `withoutSimd` makes the page a browser without wasm
 * SIMD, as far as the package can tell: WebAssembly.validate answers false.
 */
export async function openWatched(browser, url, { withoutSimd = false } = {}) {
  const page = await openPage(browser, "about:blank");
  if (withoutSimd) await page.addInitScript(() => (WebAssembly.validate = () => false));
  await page.addInitScript(() => {
    window.__violations = [];
    window.__events = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.__violations.push(`${event.violatedDirective}: ${event.blockedURI}`),
    );
    for (const type of ["signed-in", "signed-out", "error"]) {
      document.addEventListener(type, (event) => {
        const detail = event.detail ?? {};
        window.__events.push({ type, name: detail.name, username: detail.username, idToken: Boolean(detail.idToken) });
      });
    }
  });
  page.violations = () => page.evaluate(() => window.__violations);
  page.events = () => page.evaluate(() => window.__events);
  await page.goto(url);
  return page;
}

/** The RFC 6238 code (SHA-1, 30 s, 6 digits) of a Base32 secret at `time`. */
export function totp(secret, time = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret.replace(/[\s=]/g, "").toUpperCase()]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[19] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
