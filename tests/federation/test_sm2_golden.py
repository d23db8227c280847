"""SM2 with SM3 as the standards give it, golden (services/federation/algorithms.py).

- SM3: GB-32905's two examples ("abc", and "abcd" sixteen times).
- SM2: GB-32918's signature examples — part 2 Annex A on its 256-bit test curve with the ID
  ALICE123@YAHOO.COM, and part 5 Annex A on the recommended curve with the default ID
  "1234567812345678" (GB-35276: "用户身份标识ID的长度为16字节，其默认值从左至右依次为：
  0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x31,…"). A small reference written from the
  standard (Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA), e = SM3(Z‖M), r = (e + x1) mod n,
  s = (1 + d)⁻¹(k − r·d) mod n) makes both examples' (r, s) exactly from d and k; the
  library (Tongsuo, whose k cannot be set) verifies the standard's (r, s), its signatures
  verify under the reference and the reference's under it — so it signs with the default ID.
- The avoided persons' shared secret is ECDH on the SM2 curve: x of d·Q, as the reference
  computes it."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes

from services.federation import ED25519, SM2_SM3, Identity, Keys
from services.federation.algorithms import Key
from services.federation.persons_key import Persons, keyed, request_key, sent_form

# GB/T 32918.5-2017 Annex A (recommended curve), GB/T 35276's default ID
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
     0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0)
RECOMMENDED = {"p": P, "a": A, "b": B, "n": N, "g": G, "id": b"1234567812345678",
               "d": 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8,
               "k": 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21,
               "r": 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3,
               "s": 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA}
# GB/T 32918.2-2016 Annex A (the 256-bit test curve)
TEST_CURVE = {"p": 0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
              "a": 0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
              "b": 0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
              "n": 0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7,
              "g": (0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
                    0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2),
              "id": b"ALICE123@YAHOO.COM",
              "d": 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263,
              "k": 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F,
              "r": 0x40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1,
              "s": 0x6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7}
MESSAGE = b"message digest"
OFF_CURVE = "sm2:" + base64.b64encode(b"\x04" + b"\x01" * 64).decode()  # 65 bytes, no point
Point = tuple[int, int] | None


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def add(c: dict, p1: Point, p2: Point) -> Point:
    if p1 is None or p2 is None:
        return p1 or p2
    (x1, y1), (x2, y2), p = p1, p2, c["p"]
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    slope = ((3 * x1 * x1 + c["a"]) * pow(2 * y1, -1, p) if p1 == p2
             else (y2 - y1) * pow(x2 - x1, -1, p)) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def times(c: dict, k: int, point: Point) -> Point:
    out: Point = None
    while k:
        if k & 1:
            out = add(c, out, point)
        point, k = add(c, point, point), k >> 1
    return out


def e_of(c: dict, public: tuple[int, int], uid: bytes, message: bytes) -> int:
    z = sm3(len(uid * 8).to_bytes(2, "big") + uid + b"".join(
        v.to_bytes(32, "big") for v in (c["a"], c["b"], *c["g"], *public)))
    return int.from_bytes(sm3(z + message), "big")


def reference_sign(c: dict, d: int, k: int, uid: bytes, message: bytes) -> tuple[int, int]:
    public = times(c, d, c["g"])
    assert public is not None
    x1 = times(c, k, c["g"])[0]  # type: ignore[index]
    r = (e_of(c, public, uid, message) + x1) % c["n"]
    return r, pow(1 + d, -1, c["n"]) * (k - r * d) % c["n"]


def reference_verifies(c: dict, public: tuple[int, int], uid: bytes, message: bytes,
                       r: int, s: int) -> bool:
    t = (r + s) % c["n"]
    point = add(c, times(c, s, c["g"]), times(c, t, public))
    return point is not None and (e_of(c, public, uid, message) + point[0]) % c["n"] == r


def der(r: int, s: int) -> bytes:
    def integer(v: int) -> bytes:
        raw = v.to_bytes(33, "big").lstrip(b"\0")
        raw = b"\0" + raw if raw[0] & 0x80 else raw
        return bytes([2, len(raw)]) + raw
    body = integer(r) + integer(s)
    return bytes([0x30, len(body)]) + body


def undo_der(sig: bytes) -> tuple[int, int]:
    r_len = sig[3]
    s_at = 4 + r_len
    return (int.from_bytes(sig[4:s_at], "big"),
            int.from_bytes(sig[s_at + 2:s_at + 2 + sig[s_at + 1]], "big"))


def public_of(d: int) -> bytes:
    point = times(RECOMMENDED, d, G)
    assert point is not None
    return b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def test_sm3_gives_gb_32905s_examples() -> None:
    assert sm3(b"abc").hex() == ("66c7f0f462eeedd9d1f2d46bdc10e4e2"
                                 "4167c4875cf2f7a2297da02b8f4ba8e0")
    assert sm3(b"abcd" * 16).hex() == ("debe9ff92275b8a138604889c18e5a4d"
                                       "6fdb70e5387e5765293dcba39c0c5732")


@pytest.mark.parametrize("example", [TEST_CURVE, RECOMMENDED], ids=["part2", "part5"])
def test_the_reference_makes_gb_32918s_signatures(example: dict) -> None:
    assert reference_sign(example, example["d"], example["k"], example["id"], MESSAGE) == (
        example["r"], example["s"])
    public = times(example, example["d"], example["g"])
    assert public is not None
    assert reference_verifies(example, public, example["id"], MESSAGE, example["r"],
                              example["s"])
    assert not reference_verifies(example, public, example["id"], b"message digesT",
                                  example["r"], example["s"])


def test_the_library_verifies_the_standards_signature_with_the_default_id() -> None:
    d = RECOMMENDED["d"].to_bytes(32, "big")
    public = SM2_SM3.public_of(d)
    assert public == public_of(RECOMMENDED["d"])
    assert SM2_SM3.verify(public, MESSAGE, der(RECOMMENDED["r"], RECOMMENDED["s"]))
    assert not SM2_SM3.verify(public, b"message digesT", der(RECOMMENDED["r"],
                                                              RECOMMENDED["s"]))
    assert not SM2_SM3.verify(public, MESSAGE, der(RECOMMENDED["r"], RECOMMENDED["s"] ^ 1))


def test_the_library_and_the_reference_read_each_others_signatures() -> None:
    key = Key(SM2_SM3, SM2_SM3.new_private())
    public = SM2_SM3.public_of(key.raw)
    point = (int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big"))
    text = b"EXPERTBOT-FED-1\nGET\n/federation/v1/directory\n440200\n440100\n1\nn\nh"
    r, s = undo_der(SM2_SM3.sign(key.raw, text))
    assert reference_verifies(RECOMMENDED, point, b"1234567812345678", text, r, s)
    assert not reference_verifies(RECOMMENDED, point, b"ALICE123@YAHOO.COM", text, r, s)
    mine = reference_sign(RECOMMENDED, int.from_bytes(key.raw, "big"), 0x1234567 ** 9 % N,
                          b"1234567812345678", text)
    assert SM2_SM3.verify(public, text, der(*mine))


def test_the_shared_secret_is_ecdh_on_the_sm2_curve() -> None:
    a, b = SM2_SM3.new_private(), SM2_SM3.new_private()
    shared = SM2_SM3.agree(a, SM2_SM3.public_of(b))
    assert shared == SM2_SM3.agree(b, SM2_SM3.public_of(a))
    point = times(RECOMMENDED, int.from_bytes(a, "big") * int.from_bytes(b, "big") % N, G)
    assert point is not None and shared == point[0].to_bytes(32, "big")


def test_keys_say_their_algorithm_and_a_wrong_one_is_said() -> None:
    sm2 = Identity("440100", "广州市评标专家库", Keys.new_private())
    old = Identity("440100", "广州市评标专家库", Keys.new_private(ED25519))
    assert sm2.private_key.startswith("sm2:") and sm2.public_key().startswith("sm2:")
    assert len(sm2.public_key()) == 92 and len(base64.b64decode(sm2.public_key()[4:])) == 65
    assert Keys.check(old.public_key(), "k").algorithm is ED25519
    for wrong, says in ((sm2.private_key, "not 65 bytes"), (OFF_CURVE, "not an SM2"),
                        ("sm2:!!", "not base64"),
                        (old.public_key()[:-1] + "AAAA=", "not 32 bytes")):
        with pytest.raises(ValueError, match=says):
            Keys.check(wrong, "public_key")


@pytest.mark.parametrize("algorithm", [SM2_SM3, ED25519], ids=["sm2", "ed25519"])
def test_the_avoided_persons_key_is_reached_by_both_libraries_alone(algorithm: object
                                                                     ) -> None:
    asker, lender, third = (Identity(c, c, Keys.new_private(algorithm))  # type: ignore[arg-type]
                            for c in ("440100", "440200", "440300"))
    key = request_key(asker, lender.public_key(), "440100-aa")
    assert key == request_key(lender, asker.public_key(), "440100-aa")
    assert key != request_key(third, lender.public_key(), "440100-aa")
    sent = sent_form(asker, [lender.public_key()], "440100-aa", ["44010419700101123X"])
    persons = Persons({s["for"]: frozenset(s["hashes"]) for s in sent["sets"]}, sent["by"])
    hashes, read = persons.hashes_and_key(lender, [asker.public_key()], "440100-aa")
    assert read == key and hashes == frozenset(keyed(key, ["44010419700101123X"]))


def test_a_lender_moving_to_sm2_reads_the_set_made_for_either_of_its_keys() -> None:
    old_lender = Keys.new_private(ED25519)
    lender = Identity("440200", "韶关市评标专家库", Keys.new_private(), old_lender)
    asker = Identity("440100", "广州市评标专家库", Keys.new_private(), Keys.new_private(ED25519))
    sent = sent_form(asker, [lender.public_key(ED25519), lender.public_key()], "440100-bb",
                     ["440203198005057771"])
    persons = Persons({s["for"]: frozenset(s["hashes"]) for s in sent["sets"]}, sent["by"])
    hashes, key = persons.hashes_and_key(lender, asker.public_keys(), "440100-bb")
    assert hashes == frozenset(keyed(key, ["440203198005057771"]))
