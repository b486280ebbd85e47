// The smallest real sign-in with cognito-wasm, for the bundle-size comparison: the bundle plus
// the SIMD .wasm it loads.
import { CognitoAuth } from "cognito-wasm";

export async function signIn(userPoolId, clientId, username, password) {
  const auth = await CognitoAuth.create({ userPoolId, clientId });
  return auth.signIn({ username, password });
}
