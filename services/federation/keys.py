"""The keys one library signs with and the peers it trusts (docs/federation.md): Ed25519,
each key as base64 of its 32 raw bytes, the way an operator copies it between two
configurations. A request or an answer is signed over a canonical text that names both
libraries, the method and path, the time, a nonce and the body's SHA-256, so a signature
fits one message, one way, between two libraries, once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = "EXPERTBOT-FED-1"
ACCEPT_MODES = ("admin", "auto", "never")  # who decides a peer's request for experts


class BadKey(ValueError):
    """A key that cannot be read (the message says which and why)."""


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_text(method: str, path: str, sender: str, receiver: str, timestamp: int,
                 nonce: str, body: bytes, version: str = VERSION) -> bytes:
    return "\n".join((version, method.upper(), path, sender, receiver, str(timestamp), nonce,
                      body_hash(body))).encode()


def answer_text(status: int, nonce: str, sender: str, receiver: str, body: bytes,
                version: str = VERSION) -> bytes:
    return "\n".join((version + "-ANSWER", str(status), nonce, sender, receiver,
                      body_hash(body))).encode()


@dataclass(frozen=True)
class Identity:
    """This library: its code (e.g. 440100), its name and its private key."""

    code: str
    name: str
    private_key: str

    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(Keys.check(self.private_key,
                                                         "FEDERATION_PRIVATE_KEY"))

    def public_key(self) -> str:
        return base64.b64encode(self._key().public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw)).decode()

    def sign(self, text: bytes) -> str:
        return base64.b64encode(self._key().sign(text)).decode()


@dataclass(frozen=True)
class Peer:
    """Another library this one trusts: its code, name, address, public key, and how its
    requests for experts are decided here ("admin": an administrator; "auto": the standing
    rule accepts; "never": refused). A key may have an end (`until`: not accepted from that
    moment), and a second key may be listed with its own: during a rotation's overlap both
    are accepted, then only the one still good (docs/federation.md, "Rotating a key")."""

    code: str
    name: str
    url: str
    public_key: str
    accept: str = "admin"
    until: datetime | None = None
    second_key: str = ""
    second_until: datetime | None = None

    def keys_at(self, now: float) -> list[str]:
        """The public keys accepted at that moment (Unix seconds)."""
        return [key for key, until in ((self.public_key, self.until),
                                       (self.second_key, self.second_until))
                if key and (until is None or now < until.timestamp())]

    def verifies(self, text: bytes, signature: str, now: float | None = None) -> bool:
        """The signature is by one of the keys accepted now."""
        for raw in self.keys_at(time.time() if now is None else now):
            try:
                key = Ed25519PublicKey.from_public_bytes(Keys.check(
                    raw, f"{self.code}'s public key"))
                key.verify(base64.b64decode(signature, validate=True), text)
            except (InvalidSignature, ValueError):
                continue
            return True
        return False


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Keys:
    """The Ed25519 keys of the protocol (docs/federation.md): a new one, development's
    derived one, and a key checked as it is read."""

    @staticmethod
    def new_private() -> str:
        """A new Ed25519 private key, base64 (`expertbot federation-key`)."""
        return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()

    @staticmethod
    def from_seed(seed: bytes) -> str:
        """A stable development key derived from a secret (the sandbox's default)."""
        return base64.b64encode(hashlib.sha256(b"federation:" + seed).digest()).decode()

    @staticmethod
    def check(text: str, what: str) -> bytes:
        """The key's 32 raw bytes; BadKey naming `what` when it is not one."""
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except ValueError:
            raise BadKey(f"{what} is not base64") from None
        if len(raw) != 32:
            raise BadKey(f"{what} is not 32 bytes (an Ed25519 key in base64)")
        return raw
