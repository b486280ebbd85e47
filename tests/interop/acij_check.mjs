// Checks what examples/interop.rs computed against amazon-cognito-identity-js 6.3.21 in Node.
//
// The library runs its own sign-in code on each case, against a scripted transport standing in
// for Cognito: `CognitoUser.authenticateUser` for user cases; for device cases, the ConfirmDevice
// step that ends a sign-in whose result carries NewDeviceMetadata (`authenticateUserInternal`,
// which calls `generateHashDevice`), then the remembered-device sign-in (`getDeviceResponse`).
// Only its randomness (`crypto.getRandomValues`, fed the case's bytes) and its clock (`Date`, set
// to the case's time) are replaced; u and the key are observed by wrapping the method that
// derives them.
//
//   node acij_check.mjs CASES OURS     (both JSON lines, one per case, in the same order)
//
// Prints each failing case and field (never a value), then
// `amazon-cognito-identity-js: N passed, M failed`.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const NAME = 'amazon-cognito-identity-js';
const USER_FIELDS = ['srp_a', 'u', 'key', 'timestamp', 'signature'];
const DEVICE_FIELDS = [...USER_FIELDS, 'device_password', 'device_salt', 'device_verifier'];
const CLIENT_ID = 'interopclientid';
/** A JWT with an empty header and payload: enough for the library's session bookkeeping. */
const EMPTY_JWT = 'e30.e30.';
/** The transport's answer that ends a sign-in once the claim has been captured. */
const END = { code: 'InteropEnd', name: 'InteropEnd', message: 'end of the scripted exchange' };

/**
 * Stands in for WebCrypto: `getRandomValues` hands out the queued bytes in order, as the
 * big-endian 32-bit words the library's WordArray turns back into bytes.
 */
function scriptedRandom() {
  let queue = Buffer.alloc(0);
  return {
    push(...hexChunks) {
      queue = Buffer.concat([queue, ...hexChunks.map((hex) => Buffer.from(hex, 'hex'))]);
    },
    /** How many queued bytes were left unused; empties the queue. */
    drain() {
      const unused = queue.length;
      queue = Buffer.alloc(0);
      return unused;
    },
    getRandomValues(array) {
      if (!(array instanceof Uint32Array) || queue.length < 4 * array.length) {
        throw new Error('random bytes asked for beyond what the case scripted');
      }
      for (let i = 0; i < array.length; i++) {
        array[i] = queue.readUInt32BE(4 * i);
      }
      queue = queue.subarray(4 * array.length);
      return array;
    },
  };
}

/** Replaces `Date` so that `new Date()`, which the library's DateHelper reads, is `set` time. */
function frozenClock() {
  let nowMs = 0;
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length > 0 ? args : [nowMs]));
    }

    static now() {
      return nowMs;
    }
  };
  return { set: (unixSeconds) => (nowMs = unixSeconds * 1000) };
}

// The library takes `crypto` when it loads, so the stand-ins go in first.
const random = scriptedRandom();
Object.defineProperty(globalThis, 'crypto', { value: random, configurable: true });
const clock = frozenClock();
const require = createRequire(new URL('../js/package.json', import.meta.url));
const { AuthenticationDetails, AuthenticationHelper, CognitoUser, CognitoUserPool } =
  require('amazon-cognito-identity-js');

let derived = null;
const deriveKey = AuthenticationHelper.prototype.getPasswordAuthenticationKey;
AuthenticationHelper.prototype.getPasswordAuthenticationKey = function (...args) {
  const callback = args.pop();
  return deriveKey.call(this, ...args, (error, hkdf) => {
    derived = {
      u: this.UValue.toString(16).padStart(64, '0'),
      key: Buffer.from(hkdf).toString('hex'),
    };
    callback(error, hkdf);
  });
};

/** Stands in for the library's Client: answers the n-th request with `replies[n]`, keeps them. */
function scriptedTransport(replies) {
  const requests = [];
  return {
    requests,
    request(operation, params, callback) {
      requests.push({ operation, params });
      const reply = replies[requests.length - 1] ?? [new Error(`unscripted ${operation}`), null];
      callback(...reply);
    },
  };
}

function memoryStorage() {
  const items = new Map();
  return {
    setItem: (key, value) => items.set(key, String(value)),
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => items.delete(key),
    clear: () => items.clear(),
  };
}

/** Runs one library flow that reports through a callback map; settles on its first report. */
function settle(start) {
  return new Promise((resolve) => {
    const report = (...outcome) => resolve(outcome);
    start({ onSuccess: report, onFailure: report, mfaRequired: report, customChallenge: report });
  });
}

function newUser(poolName, username) {
  const pool = new CognitoUserPool({ UserPoolId: `us-east-1_${poolName}`, ClientId: CLIENT_ID });
  return new CognitoUser({ Username: username, Pool: pool, Storage: memoryStorage() });
}

/** Our simulated server's challenge `name`, with its SALT and SRP_B, as a transport reply. */
function challengeReply(name, c, ours, username) {
  const parameters = {
    SALT: ours.salt,
    SRP_B: ours.srp_b,
    SECRET_BLOCK: c.secret_block,
    USER_ID_FOR_SRP: username,
    USERNAME: username,
  };
  return [null, { ChallengeName: name, ChallengeParameters: parameters }];
}

async function userCase(c, ours) {
  random.push(c.a);
  const user = newUser(c.realm, c.user_id);
  user.client = scriptedTransport([
    challengeReply('PASSWORD_VERIFIER', c, ours, c.user_id),
    [END, null],
  ]);
  const details = new AuthenticationDetails({ Username: c.user_id, Password: c.password });
  await settle((callbacks) => user.authenticateUser(details, callbacks));
  const [initiate, respond] = user.client.requests;
  return {
    srp_a: initiate.params.AuthParameters.SRP_A,
    ...derived,
    timestamp: respond.params.ChallengeResponses.TIMESTAMP,
    signature: respond.params.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE,
  };
}

async function deviceCase(c, ours) {
  const user = newUser('interop', 'device-owner');
  // ConfirmDevice. The helper's constructor draws an `a` this step does not use: zero is cheapest.
  random.push('00'.repeat(128), c.password_random, c.salt_random);
  user.client = scriptedTransport([[null, { UserConfirmationNecessary: false }]]);
  const signedIn = {
    AuthenticationResult: {
      AccessToken: EMPTY_JWT,
      IdToken: EMPTY_JWT,
      RefreshToken: 'refresh',
      NewDeviceMetadata: { DeviceKey: c.device_key, DeviceGroupKey: c.device_group_key },
    },
  };
  const helper = new AuthenticationHelper('interop');
  await settle((callbacks) => user.authenticateUserInternal(signedIn, helper, callbacks));
  const [confirm] = user.client.requests;
  const config = confirm.params.DeviceSecretVerifierConfig;

  // DEVICE_SRP_AUTH with a fresh a, answered by our server's DEVICE_PASSWORD_VERIFIER challenge.
  random.push(c.a);
  user.client = scriptedTransport([
    challengeReply('DEVICE_PASSWORD_VERIFIER', c, ours, 'device-owner'),
    [END, null],
  ]);
  await settle((callbacks) => user.getDeviceResponse(callbacks));
  const [srpAuth, verify] = user.client.requests;
  return {
    device_password: user.randomPassword,
    device_salt: config.Salt,
    device_verifier: config.PasswordVerifier,
    srp_a: srpAuth.params.ChallengeResponses.SRP_A,
    ...derived,
    timestamp: verify.params.ChallengeResponses.TIMESTAMP,
    signature: verify.params.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE,
  };
}

/** What differs between the library and us for one case (empty when it passes). */
async function problems(c, ours) {
  if (ours === undefined) return ['no output of ours'];
  if (ours.id !== c.id) return [`our output is for case ${ours.id}`];
  clock.set(c.unix);
  derived = null;
  let theirs;
  try {
    theirs = c.kind === 'user' ? await userCase(c, ours) : await deviceCase(c, ours);
  } catch (error) {
    random.drain();
    return [`${NAME} failed: ${error?.name}: ${error?.message}`];
  }
  const fields = c.kind === 'user' ? USER_FIELDS : DEVICE_FIELDS;
  const found = fields
    .filter((field) => theirs[field] === undefined || theirs[field] !== ours[field])
    .map((field) => `${field} differs`);
  if (random.drain() !== 0) found.push(`${NAME} did not use the case's random bytes`);
  if (ours.server_accepts !== true) found.push('our simulated server rejects the claim');
  return found;
}

const readLines = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
const [cases, ours] = process.argv.slice(2, 4).map(readLines);
if (ours.length !== cases.length) {
  console.log(`${NAME}: ${cases.length} cases but ${ours.length} outputs of ours`);
}
let passed = 0;
let failed = 0;
for (const [index, c] of cases.entries()) {
  const found = await problems(c, ours[index]);
  for (const problem of found) console.log(`${NAME}: case ${c.id} (${c.kind}): ${problem}`);
  if (found.length === 0) passed += 1;
  else failed += 1;
}
console.log(`${NAME}: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
