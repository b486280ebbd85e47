"""Passkeys against a software authenticator written here (authenticator.py): registration
(StartWebAuthnRegistration / CompleteWebAuthnRegistration), listing, deletion and the WEB_AUTHN
sign-in, each with the tampered variant the emulator must refuse."""

import json
import unittest

from authenticator import UP, UV, AT, SoftwareAuthenticator, b64url, unb64url
from helpers import (
    CLIENT,
    EMULATOR,
    SECRET_CLIENT,
    SpawnedEmulator,
    advance_clock,
    jwt_claims,
    password_tokens,
    pool_with,
    respond,
    secret_hash,
    user_auth,
)


def start(emulator, access_token):
    return emulator.ok("StartWebAuthnRegistration", {"AccessToken": access_token})["CredentialCreationOptions"]


def complete(emulator, access_token, credential):
    return emulator.call("CompleteWebAuthnRegistration", {"AccessToken": access_token, "Credential": credential})


def register(emulator, access_token, authenticator=None, **options):
    authenticator = authenticator or SoftwareAuthenticator()
    status, _, data = complete(emulator, access_token, authenticator.register(start(emulator, access_token), **options))
    assert status == 200 and data == {}, data
    return authenticator


def web_authn_challenge(emulator, username="kim", client_id=CLIENT):
    step = emulator.ok("InitiateAuth", user_auth(username, client_id=client_id, PREFERRED_CHALLENGE="WEB_AUTHN"))
    assert step["ChallengeName"] == "WEB_AUTHN", step
    return step, json.loads(step["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def answer(emulator, step, credential, username="kim", metadata=None, client_id=CLIENT, extra=None):
    responses = {"USERNAME": username, "CREDENTIAL": json.dumps(credential)}
    responses.update(extra or {})
    return respond(emulator, step, "WEB_AUTHN", responses, metadata, client_id)


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()
        self.tokens = password_tokens(EMULATOR, "kim")
        self.access = self.tokens["AccessToken"]


class Registration(Base):
    def test_creation_options(self):
        options = start(EMULATOR, self.access)
        self.assertEqual(options["rp"], {"id": "localhost", "name": "localhost"})
        self.assertEqual(options["user"]["name"], "kim")
        self.assertEqual(unb64url(options["user"]["id"]).decode(), jwt_claims(self.access)["sub"])
        self.assertEqual(len(unb64url(options["challenge"])), 32)
        self.assertNotIn("=", options["challenge"])
        self.assertEqual([p["alg"] for p in options["pubKeyCredParams"]], [-7, -257])
        self.assertEqual(options["authenticatorSelection"]["residentKey"], "required")
        self.assertEqual(options["authenticatorSelection"]["userVerification"], "preferred")
        self.assertEqual(options["excludeCredentials"], [])
        self.assertIsInstance(options["timeout"], int)
        self.assertNotEqual(start(EMULATOR, self.access)["challenge"], options["challenge"])

    def test_register_list_and_exclude(self):
        authenticator = register(EMULATOR, self.access)
        listed = EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": self.access})
        self.assertNotIn("NextToken", listed)
        [credential] = listed["Credentials"]
        self.assertEqual(credential["CredentialId"], b64url(authenticator.credential_id))
        self.assertEqual(credential["RelyingPartyId"], "localhost")
        self.assertEqual(credential["AuthenticatorAttachment"], "platform")
        self.assertEqual(credential["AuthenticatorTransports"], ["internal"])
        self.assertIsInstance(credential["CreatedAt"], (int, float))
        self.assertTrue(credential["FriendlyCredentialName"])
        excluded = start(EMULATOR, self.access)["excludeCredentials"]
        self.assertEqual([c["id"] for c in excluded], [b64url(authenticator.credential_id)])
        self.assertEqual(excluded[0]["type"], "public-key")

    def test_packed_self_attestation_is_accepted(self):
        register(EMULATOR, self.access, fmt="packed")

    def test_refusals(self):
        cases = [
            ({"origin": "http://evil.example:8080"}, "WebAuthnOriginNotAllowedException"),
            ({"rp_id": "example.com"}, "WebAuthnRelyingPartyMismatchException"),
            ({"challenge": b64url(b"x" * 32)}, "WebAuthnChallengeNotFoundException"),
            ({"fmt": "fido-u2f"}, "WebAuthnCredentialNotSupportedException"),
            ({"flags": UV | AT}, "WebAuthnCredentialNotSupportedException"),
            ({"kind": "webauthn.get"}, "InvalidParameterException"),
        ]
        for tamper, expected in cases:
            options = start(EMULATOR, self.access)
            status, _, data = complete(EMULATOR, self.access, SoftwareAuthenticator().register(options, **tamper))
            self.assertEqual((status, data["__type"]), (400, expected), tamper)
        self.assertEqual(EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": self.access})["Credentials"], [])

    def test_only_es256(self):
        options = start(EMULATOR, self.access)
        status, _, data = complete(EMULATOR, self.access, SoftwareAuthenticator(alg=-257).register(options))
        self.assertEqual(data["__type"], "WebAuthnCredentialNotSupportedException")
        self.assertIn("-257", data["message"])

    def test_challenges_are_single_use_and_expire(self):
        authenticator = SoftwareAuthenticator()
        credential = authenticator.register(start(EMULATOR, self.access))
        self.assertEqual(complete(EMULATOR, self.access, credential)[0], 200)
        self.assertEqual(complete(EMULATOR, self.access, credential)[2]["__type"], "WebAuthnChallengeNotFoundException")
        late = SoftwareAuthenticator().register(start(EMULATOR, self.access))
        advance_clock(EMULATOR, 600)
        self.assertEqual(complete(EMULATOR, self.access, late)[2]["__type"], "WebAuthnChallengeNotFoundException")

    def test_a_newer_start_replaces_the_challenge(self):
        first = SoftwareAuthenticator().register(start(EMULATOR, self.access))
        start(EMULATOR, self.access)
        self.assertEqual(complete(EMULATOR, self.access, first)[2]["__type"], "WebAuthnChallengeNotFoundException")

    def test_the_challenge_is_bound_to_the_app_client(self):
        options = start(EMULATOR, self.access)
        other = password_tokens(EMULATOR, "kim", client_id=SECRET_CLIENT)["AccessToken"]
        status, _, data = complete(EMULATOR, other, SoftwareAuthenticator().register(options))
        self.assertEqual(data["__type"], "WebAuthnClientMismatchException")

    def test_malformed_credentials(self):
        start(EMULATOR, self.access)
        for credential in [{"type": "public-key"}, {"type": "public-key", "response": {"clientDataJSON": "!!", "attestationObject": "AA"}}, "text", {"type": "other", "response": {}}]:
            status, _, data = complete(EMULATOR, self.access, credential)
            self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"), credential)
        self.assertEqual(EMULATOR.error("CompleteWebAuthnRegistration", {"AccessToken": self.access}), "InvalidParameterException")

    def test_access_token_only(self):
        for operation in ["StartWebAuthnRegistration", "ListWebAuthnCredentials"]:
            self.assertEqual(EMULATOR.error(operation, {"AccessToken": "not-a-token"}), "NotAuthorizedException")
        EMULATOR.ok("GlobalSignOut", {"AccessToken": self.access})
        self.assertEqual(EMULATOR.error("StartWebAuthnRegistration", {"AccessToken": self.access}), "NotAuthorizedException")

    def test_pools_without_passkeys(self):
        not_enabled = pool_with(signInPolicy={"allowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]})
        missing = pool_with()
        missing.pop("webAuthn")
        for pool, expected in [(not_enabled, "WebAuthnNotEnabledException"), (missing, "WebAuthnConfigurationMissingException")]:
            with SpawnedEmulator(pool) as emulator:
                access = password_tokens(emulator, "kim")["AccessToken"]
                self.assertEqual(emulator.error("StartWebAuthnRegistration", {"AccessToken": access}), expected)

    def test_user_verification_required(self):
        pool = pool_with(webAuthn={"relyingPartyId": "localhost", "userVerification": "required"})
        with SpawnedEmulator(pool) as emulator:
            access = password_tokens(emulator, "kim")["AccessToken"]
            options = start(emulator, access)
            self.assertEqual(options["authenticatorSelection"]["userVerification"], "required")
            status, _, data = complete(emulator, access, SoftwareAuthenticator().register(options, flags=UP | AT))
            self.assertEqual(data["__type"], "WebAuthnCredentialNotSupportedException")
            authenticator = register(emulator, access)
            step, options = web_authn_challenge(emulator)
            self.assertEqual(options["userVerification"], "required")
            data = answer(emulator, step, authenticator.assertion(options, flags=UP))[2]
            self.assertEqual(data["__type"], "NotAuthorizedException")

    def test_allowed_origins(self):
        pool = pool_with(webAuthn={"relyingPartyId": "localhost", "allowedOrigins": ["http://127.0.0.1:9000"]})
        with SpawnedEmulator(pool) as emulator:
            access = password_tokens(emulator, "kim")["AccessToken"]
            status, _, data = complete(emulator, access, SoftwareAuthenticator().register(start(emulator, access)))
            self.assertEqual(data["__type"], "WebAuthnOriginNotAllowedException")
            register(emulator, access, origin="http://127.0.0.1:9000")


class Management(Base):
    def test_pagination(self):
        ids = [b64url(register(EMULATOR, self.access).credential_id) for _ in range(3)]
        first = EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": self.access, "MaxResults": 2})
        self.assertEqual([c["CredentialId"] for c in first["Credentials"]], ids[:2])
        second = EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": self.access, "MaxResults": 2, "NextToken": first["NextToken"]})
        self.assertEqual([c["CredentialId"] for c in second["Credentials"]], ids[2:])
        self.assertNotIn("NextToken", second)
        self.assertEqual(EMULATOR.error("ListWebAuthnCredentials", {"AccessToken": self.access, "MaxResults": 21}), "InvalidParameterException")
        self.assertEqual(EMULATOR.error("ListWebAuthnCredentials", {"AccessToken": self.access, "NextToken": "bogus"}), "InvalidParameterException")

    def test_delete(self):
        authenticator = register(EMULATOR, self.access)
        credential_id = b64url(authenticator.credential_id)
        self.assertEqual(EMULATOR.error("DeleteWebAuthnCredential", {"AccessToken": self.access, "CredentialId": "AAAA"}), "ResourceNotFoundException")
        self.assertEqual(EMULATOR.ok("DeleteWebAuthnCredential", {"AccessToken": self.access, "CredentialId": credential_id}), {})
        self.assertEqual(EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": self.access})["Credentials"], [])
        self.assertEqual(EMULATOR.error("DeleteWebAuthnCredential", {"AccessToken": self.access, "CredentialId": credential_id}), "ResourceNotFoundException")
        step = EMULATOR.ok("InitiateAuth", user_auth("kim", PREFERRED_CHALLENGE="WEB_AUTHN"))
        self.assertEqual(step["ChallengeName"], "SELECT_CHALLENGE")
        self.assertNotIn("WEB_AUTHN", step["AvailableChallenges"])

    def test_at_most_twenty(self):
        for _ in range(20):
            register(EMULATOR, self.access)
        self.assertEqual(EMULATOR.error("StartWebAuthnRegistration", {"AccessToken": self.access}), "LimitExceededException")

    def test_reset_forgets_passkeys(self):
        register(EMULATOR, self.access)
        EMULATOR.reset()
        access = password_tokens(EMULATOR, "kim")["AccessToken"]
        self.assertEqual(EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": access})["Credentials"], [])


class SignIn(Base):
    def setUp(self):
        super().setUp()
        self.authenticator = register(EMULATOR, self.access)

    def test_sign_in_with_a_passkey(self):
        step = EMULATOR.ok("InitiateAuth", user_auth("kim"))
        self.assertEqual(step["AvailableChallenges"], ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"])
        challenge = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "kim", "ANSWER": "WEB_AUTHN"})[2]
        self.assertEqual(challenge["ChallengeName"], "WEB_AUTHN")
        options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
        self.assertEqual(options["rpId"], "localhost")
        self.assertEqual(options["userVerification"], "preferred")
        self.assertEqual(options["allowCredentials"], [{"id": b64url(self.authenticator.credential_id), "type": "public-key", "transports": ["internal"]}])
        self.assertEqual(len(unb64url(options["challenge"])), 32)
        self.assertNotIn("=", options["challenge"])
        status, _, result = answer(EMULATOR, challenge, self.authenticator.assertion(options), metadata={"call": "passkey"})
        self.assertEqual(status, 200, result)
        claims = jwt_claims(result["AuthenticationResult"]["AccessToken"])
        self.assertEqual(claims["username"], "kim")
        entry = EMULATOR.log()[-1]
        self.assertEqual((entry["challengeName"], entry["clientMetadata"], entry["outcome"]), ("WEB_AUTHN", {"call": "passkey"}, "tokens"))
        self.assertEqual({t["name"]: t["clientMetadata"] for t in entry["triggers"]}, {"PreTokenGeneration": {"call": "passkey"}, "PostAuthentication": {"call": "passkey"}})

    def test_tampered_assertions_fail(self):
        cases = [
            {"tamper": True},
            {"challenge": b64url(b"y" * 32)},
            {"origin": "https://evil.example"},
            {"rp_id": "example.com"},
            {"kind": "webauthn.create"},
            {"flags": UV},
        ]
        for tamper in cases:
            step, options = web_authn_challenge(EMULATOR)
            status, _, data = answer(EMULATOR, step, self.authenticator.assertion(options, **tamper))
            self.assertEqual(status, 400, tamper)
            self.assertIn(data["__type"], ("NotAuthorizedException", "InvalidParameterException"), tamper)
            if tamper != {"kind": "webauthn.create"}:
                self.assertEqual(data["__type"], "NotAuthorizedException", tamper)
        step, options = web_authn_challenge(EMULATOR)
        self.assertIn("AuthenticationResult", answer(EMULATOR, step, self.authenticator.assertion(options))[2])

    def test_a_challenge_is_used_once(self):
        step, options = web_authn_challenge(EMULATOR)
        credential = self.authenticator.assertion(options)
        self.assertEqual(answer(EMULATOR, step, credential)[0], 200)
        data = answer(EMULATOR, step, credential)[2]
        self.assertEqual(data["__type"], "NotAuthorizedException")
        fresh, _ = web_authn_challenge(EMULATOR)
        self.assertEqual(answer(EMULATOR, fresh, credential)[2]["__type"], "NotAuthorizedException", "an old assertion on a new challenge")

    def test_the_signature_counter_must_grow(self):
        step, options = web_authn_challenge(EMULATOR)
        self.assertEqual(answer(EMULATOR, step, self.authenticator.assertion(options, count_step=5))[0], 200)
        step, options = web_authn_challenge(EMULATOR)
        self.assertEqual(answer(EMULATOR, step, self.authenticator.assertion(options, count_step=-1))[2]["__type"], "NotAuthorizedException")

    def test_another_users_passkey_fails(self):
        stranger = SoftwareAuthenticator()
        stranger.credential_id = b"unregistered-id"
        step, options = web_authn_challenge(EMULATOR)
        self.assertEqual(answer(EMULATOR, step, stranger.assertion(options))[2]["__type"], "NotAuthorizedException")

    def test_a_malformed_credential_leaves_the_session_usable(self):
        step, options = web_authn_challenge(EMULATOR)
        status, _, data = respond(EMULATOR, step, "WEB_AUTHN", {"USERNAME": "kim", "CREDENTIAL": "{not json"})
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        self.assertEqual(respond(EMULATOR, step, "WEB_AUTHN", {"USERNAME": "kim"})[2]["__type"], "InvalidParameterException")
        self.assertEqual(answer(EMULATOR, step, self.authenticator.assertion(options))[0], 200)

    def test_secret_client(self):
        secret_access = password_tokens(EMULATOR, "kim", client_id=SECRET_CLIENT)["AccessToken"]
        self.assertEqual(len(EMULATOR.ok("ListWebAuthnCredentials", {"AccessToken": secret_access})["Credentials"]), 1)
        step, options = web_authn_challenge(EMULATOR, client_id=SECRET_CLIENT)
        credential = self.authenticator.assertion(options)
        self.assertEqual(answer(EMULATOR, step, credential, client_id=SECRET_CLIENT)[2]["__type"], "NotAuthorizedException")
        result = answer(EMULATOR, step, credential, client_id=SECRET_CLIENT, extra={"SECRET_HASH": secret_hash("kim")})[2]
        self.assertIn("AuthenticationResult", result)

    def test_select_challenge_with_a_credential_is_refused(self):
        step = EMULATOR.ok("InitiateAuth", user_auth("kim"))
        data = respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "kim", "ANSWER": "WEB_AUTHN", "CREDENTIAL": "{}"})[2]
        self.assertEqual(data["__type"], "InvalidParameterException")
        self.assertEqual(respond(EMULATOR, step, "SELECT_CHALLENGE", {"USERNAME": "kim", "ANSWER": "WEB_AUTHN"})[2]["ChallengeName"], "WEB_AUTHN")


if __name__ == "__main__":
    unittest.main()
