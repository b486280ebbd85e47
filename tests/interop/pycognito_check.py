"""Checks what examples/interop.rs computed against pycognito 2024.5.1 (`pycognito.aws_srp`).

pycognito runs its own code on each case: `AWSSRP.authenticate_user` against a scripted
Cognito (standing in for the boto3 client) for user cases, and `generate_hash_device` then
`AWSSRP.process_device_challenge` for device cases. Only its randomness (`os.urandom`, fed the
case's bytes) and its clock (`datetime.utcnow`, set to the case's time) are replaced; the key it
derives is observed by wrapping the method that returns it.

    python pycognito_check.py CASES OURS      (both JSON lines, one per case, in the same order)

Prints each failing case and field (never a value), then `pycognito: N passed, M failed`.
"""

import datetime
import json
import sys
import types

from pycognito import aws_srp

USER_FIELDS = ("srp_a", "u", "key", "timestamp", "signature")
DEVICE_FIELDS = USER_FIELDS + ("device_password", "device_salt", "device_verifier")
CLIENT_ID = "interopclientid"


class ScriptedRandom:
    """Stands in for `os` inside aws_srp: `urandom` hands out the queued byte strings in order."""

    def __init__(self):
        self.queue = []

    def urandom(self, size):
        chunk = self.queue.pop(0)
        if len(chunk) != size:
            raise AssertionError(f"asked for {size} random bytes, the case has {len(chunk)}")
        return chunk


class FrozenClock(datetime.datetime):
    """Stands in for `datetime.datetime` inside aws_srp: `utcnow` is the case's signing time."""

    now = None

    @classmethod
    def utcnow(cls):
        return cls.now


class ScriptedCognito:
    """Stands in for the boto3 client: answers InitiateAuth with the given PASSWORD_VERIFIER
    challenge and anything else with tokens, and keeps the requests."""

    def __init__(self, challenge):
        self.challenge = challenge
        self.requests = []

    def initiate_auth(self, **request):
        self.requests.append(request)
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": self.challenge}

    def respond_to_auth_challenge(self, **request):
        self.requests.append(request)
        return {"AuthenticationResult": {}}


RANDOM = ScriptedRandom()
aws_srp.os = types.SimpleNamespace(urandom=RANDOM.urandom)
aws_srp.datetime = types.SimpleNamespace(datetime=FrozenClock)


def observe(srp, method_name):
    """Wraps `srp.method_name`; the dict returned keeps what it returns (the HKDF key)."""
    method = getattr(srp, method_name)
    seen = {}

    def wrapper(*args):
        seen["key"] = method(*args)
        return seen["key"]

    setattr(srp, method_name, wrapper)
    return seen


def challenge(case, ours, username):
    """The challenge parameters our simulated server sends: its SALT and SRP_B."""
    return {
        "SALT": ours["salt"],
        "SRP_B": ours["srp_b"],
        "SECRET_BLOCK": case["secret_block"],
        "USER_ID_FOR_SRP": username,
        "USERNAME": username,
    }


def scrambler(srp, ours):
    return f"{aws_srp.calculate_u(srp.large_a_value, int(ours['srp_b'], 16)):064x}"


def user_case(case, ours):
    RANDOM.queue = [bytes.fromhex(case["a"])]
    cognito = ScriptedCognito(challenge(case, ours, case["user_id"]))
    srp = aws_srp.AWSSRP(
        username=case["user_id"],
        password=case["password"],
        pool_id=f"us-east-1_{case['realm']}",
        client_id=CLIENT_ID,
        client=cognito,
    )
    seen = observe(srp, "get_password_authentication_key")
    srp.authenticate_user()
    initiate, respond = cognito.requests
    return {
        "srp_a": initiate["AuthParameters"]["SRP_A"],
        "u": scrambler(srp, ours),
        "key": seen["key"].hex(),
        "timestamp": respond["ChallengeResponses"]["TIMESTAMP"],
        "signature": respond["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
    }


def device_case(case, ours):
    group_key, device_key = case["device_group_key"], case["device_key"]
    RANDOM.queue = [bytes.fromhex(case["password_random"]), bytes.fromhex(case["salt_random"])]
    device_password, verifier_config = aws_srp.generate_hash_device(group_key, device_key)
    RANDOM.queue = [bytes.fromhex(case["a"])]
    srp = aws_srp.AWSSRP(
        username="device-owner",
        password="not used by device SRP",
        pool_id="us-east-1_interop",
        client_id=CLIENT_ID,
        client=ScriptedCognito({}),
        device_key=device_key,
        device_group_key=group_key,
        device_password=device_password,
    )
    seen = observe(srp, "get_device_authentication_key")
    response = srp.process_device_challenge(challenge(case, ours, "device-owner"))
    return {
        "device_password": device_password,
        "device_salt": verifier_config["Salt"],
        "device_verifier": verifier_config["PasswordVerifier"],
        # What authenticate_user sends as DEVICE_SRP_AUTH's SRP_A (it reuses the user's a).
        "srp_a": srp.get_auth_params()["SRP_A"],
        "u": scrambler(srp, ours),
        "key": seen["key"].hex(),
        "timestamp": response["TIMESTAMP"],
        "signature": response["PASSWORD_CLAIM_SIGNATURE"],
    }


def problems(case, ours):
    """What differs between pycognito and us for one case (empty when it passes)."""
    if case["id"] != ours.get("id"):
        return [f"our output is for case {ours.get('id')}"]
    signing_time = datetime.datetime.fromtimestamp(case["unix"], datetime.UTC)
    FrozenClock.now = signing_time.replace(tzinfo=None)
    try:
        if case["kind"] == "user":
            theirs, fields = user_case(case, ours), USER_FIELDS
        else:
            theirs, fields = device_case(case, ours), DEVICE_FIELDS
    except Exception as error:  # a peer crash fails the case, with its type and message
        return [f"pycognito raised {type(error).__name__}: {error}"]
    found = [f"{field} differs" for field in fields if theirs[field] != ours.get(field)]
    if RANDOM.queue:
        found.append("pycognito did not use the case's random bytes")
    if ours.get("server_accepts") is not True:
        found.append("our simulated server rejects the claim")
    return found


def read_lines(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main():
    cases, ours = (read_lines(path) for path in sys.argv[1:3])
    if len(ours) != len(cases):
        print(f"pycognito: {len(cases)} cases but {len(ours)} outputs of ours")
    passed = failed = 0
    for index, case in enumerate(cases):
        found = problems(case, ours[index]) if index < len(ours) else ["no output of ours"]
        for problem in found:
            print(f"pycognito: case {case['id']} ({case['kind']}): {problem}")
        if found:
            failed += 1
        else:
            passed += 1
    print(f"pycognito: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
