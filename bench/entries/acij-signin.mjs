// The smallest real sign-in with amazon-cognito-identity-js, for the bundle-size comparison.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";

export function signIn(UserPoolId, ClientId, Username, Password) {
  const user = new CognitoUser({ Username, Pool: new CognitoUserPool({ UserPoolId, ClientId }) });
  return new Promise((onSuccess, onFailure) =>
    user.authenticateUser(new AuthenticationDetails({ Username, Password }), { onSuccess, onFailure }),
  );
}
