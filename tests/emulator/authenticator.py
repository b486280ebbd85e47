"""A software WebAuthn authenticator for the emulator suites: a P-256 key (cryptography), an
attestationObject of fmt "none" (or packed self attestation) in CBOR (cbor2), and assertions
signed over authenticatorData || SHA-256(clientDataJSON), as W3C WebAuthn Level 2 §6 and §8
define them. Every knob a test needs to tamper with one check is a keyword argument."""

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

UP, UV, AT = 0x01, 0x04, 0x40
ORIGIN = "http://localhost:8080"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareAuthenticator:
    """One passkey: its key, credential id and signature counter."""

    def __init__(self, alg=-7):
        self.alg = alg
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        self.user_handle = None

    def cose_key(self):
        if self.alg == -257:
            numbers = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_numbers()
            return {1: 3, 3: -257, -1: numbers.n.to_bytes(256, "big"), -2: numbers.e.to_bytes(3, "big")}
        numbers = self.key.public_key().public_numbers()
        return {1: 2, 3: self.alg, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}

    def auth_data(self, rp_id, flags, attested=False):
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count)
        if attested:
            data += bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cbor2.dumps(self.cose_key())
        return data

    def sign(self, data):
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    @staticmethod
    def client_data(kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def register(self, options, origin=ORIGIN, rp_id=None, flags=UP | UV | AT, fmt="none", challenge=None, kind="webauthn.create"):
        """RegistrationResponseJSON for CredentialCreationOptions `options` (an object)."""
        rp_id = rp_id or options["rp"]["id"]
        self.user_handle = unb64url(options["user"]["id"])
        client = self.client_data(kind, challenge or options["challenge"], origin)
        auth = self.auth_data(rp_id, flags, attested=True)
        statement = {}
        if fmt == "packed":
            statement = {"alg": -7, "sig": self.sign(auth + hashlib.sha256(client).digest())}
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement, "authData": auth})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": b64url(client),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
                "publicKeyAlgorithm": self.alg,
                "authenticatorData": b64url(auth),
            },
        }

    def assertion(self, options, origin=ORIGIN, rp_id=None, flags=UP | UV, challenge=None, tamper=False, kind="webauthn.get", count_step=1):
        """AuthenticationResponseJSON for the PublicKeyCredentialRequestOptionsJSON `options`."""
        self.sign_count += count_step
        rp_id = rp_id or options["rpId"]
        client = self.client_data(kind, challenge or options["challenge"], origin)
        auth = self.auth_data(rp_id, flags)
        signature = self.sign(auth + hashlib.sha256(client).digest())
        if tamper:
            auth = auth[:-1] + bytes([auth[-1] ^ 1])
        response = {
            "clientDataJSON": b64url(client),
            "authenticatorData": b64url(auth),
            "signature": b64url(signature),
        }
        if self.user_handle is not None:
            response["userHandle"] = b64url(self.user_handle)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
            "response": response,
        }
