"""The keys one library signs with and the peers it trusts (docs/federation.md): SM2 with SM3,
or Ed25519 where a peer's registered key is still one (algorithms.py: a key's text says its
algorithm). A request or an answer is signed over a canonical text that names both
libraries, the method and path, the time, a nonce and the body's SHA-256, so a signature
fits one message, one way, between two libraries, once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

from services.federation.algorithms import ED25519, SM2_SM3, Algorithm, Key, read

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
    """This library: its code (e.g. 440100), its name and its private key; `legacy_key`, an
    Ed25519 key kept beside an SM2 one for the peers whose registered key is still Ed25519
    (docs/federation.md, "Moving a peer to SM2")."""

    code: str
    name: str
    private_key: str
    legacy_key: str = ""

    def own_keys(self) -> list[Key]:
        """Its private keys, the one it is known by first."""
        keys = [Keys.check(self.private_key, "FEDERATION_PRIVATE_KEY", private=True)]
        if self.legacy_key:
            legacy = Keys.check(self.legacy_key, "FEDERATION_LEGACY_KEY", private=True)
            if legacy.algorithm is not ED25519 or keys[0].algorithm is not SM2_SM3:
                raise BadKey("FEDERATION_LEGACY_KEY is the Ed25519 key kept beside an SM2 "
                             "FEDERATION_PRIVATE_KEY")
            keys.append(legacy)
        return keys

    def key(self, algorithm: Algorithm | None = None) -> Key:
        """Its private key for that algorithm (None: the one it is known by)."""
        for key in self.own_keys():
            if algorithm is None or key.algorithm is algorithm:
                return key
        raise BadKey(f"this library holds no {algorithm.name if algorithm else ''} key")

    def public_key(self, algorithm: Algorithm | None = None) -> str:
        key = self.key(algorithm)
        return Key(key.algorithm, key.algorithm.public_of(key.raw)).text

    def public_keys(self) -> list[str]:
        """Its public keys, the one it is known by first (then the Ed25519 one it keeps)."""
        return [self.public_key(key.algorithm) for key in self.own_keys()]

    def sign(self, text: bytes, algorithm: Algorithm | None = None) -> str:
        key = self.key(algorithm)
        return base64.b64encode(key.algorithm.sign(key.raw, text)).decode()


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

    def algorithm_at(self, now: float) -> Algorithm:
        """What this library signs with toward the peer: the algorithm of its first key
        accepted now (of its first key when none is), so a rotation from Ed25519 to SM2
        switches both ends at the registered key's end."""
        keys = self.keys_at(now) or [self.public_key]
        return Keys.check(keys[0], f"{self.code}'s public key").algorithm

    def verifies(self, text: bytes, signature: str, now: float | None = None
                 ) -> Algorithm | None:
        """The algorithm of the key accepted now that made the signature; None when none
        did (each key is checked with its own algorithm: the message chooses nothing)."""
        try:
            signed = base64.b64decode(signature, validate=True)
        except ValueError:
            return None
        for raw in self.keys_at(time.time() if now is None else now):
            try:
                key = Keys.check(raw, f"{self.code}'s public key")
            except BadKey:
                continue
            if key.algorithm.verify(key.raw, text, signed):
                return key.algorithm
        return None


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Keys:
    """The keys of the protocol (docs/federation.md): a new one, development's derived one,
    and a key checked as it is read."""

    @staticmethod
    def new_private(algorithm: Algorithm = SM2_SM3) -> str:
        """A new private key's text (`expertbot federation key --new`): SM2 unless asked."""
        return Key(algorithm, algorithm.new_private()).text

    @staticmethod
    def from_seed(seed: bytes, algorithm: Algorithm = SM2_SM3) -> str:
        """A stable development key derived from a secret (the sandbox's default)."""
        return Key(algorithm, algorithm.from_seed(seed)).text

    @staticmethod
    def check(text: str, what: str, private: bool = False) -> Key:
        """The key a text holds (a public one unless `private`); BadKey naming `what`."""
        try:
            return read(text, what, private)
        except ValueError as exc:
            raise BadKey(str(exc)) from None
