"""The SM2 candidates side by side: `python -m bench.sm2` (each candidate that is installed).

Correctness first, on the standards' own examples: SM3 of "abc" and of "abcd" × 16
(GB/T 32905-2016 Annex A), and the SM2 signature of "message digest" on the recommended curve
with the default user ID "1234567812345678" (GB/T 35276-2017 § 10), private key d and random
k as GB/T 32918.5-2017 Annex A gives them: the candidate must verify the standard's (r, s)
and, where it lets k be fixed, make exactly it. Then speed: sign + verify pairs per second
over ROUNDS messages, each a different 200-byte text like a signed request's, median of
three rounds. The table below is what it printed here; the choice is in bench/README.md."""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable

MESSAGE = b"message digest"
D = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
UID = b"1234567812345678"
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM3_ABCD = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
ROUNDS = 200

Pair = tuple[Callable[[bytes], bytes], Callable[[bytes, bytes], bool]]


def tongsuopy() -> tuple[bool, bool | None, bool, Pair]:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from tongsuopy.crypto import hashes
    from tongsuopy.crypto.asymciphers import ec

    def sm3(data: bytes) -> str:
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()

    sm3_ok = sm3(b"abc") == SM3_ABC and sm3(b"abcd" * 16) == SM3_ABCD
    known = ec.derive_private_key(int(D, 16), ec.SM2())
    try:
        known.public_key().verify(encode_dss_signature(int(R, 16), int(S, 16)), MESSAGE,
                                  ec.ECDSA(hashes.SM3()))
        verifies = True
    except Exception:
        verifies = False
    key = ec.generate_private_key(ec.SM2())
    public = key.public_key()
    algorithm = ec.ECDSA(hashes.SM3())

    def verify(data: bytes, sig: bytes) -> bool:
        public.verify(sig, data, algorithm)
        return True

    return sm3_ok, None, verifies, (lambda data: key.sign(data, algorithm), verify)


def gmssl() -> tuple[bool, bool | None, bool, Pair]:
    from gmssl import func, sm2, sm3

    sm3_ok = (sm3.sm3_hash(func.bytes_to_list(b"abc")) == SM3_ABC
              and sm3.sm3_hash(func.bytes_to_list(b"abcd" * 16)) == SM3_ABCD)
    probe = sm2.CryptSM2(private_key=D, public_key="")
    public = probe._kg(int(D, 16), probe.ecc_table["g"])
    known = sm2.CryptSM2(private_key=D, public_key=public)
    made = known.sign_with_sm3(MESSAGE, K).upper() == R + S
    verifies = known.verify_with_sm3((R + S).lower(), MESSAGE)
    d = func.random_hex(64)
    mine = sm2.CryptSM2(private_key=d, public_key=probe._kg(int(d, 16), probe.ecc_table["g"]))
    return sm3_ok, made, verifies, (
        lambda data: mine.sign_with_sm3(data).encode(),
        lambda data, sig: bool(mine.verify_with_sm3(sig.decode(), data)))


def gmalg() -> tuple[bool, bool | None, bool, Pair]:
    import gmalg as g

    sm3_ok = all(g.SM3().__class__ and _gmalg_sm3(g, m) == h
                 for m, h in ((b"abc", SM3_ABC), (b"abcd" * 16, SM3_ABCD)))
    fixed = g.SM2(bytes.fromhex(D), UID, rnd_fn=lambda bits: int(K, 16))
    r, s = fixed.sign(MESSAGE)
    made = (r + s).hex().upper() == R + S
    verifies = fixed.verify(MESSAGE, bytes.fromhex(R), bytes.fromhex(S))
    sk, pk = g.SM2().generate_keypair()
    mine = g.SM2(sk, UID, pk)
    return sm3_ok, made, verifies, (
        lambda data: b"".join(x.rjust(32, b"\0") for x in mine.sign(data)),
        lambda data, sig: mine.verify(data, sig[:32], sig[32:]))


def _gmalg_sm3(g: object, data: bytes) -> str:
    h = g.SM3()  # type: ignore[attr-defined]
    h.update(data)
    return str(h.value().hex())


def snowland_smx() -> tuple[bool, bool | None, bool, Pair]:
    from pysmx import SM2, SM3

    sm3_ok = (SM3.hash_msg(b"abc") == SM3_ABC and SM3.hash_msg(b"abcd" * 16) == SM3_ABCD)
    public = SM2.kG(int(D, 16), SM2.sm2_G, 64)
    made = bytes(SM2.Sign(MESSAGE, D, K, 64, uid=UID)).hex().upper() == R + S
    verifies = bool(SM2.Verify(R + S, MESSAGE, public, 64, uid=UID))
    pair = SM2.generate_keypair()

    def sign(data: bytes) -> bytes:
        return bytes(SM2.Sign(data, pair.privateKey, secrets.token_hex(32), 64, uid=UID))

    def verify(data: bytes, sig: bytes) -> bool:
        return bool(SM2.Verify(sig, data, pair.publicKey, 64, uid=UID))

    return sm3_ok, made, verifies, (sign, verify)


CANDIDATES = {"tongsuopy": tongsuopy, "gmssl": gmssl, "gmalg": gmalg,
              "snowland-smx": snowland_smx}


def pairs_per_second(pair: Pair) -> float:
    sign, verify = pair
    texts = [(f"EXPERTBOT-FED-1\nPOST\n/federation/v1/ask\n440100\n440200\n{n}\n" + "0" * 120)
             .encode() for n in range(ROUNDS)]
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            if not verify(text, sign(text)):
                raise AssertionError("a fresh signature did not verify")
        rounds.append(ROUNDS / (time.perf_counter() - start))
    return statistics.median(rounds)


def main() -> None:
    print("| library | SM3 vectors | makes the standard's (r, s) | verifies it | "
          "sign + verify / s |")
    print("| --- | --- | --- | --- | ---: |")
    for name, load in CANDIDATES.items():
        try:
            sm3_ok, made, verifies, pair = load()
        except ImportError:
            print(f"| {name} | not installed | | | |")
            continue
        speed = pairs_per_second(pair)
        print(f"| {name} | {'yes' if sm3_ok else 'NO'} | "
              f"{'k not settable' if made is None else ('yes' if made else 'NO')} | "
              f"{'yes' if verifies else 'NO'} | {speed:,.0f} |")


if __name__ == "__main__":
    main()
