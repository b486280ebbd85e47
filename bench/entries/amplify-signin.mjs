// The smallest real sign-in with Amplify v6 (core + auth), for the bundle-size comparison.
import { Amplify } from "@aws-amplify/core";
import { signIn as amplifySignIn } from "@aws-amplify/auth";

export function signIn(userPoolId, userPoolClientId, username, password) {
  Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId } } });
  return amplifySignIn({ username, password });
}
