"""Shared plumbing for the emulator suites: raw wire calls, the test hooks, SRP answers
computed with pycognito's own SRP code, TOTP codes, and extra emulator instances."""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import select
import struct
import subprocess
import tempfile
import time
import urllib.parse

from pycognito.aws_srp import AWSSRP, generate_hash_device

URL = os.environ["EMULATOR_URL"]
BINARY = os.environ["EMULATOR_BIN"]
DEMO_POOL_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "demo-pool.json")
with open(DEMO_POOL_FILE, encoding="utf-8") as f:
    DEMO_POOL = json.load(f)

POOL_ID = DEMO_POOL["userPoolId"]
CLIENT = "demo-client"
SECRET_CLIENT = "demo-secret-client"
CLIENT_SECRET = next(c["clientSecret"] for c in DEMO_POOL["clients"] if c["clientId"] == SECRET_CLIENT)
PASSWORD = "Passw0rd!"
TEST_CODE = DEMO_POOL["testCode"]
# How long a spawned emulator may take to print its address.
STARTUP_SECONDS = 30


def user_config(name):
    return next(u for u in DEMO_POOL["users"] if u["username"] == name)


class Emulator:
    """An emulator reached over HTTP at `url`."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.url = url
        self.host, self.port = parsed.hostname, parsed.port

    def request(self, method, path, body=b"", headers=None, timeout=30):
        """(status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def call(self, operation, body, headers=None, timeout=30):
        """A Cognito API call: (status, headers, parsed JSON body)."""
        all_headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        }
        all_headers.update(headers or {})
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, response_headers, data = self.request("POST", "/", raw, all_headers, timeout)
        return status, response_headers, json.loads(data) if data else None

    def ok(self, operation, body):
        status, _, data = self.call(operation, body)
        assert status == 200, f"{operation}: {status} {data}"
        return data

    def error(self, operation, body):
        """The `__type` of a call that must fail with HTTP 400."""
        status, headers, data = self.call(operation, body)
        assert status == 400, f"{operation}: expected an error, got {status} {data}"
        assert headers["x-amzn-errortype"] == data["__type"] + ":", headers
        assert isinstance(data.get("message"), str)
        return data["__type"]

    def hook(self, method, path, body=None):
        status, _, data = self.request(method, path, json.dumps(body).encode() if body is not None else b"")
        assert status == 200, f"{path}: {status} {data}"
        return json.loads(data)

    def reset(self):
        self.hook("POST", "/__reset", {})

    def log(self):
        return self.hook("GET", "/__log")["entries"]

    def deliveries(self):
        return self.hook("GET", "/__deliveries")["deliveries"]

    def fault(self, **spec):
        return self.hook("POST", "/__faults", spec)

    def jwks(self, pool_id=POOL_ID):
        return self.hook("GET", f"/{pool_id}/.well-known/jwks.json")


EMULATOR = Emulator(URL)


def pool_with(**changes):
    """A deep copy of the demo pool with top-level `changes`."""
    pool = json.loads(json.dumps(DEMO_POOL))
    pool.update(changes)
    return pool


class SpawnedEmulator(Emulator):
    """Another emulator process on a free port with the pool `config` (a dict); a context manager."""

    def __init__(self, config, *args):
        handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        with handle:
            json.dump(config, handle)
        self.config_path = handle.name
        self.process = subprocess.Popen(
            [BINARY, "--config", self.config_path, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("listening on "):
            self.process.kill()
            errors = self.process.stderr.read()
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r} {errors}")
        super().__init__(line.removeprefix("listening on "))

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()
        os.unlink(self.config_path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def secret_hash(username, client_id=SECRET_CLIENT, secret=CLIENT_SECRET):
    return AWSSRP.get_secret_hash(username, client_id, secret)


def timestamp(at=None):
    return AWSSRP.get_cognito_formatted_timestamp(at or datetime.datetime.utcnow())


class SrpSignIn:
    """The client side of USER_SRP_AUTH, computed by pycognito's AWSSRP helpers."""

    def __init__(self, username, password=PASSWORD, client_id=CLIENT, client_secret=None, pool_id=POOL_ID):
        self.aws = AWSSRP(username, password, pool_id, client_id, client=object(), client_secret=client_secret)
        self.pool_name = pool_id.split("_")[1]

    def auth_parameters(self):
        return self.aws.get_auth_params()

    def answer(self, challenge_parameters, at=None, tamper=False):
        """PASSWORD_VERIFIER ChallengeResponses signed for the time `at`."""
        user_id = challenge_parameters["USER_ID_FOR_SRP"]
        ts = timestamp(at)
        key = self.aws.get_password_authentication_key(
            user_id, self.aws.password, int(challenge_parameters["SRP_B"], 16), challenge_parameters["SALT"]
        )
        block = challenge_parameters["SECRET_BLOCK"]
        message = self.pool_name.encode() + user_id.encode() + base64.b64decode(block) + ts.encode()
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        if tamper:
            signature = ("A" if signature[0] != "A" else "B") + signature[1:]
        responses = {
            "USERNAME": challenge_parameters["USERNAME"],
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "TIMESTAMP": ts,
            "PASSWORD_CLAIM_SIGNATURE": signature,
        }
        if self.aws.client_secret:
            responses["SECRET_HASH"] = secret_hash(challenge_parameters["USERNAME"])
        return responses


def start_srp(emulator, username, password=PASSWORD, client_id=CLIENT, metadata=None, extra=None):
    """InitiateAuth USER_SRP_AUTH: (the PASSWORD_VERIFIER challenge, the ChallengeResponses answering it)."""
    srp = SrpSignIn(username, password, client_id)
    body = {"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": srp.auth_parameters()}
    body["AuthParameters"].update(extra or {})
    if metadata is not None:
        body["ClientMetadata"] = metadata
    challenge = emulator.ok("InitiateAuth", body)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER", challenge
    responses = srp.answer(challenge["ChallengeParameters"])
    responses.update(extra or {})
    return challenge, responses


def totp(secret_base32, at=None):
    """RFC 6238: HMAC-SHA1, 30 s steps, 6 digits."""
    padded = secret_base32.upper() + "=" * (-len(secret_base32) % 8)
    key = base64.b32decode(padded)
    counter = int((at if at is not None else time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def triggers_of(entry):
    """{trigger name: (clientMetadata, validationData)} of one log entry."""
    return {t["name"]: (t["clientMetadata"], t["validationData"]) for t in entry["triggers"]}


def respond(emulator, challenge, name, responses, metadata=None, client_id=CLIENT):
    """RespondToAuthChallenge on `challenge`'s Session: (status, headers, body)."""
    body = {"ClientId": client_id, "ChallengeName": name, "Session": challenge["Session"], "ChallengeResponses": responses}
    if metadata is not None:
        body["ClientMetadata"] = metadata
    return emulator.call("RespondToAuthChallenge", body)


def password_tokens(emulator, username, password=PASSWORD, client_id=CLIENT):
    """USER_PASSWORD_AUTH for a user without MFA: the AuthenticationResult."""
    body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id, "AuthParameters": {"USERNAME": username, "PASSWORD": password}}
    if client_id == SECRET_CLIENT:
        body["AuthParameters"]["SECRET_HASH"] = secret_hash(username)
    return emulator.ok("InitiateAuth", body)["AuthenticationResult"]


def user_auth(username, client_id=CLIENT, metadata=None, session=None, **parameters):
    """An InitiateAuth USER_AUTH body; keyword arguments become AuthParameters."""
    body = {"AuthFlow": "USER_AUTH", "ClientId": client_id, "AuthParameters": dict(USERNAME=username, **parameters)}
    if client_id == SECRET_CLIENT:
        body["AuthParameters"]["SECRET_HASH"] = secret_hash(username)
    if metadata is not None:
        body["ClientMetadata"] = metadata
    if session is not None:
        body["Session"] = session
    return body


def advance_clock(emulator, seconds):
    return emulator.hook("POST", "/__clock", {"advanceSeconds": seconds})


def confirmed_device(emulator, tokens, name="test device"):
    """ConfirmDevice for the NewDeviceMetadata of `tokens`: the DeviceKey."""
    metadata = tokens["NewDeviceMetadata"]
    _, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    body = {"AccessToken": tokens["AccessToken"], "DeviceKey": metadata["DeviceKey"], "DeviceName": name, "DeviceSecretVerifierConfig": config}
    emulator.ok("ConfirmDevice", body)
    return metadata["DeviceKey"]
