"""GetTokensFromRefreshToken on the wire: rotation with grace 0 (demo-rotating-client) and a
grace period (with the /__clock hook instead of sleeping), REFRESH_TOKEN_AUTH refused on a
rotating client, DeviceKey, revocation, expiry, secrets and injected faults."""

import http.client
import json
import unittest

from helpers import (
    CLIENT,
    CLIENT_SECRET,
    EMULATOR,
    SECRET_CLIENT,
    SpawnedEmulator,
    advance_clock,
    confirmed_device,
    jwt_claims,
    password_tokens,
    pool_with,
)

ROTATING = "demo-rotating-client"


def refresh(token, client_id=ROTATING, **extra):
    return dict({"RefreshToken": token, "ClientId": client_id}, **extra)


class Base(unittest.TestCase):
    def setUp(self):
        EMULATOR.reset()


class Rotation(Base):
    def test_each_refresh_rotates_and_the_old_token_is_refused_at_once(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        first = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
        self.assertNotEqual(first["RefreshToken"], tokens["RefreshToken"])
        self.assertEqual(jwt_claims(first["AccessToken"])["origin_jti"], jwt_claims(tokens["AccessToken"])["origin_jti"])
        self.assertEqual(jwt_claims(first["AccessToken"])["client_id"], ROTATING)
        status, _, data = EMULATOR.call("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))
        self.assertEqual((status, data["__type"]), (400, "RefreshTokenReuseException"))
        second = EMULATOR.ok("GetTokensFromRefreshToken", refresh(first["RefreshToken"]))["AuthenticationResult"]
        self.assertNotIn(second["RefreshToken"], (first["RefreshToken"], tokens["RefreshToken"]))
        EMULATOR.ok("GetUser", {"AccessToken": second["AccessToken"]})
        self.assertEqual(EMULATOR.log()[-3]["outcome"], "error:RefreshTokenReuseException")

    def test_refresh_token_auth_is_refused_on_a_rotating_client(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        body = {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": ROTATING, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}
        status, _, data = EMULATOR.call("InitiateAuth", body)
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        self.assertIn("GetTokensFromRefreshToken", data["message"])

    def test_a_grace_period(self):
        pool = pool_with()
        pool["clients"][2]["refreshTokenRotation"]["retryGracePeriodSeconds"] = 30
        with SpawnedEmulator(pool) as emulator:
            tokens = password_tokens(emulator, "alice", client_id=ROTATING)
            first = emulator.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
            advance_clock(emulator, 20)
            retry = emulator.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
            self.assertNotEqual(retry["RefreshToken"], first["RefreshToken"])
            advance_clock(emulator, 11)
            self.assertEqual(emulator.error("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"])), "RefreshTokenReuseException")
            emulator.ok("GetTokensFromRefreshToken", refresh(first["RefreshToken"]))

    def test_grace_is_at_most_sixty_seconds(self):
        pool = pool_with()
        pool["clients"][2]["refreshTokenRotation"]["retryGracePeriodSeconds"] = 61
        with self.assertRaises(RuntimeError):
            SpawnedEmulator(pool)

    def test_revoked_and_signed_out_families(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        rotated = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
        EMULATOR.ok("RevokeToken", {"Token": rotated["RefreshToken"], "ClientId": ROTATING})
        status, _, data = EMULATOR.call("GetTokensFromRefreshToken", refresh(rotated["RefreshToken"]))
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Refresh Token has been revoked"))
        other = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        EMULATOR.ok("GlobalSignOut", {"AccessToken": other["AccessToken"]})
        data = EMULATOR.call("GetTokensFromRefreshToken", refresh(other["RefreshToken"]))[2]
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Refresh Token has been revoked"))

    def test_rotated_tokens_live_the_clients_validity(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        advance_clock(EMULATOR, 29 * 86400)
        rotated = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
        advance_clock(EMULATOR, 2 * 86400)
        data = EMULATOR.call("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))[2]
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Refresh Token has expired"))
        EMULATOR.ok("GetTokensFromRefreshToken", refresh(rotated["RefreshToken"]))


class WithoutRotation(Base):
    def test_no_new_refresh_token(self):
        tokens = password_tokens(EMULATOR, "alice")
        for _ in range(2):
            result = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], CLIENT))["AuthenticationResult"]
            self.assertNotIn("RefreshToken", result)

    def test_expired_refresh_tokens(self):
        tokens = password_tokens(EMULATOR, "alice")
        advance_clock(EMULATOR, 30 * 86400 + 1)
        data = EMULATOR.call("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], CLIENT))[2]
        self.assertEqual((data["__type"], data["message"]), ("NotAuthorizedException", "Refresh Token has expired"))

    def test_client_secret_and_client(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=SECRET_CLIENT)
        self.assertEqual(EMULATOR.error("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], SECRET_CLIENT)), "NotAuthorizedException")
        EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], SECRET_CLIENT, ClientSecret=CLIENT_SECRET))
        self.assertEqual(EMULATOR.error("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], CLIENT)), "NotAuthorizedException")
        self.assertEqual(EMULATOR.error("GetTokensFromRefreshToken", {"ClientId": CLIENT}), "InvalidParameterException")


class DeviceKey(Base):
    def test_a_confirmed_device_key_is_kept(self):
        tokens = password_tokens(EMULATOR, "alice")
        device_key = confirmed_device(EMULATOR, tokens)
        result = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], CLIENT, DeviceKey=device_key))["AuthenticationResult"]
        self.assertEqual(jwt_claims(result["AccessToken"])["device_key"], device_key)
        self.assertNotIn("NewDeviceMetadata", result)

    def test_an_unknown_or_missing_device_key_gets_a_new_device(self):
        tokens = password_tokens(EMULATOR, "alice")
        bob_device = confirmed_device(EMULATOR, password_tokens(EMULATOR, "kim"))
        for extra in [{}, {"DeviceKey": "us-east-1_00000000-0000-4000-8000-000000000000"}, {"DeviceKey": bob_device}]:
            result = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"], CLIENT, **extra))["AuthenticationResult"]
            metadata = result["NewDeviceMetadata"]
            self.assertNotEqual(metadata["DeviceKey"], extra.get("DeviceKey"))
            self.assertEqual(jwt_claims(result["AccessToken"])["device_key"], metadata["DeviceKey"])

    def test_refresh_token_auth_keeps_the_familys_device(self):
        tokens = password_tokens(EMULATOR, "alice")
        body = {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}
        result = EMULATOR.ok("InitiateAuth", body)["AuthenticationResult"]
        self.assertNotIn("NewDeviceMetadata", result)
        self.assertEqual(jwt_claims(result["AccessToken"])["device_key"], tokens["NewDeviceMetadata"]["DeviceKey"])


class Faults(Base):
    def test_faults_apply_to_get_tokens_from_refresh_token(self):
        tokens = password_tokens(EMULATOR, "alice", client_id=ROTATING)
        for kind, expected in [("http500", (500, "InternalErrorException")), ("throttle", (400, "TooManyRequestsException"))]:
            EMULATOR.fault(operation="GetTokensFromRefreshToken", count=1, kind=kind)
            status, _, data = EMULATOR.call("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))
            self.assertEqual((status, data["__type"]), expected)
        EMULATOR.fault(operation="GetTokensFromRefreshToken", count=1, kind="drop")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError)):
            EMULATOR.call("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]), timeout=10)
        EMULATOR.fault(operation="GetTokensFromRefreshToken", count=1, kind="malformedJson")
        status, _, raw = EMULATOR.request("POST", "/", b"{}", {"X-Amz-Target": "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"})
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(raw)
        EMULATOR.fault(operation="GetTokensFromRefreshToken", count=1, kind="delay", delayMs=300)
        result = EMULATOR.ok("GetTokensFromRefreshToken", refresh(tokens["RefreshToken"]))["AuthenticationResult"]
        self.assertIn("RefreshToken", result, "faults before the delay did not use the token up")
        outcomes = [e["outcome"] for e in EMULATOR.log() if e["operation"] == "GetTokensFromRefreshToken"]
        self.assertEqual(outcomes, ["fault:http500", "fault:throttle", "fault:drop", "fault:malformedJson", "tokens"])


if __name__ == "__main__":
    unittest.main()
