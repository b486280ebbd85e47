"""Seeded random SRP cases for the interop run, one JSON object per line on stdout.

Every case has a fresh client secret `a` and server secret `b` (128 random bytes, hex), a
SECRET_BLOCK (Base64) and a signing time (`unix`, seconds). A "user" case adds the pool name
(`realm`), USER_ID_FOR_SRP (`user_id`), a password and the SALT hex as a server sends it
(minimal: no leading zero digits, so sometimes odd-length). A "device" case adds the
NewDeviceMetadata keys and the 40 + 16 random bytes a client turns into a device password and
a ConfirmDevice salt. Salts rotate through the padHex edge cases: top bit set, leading zero
bytes, and a zero byte before a byte with its top bit set.

    python3 cases.py SEED USER_CASES DEVICE_CASES
"""

import base64
import json
import random
import string
import sys
import uuid

ALNUM = string.ascii_letters + string.digits
# ASCII, Latin-1 and BMP letters, symbols, and characters outside the BMP (UTF-16 surrogates).
PASSWORD_CHARS = ALNUM + string.punctuation + " äöüßÄÖÜéçñ€£§¿πΩж中文語한" + "😀🔐🎉𝄞"
NAME_CHARS = ALNUM + ".-_+@" + "äöüéñжπ中😀"
FIRST_UNIX = 946_684_800  # 2000-01-01
LAST_UNIX = 4_102_444_799  # 2099-12-31 23:59:59


def salt_bytes(rng: random.Random, n: int) -> bytes:
    """16 random bytes, steered by `n` through the shapes where padHex differs from plain hex."""
    raw = bytearray(rng.randbytes(16))
    shape = n % 4
    if shape == 0:  # top bit set: padHex prepends 00
        raw[0] |= 0x80
    elif shape == 1:  # one to three leading zero bytes, then a byte below 0x80
        zeros = rng.randint(1, 3)
        raw[:zeros] = bytes(zeros)
        raw[zeros] = rng.randint(1, 0x7F)
    elif shape == 2:  # a zero byte, then the top bit set: 00 survives as padHex's sign byte
        raw[0] = 0
        raw[1] |= 0x80
    return bytes(raw)


def user_id(rng: random.Random) -> str:
    """A USER_ID_FOR_SRP: a UUID (the `sub` for alias sign-ins) or a username, Unicode included."""
    if rng.random() < 0.5:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(1, 24)))


def common(rng: random.Random, case_id: int, kind: str) -> dict:
    a = bytearray(rng.randbytes(128))
    if case_id % 8 == 0:
        a[0] = 0  # a below 2^1016: A's hex is rarely full-width
    return {
        "id": case_id,
        "kind": kind,
        "a": a.hex(),
        "b": rng.randbytes(128).hex(),
        "secret_block": base64.b64encode(rng.randbytes(rng.randint(1, 1100))).decode(),
        "unix": rng.randint(FIRST_UNIX, LAST_UNIX),
    }


def user_case(rng: random.Random, case_id: int) -> dict:
    salt = salt_bytes(rng, case_id)
    return common(rng, case_id, "user") | {
        "realm": "".join(rng.choice(ALNUM) for _ in range(rng.randint(1, 12))),
        "user_id": user_id(rng),
        "password": "".join(rng.choice(PASSWORD_CHARS) for _ in range(rng.randint(1, 40))),
        "salt": f"{int.from_bytes(salt, 'big'):x}",
    }


def device_case(rng: random.Random, case_id: int) -> dict:
    region = rng.choice(["us-east-1", "eu-west-3", "ap-southeast-2"])
    return common(rng, case_id, "device") | {
        "device_group_key": "-" + "".join(rng.choice(ALNUM) for _ in range(9)),
        "device_key": f"{region}_{uuid.UUID(int=rng.getrandbits(128), version=4)}",
        "password_random": rng.randbytes(40).hex(),
        "salt_random": salt_bytes(rng, case_id).hex(),
    }


def main() -> None:
    seed, users, devices = (int(arg) for arg in sys.argv[1:4])
    rng = random.Random(seed)
    for case_id in range(users + devices):
        case = user_case(rng, case_id) if case_id < users else device_case(rng, case_id)
        print(json.dumps(case))


if __name__ == "__main__":
    main()
