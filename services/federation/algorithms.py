"""The signature algorithms of the two signed protocols, the libraries' (docs/federation.md)
and the evaluation systems' (docs/evaluation-systems.md): SM2 with SM3 and the default user
ID (GB-32918, GB-35276), and Ed25519 kept only where the other side's registered key is
still one. A key's text says its algorithm: "sm2:" then base64 of the key (a private key's
32 bytes; a public key's 65, 04‖x‖y uncompressed, GB-35276's encoding); no prefix is an
Ed25519 key, base64 of 32 bytes, as 1.1 wrote them. No message names an algorithm: the key
registered for its sender decides, so a message cannot move a link to another one.

SM2 is Tongsuo's (tongsuopy; bench/README.md says why): EVP_DigestSign with an SM2 key
hashes SM3(Z‖M) with Z made from the default ID "1234567812345678", and the signature is
GB-35276's SM2Signature, DER of (r, s). The two libraries' shared secret for the avoided
persons (persons_key.py) is ECDH on the SM2 curve: x of d·Q, by Tongsuo's EC_POINT_mul
(its constant-time ladder), since tongsuopy's public API offers no agreement on SM2 keys."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from tongsuopy.backends.tongsuo import backend as tongsuo
from tongsuopy.crypto import hashes as sm_hashes
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature as SmInvalidSignature

SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123  # GB-32918 part 5


class Algorithm:
    """One signature algorithm: its name, its keys' prefix and sizes, and what it does."""

    name = ""
    prefix = ""
    private_size = 32
    public_size = 32

    def new_private(self) -> bytes:
        raise NotImplementedError

    def from_seed(self, seed: bytes) -> bytes:
        raise NotImplementedError

    def public_of(self, private: bytes) -> bytes:
        raise NotImplementedError

    def sign(self, private: bytes, text: bytes) -> bytes:
        raise NotImplementedError

    def verify(self, public: bytes, text: bytes, signature: bytes) -> bool:
        raise NotImplementedError

    def check_public(self, raw: bytes) -> None:
        """ValueError when the bytes are not a public key of this algorithm."""


class Ed25519(Algorithm):
    name = "Ed25519"

    def new_private(self) -> bytes:
        return Ed25519PrivateKey.generate().private_bytes_raw()

    def from_seed(self, seed: bytes) -> bytes:
        return hashlib.sha256(b"federation:" + seed).digest()

    def public_of(self, private: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()

    def sign(self, private: bytes, text: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(private).sign(text)

    def verify(self, public: bytes, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, text)
        except (InvalidSignature, ValueError):
            return False
        return True


@lru_cache(maxsize=64)
def _sm2_private(raw: bytes) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SM2())


@lru_cache(maxsize=256)
def _sm2_public(raw: bytes) -> ec.EllipticCurvePublicKey:
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)


class SM2(Algorithm):
    name = "SM2"
    prefix = "sm2:"
    public_size = 65
    SIGNED = ec.ECDSA(sm_hashes.SM3())  # SM3(Z‖M), Z with the default ID

    def new_private(self) -> bytes:
        key = ec.generate_private_key(ec.SM2())
        value: int = key.private_numbers().private_value
        return value.to_bytes(32, "big")

    def from_seed(self, seed: bytes) -> bytes:
        d = int.from_bytes(hashlib.sha256(b"federation-sm2:" + seed).digest(), "big")
        return (d % (SM2_N - 2) + 1).to_bytes(32, "big")  # in [1, n-2] (GB-32918)

    def public_of(self, private: bytes) -> bytes:
        d = int.from_bytes(private, "big")
        if not 1 <= d <= SM2_N - 2:
            raise ValueError("not an SM2 private key (d in [1, n-2])")
        numbers = _sm2_private(private).public_key().public_numbers()
        x: int = numbers.x
        y: int = numbers.y
        return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")

    def sign(self, private: bytes, text: bytes) -> bytes:
        return bytes(_sm2_private(private).sign(text, self.SIGNED))

    def verify(self, public: bytes, text: bytes, signature: bytes) -> bool:
        try:
            _sm2_public(public).verify(signature, text, self.SIGNED)
        except (SmInvalidSignature, ValueError):
            return False
        except Exception:  # Tongsuo's InternalError on bytes that are no DER signature
            tongsuo._consume_errors()
            return False
        return True

    def check_public(self, raw: bytes) -> None:
        if raw[:1] != b"\x04":
            raise ValueError("not an uncompressed SM2 point")
        _sm2_public(raw)  # ValueError off the curve

    def agree(self, private: bytes, public: bytes) -> bytes:
        """ECDH on the SM2 curve: x of d·Q, 32 bytes."""
        lib, ffi = tongsuo._lib, tongsuo._ffi
        mine, theirs = _sm2_private(private), _sm2_public(public)
        group = lib.EC_KEY_get0_group(mine._ec_key)
        point = ffi.gc(lib.EC_POINT_new(group), lib.EC_POINT_clear_free)
        with tongsuo._tmp_bn_ctx() as ctx:
            done = lib.EC_POINT_mul(group, point, ffi.NULL,
                                    lib.EC_KEY_get0_public_key(theirs._ec_key),
                                    lib.EC_KEY_get0_private_key(mine._ec_key),
                                    ctx)
            if done != 1 or lib.EC_POINT_is_at_infinity(group, point):
                tongsuo._consume_errors()
                raise ValueError("no shared point")
            x, y = lib.BN_CTX_get(ctx), lib.BN_CTX_get(ctx)
            if lib.EC_POINT_get_affine_coordinates_GFp(group, point, x, y, ctx) != 1:
                tongsuo._consume_errors()
                raise ValueError("no shared point")
            return int(tongsuo._bn_to_int(x)).to_bytes(32, "big")


ED25519, SM2_SM3 = Ed25519(), SM2()


@dataclass(frozen=True)
class Key:
    """A key as read from its text: its algorithm and raw bytes."""

    algorithm: Algorithm
    raw: bytes

    @property
    def text(self) -> str:
        return self.algorithm.prefix + base64.b64encode(self.raw).decode()


def read(text: str, what: str, private: bool) -> Key:
    """The key a text holds; ValueError naming `what` and saying what was expected."""
    text = text.strip()
    algorithm: Algorithm = SM2_SM3 if text.lower().startswith(SM2_SM3.prefix) else ED25519
    try:
        raw = base64.b64decode(text[len(algorithm.prefix):], validate=True)
    except ValueError:
        raise ValueError(f"{what} is not base64") from None
    size = algorithm.private_size if private else algorithm.public_size
    if len(raw) != size:
        expected = (f"an SM2 {'private' if private else 'public'} key: \"sm2:\" and base64 "
                    f"of {size} bytes" if algorithm is SM2_SM3
                    else "an Ed25519 key in base64")
        raise ValueError(f"{what} is not {size} bytes ({expected})")
    try:
        if private:
            algorithm.public_of(raw)
        else:
            algorithm.check_public(raw)
    except ValueError:
        raise ValueError(f"{what} is not an {algorithm.name} key") from None
    return Key(algorithm, raw)
