"""Sign-up on the wire: passwordless sign-up where codes can sign in, the Sessions of SignUp
and ConfirmSignUp, signing in with ConfirmSignUp's Session (once), SECRET_HASH, and the
ClientMetadata of PreSignUp, CustomMessage and PostConfirmation."""

import unittest

from helpers import (
    CLIENT,
    EMULATOR,
    SECRET_CLIENT,
    TEST_CODE,
    SpawnedEmulator,
    jwt_claims,
    pool_with,
    respond,
    secret_hash,
    triggers_of,
    user_auth,
)

EMAIL = [{"Name": "email", "Value": "zed@example.com"}]


def sign_up(username="zed", client_id=CLIENT, **extra):
    body = {"ClientId": client_id, "Username": username, "UserAttributes": EMAIL}
    if client_id == SECRET_CLIENT:
        body["SecretHash"] = secret_hash(username)
    body.update(extra)
    return body


def confirm(username="zed", code=TEST_CODE, client_id=CLIENT, **extra):
    body = {"ClientId": client_id, "Username": username, "ConfirmationCode": code}
    if client_id == SECRET_CLIENT:
        body["SecretHash"] = secret_hash(username)
    body.update(extra)
    return body


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()


class Passwordless(Base):
    def test_sign_up_confirm_then_sign_in_with_the_session(self):
        created = EMULATOR.ok("SignUp", sign_up(ClientMetadata={"call": "signup"}, ValidationData=[{"Name": "captcha", "Value": "ok"}]))
        self.assertEqual(created["UserConfirmed"], False)
        self.assertEqual(created["CodeDeliveryDetails"], {"Destination": "z***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
        self.assertGreaterEqual(len(created["Session"]), 20)
        confirmed = EMULATOR.ok("ConfirmSignUp", confirm(Session=created["Session"], ClientMetadata={"call": "confirm"}))
        self.assertGreaterEqual(len(confirmed["Session"]), 20)
        self.assertNotEqual(confirmed["Session"], created["Session"])
        result = EMULATOR.ok("InitiateAuth", user_auth("zed", session=confirmed["Session"], metadata={"call": "auto"}))
        tokens = result["AuthenticationResult"]
        self.assertEqual(jwt_claims(tokens["IdToken"])["sub"], created["UserSub"])
        self.assertEqual(jwt_claims(tokens["IdToken"])["email_verified"], True)
        self.assertIn("RefreshToken", tokens)
        signup, confirmation, auto = EMULATOR.log()
        self.assertEqual(triggers_of(signup), {"PreSignUp": ({"call": "signup"}, {"captcha": "ok"})})
        self.assertEqual(triggers_of(confirmation), {"PostConfirmation": ({"call": "confirm"}, None)})
        self.assertEqual(confirmation["clientMetadata"], {"call": "confirm"})
        self.assertEqual(auto["outcome"], "tokens")
        self.assertEqual(auto["clientMetadata"], {"call": "auto"})
        again = EMULATOR.call("InitiateAuth", user_auth("zed", session=confirmed["Session"]))[2]
        self.assertEqual(again["__type"], "NotAuthorizedException")
        self.assertIn("only be used once", again["message"])

    def test_the_session_signs_in_only_its_user_and_client(self):
        EMULATOR.ok("SignUp", sign_up())
        session = EMULATOR.ok("ConfirmSignUp", confirm())["Session"]
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("alice", session=session)), "NotAuthorizedException")
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("zed", session="x" * 40)), "NotAuthorizedException")
        self.assertIn("AuthenticationResult", EMULATOR.ok("InitiateAuth", user_auth("zed", session=session)))
        EMULATOR.ok("SignUp", sign_up("yan"))
        other = EMULATOR.ok("ConfirmSignUp", confirm("yan"))["Session"]
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("yan", client_id=SECRET_CLIENT, session=other)), "NotAuthorizedException")

    def test_the_sign_up_session_is_not_a_sign_in(self):
        created = EMULATOR.ok("SignUp", sign_up())
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("zed", session=created["Session"])), "NotAuthorizedException")
        data = respond(EMULATOR, created, "EMAIL_OTP", {"USERNAME": "zed", "EMAIL_OTP_CODE": TEST_CODE})[2]
        self.assertEqual(data["__type"], "NotAuthorizedException")

    def test_a_wrong_code_keeps_the_sign_up_session(self):
        created = EMULATOR.ok("SignUp", sign_up())
        self.assertEqual(EMULATOR.error("ConfirmSignUp", confirm(code="000000", Session=created["Session"])), "CodeMismatchException")
        EMULATOR.ok("ConfirmSignUp", confirm(Session=created["Session"]))
        EMULATOR.ok("SignUp", sign_up("yan"))
        self.assertEqual(EMULATOR.error("ConfirmSignUp", confirm("yan", Session=created["Session"])), "NotAuthorizedException")

    def test_the_passwordless_user_signs_in_with_a_code_later(self):
        EMULATOR.ok("SignUp", sign_up())
        EMULATOR.ok("ConfirmSignUp", confirm())
        step = EMULATOR.ok("InitiateAuth", user_auth("zed"))
        self.assertEqual(step["AvailableChallenges"], ["EMAIL_OTP"])

    def test_a_password_only_pool_needs_a_password(self):
        pool = pool_with(signInPolicy={"allowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]})
        with SpawnedEmulator(pool) as emulator:
            status, _, data = emulator.call("SignUp", sign_up())
            self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
            self.assertEqual(emulator.error("SignUp", sign_up(Password="")), "InvalidParameterException")
            created = emulator.ok("SignUp", sign_up(Password="Zed-Passw0rd!"))
            self.assertFalse(created["UserConfirmed"])

    def test_secret_hash(self):
        self.assertEqual(EMULATOR.error("SignUp", dict(sign_up(client_id=SECRET_CLIENT), SecretHash="bm9wZQ==")), "NotAuthorizedException")
        EMULATOR.ok("SignUp", sign_up(client_id=SECRET_CLIENT))
        self.assertEqual(EMULATOR.error("ConfirmSignUp", dict(confirm(client_id=SECRET_CLIENT), SecretHash=secret_hash("alice"))), "NotAuthorizedException")
        session = EMULATOR.ok("ConfirmSignUp", confirm(client_id=SECRET_CLIENT))["Session"]
        no_hash = user_auth("zed", client_id=SECRET_CLIENT, session=session)
        del no_hash["AuthParameters"]["SECRET_HASH"]
        self.assertEqual(EMULATOR.error("InitiateAuth", no_hash), "NotAuthorizedException")
        self.assertIn("AuthenticationResult", EMULATOR.ok("InitiateAuth", user_auth("zed", client_id=SECRET_CLIENT, session=session)))


class Triggers(Base):
    def test_custom_message_gets_each_calls_metadata(self):
        pool = pool_with()
        pool["triggers"]["CustomMessage"] = "builtin"
        with SpawnedEmulator(pool) as emulator:
            emulator.ok("SignUp", sign_up(ClientMetadata={"call": "signup"}))
            emulator.ok("ResendConfirmationCode", {"ClientId": CLIENT, "Username": "zed", "ClientMetadata": {"call": "resend"}})
            emulator.ok("ForgotPassword", {"ClientId": CLIENT, "Username": "alice", "ClientMetadata": {"call": "forgot"}})
            otp = emulator.ok("InitiateAuth", user_auth("ivy", metadata={"call": "initiate"}, PREFERRED_CHALLENGE="EMAIL_OTP"))
            step = emulator.ok("InitiateAuth", user_auth("jack"))
            respond(emulator, step, "SELECT_CHALLENGE", {"USERNAME": "jack", "ANSWER": "SMS_OTP"}, {"call": "select"})
            custom = [t for e in emulator.log() for t in e["triggers"] if t["name"] == "CustomMessage"]
            self.assertEqual(
                [(t["triggerSource"], t["clientMetadata"]) for t in custom],
                [
                    ("CustomMessage_SignUp", {"call": "signup"}),
                    ("CustomMessage_ResendCode", {"call": "resend"}),
                    ("CustomMessage_ForgotPassword", {"call": "forgot"}),
                    ("CustomMessage_Authentication", None),
                    ("CustomMessage_Authentication", {"call": "select"}),
                ],
            )
            self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")
            self.assertEqual([d["message"] for d in emulator.deliveries()], [None] * 5)

    def test_confirm_forgot_password_runs_post_confirmation(self):
        EMULATOR.ok("ForgotPassword", {"ClientId": CLIENT, "Username": "alice"})
        EMULATOR.ok("ConfirmForgotPassword", {"ClientId": CLIENT, "Username": "alice", "ConfirmationCode": TEST_CODE, "Password": "N3w-Passw0rd!", "ClientMetadata": {"call": "reset"}})
        entry = EMULATOR.log()[-1]
        self.assertEqual([(t["triggerSource"], t["clientMetadata"]) for t in entry["triggers"]], [("PostConfirmation_ConfirmForgotPassword", {"call": "reset"})])


if __name__ == "__main__":
    unittest.main()
