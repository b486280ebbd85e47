// Signs alice in through the ESM entry, after checking that importing it loaded nothing.
// The outcome goes to <body data-result> (or data-error) for the test to read.
import { CognitoAuth } from "/pkg/index.js";

const wasmRequests = () => performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).length;

try {
  if (wasmRequests() !== 0) throw new Error("importing the package fetched the wasm");
  const endpoint = new URLSearchParams(location.search).get("endpoint");
  const config = { userPoolId: "us-east-1_DemoPool1", clientId: "demo-client", endpoint };
  // Two concurrent creates share one load of the wasm.
  const [auth] = await Promise.all([CognitoAuth.create(config), CognitoAuth.create(config)]);
  const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
  document.body.dataset.wasmRequests = wasmRequests();
  document.body.dataset.result = tokens.username;
} catch (error) {
  document.body.dataset.error = `${error.name}: ${error.message}`;
}
