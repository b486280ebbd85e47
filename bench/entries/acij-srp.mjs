// amazon-cognito-identity-js's own SRP code for one sign-in (as CognitoUser.authenticateUser
// runs it): A from a fixed a, the HKDF key, then the claim signature. Bundled by esbuild.
import { AuthenticationHelper } from "amazon-cognito-identity-js";
import BigInteger from "amazon-cognito-identity-js/es/BigInteger";
import { Sha256 } from "@aws-crypto/sha256-js";
import { Buffer } from "buffer";

const call = (fn) => new Promise((ok, fail) => fn((error, value) => (error ? fail(error) : ok(value))));

/** Built outside the timed part: the constructor draws a random a and computes its A. */
export function prepare(inputs) {
  return new AuthenticationHelper(inputs.poolName);
}

export async function signIn(helper, inputs, srpBHex) {
  helper.smallAValue = new BigInteger(inputs.aHex, 16);
  helper.largeAValue = undefined;
  await call((cb) => helper.getLargeAValue(cb));
  const hkdf = await call((cb) =>
    helper.getPasswordAuthenticationKey(
      inputs.userId,
      inputs.password,
      new BigInteger(srpBHex, 16),
      new BigInteger(inputs.saltHex, 16),
      cb,
    ),
  );
  const message = Buffer.concat([
    Buffer.from(inputs.poolName, "utf8"),
    Buffer.from(inputs.userId, "utf8"),
    Buffer.from(inputs.secretBlock, "base64"),
    Buffer.from(inputs.timestamp, "utf8"),
  ]);
  const hash = new Sha256(hkdf);
  hash.update(message);
  return Buffer.from(hash.digestSync()).toString("base64");
}
