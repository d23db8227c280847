"""Personal data: ID numbers encrypted at rest (AES-GCM) with a keyed hash for lookups, and
masking of phones and ID numbers in every text that leaves the service (replies, API
responses, log lines)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# A mainland mobile number standing on its own: 13800000002, with the country code
# (+8613800000002, +86 138..., 0086-138..., (+86)138...) and written in groups of 3-4-4 with
# spaces or dashes (138 0000 0002, 138-0000-0002). Only that grouping: other digit runs
# (order numbers, amounts, dates, 8613800000002 without a + or 00) are left alone, and so are
# digits inside a run of Latin letters and digits (a hash such as a draw's seed_hash in hex,
# "...a16111595441bdf...", an order number): a phone stands apart from such a run.
PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?P<cc>(?:\+|00)86[ -]?|\(\+?86\)[ -]?)?"
    r"(?P<number>1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})(?![0-9A-Za-z])")
# A second-generation ID number on its own, also written 6-8-4 with spaces.
ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?P<sep> ?)[0-9]{8}(?P=sep)[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
# Every match of either pattern contains this (3 digits, maybe a separator, 4 digits): texts
# without it (most replies) skip both substitutions, which cost more than the reply itself.
_MAYBE_RE = re.compile(r"[0-9]{3}[ -]?[0-9]{4}")


# A number that is not personal data, such as a venue's contact phone, which the expert must
# be able to call: public() wraps it where it is written into a text, and mask_text leaves
# the span alone and drops the invisible marks (also a lone one, where a field was cut short).
_OPEN, _CLOSE = "\u2063", "\u2064"  # INVISIBLE SEPARATOR, INVISIBLE PLUS
_PUBLIC_RE = re.compile(f"{_OPEN}([^{_OPEN}{_CLOSE}]*){_CLOSE}")


def public(text: str) -> str:
    """`text` marked as not personal: the last-line mask shows it as it is."""
    return f"{_OPEN}{text}{_CLOSE}"


def mask_phone(phone: str) -> str:
    """138****1234"""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id(id_number: str) -> str:
    """110105********002X"""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def mask_name(name: str) -> str:
    """陈*强, 张*: a person named in a log others read."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * max(1, len(name) - 2) + (name[-1] if len(name) > 2 else "")


def mask_email(email: str) -> str:
    """z***@example.com"""
    local, at, domain = email.partition("@")
    if not at:
        return mask_phone(email)
    return f"{local[:1]}***@{domain}"


def _digits(found: str) -> str:
    return found.replace(" ", "").replace("-", "")


def _masked_phone(m: re.Match[str]) -> str:
    """+86 138****0002: the country code kept as written, the number masked."""
    return (m.group("cc") or "") + mask_phone(_digits(m.group("number")))


def mask_text(text: str) -> str:
    """Every phone and ID number in `text` masked, but for spans marked public()."""
    if not text:
        return text
    if _OPEN in text or _CLOSE in text:
        parts = _PUBLIC_RE.split(text)  # odd positions: the public spans
        return "".join(part if i % 2 else _mask(part.replace(_OPEN, "").replace(_CLOSE, ""))
                       for i, part in enumerate(parts))
    return _mask(text)


# digits -> "0", ASCII letters -> "a", space and hyphen kept, every other byte -> "x". Every
# match of PHONE_RE or ID_RE starts after a byte that is not a letter or digit, and its first
# run of digits (the number itself, or the country code's "86" glued to it, or after the code
# and a separator) is one of the bodies below: so a text holds a match only if its
# translation, after a leading "x", holds one of _MAYBE_RUNS (byte substring searches, much
# faster than the regex over a long API response; an activity number such as CQSQ00000012,
# digits after letters, is no candidate).
_DIGIT_CLASSES = bytes(0x30 if 0x30 <= c <= 0x39 else c if c in (0x20, 0x2D)
                       else 0x61 if (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A) else 0x78
                       for c in range(256))
_MAYBE_RUNS = tuple(before + body for before in (b"x", b" ", b"-")
                    for body in (b"0000000", b"000 0000", b"000-0000",
                                 b"00000 0000", b"00000-0000"))  # the last two: +86138 ...
_LONG = 2000


def _maybe(text: str) -> bool:
    if len(text) < _LONG:
        return _MAYBE_RE.search(text) is not None
    classes = b"x" + text.encode("utf-8", "surrogatepass").translate(_DIGIT_CLASSES)
    return any(run in classes for run in _MAYBE_RUNS)


def _mask(text: str) -> str:
    if not _maybe(text):
        return text
    text = ID_RE.sub(lambda m: mask_id(_digits(m.group(0))), text)
    return PHONE_RE.sub(_masked_phone, text)


def find_unmasked(text: str) -> list[str]:
    """Phones and ID numbers that appear unmasked (for tests and audits): none in a text
    without a candidate run of digits (_maybe, as masking reads it)."""
    if not _maybe(text):
        return []
    return ([m.group(0) for m in ID_RE.finditer(text)]
            + [m.group(0) for m in PHONE_RE.finditer(text)])


def _derived_sm4(key: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(b"expertbot/id-encryption/sm4")
    return mac.finalize()[:16]


def parse_sm4_keys(text: str) -> dict[int, bytes] | None:
    """SM4_KEYS: "1:<base64>,2:<base64>" (None when empty); ValueError when malformed."""
    if not text.strip():
        return None
    keys = {}
    for part in text.split(","):
        version, _, value = part.strip().partition(":")
        keys[int(version)] = base64.b64decode(value, validate=True)
    return keys


SM3_MARK = "sm3:"  # an ID number's lookup hash made with HMAC-SM3
# the hash slot of an anonymised person a permanent sanction still bars (anonymised: "anon:")
BARRED_MARK = "anon:b:"


def barred_key(lookup_hash: str) -> str:
    """What an anonymised person's ID lookup hash becomes while a removal or a lifetime ban
    bars them (docs/rules-that-are-ours.md): found again by their ID number, by nothing
    else; the keyed hash cut to fit the column beside the mark (228 bits)."""
    return BARRED_MARK + lookup_hash.removeprefix(SM3_MARK)[:64 - len(BARRED_MARK)]


class Vault:
    """ID numbers sealed with SM4-GCM (GB/T 32907; 密评 asks the national algorithms for
    important data at rest), each ciphertext naming its key version ("sm4:1:<base64>"); what
    was sealed with AES-256-GCM before stays readable until `expertbot reencrypt` has sealed
    it again. An HMAC for looking numbers up. Keys: ID_ENCRYPTION_KEY (a base64 32-byte key
    kept outside the database), from which SM4 key 1 is derived unless SM4_KEYS gives the
    versions ("1:<base64 16 bytes>,2:..."; the highest seals)."""

    def __init__(self, key_b64: str, sm4_keys: dict[int, bytes] | None = None) -> None:
        key = base64.b64decode(key_b64)
        if len(key) != 32:
            raise ValueError("ID_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
        self._aead = AESGCM(hmac.new(key, b"expertbot/id-encryption", hashlib.sha256).digest())
        self._hash_key = hmac.new(key, b"expertbot/id-lookup", hashlib.sha256).digest()
        self._sm4 = sm4_keys or {1: _derived_sm4(key)}
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(b"expertbot/phone-lookup")
        self._phone_key = mac.finalize()
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(b"expertbot/id-lookup-sm3")
        self._id_key = mac.finalize()
        if any(len(k) != 16 for k in self._sm4.values()):
            raise ValueError("SM4 keys are 16 bytes, base64-encoded")
        self.version = max(self._sm4)

    def encrypt(self, value: str, purpose: bytes = b"id-number") -> str:
        nonce = os.urandom(12)
        sealer = Cipher(algorithms.SM4(self._sm4[self.version]), modes.GCM(nonce)).encryptor()
        sealer.authenticate_additional_data(purpose)
        sealed = sealer.update(value.encode()) + sealer.finalize() + sealer.tag
        return f"sm4:{self.version}:" + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, purpose: bytes = b"id-number") -> str:
        if token.startswith("sm4:"):
            _, version, body = token.split(":", 2)
            raw = base64.b64decode(body)
            opener = Cipher(algorithms.SM4(self._sm4[int(version)]),
                            modes.GCM(raw[:12], raw[-16:])).decryptor()
            opener.authenticate_additional_data(purpose)
            return (opener.update(raw[12:-16]) + opener.finalize()).decode()
        raw = base64.b64decode(token)  # before SM4: AES-256-GCM
        return self._aead.decrypt(raw[:12], raw[12:], b"id-number").decode()

    def is_current(self, token: str) -> bool:
        """Sealed with the current SM4 key (nothing to re-encrypt)."""
        return token.startswith(f"sm4:{self.version}:")

    # a person's phone (models/orm/sealing.py's Sealer): sealed like ID numbers under its own
    # associated data, so a phone's ciphertext never opens as an ID number; looked up by an
    # HMAC-SM3 of its 11 digits
    def seal_phone(self, phone: str) -> str:
        return self.encrypt(phone, b"phone")

    def open_phone(self, token: str) -> str:
        return self.decrypt(token, b"phone")

    def phone_key(self, phone: str) -> str:
        mac = crypto_hmac.HMAC(self._phone_key, hashes.SM3())
        mac.update(phone.strip().encode())
        return mac.finalize().hex()

    def lookup_hash(self, value: str) -> str:
        """A keyed hash: equal for equal numbers, useless without the key. HMAC-SM3, marked
        "sm3:" (240 bits kept, to fit the column beside the mark)."""
        mac = crypto_hmac.HMAC(self._id_key, hashes.SM3())
        mac.update(value.upper().encode())
        return SM3_MARK + mac.finalize().hex()[:60]

    def legacy_lookup_hash(self, value: str) -> str:
        """The HMAC-SHA256 a release before SM3 kept (until `expertbot migrate` rehashes)."""
        return hmac.new(self._hash_key, value.upper().encode(), hashlib.sha256).hexdigest()

    def lookup_hashes(self, value: str) -> list[str]:
        """Both, for a lookup that must find rows not rehashed yet."""
        return [self.lookup_hash(value), self.legacy_lookup_hash(value)]
