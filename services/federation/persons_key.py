"""The key the avoided persons' hashes are made under (docs/federation.md, draws): derived by
the two libraries between them from the keys they registered with each other, never sent.
Between SM2 keys the shared secret is ECDH on the SM2 curve (algorithms.py); between Ed25519
keys each is read as its X25519 twin (RFC 7748's birational map, as libsodium's
crypto_sign_ed25519_pk_to_curve25519 and _sk_to_curve25519 do) and the X25519 secret is
taken. The secret, through HKDF-SHA256 salted with the request's id, is that request's key. A
kept or leaked message holds the hashes and no key, so its ID numbers cannot be tried
offline; the lender decides with the key and keeps neither the key nor the hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.federation.algorithms import SM2_SM3
from services.federation.keys import BadKey, Identity, Keys

P = 2**255 - 19  # the field of Curve25519 and Edwards25519
INFO = b"EXPERTBOT-FED avoided persons"


def montgomery(public: bytes) -> bytes:
    """An Ed25519 public key's X25519 twin: u = (1 + y) / (1 - y) mod p."""
    y = int.from_bytes(public, "little") & ((1 << 255) - 1)
    if y >= P or (1 - y) % P == 0:
        raise BadKey("not an Ed25519 public key")
    u = (1 + y) * pow((1 - y) % P, P - 2, P) % P
    return u.to_bytes(32, "little")


def scalar(seed: bytes) -> bytes:
    """An Ed25519 private key's (its 32-byte seed's) X25519 twin: SHA-512's first half,
    clamped (RFC 8032 § 5.1.5)."""
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def fingerprint(public_key: str) -> str:
    """Which key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(Keys.check(public_key, "public key").raw).hexdigest()[:16]


def request_key(me: Identity, their_public: str, request_id: str) -> bytes:
    """The request's key: the same at both ends, from one's private and the other's public
    of the same algorithm (BadKey when this library holds none of it)."""
    theirs = Keys.check(their_public, "public key")
    mine = me.key(theirs.algorithm)
    if theirs.algorithm is SM2_SM3:
        shared = SM2_SM3.agree(mine.raw, theirs.raw)
    else:
        shared = X25519PrivateKey.from_private_bytes(scalar(mine.raw)).exchange(
            X25519PublicKey.from_public_bytes(montgomery(theirs.raw)))  # ValueError: low order
    return HKDF(hashes.SHA256(), 32, request_id.encode(), INFO).derive(shared)


def keyed(key: bytes, numbers: list[str]) -> list[str]:
    """The ID numbers as HMAC-SHA256 under the request's key, sorted (no order to read)."""
    return sorted(hmac.new(key, n.upper().encode(), hashlib.sha256).hexdigest()
                  for n in numbers)


@dataclass(frozen=True)
class Persons:
    """The avoided persons as a request carries them: hashes for each of the lender's keys
    (`sets`: its fingerprint → hashes; two during its key's rotation), and which of the
    asker's keys made them (`by`). A 1.1 asker sent its key with one set (`legacy_key`)."""

    sets: dict[str, frozenset[str]]
    by: str = ""
    legacy_key: bytes = b""

    @property
    def count(self) -> int:
        return max((len(h) for h in self.sets.values()), default=0)

    def hashes_and_key(self, me: Identity, their_keys: list[str], request_id: str
                       ) -> tuple[frozenset[str], bytes]:
        """The hashes made for this library's key, and the key to read them; nothing when
        none was sent. BadKey when they were made for a key this library does not hold or by
        one of the asker's it does not know."""
        if not self.sets:
            return frozenset(), b""
        if self.legacy_key:
            return next(iter(self.sets.values())), self.legacy_key
        found = next(((self.sets[f], k.algorithm) for k in me.own_keys()
                      if (f := fingerprint(me.public_key(k.algorithm))) in self.sets), None)
        if found is None:
            raise BadKey("hashed for a key this library does not hold")
        mine, algorithm = found
        same_kind = [k for k in their_keys
                     if Keys.check(k, "public key").algorithm is algorithm]
        theirs = next((k for k in same_kind if fingerprint(k) == self.by), None)
        if theirs is None and len(same_kind) == 1 and any(fingerprint(k) == self.by
                                                          for k in their_keys):
            theirs = same_kind[0]  # `by` names its other algorithm's key (a move to SM2)
        if theirs is None:
            raise BadKey("hashed by a key of the asker's this library does not know")
        return mine, request_key(me, theirs, request_id)


def sent_form(me: Identity, their_keys: list[str], request_id: str,
              numbers: list[str]) -> dict[str, Any]:
    """What the asker sends: for each of the lender's keys good now, the hashes under the
    key derived with it; the key itself never."""
    if not numbers:
        return {"by": "", "sets": []}
    algorithm = Keys.check(their_keys[0], "public key").algorithm if their_keys else None
    return {"by": fingerprint(me.public_key(algorithm)), "sets": [
        {"for": fingerprint(k), "hashes": keyed(request_key(me, k, request_id), numbers)}
        for k in their_keys]}


def legacy(key_text: str) -> bytes:
    try:
        key = base64.b64decode(key_text, validate=True)
    except ValueError:
        return b""
    return key if len(key) == 32 else b""
