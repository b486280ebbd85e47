// Signs alice in through the ESM entry, after checking that importing it loaded nothing; reports
// the .wasm files it fetched.
// The outcome goes to <body data-result> (or data-error) for the test to read.
import { CognitoAuth, init } from "/pkg/index.js";

const wasmRequests = () => performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm"));

try {
  if (wasmRequests().length !== 0) throw new Error("importing the package fetched the wasm");
  const query = new URLSearchParams(location.search);
  const endpoint = query.get("endpoint");
  // ?wasm=URL: load that file through init() instead of the one the package picks.
  if (query.has("wasm")) init({ module_or_path: query.get("wasm") });
  const config = { userPoolId: "us-east-1_DemoPool1", clientId: "demo-client", endpoint };
  // Two concurrent creates share one load of the wasm.
  const [auth] = await Promise.all([CognitoAuth.create(config), CognitoAuth.create(config)]);
  const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
  document.body.dataset.wasmRequests = wasmRequests().map((e) => new URL(e.name).pathname).join(" ");
  document.body.dataset.result = tokens.username;
} catch (error) {
  document.body.dataset.error = `${error.name}: ${error.message}`;
}
