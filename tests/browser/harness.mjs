// Shared plumbing for the browser suites: the emulator, a static file server for the repo,
// and headless Chromium through playwright-core. Everything listens on 127.0.0.1 only.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(ROOT, "tests/js/package.json"));
const { chromium } = require("playwright-core");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Starts the release emulator binary on a free port; resolves when it is listening. */
export async function startEmulator({ config } = {}) {
  const binary = join(ROOT, "target/release/cognito-emulator");
  const args = ["--port", "0", ...(config ? ["--config", config] : [])];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("emulator did not start in 30 s")), 30_000);
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}`));
    });
  });
  const call = async (path, body) => {
    const response = await fetch(url + path, body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url: url + "/",
    reset: () => call("/__reset", {}),
    log: async () => (await call("/__log")).entries,
    deliveries: async () => (await call("/__deliveries")).deliveries,
    fault: (spec) => call("/__faults", spec),
    stop: () => child.kill(),
  };
}

/**
 * Serves the repository read-only on 127.0.0.1. `headers(path)` may add response headers
 * (e.g. a Content-Security-Policy for some pages).
 */
export async function startStaticServer({ headers = () => ({}) } = {}) {
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
      if (path === "/favicon.ico") {
        // Chromium asks for it at a time of its choosing; a 404 would show up as a page error.
        response.writeHead(204);
        response.end();
        return;
      }
      let file = normalize(join(ROOT, path));
      if (!file.startsWith(ROOT)) throw new Error("outside the root");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
        ...headers(path),
      });
      response.end(body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** Headless Debian Chromium with the flags this closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * What a browser suite runs against: the emulator, a static server of the repository (each
 * response under the Content-Security-Policy `csp(emulator.url)` when `csp` is given) and
 * Chromium. `stop()` shuts down whatever of them started.
 */
export async function startStack({ csp } = {}) {
  const started = [];
  const stop = async () => {
    for (const close of started.reverse()) await close();
  };
  try {
    const emulator = await startEmulator();
    started.push(() => emulator.stop());
    const policy = csp?.(emulator.url);
    const server = await startStaticServer(policy ? { headers: () => ({ "content-security-policy": policy }) } : {});
    started.push(() => server.stop());
    const browser = await launchBrowser();
    started.push(() => browser.close());
    return { emulator, server, browser, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A page whose console errors and uncaught exceptions are collected in `page.problems`. */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(message.text());
  });
  await page.goto(url);
  return page;
}

/**
 * Chromium's virtual authenticator in `page` (through CDP), answering the browser's passkey
 * dialog at once; `options` override the defaults (e.g. `isUserConsenting: false`: the person
 * refuses). `credentials()` lists what it holds, `remove()` takes it away, and `cdp` and `id`
 * reach the rest of the WebAuthn domain.
 */
export async function addAuthenticator(page, options = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      ...options,
    },
  });
  return {
    cdp,
    id: authenticatorId,
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
    remove: () => cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId }),
  };
}
