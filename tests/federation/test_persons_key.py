"""The avoided persons' key, derived by two libraries between them and never sent
(services/federation/persons_key.py): the Ed25519 → X25519 map checked against libsodium's
own test vector (test/default/ed25519_convert: the same seed, the same twin keys), both ends
reaching one key, no third library reaching it, and a rotation's two keys each read."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from services.federation import Identity, Keys
from services.federation.keys import BadKey
from services.federation.persons_key import (
    Persons,
    fingerprint,
    keyed,
    montgomery,
    request_key,
    scalar,
    sent_form,
)

# libsodium test/default/ed25519_convert.c and its expected output (ed25519_convert.exp)
SEED = bytes.fromhex("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee")
TWIN_PUBLIC = "f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50"
TWIN_PRIVATE = "8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166"
GUANGZHOU = Identity("440100", "广州市评标专家库", Keys.new_private())
SHAOGUAN = Identity("440200", "韶关市评标专家库", Keys.new_private())
NUMBERS = ["44010419700101123X", "440203198005057771"]


def test_the_twin_keys_are_libsodiums() -> None:
    public = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()
    assert montgomery(public).hex() == TWIN_PUBLIC
    assert scalar(SEED).hex() == TWIN_PRIVATE
    twin = X25519PrivateKey.from_private_bytes(scalar(SEED)).public_key().public_bytes_raw()
    assert twin == montgomery(public)


def test_both_libraries_reach_one_key_for_a_request_and_nobody_else_does() -> None:
    asker = request_key(GUANGZHOU, SHAOGUAN.public_key(), "440100-aa")
    lender = request_key(SHAOGUAN, GUANGZHOU.public_key(), "440100-aa")
    assert asker == lender and len(asker) == 32
    assert request_key(GUANGZHOU, SHAOGUAN.public_key(), "440100-bb") != asker  # per request
    third = Identity("440300", "深圳市评标专家库", Keys.new_private())
    assert request_key(third, GUANGZHOU.public_key(), "440100-aa") != asker
    assert request_key(third, SHAOGUAN.public_key(), "440100-aa") != asker


def test_the_lender_reads_the_set_made_for_its_key_during_a_rotation() -> None:
    new = Identity(SHAOGUAN.code, SHAOGUAN.name, Keys.new_private())
    sent = sent_form(GUANGZHOU, [SHAOGUAN.public_key(), new.public_key()], "440100-cc",
                     NUMBERS)
    assert "key" not in sent and len(sent["sets"]) == 2
    persons = Persons({s["for"]: frozenset(s["hashes"]) for s in sent["sets"]}, sent["by"])
    for lender in (SHAOGUAN, new):
        hashes, key = persons.hashes_and_key(lender, [GUANGZHOU.public_key()], "440100-cc")
        assert hashes == frozenset(keyed(key, NUMBERS))
    stranger = Identity(SHAOGUAN.code, SHAOGUAN.name, Keys.new_private())
    with pytest.raises(BadKey):  # a key it was not made for: said, not guessed
        persons.hashes_and_key(stranger, [GUANGZHOU.public_key()], "440100-cc")
    with pytest.raises(BadKey):  # made by a key of the asker's not registered here
        persons.hashes_and_key(SHAOGUAN, [stranger.public_key()], "440100-cc")
    assert fingerprint(SHAOGUAN.public_key()) != fingerprint(new.public_key())
