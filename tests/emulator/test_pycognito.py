"""pycognito 2024.5.1 (nobody here wrote it) signs in against the emulator: its SRP, its
SECRET_HASH, and its JWT verification through the emulator's JWKS."""

import concurrent.futures
import unittest

import boto3
from botocore.config import Config
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP, generate_hash_device
from pycognito.exceptions import (
    ForceChangePasswordException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)

from helpers import (
    CLIENT,
    CLIENT_SECRET,
    EMULATOR,
    PASSWORD,
    POOL_ID,
    SECRET_CLIENT,
    URL,
    jwt_claims,
    totp,
    triggers_of,
    user_config,
)

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def cognito(username, client_id=CLIENT, client_secret=None):
    return Cognito(
        POOL_ID,
        client_id,
        username=username,
        client_secret=client_secret,
        botocore_config=NO_RETRIES,
        boto3_client_kwargs={
            "endpoint_url": URL,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        },
    )


def error_code(exception):
    return exception.response["Error"]["Code"]


class PycognitoTest(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()

    def test_srp_sign_in_with_the_right_password(self):
        user = cognito("alice")
        user.authenticate(PASSWORD)
        # pycognito verified both tokens against /<pool>/.well-known/jwks.json.
        self.assertEqual(user.access_claims["username"], "alice")
        self.assertEqual(user.id_claims["email"], "alice@example.com")
        self.assertEqual(user.id_claims["aud"], CLIENT)
        self.assertTrue(user.refresh_token)

    def test_srp_sign_in_with_a_wrong_password_fails(self):
        with self.assertRaises(Exception) as caught:
            cognito("alice").authenticate("Wr0ng-Passw0rd!")
        self.assertEqual(error_code(caught.exception), "NotAuthorizedException")
        self.assertEqual(caught.exception.response["Error"]["Message"], "Incorrect username or password.")

    def test_the_secret_client_checks_secret_hash(self):
        user = cognito("alice", SECRET_CLIENT, CLIENT_SECRET)
        user.authenticate(PASSWORD)
        self.assertEqual(user.access_claims["client_id"], SECRET_CLIENT)
        user.renew_access_token()
        with self.assertRaises(Exception) as caught:
            cognito("alice", SECRET_CLIENT, "not-the-secret").authenticate(PASSWORD)
        self.assertEqual(error_code(caught.exception), "NotAuthorizedException")
        self.assertIn("Unable to verify secret hash", caught.exception.response["Error"]["Message"])

    def test_sms_mfa_wrong_code_then_right_code_in_the_same_flow(self):
        user = cognito("bob")
        with self.assertRaises(SMSMFAChallengeException):
            user.authenticate(PASSWORD)
        delivery = EMULATOR.deliveries()[-1]
        self.assertEqual((delivery["username"], delivery["medium"], delivery["purpose"]), ("bob", "SMS", "MFA"))
        self.assertEqual(delivery["destination"], "+*******1234")
        wrong = "000000" if delivery["code"] != "000000" else "111111"
        with self.assertRaises(Exception) as caught:
            user.respond_to_sms_mfa_challenge(wrong)
        self.assertEqual(error_code(caught.exception), "CodeMismatchException")
        user.respond_to_sms_mfa_challenge(delivery["code"])
        self.assertEqual(user.access_claims["username"], "bob")

    def test_totp_mfa(self):
        user = cognito("carol")
        with self.assertRaises(SoftwareTokenMFAChallengeException):
            user.authenticate(PASSWORD)
        user.respond_to_software_token_mfa_challenge(totp(user_config("carol")["totpSecret"]))
        self.assertEqual(user.access_claims["username"], "carol")

    def test_new_password_required(self):
        user = cognito("dave")
        with self.assertRaises(ForceChangePasswordException):
            user.authenticate("TempPassw0rd!")
        user.new_password_challenge("TempPassw0rd!", "N3w-Passw0rd!")
        self.assertEqual(user.access_claims["username"], "dave")
        again = cognito("dave")
        again.authenticate("N3w-Passw0rd!")
        self.assertEqual(again.access_claims["username"], "dave")

    def test_refresh_keeps_the_token_family(self):
        user = cognito("alice")
        user.authenticate(PASSWORD)
        first = user.access_claims
        user.renew_access_token()
        self.assertEqual(user.access_claims["origin_jti"], first["origin_jti"])
        self.assertNotEqual(user.access_claims["jti"], first["jti"])

    def test_global_sign_out_rejects_the_access_token(self):
        user = cognito("alice")
        user.authenticate(PASSWORD)
        user.client.get_user(AccessToken=user.access_token)
        token, refresh = user.access_token, user.refresh_token
        user.logout()
        with self.assertRaises(Exception) as caught:
            user.client.get_user(AccessToken=token)
        self.assertEqual(error_code(caught.exception), "NotAuthorizedException")
        user.refresh_token = refresh
        with self.assertRaises(Exception) as caught:
            user.renew_access_token()
        self.assertEqual(error_code(caught.exception), "NotAuthorizedException")

    def test_forgot_password_then_confirm(self):
        user = cognito("alice")
        user.initiate_forgot_password()
        delivery = EMULATOR.deliveries()[-1]
        self.assertEqual((delivery["medium"], delivery["purpose"]), ("EMAIL", "FORGOT_PASSWORD"))
        self.assertEqual(delivery["destination"], "a***@e***.com")
        with self.assertRaises(Exception) as caught:
            user.confirm_forgot_password("999999" if delivery["code"] != "999999" else "888888", "Fr3sh-Passw0rd!")
        self.assertEqual(error_code(caught.exception), "CodeMismatchException")
        user.confirm_forgot_password(delivery["code"], "Fr3sh-Passw0rd!")
        with self.assertRaises(Exception):
            cognito("alice").authenticate(PASSWORD)
        cognito("alice").authenticate("Fr3sh-Passw0rd!")

    def test_client_metadata_on_password_verifier_reaches_post_auth_and_pre_token(self):
        cognito("alice").authenticate(PASSWORD, client_metadata={"from": "pycognito"})
        initiate, verifier = EMULATOR.log()[-2:]
        self.assertEqual(initiate["operation"], "InitiateAuth")
        self.assertEqual(triggers_of(initiate), {"PreAuthentication": (None, None)})
        self.assertEqual(verifier["challengeName"], "PASSWORD_VERIFIER")
        self.assertEqual(verifier["outcome"], "tokens")
        self.assertEqual(
            triggers_of(verifier),
            {
                "PreTokenGeneration": ({"from": "pycognito"}, None),
                "PostAuthentication": ({"from": "pycognito"}, None),
            },
        )

    def test_remembered_device_through_pycognito_device_srp(self):
        client = cognito("bob").client
        with self.assertRaises(SMSMFAChallengeException) as caught:
            AWSSRP("bob", PASSWORD, POOL_ID, CLIENT, client=client).authenticate_user()
        session = caught.exception.get_tokens()["Session"]
        tokens = client.respond_to_auth_challenge(
            ClientId=CLIENT,
            ChallengeName="SMS_MFA",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "SMS_MFA_CODE": EMULATOR.deliveries()[-1]["code"]},
        )["AuthenticationResult"]
        device = tokens["NewDeviceMetadata"]
        device_password, verifier = generate_hash_device(device["DeviceGroupKey"], device["DeviceKey"])
        client.confirm_device(
            AccessToken=tokens["AccessToken"],
            DeviceKey=device["DeviceKey"],
            DeviceSecretVerifierConfig=verifier,
            DeviceName="pycognito",
        )
        remembered = AWSSRP(
            "bob",
            PASSWORD,
            POOL_ID,
            CLIENT,
            client=client,
            device_key=device["DeviceKey"],
            device_group_key=device["DeviceGroupKey"],
            device_password=device_password,
        )
        result = remembered.authenticate_user()["AuthenticationResult"]
        self.assertEqual(jwt_claims(result["AccessToken"])["device_key"], device["DeviceKey"])
        answered = [e["challengeName"] for e in EMULATOR.log()[-3:]]
        self.assertEqual(answered, ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"])

    def test_fifty_concurrent_sign_ins(self):
        users = [cognito("alice") for _ in range(50)]

        def sign_in(user):
            user.authenticate(PASSWORD)
            return jwt_claims(user.access_token)["username"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            names = list(pool.map(sign_in, users, timeout=300))
        self.assertEqual(names, ["alice"] * 50)
        tokens = [entry for entry in EMULATOR.log() if entry["outcome"] == "tokens"]
        self.assertEqual(len(tokens), 50)


if __name__ == "__main__":
    unittest.main()
