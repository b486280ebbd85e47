// Amplify v6's SRP helper (@aws-amplify/auth internals, as its signIn runs them): A from a
// fixed a, the HKDF key, then the claim signature. Bundled by esbuild from the package files
// (these internals are not in the package's exports map).
import AuthenticationHelper from "../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/AuthenticationHelper/AuthenticationHelper.mjs";
import BigInteger from "../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/BigInteger/BigInteger.mjs";
import { calculateA } from "../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/calculate/calculateA.mjs";
import { INIT_N } from "../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/constants.mjs";
import { getSignatureString } from "../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/getSignatureString.mjs";

export function prepare() {
  return undefined;
}

export async function signIn(_, inputs, srpBHex) {
  const N = new BigInteger(INIT_N, 16);
  const g = new BigInteger("2", 16);
  const a = new BigInteger(inputs.aHex, 16);
  const A = await calculateA({ a, g, N });
  const helper = new AuthenticationHelper({ userPoolName: inputs.poolName, a, g, A, N });
  const hkdf = await helper.getPasswordAuthenticationKey({
    username: inputs.userId,
    password: inputs.password,
    serverBValue: new BigInteger(srpBHex, 16),
    salt: new BigInteger(inputs.saltHex, 16),
  });
  return getSignatureString({
    userPoolName: inputs.poolName,
    username: inputs.userId,
    challengeParameters: { SECRET_BLOCK: inputs.secretBlock },
    dateNow: inputs.timestamp,
    hkdf,
  });
}
