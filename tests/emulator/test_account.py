"""The account API by AccessToken on the wire: ChangePassword, GetUser, UpdateUserAttributes,
GetUserAttributeVerificationCode, VerifyUserAttribute, SetUserMFAPreference (and sign-in
following it), GetUserAuthFactors, ListDevices / GetDevice and DeleteUser."""

import unittest

from helpers import (
    CLIENT,
    EMULATOR,
    PASSWORD,
    TEST_CODE,
    SpawnedEmulator,
    advance_clock,
    confirmed_device,
    password_tokens,
    pool_with,
    respond,
    start_srp,
    totp,
    user_auth,
    user_config,
)

NEW_PASSWORD = "N3w-Passw0rd!"


def attributes(user):
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def after_password(emulator, username):
    """The challenge (or result) after a correct PASSWORD_VERIFIER."""
    challenge, responses = start_srp(emulator, username)
    return respond(emulator, challenge, "PASSWORD_VERIFIER", responses)[2]


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()

    def access(self, username="alice"):
        """An access token of `username`, through SMS_MFA for bob."""
        if username != "bob":
            return password_tokens(EMULATOR, username)["AccessToken"]
        mfa = after_password(EMULATOR, "bob")
        return respond(EMULATOR, mfa, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE})[2]["AuthenticationResult"]["AccessToken"]


class ChangePassword(Base):
    def test_change_then_sign_in_with_the_new_password(self):
        access = self.access()
        body = {"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD}
        self.assertEqual(EMULATOR.ok("ChangePassword", body), {})
        password_tokens(EMULATOR, "alice", NEW_PASSWORD)
        status, _, data = EMULATOR.call("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}})
        self.assertEqual(data["__type"], "NotAuthorizedException")
        self.assertEqual(EMULATOR.log()[-3]["username"], "alice")

    def test_wrong_previous_password_and_policy(self):
        access = self.access()
        status, _, data = EMULATOR.call("ChangePassword", {"AccessToken": access, "PreviousPassword": "Wr0ng-Passw0rd!", "ProposedPassword": NEW_PASSWORD})
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Incorrect username or password."))
        self.assertEqual(EMULATOR.error("ChangePassword", {"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "short"}), "InvalidPasswordException")
        self.assertEqual(EMULATOR.error("ChangePassword", {"AccessToken": access, "ProposedPassword": NEW_PASSWORD}), "InvalidParameterException")
        password_tokens(EMULATOR, "alice")

    def test_a_passwordless_user_sets_a_first_password(self):
        otp = EMULATOR.ok("InitiateAuth", user_auth("ivy", PREFERRED_CHALLENGE="EMAIL_OTP"))
        access = respond(EMULATOR, otp, "EMAIL_OTP", {"USERNAME": "ivy", "EMAIL_OTP_CODE": TEST_CODE})[2]["AuthenticationResult"]["AccessToken"]
        EMULATOR.ok("ChangePassword", {"AccessToken": access, "ProposedPassword": NEW_PASSWORD})
        password_tokens(EMULATOR, "ivy", NEW_PASSWORD)
        self.assertEqual(EMULATOR.ok("InitiateAuth", user_auth("ivy"))["AvailableChallenges"], ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])

    def test_revoked_and_bad_tokens(self):
        access = self.access()
        EMULATOR.ok("GlobalSignOut", {"AccessToken": access})
        for operation, body in [
            ("ChangePassword", {"PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD}),
            ("UpdateUserAttributes", {"UserAttributes": [{"Name": "name", "Value": "A"}]}),
            ("SetUserMFAPreference", {}),
            ("ListDevices", {}),
            ("DeleteUser", {}),
            ("GetUserAuthFactors", {}),
        ]:
            self.assertEqual(EMULATOR.error(operation, dict(body, AccessToken=access)), "NotAuthorizedException", operation)
            self.assertEqual(EMULATOR.error(operation, dict(body, AccessToken="x.y.z")), "NotAuthorizedException", operation)
            self.assertEqual(EMULATOR.error(operation, body), "InvalidParameterException", operation)


class Attributes(Base):
    def test_get_user_shape(self):
        user = EMULATOR.ok("GetUser", {"AccessToken": self.access("bob")})
        self.assertEqual(user["Username"], "bob")
        self.assertEqual(user["UserMFASettingList"], ["SMS_MFA"])
        self.assertEqual(user["MFAOptions"], [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
        self.assertNotIn("PreferredMfaSetting", user)
        self.assertEqual(attributes(user)["phone_number"], "+15555551234")

    def test_changing_the_email_sends_a_code_and_unverifies_it(self):
        access = self.access()
        body = {"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "alice@new.example"}, {"Name": "name", "Value": "Alicia"}], "ClientMetadata": {"call": "update"}}
        result = EMULATOR.ok("UpdateUserAttributes", body)
        self.assertEqual(result["CodeDeliveryDetailsList"], [{"Destination": "a***@n***.example", "DeliveryMedium": "EMAIL", "AttributeName": "email"}])
        self.assertEqual(EMULATOR.log()[-1]["clientMetadata"], {"call": "update"})
        delivery = EMULATOR.deliveries()[-1]
        self.assertEqual((delivery["username"], delivery["purpose"]), ("alice", "VERIFY_ATTRIBUTE"))
        user = attributes(EMULATOR.ok("GetUser", {"AccessToken": access}))
        self.assertEqual((user["email"], user["email_verified"], user["name"]), ("alice@new.example", "false", "Alicia"))
        self.assertEqual(EMULATOR.error("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "email", "Code": "000000"}), "CodeMismatchException")
        EMULATOR.ok("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "email", "Code": TEST_CODE})
        self.assertEqual(attributes(EMULATOR.ok("GetUser", {"AccessToken": access}))["email_verified"], "true")
        self.assertEqual(EMULATOR.error("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "email", "Code": TEST_CODE}), "CodeMismatchException", "codes are single-use")

    def test_an_unverified_email_does_not_sign_in_as_an_alias(self):
        access = self.access()
        EMULATOR.ok("UpdateUserAttributes", {"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "alice@new.example"}]})
        self.assertEqual(EMULATOR.error("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice@new.example", "PASSWORD": PASSWORD}}), "NotAuthorizedException")
        EMULATOR.ok("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "email", "Code": TEST_CODE})
        password_tokens(EMULATOR, "alice@new.example")

    def test_unchanged_values_send_nothing_and_blank_values_delete(self):
        access = self.access()
        self.assertEqual(EMULATOR.ok("UpdateUserAttributes", {"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}), {})
        EMULATOR.ok("UpdateUserAttributes", {"AccessToken": access, "UserAttributes": [{"Name": "name", "Value": ""}]})
        self.assertNotIn("name", attributes(EMULATOR.ok("GetUser", {"AccessToken": access})))
        self.assertEqual(EMULATOR.deliveries(), [])

    def test_refused_updates(self):
        access = self.access()
        for name, value in [("sub", "x"), ("email_verified", "true"), ("email", "")]:
            body = {"AccessToken": access, "UserAttributes": [{"Name": name, "Value": value}]}
            self.assertEqual(EMULATOR.error("UpdateUserAttributes", body), "InvalidParameterException", name)

    def test_get_user_attribute_verification_code(self):
        access = self.access("bob")
        result = EMULATOR.ok("GetUserAttributeVerificationCode", {"AccessToken": access, "AttributeName": "phone_number", "ClientMetadata": {"call": "verify"}})
        self.assertEqual(result["CodeDeliveryDetails"], {"Destination": "+*******1234", "DeliveryMedium": "SMS", "AttributeName": "phone_number"})
        EMULATOR.ok("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "phone_number", "Code": TEST_CODE})
        self.assertEqual(EMULATOR.error("GetUserAttributeVerificationCode", {"AccessToken": self.access(), "AttributeName": "phone_number"}), "InvalidParameterException")
        self.assertEqual(EMULATOR.error("GetUserAttributeVerificationCode", {"AccessToken": access, "AttributeName": "name"}), "InvalidParameterException")

    def test_expired_codes(self):
        pool = pool_with()
        pool["clients"][0]["accessTokenValiditySeconds"] = 3 * 86400
        with SpawnedEmulator(pool) as emulator:
            access = password_tokens(emulator, "alice")["AccessToken"]
            emulator.ok("GetUserAttributeVerificationCode", {"AccessToken": access, "AttributeName": "email"})
            advance_clock(emulator, 86400 + 1)
            self.assertEqual(emulator.error("VerifyUserAttribute", {"AccessToken": access, "AttributeName": "email", "Code": TEST_CODE}), "ExpiredCodeException")

    def test_custom_message_gets_the_metadata(self):
        pool = pool_with()
        pool["triggers"]["CustomMessage"] = "builtin"
        with SpawnedEmulator(pool) as emulator:
            access = password_tokens(emulator, "alice")["AccessToken"]
            emulator.ok("UpdateUserAttributes", {"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "a@new.example"}], "ClientMetadata": {"call": "update"}})
            emulator.ok("GetUserAttributeVerificationCode", {"AccessToken": access, "AttributeName": "email", "ClientMetadata": {"call": "resend"}})
            update, resend = emulator.log()[-2:]
            self.assertEqual([(t["triggerSource"], t["clientMetadata"]) for t in update["triggers"]], [("CustomMessage_UpdateUserAttribute", {"call": "update"})])
            self.assertEqual([(t["triggerSource"], t["clientMetadata"]) for t in resend["triggers"]], [("CustomMessage_VerifyUserAttribute", {"call": "resend"})])
            self.assertEqual(update["clientId"], CLIENT)


class MfaPreference(Base):
    def test_preferring_totp_skips_select_mfa_type(self):
        access = self.access_after_select("grace")
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}})
        user = EMULATOR.ok("GetUser", {"AccessToken": access})
        self.assertEqual((user["PreferredMfaSetting"], user["UserMFASettingList"]), ("SOFTWARE_TOKEN_MFA", ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]))
        self.assertEqual(after_password(EMULATOR, "grace")["ChallengeName"], "SOFTWARE_TOKEN_MFA")
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "SMSMfaSettings": {"Enabled": True, "PreferredMfa": True}})
        self.assertEqual(after_password(EMULATOR, "grace")["ChallengeName"], "SMS_MFA")

    def access_after_select(self, username):
        select = after_password(EMULATOR, username)
        step = respond(EMULATOR, select, "SELECT_MFA_TYPE", {"USERNAME": username, "ANSWER": "SOFTWARE_TOKEN_MFA"})[2]
        result = respond(EMULATOR, step, "SOFTWARE_TOKEN_MFA", {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": totp(user_config(username)["totpSecret"])})[2]
        return result["AuthenticationResult"]["AccessToken"]

    def test_turning_sms_off_ends_bobs_mfa(self):
        mfa = after_password(EMULATOR, "bob")
        access = respond(EMULATOR, mfa, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE})[2]["AuthenticationResult"]["AccessToken"]
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "SMSMfaSettings": {"Enabled": False}})
        self.assertEqual(EMULATOR.ok("GetUser", {"AccessToken": access})["UserMFASettingList"], [])
        self.assertIn("AuthenticationResult", after_password(EMULATOR, "bob"))
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "EmailMfaSettings": {"Enabled": True}})
        self.assertEqual(after_password(EMULATOR, "bob")["ChallengeName"], "EMAIL_OTP")

    def test_refusals(self):
        access = self.access()
        for settings in [
            {"SoftwareTokenMfaSettings": {"Enabled": True}},
            {"SMSMfaSettings": {"Enabled": True}},
            {"SMSMfaSettings": {"PreferredMfa": True}},
            {"EmailMfaSettings": {"Enabled": False, "PreferredMfa": True}},
            {"EmailMfaSettings": {"Enabled": True, "PreferredMfa": True}, "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}},
            {"WebAuthnMfaSettings": {"Enabled": True}},
        ]:
            self.assertEqual(EMULATOR.error("SetUserMFAPreference", dict(settings, AccessToken=access)), "InvalidParameterException", settings)
        self.assertIn("AuthenticationResult", after_password(EMULATOR, "alice"), "nothing changed")

    def test_totp_after_association(self):
        access = self.access()
        secret = EMULATOR.ok("AssociateSoftwareToken", {"AccessToken": access})["SecretCode"]
        EMULATOR.ok("VerifySoftwareToken", {"AccessToken": access, "UserCode": totp(secret)})
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": False}})
        self.assertIn("AuthenticationResult", after_password(EMULATOR, "alice"))
        EMULATOR.ok("SetUserMFAPreference", {"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}})
        self.assertEqual(after_password(EMULATOR, "alice")["ChallengeName"], "SOFTWARE_TOKEN_MFA")

    def test_get_user_auth_factors(self):
        factors = EMULATOR.ok("GetUserAuthFactors", {"AccessToken": self.access("bob")})
        self.assertEqual(factors["Username"], "bob")
        self.assertEqual(factors["ConfiguredUserAuthFactors"], ["PASSWORD", "EMAIL_OTP", "SMS_OTP"])
        self.assertEqual(factors["UserMFASettingList"], ["SMS_MFA"])


class Devices(Base):
    def test_list_and_get_devices(self):
        first = password_tokens(EMULATOR, "alice")
        key1 = confirmed_device(EMULATOR, first, "laptop")
        key2 = confirmed_device(EMULATOR, password_tokens(EMULATOR, "alice"), "phone")
        password_tokens(EMULATOR, "alice")
        listed = EMULATOR.ok("ListDevices", {"AccessToken": first["AccessToken"]})
        self.assertEqual([d["DeviceKey"] for d in listed["Devices"]], [key1, key2], "unconfirmed devices are not listed")
        self.assertNotIn("PaginationToken", listed)
        device = listed["Devices"][0]
        self.assertEqual({a["Name"]: a["Value"] for a in device["DeviceAttributes"]}, {"device_status": "valid", "device_name": "laptop", "last_ip_used": "127.0.0.1", "dev:device_remembered_status": "remembered"})
        for date in ["DeviceCreateDate", "DeviceLastModifiedDate", "DeviceLastAuthenticatedDate"]:
            self.assertIsInstance(device[date], (int, float))
        page = EMULATOR.ok("ListDevices", {"AccessToken": first["AccessToken"], "Limit": 1})
        self.assertEqual([d["DeviceKey"] for d in page["Devices"]], [key1])
        rest = EMULATOR.ok("ListDevices", {"AccessToken": first["AccessToken"], "Limit": 1, "PaginationToken": page["PaginationToken"]})
        self.assertEqual([d["DeviceKey"] for d in rest["Devices"]], [key2])
        self.assertEqual(EMULATOR.error("ListDevices", {"AccessToken": first["AccessToken"], "Limit": 61}), "InvalidParameterException")
        EMULATOR.ok("UpdateDeviceStatus", {"AccessToken": first["AccessToken"], "DeviceKey": key2, "DeviceRememberedStatus": "not_remembered"})
        got = EMULATOR.ok("GetDevice", {"AccessToken": first["AccessToken"], "DeviceKey": key2})["Device"]
        self.assertEqual({a["Name"]: a["Value"] for a in got["DeviceAttributes"]}["dev:device_remembered_status"], "not_remembered")
        EMULATOR.ok("ForgetDevice", {"AccessToken": first["AccessToken"], "DeviceKey": key2})
        self.assertEqual(EMULATOR.error("GetDevice", {"AccessToken": first["AccessToken"], "DeviceKey": key2}), "ResourceNotFoundException")
        self.assertEqual(EMULATOR.error("GetDevice", {"AccessToken": self.access("bob"), "DeviceKey": key1}), "ResourceNotFoundException")


class DeleteUser(Base):
    def test_the_user_and_their_tokens_are_gone(self):
        tokens = password_tokens(EMULATOR, "alice")
        self.assertEqual(EMULATOR.ok("DeleteUser", {"AccessToken": tokens["AccessToken"]}), {})
        status, _, data = EMULATOR.call("GetUser", {"AccessToken": tokens["AccessToken"]})
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "User does not exist."))
        refresh = {"RefreshToken": tokens["RefreshToken"], "ClientId": CLIENT}
        self.assertEqual(EMULATOR.error("GetTokensFromRefreshToken", refresh), "NotAuthorizedException")
        self.assertEqual(EMULATOR.error("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}}), "NotAuthorizedException")
        self.assertEqual(EMULATOR.error("DeleteUser", {"AccessToken": tokens["AccessToken"]}), "NotAuthorizedException")

    def test_a_new_user_of_the_same_name_is_not_the_old_one(self):
        tokens = password_tokens(EMULATOR, "alice")
        EMULATOR.ok("DeleteUser", {"AccessToken": tokens["AccessToken"]})
        EMULATOR.ok("SignUp", {"ClientId": CLIENT, "Username": "alice", "Password": PASSWORD, "UserAttributes": [{"Name": "email", "Value": "alice2@example.com"}]})
        EMULATOR.ok("ConfirmSignUp", {"ClientId": CLIENT, "Username": "alice", "ConfirmationCode": TEST_CODE})
        self.assertEqual(EMULATOR.error("GetUser", {"AccessToken": tokens["AccessToken"]}), "NotAuthorizedException")
        EMULATOR.ok("GetUser", {"AccessToken": password_tokens(EMULATOR, "alice")["AccessToken"]})


if __name__ == "__main__":
    unittest.main()
