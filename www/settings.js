// The demo's connection settings, shared by the playground (index.html) and the element page
// (login.html): the defaults, then what the playground saved, then `?endpoint=` (the emulator
// that `make demo` and the tests started).
export const SETTINGS_KEY = "cognito-wasm-demo.settings";

const DEFAULTS = {
  userPoolId: "us-east-1_DemoPool1",
  clientId: "demo-client",
  endpoint: "http://127.0.0.1:9229/",
  authFlow: "USER_SRP_AUTH",
  preferredChallenge: "", // USER_AUTH's first factor; empty: the person chooses (SELECT_CHALLENGE)
  clientMetadata: { app: "playground", campaign: "spring-launch" },
};

export function loadSettings() {
  const settings = { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "{}") };
  const endpoint = new URLSearchParams(location.search).get("endpoint");
  if (endpoint) settings.endpoint = endpoint;
  return settings;
}
