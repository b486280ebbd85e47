// amazon-cognito-identity-js 6.3.21 (nobody here wrote it) signs in against the emulator in
// Node: its SRP, device SRP, MFA, custom challenges, TOTP enrolment, refresh and sign-out.
// EMULATOR_URL names the running emulator.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { beforeEach, describe, test } from "node:test";

const require = createRequire(new URL("../js/package.json", import.meta.url));
const {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} = require("amazon-cognito-identity-js");

const URL_ = process.env.EMULATOR_URL;
const POOL = JSON.parse(readFileSync(new URL("../../emulator/demo-pool.json", import.meta.url), "utf8"));
const PASSWORD = "Passw0rd!";
const STEP_TIMEOUT_MS = 30_000;

/** A fresh in-memory storage per sign-in keeps device keys from leaking between tests. */
class MemoryStorage {
  constructor() { this.items = new Map(); }
  setItem(k, v) { this.items.set(k, String(v)); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  removeItem(k) { this.items.delete(k); }
  clear() { this.items.clear(); }
}

function user(username, storage = new MemoryStorage()) {
  const pool = new CognitoUserPool({ UserPoolId: POOL.userPoolId, ClientId: "demo-client", endpoint: URL_, Storage: storage });
  return new CognitoUser({ Username: username, Pool: pool, Storage: storage });
}

/** Runs one ACIJ call and resolves with whichever callback it ends in. */
function step(start) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no callback within 30 s")), STEP_TIMEOUT_MS);
    const done = (kind) => (...args) => { clearTimeout(timer); resolve({ kind, args }); };
    start({
      onSuccess: done("success"),
      onFailure: done("failure"),
      mfaRequired: done("mfa"),
      totpRequired: done("totp"),
      customChallenge: done("custom"),
      newPasswordRequired: done("newPassword"),
      selectMFAType: done("select"),
      mfaSetup: done("mfaSetup"),
      associateSecretCode: done("secret"),
      inputVerificationCode: done("code"),
    });
  });
}

function details(username, password = PASSWORD, clientMetadata) {
  return new AuthenticationDetails({ Username: username, Password: password, ClientMetadata: clientMetadata });
}

async function hook(method, path, body) {
  const response = await fetch(URL_ + path, { method, body: body && JSON.stringify(body) });
  assert.equal(response.status, 200, path);
  return response.json();
}

const log = async () => (await hook("GET", "/__log")).entries;
const lastDelivery = async () => (await hook("GET", "/__deliveries")).deliveries.at(-1);
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url"));
const triggers = (entry) => Object.fromEntries(entry.triggers.map((t) => [t.name, [t.clientMetadata, t.validationData]]));

/** RFC 6238 (SHA-1, 30 s, 6 digits) from a base32 secret. */
function totp(secret) {
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    bits += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[19] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const secretOf = (name) => POOL.users.find((u) => u.username === name).totpSecret;

async function callApi(operation, body) {
  const response = await fetch(URL_, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("amazon-cognito-identity-js against the emulator", () => {
  beforeEach(() => hook("POST", "/__reset", {}));

  test("SRP sign-in with the right password (and the device is confirmed)", async () => {
    const alice = user("alice");
    const result = await step((cb) => alice.authenticateUser(details("alice"), cb));
    assert.equal(result.kind, "success", String(result.args[0]));
    const [session, confirmationNecessary] = result.args;
    assert.equal(claims(session.getAccessToken().getJwtToken()).username, "alice");
    assert.equal(session.getIdToken().payload.email, "alice@example.com");
    assert.notEqual(confirmationNecessary, true, "tracking \"always\" remembers at once");
    assert.deepEqual((await log()).map((e) => e.operation), ["InitiateAuth", "RespondToAuthChallenge", "ConfirmDevice"]);
  });

  test("SRP sign-in with a wrong password fails", async () => {
    const result = await step((cb) => user("alice").authenticateUser(details("alice", "Wr0ng-Passw0rd!"), cb));
    assert.equal(result.kind, "failure");
    assert.equal(result.args[0].code, "NotAuthorizedException");
    assert.equal(result.args[0].message, "Incorrect username or password.");
  });

  test("SMS MFA: a wrong code, then the right one in the same flow; metadata per step", async () => {
    const bob = user("bob");
    const mfa = await step((cb) => bob.authenticateUser(details("bob", PASSWORD, { via: "initiate" }), cb));
    assert.equal(mfa.kind, "mfa");
    assert.equal(mfa.args[1].CODE_DELIVERY_DESTINATION, "+*******1234");
    const wrong = await step((cb) => bob.sendMFACode("000000", cb, "SMS_MFA", { via: "mfa" }));
    assert.equal(wrong.kind, "failure");
    assert.equal(wrong.args[0].code, "CodeMismatchException");
    const { code } = await lastDelivery();
    const ok = await step((cb) => bob.sendMFACode(code, cb, "SMS_MFA", { via: "mfa" }));
    assert.equal(ok.kind, "success", String(ok.args[0]));
    const entries = await log();
    assert.deepEqual(triggers(entries[0]), { PreAuthentication: [null, { via: "initiate" }] });
    const tokens = entries.find((e) => e.outcome === "tokens");
    assert.deepEqual(triggers(tokens), { PreTokenGeneration: [{ via: "mfa" }, null], PostAuthentication: [{ via: "mfa" }, null] });
  });

  test("a remembered device skips SMS MFA through DEVICE_SRP_AUTH", async () => {
    const storage = new MemoryStorage();
    const first = user("bob", storage);
    await step((cb) => first.authenticateUser(details("bob"), cb));
    const signedIn = await step((cb) => first.sendMFACode((POOL.testCode), cb, "SMS_MFA"));
    assert.equal(signedIn.kind, "success", String(signedIn.args[0]));
    const again = await step((cb) => user("bob", storage).authenticateUser(details("bob"), cb));
    assert.equal(again.kind, "success", `expected no MFA, got ${again.kind}`);
    const challenges = (await log()).map((e) => e.challengeName).filter(Boolean);
    assert.deepEqual(challenges.slice(-3), ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]);
  });

  test("TOTP MFA", async () => {
    const carol = user("carol");
    const challenge = await step((cb) => carol.authenticateUser(details("carol"), cb));
    assert.equal(challenge.kind, "totp");
    const ok = await step((cb) => carol.sendMFACode(totp(secretOf("carol")), cb, "SOFTWARE_TOKEN_MFA"));
    assert.equal(ok.kind, "success", String(ok.args[0]));
  });

  test("SELECT_MFA_TYPE then SMS", async () => {
    const grace = user("grace");
    const select = await step((cb) => grace.authenticateUser(details("grace"), cb));
    assert.equal(select.kind, "select");
    assert.deepEqual(JSON.parse(select.args[1].MFAS_CAN_CHOOSE), ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    const mfa = await step((cb) => grace.sendMFASelectionAnswer("SMS_MFA", cb));
    assert.equal(mfa.kind, "mfa");
    const ok = await step((cb) => grace.sendMFACode(POOL.testCode, cb, "SMS_MFA"));
    assert.equal(ok.kind, "success", String(ok.args[0]));
  });

  test("MFA_SETUP enrols a software token", async () => {
    const henry = user("henry");
    const setup = await step((cb) => henry.authenticateUser(details("henry"), cb));
    assert.equal(setup.kind, "mfaSetup");
    const secret = await step((cb) => henry.associateSoftwareToken(cb));
    assert.equal(secret.kind, "secret", String(secret.args[0]));
    const ok = await step((cb) => henry.verifySoftwareToken(totp(secret.args[0]), "test device", cb));
    assert.equal(ok.kind, "success", String(ok.args[0]));
  });

  test("NEW_PASSWORD_REQUIRED", async () => {
    const dave = user("dave");
    const challenge = await step((cb) => dave.authenticateUser(details("dave", "TempPassw0rd!"), cb));
    assert.equal(challenge.kind, "newPassword");
    assert.equal(challenge.args[0].email, "dave@example.com");
    const ok = await step((cb) => dave.completeNewPasswordChallenge("N3w-Passw0rd!", {}, cb, { via: "new-password" }));
    assert.equal(ok.kind, "success", String(ok.args[0]));
    const tokens = (await log()).find((e) => e.outcome === "tokens");
    assert.equal(tokens.triggers[0].triggerSource, "TokenGeneration_NewPasswordChallenge");
    assert.deepEqual(tokens.triggers[0].clientMetadata, { via: "new-password" });
    const again = await step((cb) => user("dave").authenticateUser(details("dave", "N3w-Passw0rd!"), cb));
    assert.equal(again.kind, "success");
  });

  test("custom challenge after the password, with metadata on each step", async () => {
    const erin = user("erin");
    erin.setAuthenticationFlowType("CUSTOM_AUTH");
    const question = await step((cb) => erin.authenticateUser(details("erin"), cb));
    assert.equal(question.kind, "custom", String(question.args[0]));
    assert.equal(question.args[0].question, "What is 6 x 7?");
    const retry = await step((cb) => erin.sendCustomChallengeAnswer("41", cb, { round: "1" }));
    assert.equal(retry.kind, "custom");
    const ok = await step((cb) => erin.sendCustomChallengeAnswer("42", cb, { round: "2" }));
    assert.equal(ok.kind, "success", String(ok.args[0]));
    const last = (await log()).at(-1);
    assert.deepEqual(triggers(last).VerifyAuthChallengeResponse, [{ round: "2" }, null]);
    assert.deepEqual(triggers(last).DefineAuthChallenge, [{ round: "2" }, null]);
  });

  test("custom challenge without SRP asks the question directly", async () => {
    const erin = user("erin");
    erin.setAuthenticationFlowType("CUSTOM_AUTH");
    const question = await step((cb) => erin.initiateAuth(details("erin", undefined), cb));
    assert.equal(question.kind, "custom", String(question.args[0]));
    const ok = await step((cb) => erin.sendCustomChallengeAnswer("42", cb));
    assert.equal(ok.kind, "success", String(ok.args[0]));
  });

  test("refresh keeps the token family; global sign-out revokes it", async () => {
    const alice = user("alice");
    const signedIn = await step((cb) => alice.authenticateUser(details("alice"), cb));
    const session = signedIn.args[0];
    const refreshed = await new Promise((resolve) => alice.refreshSession(session.getRefreshToken(), (err, s) => resolve({ err, s })));
    assert.equal(refreshed.err, null);
    const before = claims(session.getAccessToken().getJwtToken());
    const after = claims(refreshed.s.getAccessToken().getJwtToken());
    assert.equal(after.origin_jti, before.origin_jti);
    assert.notEqual(after.jti, before.jti);
    const out = await step((cb) => alice.globalSignOut(cb));
    assert.equal(out.kind, "success");
    const rejected = await callApi("GetUser", { AccessToken: refreshed.s.getAccessToken().getJwtToken() });
    assert.equal(rejected.status, 400);
    assert.equal(rejected.body.__type, "NotAuthorizedException");
  });

  test("forgot password, then confirm with the delivered code", async () => {
    const alice = user("alice");
    const sent = await step((cb) => alice.forgotPassword(cb));
    assert.equal(sent.kind, "code");
    assert.equal(sent.args[0].CodeDeliveryDetails.DeliveryMedium, "EMAIL");
    const { code, purpose } = await lastDelivery();
    assert.equal(purpose, "FORGOT_PASSWORD");
    const confirmed = await step((cb) => alice.confirmPassword(code, "Fr3sh-Passw0rd!", cb));
    assert.equal(confirmed.kind, "success", String(confirmed.args[0]));
    const signedIn = await step((cb) => user("alice").authenticateUser(details("alice", "Fr3sh-Passw0rd!"), cb));
    assert.equal(signedIn.kind, "success");
  });
});
