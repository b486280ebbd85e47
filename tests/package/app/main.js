// Signs alice in against ?endpoint=; the outcome goes to <body data-result> (or data-error).
import { CognitoAuth } from "cognito-wasm";

try {
  const auth = await CognitoAuth.create({
    userPoolId: "us-east-1_DemoPool1",
    clientId: "demo-client",
    endpoint: new URLSearchParams(location.search).get("endpoint"),
  });
  const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
  document.body.dataset.result = tokens.username;
} catch (error) {
  document.body.dataset.error = `${error.name}: ${error.message}`;
}
