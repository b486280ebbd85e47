// The signed-in user's account against the emulator in headless Chromium: every call, with
// the refused ones (a wrong old password, a wrong verification code) and deleteUser.
import { test } from "node:test";
import assert from "node:assert/strict";

import { assertOk, engineSuite } from "./support.mjs";

const stack = engineSuite();
const run = stack.run;
const calls = async (operation) => (await stack.emulator.log()).filter((e) => e.operation === operation);

test("changePassword: a wrong old password is refused; the new one signs in", async () => {
  const result = await run(async (auth) => {
    await auth.signIn({ username: "alice", password: "Passw0rd!" });
    const wrong = await auth.changePassword({ oldPassword: "Wr0ng-Passw0rd!", newPassword: "N3w-Passw0rd!" }).catch((e) => e.name);
    const missing = await auth.changePassword({ oldPassword: "Passw0rd!" }).catch((e) => e.name);
    await auth.changePassword({ oldPassword: "Passw0rd!", newPassword: "N3w-Passw0rd!" });
    await auth.signOut();
    const again = await auth.signIn({ username: "alice", password: "N3w-Passw0rd!" });
    return { wrong, missing, again: again.username };
  });
  assert.deepEqual(assertOk(result), { wrong: "NotAuthorizedException", missing: "InvalidConfig", again: "alice" });
  assert.equal((await calls("ChangePassword")).length, 2, "the refused options sent nothing");
});

test("getUser, updateUserAttributes, sendAttributeCode and verifyAttribute (a wrong code first)", async () => {
  const result = await run(async (auth) => {
    await auth.signIn({ username: "alice", password: "Passw0rd!" });
    const before = await auth.getUser();
    const updated = await auth.updateUserAttributes({ name: "Alice B", email: "alice.b@example.com" }, { clientMetadata: { why: "profile" } });
    const resent = await auth.sendAttributeCode({ attribute: "email", clientMetadata: { why: "resend" } });
    const wrong = await auth.verifyAttribute({ attribute: "email", code: "000000" }).catch((e) => e.name);
    await auth.verifyAttribute({ attribute: "email", code: "123456" });
    const after = await auth.getUser();
    return { before, updated, resent, wrong, after };
  });
  const value = assertOk(result);
  assert.equal(value.before.username, "alice");
  assert.equal(value.before.attributes.email, "alice@example.com");
  assert.ok(Array.isArray(value.before.mfaSettings));
  assert.equal(value.updated.name.done, true);
  assert.equal(value.updated.email.done, false);
  assert.equal(value.updated.email.codeDelivery.deliveryMedium, "EMAIL");
  assert.equal(value.resent.attributeName, "email");
  assert.equal(value.wrong, "CodeMismatchException");
  assert.equal(value.after.attributes.name, "Alice B");
  assert.equal(value.after.attributes.email, "alice.b@example.com");
  assert.equal(value.after.attributes.email_verified, "true");
  const [update] = await calls("UpdateUserAttributes");
  assert.equal(update.clientMetadata?.why, "profile");
  const [code] = await calls("GetUserAttributeVerificationCode");
  assert.equal(code.clientMetadata?.why, "resend");
});

test("setUpTotp and setMfaPreference: TOTP becomes the preferred MFA and sign-in asks for it", async () => {
  const result = await run(async (auth) => {
    await auth.signIn({ username: "alice", password: "Passw0rd!" });
    const setup = await auth.setUpTotp();
    const wrong = await setup.verify("000000").catch((e) => e.name);
    await setup.verify(await window.totpNow(setup.secretCode), { deviceName: "phone" });
    await auth.setMfaPreference({ totp: "preferred", sms: "disabled" });
    const user = await auth.getUser();
    const bad = await auth.setMfaPreference({ totp: "always" }).catch((e) => e.name);
    await auth.signOut();
    let asked;
    await auth.signIn({
      username: "alice",
      password: "Passw0rd!",
      handlers: { softwareTokenMfa: (c) => ((asked = c.challengeName), window.totpNow(setup.secretCode)) },
    });
    return { uri: setup.otpauthUri, wrong, preferred: user.preferredMfa, bad, asked };
  });
  const value = assertOk(result);
  assert.match(value.uri, /^otpauth:\/\/totp\/DemoPool1:alice\?secret=/);
  assert.equal(value.wrong, "CodeMismatchException");
  assert.equal(value.preferred, "SOFTWARE_TOKEN_MFA");
  assert.equal(value.bad, "InvalidConfig");
  assert.equal(value.asked, "SOFTWARE_TOKEN_MFA");
});

test("listDevices, setDeviceRemembered and forgetDevice (this browser's, and its stored secret)", async () => {
  const result = await run(async (auth) => {
    const tokens = await auth.signIn({ username: "alice", password: "Passw0rd!" });
    const listed = await auth.listDevices();
    await auth.setDeviceRemembered(false);
    const notRemembered = (await auth.listDevices()).find((d) => d.deviceKey === tokens.deviceKey);
    await auth.forgetDevice();
    const after = await auth.listDevices();
    const stored = Object.keys(localStorage).filter((key) => key.includes(".device."));
    const snapshotDevice = auth.getSnapshot().tokens.deviceKey ?? null;
    const none = await auth.forgetDevice().catch((e) => e.name);
    localStorage.clear();
    return { deviceKey: tokens.deviceKey, listed, notRemembered, after, stored, snapshotDevice, none };
  }, {}, { rememberDevices: true, deviceName: "account test", storage: "localStorage" });
  const value = assertOk(result);
  assert.ok(value.deviceKey);
  const mine = value.listed.find((d) => d.deviceKey === value.deviceKey);
  assert.equal(mine.name, "account test");
  assert.equal(mine.remembered, true);
  assert.ok(mine.lastSeen > Date.now() - 3_600_000, String(mine.lastSeen));
  assert.equal(value.notRemembered.remembered, false);
  assert.ok(!value.after.some((d) => d.deviceKey === value.deviceKey));
  assert.deepEqual(value.stored, [], "the device secret is gone from storage");
  assert.equal(value.snapshotDevice, null);
  assert.equal(value.none, "InvalidConfig");
});

test("deleteUser signs out here and the user is gone", async () => {
  const result = await run(async (auth) => {
    const events = [];
    auth.on("signedOut", () => events.push("signedOut"));
    await auth.signIn({ username: "alice", password: "Passw0rd!" });
    await auth.deleteUser();
    const status = auth.getSnapshot().status;
    const stored = localStorage.length;
    const again = await auth.signIn({ username: "alice", password: "Passw0rd!" }).catch((e) => e.name);
    const after = await auth.getUser().catch((e) => e.name);
    return { events, status, stored, again, after };
  }, {}, { storage: "localStorage" });
  assert.deepEqual(assertOk(result), {
    events: ["signedOut"],
    status: "signedOut",
    stored: 0,
    again: "NotAuthorizedException",
    after: "InvalidState",
  });
});

test("account calls refresh expiring tokens first", async () => {
  const result = await run(async (auth) => {
    await auth.signIn({ username: "alice", password: "Passw0rd!" });
    const real = Date.now.bind(Date);
    Date.now = () => real() + 3_570_000;
    try {
      return (await auth.getUser()).username;
    } finally {
      Date.now = real;
    }
  });
  assert.equal(assertOk(result), "alice");
  const ops = (await stack.emulator.log()).map((e) => e.operation);
  assert.deepEqual(ops.slice(-2), ["GetTokensFromRefreshToken", "GetUser"]);
});
