"""The wire protocol itself, with raw requests: the error shape, CORS, faults, SRP checks,
sessions, MFA retries, which trigger gets which ClientMetadata, custom challenges, devices,
tokens and sign-up. SRP math on the client side is pycognito's."""

import base64
import datetime
import http.client
import json
import time
import unittest

import jwt
from pycognito.aws_srp import AWSSRP, generate_hash_device

from helpers import (
    CLIENT,
    DEMO_POOL,
    EMULATOR,
    PASSWORD,
    POOL_ID,
    SECRET_CLIENT,
    TEST_CODE,
    SpawnedEmulator,
    SrpSignIn,
    jwt_claims,
    secret_hash,
    pool_with,
    start_srp,
    totp,
    triggers_of,
    user_config,
)


def respond(emulator, challenge, name, responses, metadata=None, client_id=CLIENT):
    body = {"ClientId": client_id, "ChallengeName": name, "Session": challenge["Session"], "ChallengeResponses": responses}
    if metadata is not None:
        body["ClientMetadata"] = metadata
    return emulator.call("RespondToAuthChallenge", body)


def sign_in(emulator, username, password=PASSWORD, extra=None):
    """A complete SRP sign-in for a user without MFA: the AuthenticationResult."""
    challenge, responses = start_srp(emulator, username, password, extra=extra)
    status, _, result = respond(emulator, challenge, "PASSWORD_VERIFIER", responses)
    assert status == 200 and "AuthenticationResult" in result, result
    return result["AuthenticationResult"]


def password_auth(username, password=PASSWORD, metadata=None, client_id=CLIENT):
    body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id, "AuthParameters": {"USERNAME": username, "PASSWORD": password}}
    if metadata is not None:
        body["ClientMetadata"] = metadata
    return body


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()


class WireErrors(Base):
    def test_garbage_json_is_a_serialization_error(self):
        for body in [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"']:
            self.assertEqual(EMULATOR.error("InitiateAuth", body), "SerializationException", body)

    def test_wrong_types_are_serialization_errors(self):
        for body in [{"AuthFlow": 7, "ClientId": CLIENT}, {"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": "USERNAME=alice"}]:
            self.assertEqual(EMULATOR.error("InitiateAuth", body), "SerializationException")

    def test_missing_members_are_parameter_errors(self):
        self.assertEqual(EMULATOR.error("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH"}), "InvalidParameterException")
        self.assertEqual(EMULATOR.error("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice"}}), "InvalidParameterException")
        self.assertEqual(EMULATOR.error("RespondToAuthChallenge", {"ClientId": CLIENT}), "InvalidParameterException")
        self.assertEqual(EMULATOR.error("GetUser", {}), "InvalidParameterException")

    def test_unknown_operations_clients_and_routes(self):
        self.assertEqual(EMULATOR.error("AdminDeleteUserPool", {}), "UnknownOperationException")
        status, _, data = EMULATOR.request("POST", "/", b"{}", {"Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual((status, json.loads(data)["__type"]), (400, "UnknownOperationException"))
        self.assertEqual(EMULATOR.error("InitiateAuth", password_auth("alice", client_id="nope")), "ResourceNotFoundException")
        status, _, _ = EMULATOR.request("GET", "/nowhere")
        self.assertEqual(status, 404)

    def test_huge_bodies_are_refused_and_the_server_keeps_serving(self):
        huge = b'{"ClientId": "' + b"x" * (2 << 20) + b'"}'
        status, headers, data = EMULATOR.request("POST", "/", huge, {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(data)["__type"], "InvalidParameterException")
        self.assertIn("x-amzn-requestid", headers)
        self.assertIn("AuthenticationResult", EMULATOR.ok("InitiateAuth", password_auth("alice")))

    def test_error_shape_and_headers(self):
        status, headers, data = EMULATOR.call("InitiateAuth", password_auth("alice", "Wr0ng-Passw0rd!"))
        self.assertEqual(status, 400)
        self.assertEqual(data, {"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
        self.assertEqual(headers["x-amzn-errortype"], "NotAuthorizedException:")
        self.assertEqual(headers["content-type"], "application/x-amz-json-1.1")
        self.assertRegex(headers["x-amzn-requestid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(EMULATOR.log()[-1]["outcome"], "error:NotAuthorizedException")


class Cors(Base):
    def test_preflight(self):
        status, headers, _ = EMULATOR.request("OPTIONS", "/", headers={
            "Origin": "http://localhost:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-amz-target, x-amz-user-agent, content-type, cache-control",
        })
        self.assertEqual(status, 204)
        self.assertIn(headers["access-control-allow-origin"], ("*", "http://localhost:8000"))
        allowed = {h.strip() for h in headers["access-control-allow-headers"].lower().split(",")}
        self.assertLessEqual({"x-amz-target", "x-amz-user-agent", "content-type", "cache-control"}, allowed)
        self.assertIn("POST", headers["access-control-allow-methods"])

    def test_responses_expose_the_error_headers(self):
        status, headers, _ = EMULATOR.call("InitiateAuth", password_auth("alice", "nope"), {"Origin": "http://localhost:8000"})
        exposed = {h.strip().lower() for h in headers["access-control-expose-headers"].split(",")}
        self.assertLessEqual({"x-amzn-requestid", "x-amzn-errortype"}, exposed)
        self.assertIn(headers["access-control-allow-origin"], ("*", "http://localhost:8000"))
        _, headers, _ = EMULATOR.request("GET", "/__log", headers={"Origin": "http://localhost:9000"})
        self.assertIn("access-control-allow-origin", headers)


class Faults(Base):
    def test_http500_then_normal(self):
        EMULATOR.fault(operation="InitiateAuth", count=1, kind="http500")
        status, headers, data = EMULATOR.call("InitiateAuth", password_auth("alice"))
        self.assertEqual((status, data["__type"]), (500, "InternalErrorException"))
        self.assertEqual(headers["x-amzn-errortype"], "InternalErrorException:")
        self.assertIn("AuthenticationResult", EMULATOR.ok("InitiateAuth", password_auth("alice")))
        self.assertEqual([e["outcome"] for e in EMULATOR.log()], ["fault:http500", "tokens"])

    def test_throttle_applies_count_times_and_only_to_its_operation(self):
        EMULATOR.fault(operation="InitiateAuth", count=2, kind="throttle")
        self.assertEqual(EMULATOR.error("GetUser", {"AccessToken": "x"}), "NotAuthorizedException")
        for _ in range(2):
            self.assertEqual(EMULATOR.error("InitiateAuth", password_auth("alice")), "TooManyRequestsException")
        EMULATOR.ok("InitiateAuth", password_auth("alice"))

    def test_malformed_json(self):
        EMULATOR.fault(operation="InitiateAuth", count=1, kind="malformedJson")
        status, _, data = EMULATOR.request("POST", "/", json.dumps(password_auth("alice")).encode(), {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(data)

    def test_delay(self):
        EMULATOR.fault(operation="InitiateAuth", count=1, kind="delay", delayMs=1500)
        started = time.monotonic()
        EMULATOR.ok("InitiateAuth", password_auth("alice"))
        self.assertGreaterEqual(time.monotonic() - started, 1.4)
        self.assertEqual(EMULATOR.log()[-1]["outcome"], "tokens")

    def test_drop_closes_the_connection_without_an_answer(self):
        EMULATOR.fault(operation="InitiateAuth", count=1, kind="drop")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError)):
            EMULATOR.call("InitiateAuth", password_auth("alice"), timeout=10)
        EMULATOR.ok("InitiateAuth", password_auth("alice"))
        self.assertEqual(EMULATOR.log()[0]["outcome"], "fault:drop")

    def test_bad_fault_requests_are_refused(self):
        status, _, data = EMULATOR.request("POST", "/__faults", b'{"operation":"InitiateAuth","kind":"explode"}')
        self.assertEqual((status, json.loads(data)["__type"]), (400, "InvalidParameterException"))


class SrpChecks(Base):
    def verifier_answer(self, **answer_options):
        srp = SrpSignIn("alice")
        challenge = EMULATOR.ok("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": srp.auth_parameters()})
        return challenge, srp.answer(challenge["ChallengeParameters"], **answer_options)

    def test_challenge_parameters(self):
        challenge, _ = self.verifier_answer()
        params = challenge["ChallengeParameters"]
        self.assertEqual(params["USER_ID_FOR_SRP"], "alice")
        self.assertRegex(params["SRP_B"], r"^[0-9a-f]+$")
        self.assertRegex(params["SALT"], r"^[0-9a-f]+$")
        self.assertEqual(len(base64.b64decode(params["SECRET_BLOCK"])), 64)

    def test_b_is_fresh_for_every_sign_in(self):
        first, _ = self.verifier_answer()
        second, _ = self.verifier_answer()
        self.assertNotEqual(first["ChallengeParameters"]["SRP_B"], second["ChallengeParameters"]["SRP_B"])
        self.assertEqual(first["ChallengeParameters"]["SALT"], second["ChallengeParameters"]["SALT"])

    def test_a_tampered_signature_fails(self):
        challenge, responses = self.verifier_answer(tamper=True)
        status, _, data = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)
        self.assertEqual((status, data["__type"], data["message"]), (400, "NotAuthorizedException", "Incorrect username or password."))

    def test_a_stale_timestamp_fails(self):
        stale = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
        challenge, responses = self.verifier_answer(at=stale)
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]["__type"], "NotAuthorizedException")

    def test_timestamp_format_is_strict(self):
        challenge, responses = self.verifier_answer()
        garbage = dict(responses, TIMESTAMP="2024-09-03T07:05:09Z")
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", garbage)[2]["__type"], "InvalidParameterException")
        # A zero-padded day is shaped like a TIMESTAMP: it fails like a wrong password.
        padded = dict(responses, TIMESTAMP="Tue Sep 03 07:05:09 UTC 2024")
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", padded)[2]["__type"], "NotAuthorizedException")

    def test_a_parameter_error_leaves_the_session_usable(self):
        challenge, responses = self.verifier_answer()
        garbage = dict(responses, TIMESTAMP="yesterday")
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", garbage)[2]["__type"], "InvalidParameterException")
        self.assertIn("AuthenticationResult", respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2])

    def test_the_secret_block_is_bound_to_its_session(self):
        first, _ = self.verifier_answer()
        _, answer_to_second = self.verifier_answer()
        self.assertEqual(respond(EMULATOR, first, "PASSWORD_VERIFIER", answer_to_second)[2]["__type"], "NotAuthorizedException")

    def test_sessions_are_single_use(self):
        challenge, responses = self.verifier_answer()
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[0], 200)
        status, _, data = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)
        self.assertEqual(data["__type"], "NotAuthorizedException")
        self.assertIn("only be used once", data["message"])

    def test_sessions_expire(self):
        with SpawnedEmulator(DEMO_POOL, "--session-ttl", "1") as emulator:
            challenge, responses = start_srp(emulator, "alice")
            time.sleep(1.5)
            status, _, data = respond(emulator, challenge, "PASSWORD_VERIFIER", responses)
            self.assertEqual(data["__type"], "NotAuthorizedException")
            self.assertIn("expired", data["message"])

    def test_unknown_users_follow_prevent_user_existence_errors(self):
        challenge, responses = start_srp(EMULATOR, "nobody")
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]["__type"], "NotAuthorizedException")
        self.assertEqual(EMULATOR.error("InitiateAuth", password_auth("nobody")), "NotAuthorizedException")
        hidden = password_auth("nobody", client_id=SECRET_CLIENT)
        hidden["AuthParameters"]["SECRET_HASH"] = secret_hash("nobody")
        self.assertEqual(EMULATOR.error("InitiateAuth", hidden), "UserNotFoundException")

    def test_email_alias_signs_in_as_the_internal_username(self):
        challenge, responses = start_srp(EMULATOR, "alice@example.com")
        self.assertEqual(challenge["ChallengeParameters"]["USER_ID_FOR_SRP"], "alice")
        status, _, result = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)
        self.assertEqual(jwt_claims(result["AuthenticationResult"]["AccessToken"])["username"], "alice")


class Mfa(Base):
    def bob_challenge(self, metadata=None):
        challenge, responses = start_srp(EMULATOR, "bob")
        status, _, mfa = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)
        self.assertEqual(mfa["ChallengeName"], "SMS_MFA")
        self.assertEqual(mfa["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS")
        self.assertEqual(mfa["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "+*******1234")
        return mfa

    def test_three_wrong_codes_end_the_session(self):
        mfa = self.bob_challenge()
        wrong = {"USERNAME": "bob", "SMS_MFA_CODE": "000000"}
        self.assertEqual(respond(EMULATOR, mfa, "SMS_MFA", wrong)[2]["__type"], "CodeMismatchException")
        self.assertEqual(respond(EMULATOR, mfa, "SMS_MFA", wrong)[2]["__type"], "CodeMismatchException")
        self.assertEqual(respond(EMULATOR, mfa, "SMS_MFA", wrong)[2]["__type"], "NotAuthorizedException")
        right = {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE}
        self.assertEqual(respond(EMULATOR, mfa, "SMS_MFA", right)[2]["__type"], "NotAuthorizedException")

    def test_codes_are_random_without_the_test_code_option(self):
        pool = {k: v for k, v in DEMO_POOL.items() if k != "testCode"}
        with SpawnedEmulator(pool) as emulator:
            challenge, responses = start_srp(emulator, "bob")
            mfa = respond(emulator, challenge, "PASSWORD_VERIFIER", responses)[2]
            code = emulator.deliveries()[-1]["code"]
            self.assertRegex(code, r"^\d{6}$")
            status, _, result = respond(emulator, mfa, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": code})
            self.assertIn("AuthenticationResult", result)

    def test_select_mfa_type(self):
        challenge, responses = start_srp(EMULATOR, "grace")
        select = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        self.assertEqual(select["ChallengeName"], "SELECT_MFA_TYPE")
        self.assertEqual(json.loads(select["ChallengeParameters"]["MFAS_CAN_CHOOSE"]), ["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
        totp_challenge = respond(EMULATOR, select, "SELECT_MFA_TYPE", {"USERNAME": "grace", "ANSWER": "SOFTWARE_TOKEN_MFA"})[2]
        self.assertEqual(totp_challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA")
        code = totp(user_config("grace")["totpSecret"])
        result = respond(EMULATOR, totp_challenge, "SOFTWARE_TOKEN_MFA", {"USERNAME": "grace", "SOFTWARE_TOKEN_MFA_CODE": code})[2]
        self.assertIn("AuthenticationResult", result)

    def test_mfa_setup_enrols_totp(self):
        challenge, responses = start_srp(EMULATOR, "henry")
        setup = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        self.assertEqual(setup["ChallengeName"], "MFA_SETUP")
        self.assertEqual(json.loads(setup["ChallengeParameters"]["MFAS_CAN_SETUP"]), ["SOFTWARE_TOKEN_MFA"])
        associated = EMULATOR.ok("AssociateSoftwareToken", {"Session": setup["Session"]})
        secret = associated["SecretCode"]
        self.assertRegex(secret, r"^[A-Z2-7]{32}$")
        self.assertEqual(EMULATOR.error("VerifySoftwareToken", {"Session": associated["Session"], "UserCode": "000000" if totp(secret) != "000000" else "111111"}), "CodeMismatchException")
        verified = EMULATOR.ok("VerifySoftwareToken", {"Session": associated["Session"], "UserCode": totp(secret)})
        self.assertEqual(verified["Status"], "SUCCESS")
        result = respond(EMULATOR, verified, "MFA_SETUP", {"USERNAME": "henry"})[2]
        self.assertIn("AuthenticationResult", result)
        challenge, responses = start_srp(EMULATOR, "henry")
        again = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        self.assertEqual(again["ChallengeName"], "SOFTWARE_TOKEN_MFA")


    def test_email_otp(self):
        pool = pool_with()
        alice = next(u for u in pool["users"] if u["username"] == "alice")
        alice["emailMfa"] = True
        with SpawnedEmulator(pool) as emulator:
            challenge, responses = start_srp(emulator, "alice")
            otp = respond(emulator, challenge, "PASSWORD_VERIFIER", responses)[2]
            self.assertEqual(otp["ChallengeName"], "EMAIL_OTP")
            self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL")
            self.assertEqual(otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "a***@e***.com")
            result = respond(emulator, otp, "EMAIL_OTP", {"USERNAME": "alice", "EMAIL_OTP_CODE": TEST_CODE})[2]
            self.assertIn("AuthenticationResult", result)

    def test_software_token_enrolment_by_access_token(self):
        tokens = sign_in(EMULATOR, "alice")
        self.assertEqual(EMULATOR.error("VerifySoftwareToken", {"AccessToken": tokens["AccessToken"], "UserCode": "123456"}), "SoftwareTokenMFANotFoundException")
        secret = EMULATOR.ok("AssociateSoftwareToken", {"AccessToken": tokens["AccessToken"]})["SecretCode"]
        verified = EMULATOR.ok("VerifySoftwareToken", {"AccessToken": tokens["AccessToken"], "UserCode": totp(secret)})
        self.assertEqual(verified, {"Status": "SUCCESS"})
        challenge, responses = start_srp(EMULATOR, "alice")
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]["ChallengeName"], "SOFTWARE_TOKEN_MFA")


class ClientMetadataRouting(Base):
    """InitiateAuth's metadata reaches PreAuthentication and UserMigration as validationData;
    RespondToAuthChallenge's reaches Define/Create/Verify, PostAuthentication and
    PreTokenGeneration; ForgotPassword's reaches UserMigration."""

    def test_srp_with_sms_mfa(self):
        challenge, responses = start_srp(EMULATOR, "bob", metadata={"call": "initiate"})
        mfa = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses, {"call": "verifier"})[2]
        respond(EMULATOR, mfa, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE}, {"call": "mfa"})
        initiate, verifier, code = EMULATOR.log()
        self.assertEqual(initiate["clientMetadata"], {"call": "initiate"})
        self.assertEqual(triggers_of(initiate), {"PreAuthentication": (None, {"call": "initiate"})})
        self.assertEqual((verifier["challengeName"], verifier["outcome"], triggers_of(verifier)), ("PASSWORD_VERIFIER", "challenge:SMS_MFA", {}))
        self.assertEqual(code["challengeName"], "SMS_MFA")
        self.assertEqual(triggers_of(code), {"PreTokenGeneration": ({"call": "mfa"}, None), "PostAuthentication": ({"call": "mfa"}, None)})

    def test_tokens_from_initiate_auth_carry_no_metadata(self):
        EMULATOR.ok("InitiateAuth", password_auth("alice", metadata={"call": "initiate"}))
        entry = EMULATOR.log()[-1]
        self.assertEqual(entry["authFlow"], "USER_PASSWORD_AUTH")
        self.assertEqual(
            triggers_of(entry),
            {
                "PreAuthentication": (None, {"call": "initiate"}),
                "PreTokenGeneration": (None, None),
                "PostAuthentication": (None, None),
            },
        )
        self.assertEqual([t["triggerSource"] for t in entry["triggers"]], ["PreAuthentication_Authentication", "TokenGeneration_Authentication", "PostAuthentication_Authentication"])

    def test_custom_auth_with_srp(self):
        srp = SrpSignIn("erin")
        params = dict(srp.auth_parameters(), CHALLENGE_NAME="SRP_A")
        challenge = EMULATOR.ok("InitiateAuth", {"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "AuthParameters": params, "ClientMetadata": {"call": "initiate"}})
        self.assertEqual(challenge["ChallengeName"], "PASSWORD_VERIFIER")
        custom = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", srp.answer(challenge["ChallengeParameters"]), {"call": "verifier"})[2]
        self.assertEqual(custom["ChallengeName"], "CUSTOM_CHALLENGE")
        self.assertEqual(custom["ChallengeParameters"]["question"], "What is 6 x 7?")
        result = respond(EMULATOR, custom, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "42"}, {"call": "answer"})[2]
        self.assertIn("AuthenticationResult", result)
        self.assertNotIn("NewDeviceMetadata", result["AuthenticationResult"])
        initiate, verifier, answer = EMULATOR.log()
        self.assertEqual(triggers_of(initiate), {"PreAuthentication": (None, {"call": "initiate"}), "DefineAuthChallenge": (None, None)})
        self.assertEqual(triggers_of(verifier), {"DefineAuthChallenge": ({"call": "verifier"}, None), "CreateAuthChallenge": ({"call": "verifier"}, None)})
        self.assertEqual(
            [(t["name"], t["clientMetadata"]) for t in answer["triggers"]],
            [
                ("VerifyAuthChallengeResponse", {"call": "answer"}),
                ("DefineAuthChallenge", {"call": "answer"}),
                ("PreTokenGeneration", {"call": "answer"}),
                ("PostAuthentication", {"call": "answer"}),
            ],
        )

    def test_migration_and_forgot_password(self):
        EMULATOR.ok("InitiateAuth", password_auth("frank", metadata={"call": "initiate"}))
        entry = EMULATOR.log()[-1]
        self.assertEqual(triggers_of(entry)["UserMigration"], (None, {"call": "initiate"}))
        self.assertEqual(entry["triggers"][0]["triggerSource"], "UserMigration_Authentication")
        EMULATOR.reset()
        EMULATOR.ok("ForgotPassword", {"ClientId": CLIENT, "Username": "frank", "ClientMetadata": {"call": "forgot"}})
        entry = EMULATOR.log()[-1]
        self.assertEqual(entry["triggers"][0]["triggerSource"], "UserMigration_ForgotPassword")
        self.assertEqual(triggers_of(entry), {"UserMigration": ({"call": "forgot"}, None)})

    def test_refresh_carries_no_metadata_to_pre_token_generation(self):
        tokens = sign_in(EMULATOR, "alice")
        EMULATOR.ok("InitiateAuth", {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}, "ClientMetadata": {"call": "refresh"}})
        entry = EMULATOR.log()[-1]
        self.assertEqual(entry["triggers"], [{"name": "PreTokenGeneration", "triggerSource": "TokenGeneration_RefreshTokens", "clientMetadata": None, "validationData": None}])


class CustomChallenges(Base):
    def start(self):
        return EMULATOR.ok("InitiateAuth", {"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "erin"}})

    def test_without_srp_the_question_comes_first(self):
        custom = self.start()
        self.assertEqual(custom["ChallengeName"], "CUSTOM_CHALLENGE")
        wrong = respond(EMULATOR, custom, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "41"})[2]
        self.assertEqual((wrong["ChallengeName"], wrong["ChallengeParameters"]["question"]), ("CUSTOM_CHALLENGE", "What is 6 x 7?"))
        self.assertNotEqual(wrong["Session"], custom["Session"])
        result = respond(EMULATOR, wrong, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "42"})[2]
        self.assertIn("AuthenticationResult", result)

    def test_max_attempts_fail_the_sign_in(self):
        custom = self.start()
        for _ in range(2):
            custom = respond(EMULATOR, custom, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "nope"})[2]
            self.assertEqual(custom["ChallengeName"], "CUSTOM_CHALLENGE")
        status, _, data = respond(EMULATOR, custom, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "nope"})
        self.assertEqual((status, data["__type"]), (400, "NotAuthorizedException"))

    def test_several_rounds(self):
        pool = pool_with()
        erin = next(u for u in pool["users"] if u["username"] == "erin")
        erin["customChallenge"] = {"requirePassword": True, "maxAttempts": 1, "rounds": [{"question": "1+1?", "answer": "2"}, {"question": "2+2?", "answer": "4"}]}
        with SpawnedEmulator(pool) as emulator:
            refused = emulator.call("InitiateAuth", {"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "erin"}})[2]
            self.assertEqual(refused["__type"], "NotAuthorizedException", "password first is required")
            srp = SrpSignIn("erin")
            challenge = emulator.ok("InitiateAuth", {"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "AuthParameters": dict(srp.auth_parameters(), CHALLENGE_NAME="SRP_A")})
            first = respond(emulator, challenge, "PASSWORD_VERIFIER", srp.answer(challenge["ChallengeParameters"]))[2]
            self.assertEqual(first["ChallengeParameters"]["question"], "1+1?")
            second = respond(emulator, first, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "2"})[2]
            self.assertEqual(second["ChallengeParameters"]["question"], "2+2?")
            self.assertIn("AuthenticationResult", respond(emulator, second, "CUSTOM_CHALLENGE", {"USERNAME": "erin", "ANSWER": "4"})[2])


class Devices(Base):
    def confirm(self, tokens):
        metadata = tokens["NewDeviceMetadata"]
        password, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
        confirmed = EMULATOR.ok("ConfirmDevice", {"AccessToken": tokens["AccessToken"], "DeviceKey": metadata["DeviceKey"], "DeviceName": "test", "DeviceSecretVerifierConfig": config})
        self.assertEqual(confirmed, {"UserConfirmationNecessary": False})
        return metadata, password

    def bob_tokens(self, extra=None):
        challenge, responses = start_srp(EMULATOR, "bob", extra=extra)
        step = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        if step.get("ChallengeName") == "SMS_MFA":
            step = respond(EMULATOR, step, "SMS_MFA", {"USERNAME": "bob", "SMS_MFA_CODE": TEST_CODE})[2]
        return step

    def test_a_remembered_device_replaces_mfa_with_device_srp(self):
        metadata, device_password = self.confirm(self.bob_tokens()["AuthenticationResult"])
        key, group = metadata["DeviceKey"], metadata["DeviceGroupKey"]
        challenge, responses = start_srp(EMULATOR, "bob", extra={"DEVICE_KEY": key})
        device = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        self.assertEqual(device["ChallengeName"], "DEVICE_SRP_AUTH")
        helper = AWSSRP("bob", PASSWORD, POOL_ID, CLIENT, client=object(), device_key=key, device_group_key=group, device_password=device_password)
        verifier = respond(EMULATOR, device, "DEVICE_SRP_AUTH", {"USERNAME": "bob", "DEVICE_KEY": key, "SRP_A": format(helper.large_a_value, "x")})[2]
        self.assertEqual(verifier["ChallengeName"], "DEVICE_PASSWORD_VERIFIER")
        answer = helper.process_device_challenge(verifier["ChallengeParameters"])
        result = respond(EMULATOR, verifier, "DEVICE_PASSWORD_VERIFIER", answer)[2]["AuthenticationResult"]
        self.assertNotIn("NewDeviceMetadata", result)
        self.assertEqual(jwt_claims(result["AccessToken"])["device_key"], key)
        self.assertEqual(EMULATOR.log()[-1]["triggers"][0]["triggerSource"], "TokenGeneration_AuthenticateDevice")

    def test_a_wrong_device_password_fails(self):
        metadata, _ = self.confirm(self.bob_tokens()["AuthenticationResult"])
        key, group = metadata["DeviceKey"], metadata["DeviceGroupKey"]
        challenge, responses = start_srp(EMULATOR, "bob", extra={"DEVICE_KEY": key})
        device = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]
        helper = AWSSRP("bob", PASSWORD, POOL_ID, CLIENT, client=object(), device_key=key, device_group_key=group, device_password="wrong")
        verifier = respond(EMULATOR, device, "DEVICE_SRP_AUTH", {"USERNAME": "bob", "DEVICE_KEY": key, "SRP_A": format(helper.large_a_value, "x")})[2]
        status, _, data = respond(EMULATOR, verifier, "DEVICE_PASSWORD_VERIFIER", helper.process_device_challenge(verifier["ChallengeParameters"]))
        self.assertEqual(data["__type"], "NotAuthorizedException")

    def test_a_forgotten_device_is_reported_and_the_session_survives(self):
        tokens = self.bob_tokens()["AuthenticationResult"]
        metadata, _ = self.confirm(tokens)
        EMULATOR.ok("ForgetDevice", {"AccessToken": tokens["AccessToken"], "DeviceKey": metadata["DeviceKey"]})
        challenge, responses = start_srp(EMULATOR, "bob")
        stale = dict(responses, DEVICE_KEY=metadata["DeviceKey"])
        status, _, data = respond(EMULATOR, challenge, "PASSWORD_VERIFIER", stale)
        self.assertEqual((data["__type"], data["message"]), ("ResourceNotFoundException", "Device does not exist."))
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]["ChallengeName"], "SMS_MFA")

    def test_not_remembered_devices_do_not_skip_mfa(self):
        tokens = self.bob_tokens()["AuthenticationResult"]
        metadata, _ = self.confirm(tokens)
        EMULATOR.ok("UpdateDeviceStatus", {"AccessToken": tokens["AccessToken"], "DeviceKey": metadata["DeviceKey"], "DeviceRememberedStatus": "not_remembered"})
        challenge, responses = start_srp(EMULATOR, "bob", extra={"DEVICE_KEY": metadata["DeviceKey"]})
        self.assertEqual(respond(EMULATOR, challenge, "PASSWORD_VERIFIER", responses)[2]["ChallengeName"], "SMS_MFA")


class Tokens(Base):
    def test_jwts_verify_against_the_jwks(self):
        tokens = sign_in(EMULATOR, "alice")
        self.assertEqual((tokens["ExpiresIn"], tokens["TokenType"]), (3600, "Bearer"))
        keys = {k["kid"]: k for k in EMULATOR.jwks()["keys"]}
        issuer = f"{EMULATOR.url}/{POOL_ID}"
        for token, use in [(tokens["AccessToken"], "access"), (tokens["IdToken"], "id")]:
            kid = jwt.get_unverified_header(token)["kid"]
            key = jwt.PyJWK(keys[kid]).key
            claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=CLIENT if use == "id" else None, options={"verify_aud": use == "id"})
            self.assertEqual(claims["token_use"], use)
            for claim in ["sub", "iss", "exp", "iat", "auth_time", "origin_jti", "jti", "event_id"]:
                self.assertIn(claim, claims)
            self.assertEqual(claims["cognito:username" if use == "id" else "username"], "alice")
        self.assertEqual(jwt_claims(tokens["AccessToken"])["client_id"], CLIENT)

    def test_revoke_token_ends_refresh_and_access(self):
        tokens = sign_in(EMULATOR, "alice")
        EMULATOR.ok("GetUser", {"AccessToken": tokens["AccessToken"]})
        self.assertEqual(EMULATOR.error("RevokeToken", {"Token": tokens["AccessToken"], "ClientId": CLIENT}), "UnsupportedTokenTypeException")
        EMULATOR.ok("RevokeToken", {"Token": tokens["RefreshToken"], "ClientId": CLIENT})
        self.assertEqual(EMULATOR.error("GetUser", {"AccessToken": tokens["AccessToken"]}), "NotAuthorizedException")
        refresh = {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}
        self.assertEqual(EMULATOR.error("InitiateAuth", refresh), "NotAuthorizedException")

    def test_get_tokens_from_refresh_token(self):
        tokens = sign_in(EMULATOR, "alice")
        body = {"RefreshToken": tokens["RefreshToken"], "ClientId": CLIENT, "ClientMetadata": {"call": "refresh"}}
        result = EMULATOR.ok("GetTokensFromRefreshToken", body)["AuthenticationResult"]
        self.assertNotIn("RefreshToken", result)
        self.assertEqual(jwt_claims(result["AccessToken"])["origin_jti"], jwt_claims(tokens["AccessToken"])["origin_jti"])
        self.assertEqual(triggers_of(EMULATOR.log()[-1]), {"PreTokenGeneration": ({"call": "refresh"}, None)})
        self.assertEqual(EMULATOR.error("GetTokensFromRefreshToken", dict(body, RefreshToken="nope")), "NotAuthorizedException")

    def test_get_user(self):
        tokens = sign_in(EMULATOR, "alice")
        user = EMULATOR.ok("GetUser", {"AccessToken": tokens["AccessToken"]})
        self.assertEqual(user["Username"], "alice")
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        self.assertEqual(attributes["email"], "alice@example.com")
        self.assertEqual(attributes["sub"], jwt_claims(tokens["IdToken"])["sub"])

    def test_short_lived_access_tokens(self):
        pool = pool_with()
        for client in pool["clients"]:
            client["accessTokenValiditySeconds"] = 1
        with SpawnedEmulator(pool) as emulator:
            tokens = emulator.ok("InitiateAuth", password_auth("alice"))["AuthenticationResult"]
            self.assertEqual(tokens["ExpiresIn"], 1)
            time.sleep(2.1)
            status, _, data = emulator.call("GetUser", {"AccessToken": tokens["AccessToken"]})
            self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Access Token has expired"))
            refreshed = emulator.ok("InitiateAuth", {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}})
            emulator.ok("GetUser", {"AccessToken": refreshed["AuthenticationResult"]["AccessToken"]})


class SignUp(Base):
    def test_sign_up_confirm_then_sign_in(self):
        attributes = [{"Name": "email", "Value": "zoe@example.com"}]
        body = {"ClientId": CLIENT, "Username": "zoe", "Password": "Zoe-Passw0rd!", "UserAttributes": attributes, "ClientMetadata": {"call": "signup"}}
        created = EMULATOR.ok("SignUp", body)
        self.assertEqual((created["UserConfirmed"], created["CodeDeliveryDetails"]["DeliveryMedium"]), (False, "EMAIL"))
        self.assertEqual(EMULATOR.error("SignUp", body), "UsernameExistsException")
        self.assertEqual(EMULATOR.error("InitiateAuth", password_auth("zoe", "Zoe-Passw0rd!")), "UserNotConfirmedException")
        delivery = EMULATOR.deliveries()[-1]
        self.assertEqual((delivery["username"], delivery["purpose"]), ("zoe", "SIGN_UP"))
        EMULATOR.ok("ConfirmSignUp", {"ClientId": CLIENT, "Username": "zoe", "ConfirmationCode": delivery["code"]})
        tokens = sign_in(EMULATOR, "zoe", "Zoe-Passw0rd!")
        self.assertEqual(jwt_claims(tokens["IdToken"])["sub"], created["UserSub"])

    def test_resend_confirmation_code(self):
        EMULATOR.ok("SignUp", {"ClientId": CLIENT, "Username": "zoe", "Password": "Zoe-Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "zoe@example.com"}]})
        resent = EMULATOR.ok("ResendConfirmationCode", {"ClientId": CLIENT, "Username": "zoe"})
        self.assertEqual(resent["CodeDeliveryDetails"]["Destination"], "z***@e***.com")
        self.assertEqual([d["purpose"] for d in EMULATOR.deliveries()], ["SIGN_UP", "SIGN_UP"])
        self.assertEqual(EMULATOR.error("ResendConfirmationCode", {"ClientId": CLIENT, "Username": "alice"}), "InvalidParameterException")

    def test_password_policy_and_required_attributes(self):
        weak = {"ClientId": CLIENT, "Username": "yann", "Password": "password", "UserAttributes": [{"Name": "email", "Value": "y@example.com"}]}
        self.assertEqual(EMULATOR.error("SignUp", weak), "InvalidPasswordException")
        no_email = {"ClientId": CLIENT, "Username": "yann", "Password": "Yann-Passw0rd!"}
        self.assertEqual(EMULATOR.error("SignUp", no_email), "InvalidParameterException")

    def test_reset_restores_the_configured_pool(self):
        EMULATOR.ok("SignUp", {"ClientId": CLIENT, "Username": "zoe", "Password": "Zoe-Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "zoe@example.com"}]})
        EMULATOR.reset()
        self.assertEqual((EMULATOR.log(), EMULATOR.deliveries()), ([], []))
        self.assertEqual(EMULATOR.error("InitiateAuth", password_auth("zoe", "Zoe-Passw0rd!")), "NotAuthorizedException")


if __name__ == "__main__":
    unittest.main()
