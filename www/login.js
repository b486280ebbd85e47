// The element page: one <cognito-login> configured from the playground's settings (or
// ?endpoint=) with every sign-in door and sign-up, its events listed, a theme switcher, and the
// SRI snippet for this build.
import { loadSettings } from "./settings.js";

const settings = loadSettings();

const login = document.createElement("cognito-login");
login.setAttribute("user-pool-id", settings.userPoolId);
login.setAttribute("client-id", settings.clientId);
if (settings.endpoint) login.setAttribute("endpoint", settings.endpoint);
login.setAttribute("auth-flow", settings.authFlow);
login.setAttribute("methods", "password passkey email-code sms-code");
login.setAttribute("sign-up", "");
login.setAttribute("client-metadata", JSON.stringify(settings.clientMetadata));
login.setAttribute("storage", "sessionStorage");
document.getElementById("login-slot").append(login);
const target = document.getElementById("target");
target.textContent = (settings.endpoint || "AWS").replace(/^https?:\/\//, "").replace(/\/$/, "");
target.classList.toggle("local", /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(settings.endpoint));
// Passkeys need the page at http://localhost (the demo pool's relying party id).
if (location.hostname !== "localhost") {
  const here = new URL(location.href);
  here.hostname = "localhost";
  here.search = settings.endpoint ? `?endpoint=${encodeURIComponent(settings.endpoint)}` : "";
  const link = document.getElementById("localhost-link");
  link.href = link.textContent = here.href;
  document.getElementById("localhost-notice").hidden = false;
}

const events = document.getElementById("events");
for (const type of ["signed-in", "signed-out", "error"]) {
  login.addEventListener(type, (event) => {
    const item = document.createElement("li");
    const detail = type === "signed-in" ? ` · ${event.detail.username}` : type === "error" ? ` · ${event.detail.name}` : "";
    item.textContent = `${new Date().toLocaleTimeString([], { hour12: false })}  ${type}${detail}`;
    events.prepend(item);
    document.getElementById("events-empty").hidden = true;
  });
}

document.getElementById("themes").addEventListener("click", (event) => {
  const accent = event.target.dataset?.accent;
  if (accent) login.style.setProperty("--cognito-login-accent", accent);
});

// The snippet carries the sha384 of the file this page loaded, as `make pkg` prints it.
(async () => {
  const script = document.querySelector('script[src$="cognito-wasm.iife.js"]');
  const { version } = await (await fetch(new URL("package.json", script.src))).json();
  const body = await (await fetch(script.src)).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", body));
  const hash = btoa(String.fromCharCode(...digest));
  document.getElementById("snippet").textContent =
    `<script src="https://YOUR-CDN/cognito-wasm@${version}/cognito-wasm.iife.js"\n` +
    `        integrity="sha384-${hash}"\n        crossorigin="anonymous"></script>\n\n` +
    `<cognito-login user-pool-id="${settings.userPoolId}"\n               client-id="${settings.clientId}"\n` +
    `               methods="password passkey email-code sms-code" sign-up\n` +
    `               client-metadata='{"app":"playground"}'></cognito-login>`;
})();
