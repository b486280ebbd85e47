"""USER_AUTH, choice-based sign-in, on the wire: SELECT_CHALLENGE and its AvailableChallenges,
each answer (PASSWORD inline, PASSWORD_SRP, EMAIL_OTP, SMS_OTP), preferred challenges, MFA
after a password and none after a code, SECRET_HASH, unknown users and ClientMetadata."""

import json
import unittest

from helpers import (
    CLIENT,
    DEMO_POOL,
    EMULATOR,
    PASSWORD,
    SECRET_CLIENT,
    TEST_CODE,
    SpawnedEmulator,
    SrpSignIn,
    jwt_claims,
    pool_with,
    respond,
    secret_hash,
    user_auth,
)


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()

    def select(self, username, **parameters):
        step = EMULATOR.ok("InitiateAuth", user_auth(username, **parameters))
        self.assertEqual(step["ChallengeName"], "SELECT_CHALLENGE", step)
        return step


class SelectChallenge(Base):
    def test_available_challenges_follow_what_each_user_has(self):
        for username, expected in [
            ("alice", ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]),
            ("ivy", ["EMAIL_OTP"]),
            ("jack", ["SMS_OTP"]),
            ("bob", ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]),
        ]:
            step = self.select(username)
            self.assertEqual(step["AvailableChallenges"], expected, username)
            self.assertEqual(step["ChallengeParameters"], {}, username)
            self.assertGreaterEqual(len(step["Session"]), 20)

    def test_only_the_pools_first_factors_are_offered(self):
        pool = pool_with(signInPolicy={"allowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]})
        with SpawnedEmulator(pool) as emulator:
            step = emulator.ok("InitiateAuth", user_auth("bob"))
            self.assertEqual(step["AvailableChallenges"], ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"])
            status, _, data = emulator.call("InitiateAuth", user_auth("ivy"))
            self.assertEqual((status, data["__type"]), (400, "NotAuthorizedException"))

    def test_answer_password_completes_inline(self):
        step = self.select("alice")
        status, _, result = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "alice", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD})
        self.assertEqual(status, 200, result)
        self.assertEqual(jwt_claims(result["AuthenticationResult"]["AccessToken"])["username"], "alice")

    def test_a_wrong_password_fails(self):
        step = self.select("alice")
        status, _, data = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "alice", "ANSWER": "PASSWORD", "PASSWORD": "Wr0ng-Passw0rd!"})
        self.assertEqual((status, data["__type"], data["message"]), (400, "NotAuthorizedException", "Incorrect username or password."))

    def test_answer_password_srp_leads_to_password_verifier(self):
        step = self.select("alice")
        srp = SrpSignIn("alice")
        verifier = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "alice", "ANSWER": "PASSWORD_SRP", "SRP_A": srp.auth_parameters()["SRP_A"]})[2]
        self.assertEqual(verifier["ChallengeName"], "PASSWORD_VERIFIER")
        result = respond(EMULATOR, verifier, "PASSWORD_VERIFIER", srp.answer(verifier["ChallengeParameters"]))[2]
        self.assertIn("AuthenticationResult", result)

    def test_an_answer_not_offered_is_refused_and_the_session_survives(self):
        step = self.select("ivy")
        for answer in ["PASSWORD", "WEB_AUTHN", "SOFTWARE_TOKEN_MFA"]:
            responses = {"USERNAME": "ivy", "ANSWER": answer, "PASSWORD": PASSWORD}
            self.assertEqual(respond(EMULATOR, step, "SELECT_CHALLENGE", responses)[2]["__type"], "InvalidParameterException", answer)
        missing = respond(EMULATOR, self.select("alice"), "SELECT_CHALLENGE", {"USERNAME": "alice", "ANSWER": "PASSWORD"})[2]
        self.assertEqual(missing["__type"], "InvalidParameterException")
        otp = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "ivy", "ANSWER": "EMAIL_OTP"})[2]
        self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")

    def test_the_selection_session_is_single_use(self):
        step = self.select("ivy")
        respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "ivy", "ANSWER": "EMAIL_OTP"})
        data = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "ivy", "ANSWER": "EMAIL_OTP"})[2]
        self.assertEqual(data["__type"], "NotAuthorizedException")
        self.assertIn("only be used once", data["message"])


class Codes(Base):
    def test_email_otp_first_factor_with_a_wrong_code_first(self):
        step = self.select("ivy")
        otp = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "ivy", "ANSWER": "EMAIL_OTP"}, {"call": "select"})[2]
        self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")
        self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL")
        self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "i***@e***.com")
        delivery = EMULATOR.deliveries()[-1]
        self.assertEqual((delivery["username"], delivery["medium"], delivery["purpose"], delivery["code"]), ("ivy", "EMAIL", "OTP", TEST_CODE))
        wrong = respond(EMULATOR, otp, "EMAIL_OTP", {"USERNAME": "ivy", "EMAIL_OTP_CODE": "000000"})[2]
        self.assertEqual(wrong["__type"], "CodeMismatchException")
        result = respond(EMULATOR, otp, "EMAIL_OTP", {"USERNAME": "ivy", "EMAIL_OTP_CODE": TEST_CODE}, {"call": "code"})[2]
        tokens = result["AuthenticationResult"]
        self.assertEqual(jwt_claims(tokens["IdToken"])["email"], "ivy@example.com")
        entries = EMULATOR.log()
        self.assertEqual([e["outcome"] for e in entries], ["challenge:SELECT_CHALLENGE", "challenge:EMAIL_OTP", "error:CodeMismatchException", "tokens"])
        self.assertEqual(entries[0]["authFlow"], "USER_AUTH")
        self.assertEqual((entries[1]["challengeName"], entries[1]["clientMetadata"]), ("SELECT_CHALLENGE", {"call": "select"}))
        self.assertEqual(entries[3]["clientMetadata"], {"call": "code"})
        self.assertEqual({t["name"]: t["clientMetadata"] for t in entries[3]["triggers"]}, {"PreTokenGeneration": {"call": "code"}, "PostAuthentication": {"call": "code"}})

    def test_sms_otp_first_factor(self):
        step = self.select("jack")
        otp = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "jack", "ANSWER": "SMS_OTP"})[2]
        self.assertEqual(otp["ChallengeName"], "SMS_OTP")
        self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS")
        self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "+*******0100")
        self.assertEqual(respond(EMULATOR, otp, "SMS_OTP", {"USERNAME": "jack", "SMS_OTP_CODE": "999999"})[2]["__type"], "CodeMismatchException")
        self.assertEqual(respond(EMULATOR, otp, "SMS_OTP", {"USERNAME": "jack"})[2]["__type"], "InvalidParameterException")
        result = respond(EMULATOR, otp, "SMS_OTP", {"USERNAME": "jack", "SMS_OTP_CODE": TEST_CODE})[2]
        self.assertIn("AuthenticationResult", result)
        self.assertIn("NewDeviceMetadata", result["AuthenticationResult"])

    def test_three_wrong_codes_end_the_sign_in(self):
        otp = EMULATOR.ok("InitiateAuth", user_auth("ivy", PREFERRED_CHALLENGE="EMAIL_OTP"))
        wrong = {"USERNAME": "ivy", "EMAIL_OTP_CODE": "000000"}
        self.assertEqual(respond(EMULATOR, otp, "EMAIL_OTP", wrong)[2]["__type"], "CodeMismatchException")
        self.assertEqual(respond(EMULATOR, otp, "EMAIL_OTP", wrong)[2]["__type"], "CodeMismatchException")
        self.assertEqual(respond(EMULATOR, otp, "EMAIL_OTP", wrong)[2]["__type"], "NotAuthorizedException")
        self.assertEqual(respond(EMULATOR, otp, "EMAIL_OTP", {"USERNAME": "ivy", "EMAIL_OTP_CODE": TEST_CODE})[2]["__type"], "NotAuthorizedException")

    def test_no_mfa_after_a_code_but_mfa_after_a_password(self):
        otp = EMULATOR.ok("InitiateAuth", user_auth("bob", PREFERRED_CHALLENGE="EMAIL_OTP"))
        self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")
        result = respond(EMULATOR, otp, "EMAIL_OTP", {"USERNAME": "bob", "EMAIL_OTP_CODE": TEST_CODE})[2]
        self.assertIn("AuthenticationResult", result, "a code is a passwordless first factor: no SMS_MFA")
        mfa = EMULATOR.ok("InitiateAuth", user_auth("bob", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD))
        self.assertEqual(mfa["ChallengeName"], "SMS_MFA")
        result = respond(EMULATOR, mfa, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE})[2]
        self.assertIn("AuthenticationResult", result)

    def test_random_codes_without_the_test_code(self):
        pool = {k: v for k, v in DEMO_POOL.items() if k != "testCode"}
        with SpawnedEmulator(pool) as emulator:
            otp = emulator.ok("InitiateAuth", user_auth("jack", PREFERRED_CHALLENGE="SMS_OTP"))
            code = emulator.deliveries()[-1]["code"]
            self.assertRegex(code, r"^\d{6}$")
            result = respond(emulator, otp, "SMS_OTP", {"USERNAME": "jack", "SMS_OTP_CODE": code})[2]
            self.assertIn("AuthenticationResult", result)


class Preferences(Base):
    def test_preferred_password_with_password_completes_at_once(self):
        result = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD))
        self.assertIn("AuthenticationResult", result)
        self.assertNotIn("AvailableChallenges", result)

    def test_preferred_password_without_it_is_a_password_challenge(self):
        step = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="PASSWORD"))
        self.assertEqual(step["ChallengeName"], "PASSWORD")
        self.assertEqual(respond(EMULATOR, step, "PASSWORD", {"USERNAME": "alice", "PASSWORD": "nope"})[2]["__type"], "NotAuthorizedException")
        step = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="PASSWORD"))
        self.assertIn("AuthenticationResult", respond(EMULATOR, step, "PASSWORD", {"USERNAME": "alice", "PASSWORD": PASSWORD})[2])

    def test_preferred_password_srp(self):
        srp = SrpSignIn("alice")
        verifier = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp.auth_parameters()["SRP_A"]))
        self.assertEqual(verifier["ChallengeName"], "PASSWORD_VERIFIER")
        self.assertIn("AuthenticationResult", respond(EMULATOR, verifier, "PASSWORD_VERIFIER", srp.answer(verifier["ChallengeParameters"]))[2])
        step = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="PASSWORD_SRP"))
        self.assertEqual(step["ChallengeName"], "PASSWORD_SRP")
        srp = SrpSignIn("alice")
        verifier = respond(EMULATOR, step, "PASSWORD_SRP", {"USERNAME": "alice", "SRP_A": srp.auth_parameters()["SRP_A"]})[2]
        self.assertEqual(verifier["ChallengeName"], "PASSWORD_VERIFIER")

    def test_a_preference_the_user_cannot_use_falls_back_to_selection(self):
        step = EMULATOR.ok("InitiateAuth", user_auth("ivy", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD))
        self.assertEqual((step["ChallengeName"], step["AvailableChallenges"]), ("SELECT_CHALLENGE", ["EMAIL_OTP"]))
        step = EMULATOR.ok("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="WEB_AUTHN"))
        self.assertEqual(step["ChallengeName"], "SELECT_CHALLENGE", "alice has no passkey")

    def test_an_unknown_preference_is_a_parameter_error(self):
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("alice", PREFERRED_CHALLENGE="CUSTOM_CHALLENGE")), "InvalidParameterException")

    def test_a_passwordless_user_fails_the_password_flows(self):
        body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "ivy", "PASSWORD": PASSWORD}}
        self.assertEqual(EMULATOR.error("InitiateAuth", body), "NotAuthorizedException")
        srp = SrpSignIn("ivy")
        challenge = EMULATOR.ok("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": srp.auth_parameters()})
        data = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", srp.answer(challenge["ChallengeParameters"]))[2]
        self.assertEqual(data["__type"], "NotAuthorizedException")


class Clients(Base):
    def test_secret_hash_on_every_call(self):
        body = user_auth("ivy", client_id=SECRET_CLIENT)
        step = EMULATOR.ok("InitiateAuth", body)
        no_hash = dict(body, AuthParameters={"USERNAME": "ivy"})
        self.assertEqual(EMULATOR.error("InitiateAuth", no_hash), "NotAuthorizedException")
        select = {"USERNAME": "ivy", "ANSWER": "EMAIL_OTP"}
        self.assertEqual(respond(EMULATOR, step, "SELECT_CHALLENGE", select, client_id=SECRET_CLIENT)[2]["__type"], "NotAuthorizedException")
        otp = respond(EMULATOR, step, "SELECT_CHALLENGE", dict(select, SECRET_HASH=secret_hash("ivy")), client_id=SECRET_CLIENT)[2]
        self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")
        code = {"USERNAME": "ivy", "EMAIL_OTP_CODE": TEST_CODE}
        self.assertEqual(respond(EMULATOR, otp, "EMAIL_OTP", dict(code, SECRET_HASH=secret_hash("alice")), client_id=SECRET_CLIENT)[2]["__type"], "NotAuthorizedException")
        result = respond(EMULATOR, otp, "EMAIL_OTP", dict(code, SECRET_HASH=secret_hash("ivy")), client_id=SECRET_CLIENT)[2]
        self.assertIn("AuthenticationResult", result)

    def test_unknown_users(self):
        step = EMULATOR.ok("InitiateAuth", user_auth("nobody"))
        self.assertEqual(step["AvailableChallenges"], ["PASSWORD", "PASSWORD_SRP"])
        data = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "nobody", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD})[2]
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Incorrect username or password."))
        self.assertEqual(EMULATOR.error("InitiateAuth", user_auth("nobody", client_id=SECRET_CLIENT)), "UserNotFoundException")

    def test_the_client_must_allow_user_auth(self):
        pool = pool_with()
        pool["clients"][0].pop("authFlows")
        with SpawnedEmulator(pool) as emulator:
            status, _, data = emulator.call("InitiateAuth", user_auth("alice"))
            self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
            self.assertIn("USER_AUTH", data["message"])

    def test_initiate_metadata_reaches_pre_authentication_as_validation_data(self):
        EMULATOR.ok("InitiateAuth", user_auth("alice", metadata={"call": "initiate"}, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD))
        entry = EMULATOR.log()[-1]
        self.assertEqual(entry["clientMetadata"], {"call": "initiate"})
        triggers = {t["name"]: (t["clientMetadata"], t["validationData"]) for t in entry["triggers"]}
        self.assertEqual(triggers["PreAuthentication"], (None, {"call": "initiate"}))
        self.assertEqual(triggers["PreTokenGeneration"], (None, None))


if __name__ == "__main__":
    unittest.main()
