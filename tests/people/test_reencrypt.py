"""ID numbers and phones at rest under SM4 (GB/T 32907; 密评 rates confidentiality of
important data at rest "应" at level 3 and expects the national algorithms): new ones sealed
with SM4-GCM under a named key version; those sealed with AES-GCM before stay readable, and
`expertbot reencrypt` seals them again online, interrupted and resumed, rewriting nothing
twice; a new key version rotates the same way. Phones (GB-39786: SM4 for
important data at rest, SM3 for its integrity) are sealed the same way, found by a keyed
SM3 hash, and a phone kept in clear by an older release is sealed by the same command."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tortoise import connections

from config.settings import load_settings, make_vault
from models.desk_auth import DeskFactor
from models.draw_handler import ProjectInvolvement
from models.draws import AVOID_ID, Avoidance, DrawActivity
from models.orm import sealing
from models.people import Person, phone_is, rehash_id_number, rewrap_id_number
from services.common.pii import Vault
from services.draws.randomness.audit import seed_hash
from services.people.reencrypt import Reencryption, reseal_handlers
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import make_experts, prepared
from tests.support.settings import ID_ENCRYPTION_KEY, TEST_VAULT
from web.context import DOMAIN


def test_sm4_is_the_standards_own() -> None:
    """GB/T 32907-2016, appendix A, example 1: one block, key and plaintext alike."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    block = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (block.update(key) + block.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm3_is_the_standards_own() -> None:
    """GB/T 32905-2016, appendix A, example 1: the hash of "abc"."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == \
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


async def stored_text() -> str:
    """Every value of every person row, as the database holds it (what a dump would show)."""
    rows = await connections.get("default").execute_query_dict("SELECT * FROM person")
    return "\n".join(str(value) for row in rows for value in row.values())


async def test_phones_are_sealed_in_the_database_and_still_found(
        client: TestClient, demo: dict) -> None:
    handler = demo["handler"]
    held = await stored_text()
    assert not [d.key for d in demo.values() if d.phone in held]  # no phone in clear
    assert "138****0004" in held  # the masked display is kept for lists
    # signing in by phone finds the person through the keyed hash
    desk = Desk(client)
    assert (await desk.sign_in(handler.phone)).headers["Location"] == "/console/home"
    await desk.sign_out()
    # a row an older release wrote: the phone in clear, still found, then sealed
    person = await Person.get(id_number_hash=client.app[DOMAIN].vault.lookup_hash(
        handler.id_number))
    await Person.filter(id=person.id).update(phone_clear=handler.phone, phone_enc="",
                                             phone_hash="", phone_masked="")
    assert handler.phone in await stored_text()
    assert (await Person.get(id=person.id)).phone == handler.phone
    assert (await desk.sign_in(handler.phone)).headers["Location"] == "/console/home"
    vault: Vault = client.app[DOMAIN].vault
    assert await Reencryption.remaining(vault) == 1
    assert (await Reencryption.reencrypt(vault)).phones == 1
    assert await Reencryption.remaining(vault) == 0
    assert handler.phone not in await stored_text()
    assert (await Person.get(id=person.id)).phone == handler.phone


def aes_sealed(number: str) -> str:
    """An ID number as the service sealed it before SM4 (AES-256-GCM)."""
    key = base64.b64decode(ID_ENCRYPTION_KEY)
    aead = AESGCM(hmac.new(key, b"expertbot/id-encryption", hashlib.sha256).digest())
    nonce = os.urandom(12)
    return base64.b64encode(nonce + aead.encrypt(nonce, number.encode(), b"id-number")).decode()


async def test_old_rows_are_sealed_again_online_interrupted_and_resumed(
        client: TestClient) -> None:
    await make_experts(client, 6)
    vault: Vault = client.app[DOMAIN].vault
    people = await Person.all().order_by("id")
    assert all(p.id_number_enc.startswith("sm4:1:") for p in people)  # new rows: SM4
    numbers = {p.id: vault.decrypt(p.id_number_enc) for p in people}
    for p in people:  # as a database from before SM4 holds them
        assert await rewrap_id_number(p.id, p.id_number_enc, aes_sealed(numbers[p.id]))
    assert await Reencryption.remaining(vault) == len(people)
    # still readable while old
    person = people[0]
    assert client.app[DOMAIN].people.id_number_of(await Person.get(id=person.id)) == \
        numbers[person.id]
    # interrupted after three rows
    first = await Reencryption.reencrypt(vault, batch=2, limit=3)
    assert first.rewritten == 3 and await Reencryption.remaining(vault) == len(people) - 3
    # resumed: the rest, nothing sealed twice
    rest = await Reencryption.reencrypt(vault, batch=2)
    assert rest.rewritten == len(people) - 3 and rest.already == 3
    assert await Reencryption.remaining(vault) == 0
    again = await Reencryption.reencrypt(vault)
    assert again.rewritten == 0 and again.already == len(people)
    for p in await Person.all():
        assert p.id_number_enc.startswith("sm4:1:") and vault.decrypt(p.id_number_enc) == \
            numbers[p.id]
    # a new key version: everything rotates to it, the old version still opens meanwhile
    old_key = base64.b64encode(bytes(range(16))).decode()
    rotated = Vault(ID_ENCRYPTION_KEY, {1: vault._sm4[1], 2: base64.b64decode(old_key)})
    # a desk's TOTP secret, sealed by the same vault, rotates too (else it would not open
    # once the old key is retired)
    factor = await DeskFactor.create(person_id=people[0].id, secret_enc=vault.encrypt(
        "JBSWY3DPEHPK3PXP"), enrolled_at=datetime.now(UTC))
    assert rotated.version == 2 and await Reencryption.remaining(rotated) == len(people) + 1
    rotation = await Reencryption.reencrypt(rotated)
    assert rotation.rewritten == len(people) and rotation.phones == len(people)
    assert rotation.factors == 1 and await Reencryption.remaining(rotated) == 0
    assert all(p.id_number_enc.startswith("sm4:2:") and p.phone_enc.startswith("sm4:2:")
               for p in await Person.all())
    resealed = (await DeskFactor.get(id=factor.id)).secret_enc
    assert resealed.startswith("sm4:2:") and rotated.decrypt(resealed) == "JBSWY3DPEHPK3PXP"


def test_keys_come_from_the_environment_or_a_key_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """GB-39786 asks the keys be kept apart from the data: from the environment or a key
    file. SECRETS_DIR holds one file per
    variable (as mounted secrets are); a variable set in the environment wins over its file."""
    sm4 = base64.b64encode(bytes(range(16))).decode()
    (tmp_path / "ID_ENCRYPTION_KEY").write_text(ID_ENCRYPTION_KEY + "\n")
    (tmp_path / "SM4_KEYS").write_text(f"7:{sm4}\n")
    for name in ("ID_ENCRYPTION_KEY", "SM4_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path))
    try:
        vault = make_vault(load_settings()[0])
        assert vault.version == 7 and vault.encrypt("x").startswith("sm4:7:")
        monkeypatch.setenv("SM4_KEYS", f"8:{sm4}")
        assert make_vault(load_settings()[0]).version == 8
    finally:
        sealing.install(TEST_VAULT)  # make_vault installed these keys for the whole process


async def test_a_draws_seed_is_sealed_until_it_is_revealed(
        client: TestClient, api: Api, demo: dict) -> None:
    """A draw's seed is sealed until the draw ends (TBL-REG Art. 46: experts drawn at random;
    GD-DRAW publishes the seed's hash at the start): whoever reads the
    database between verification and the end could otherwise foresee the draw's order. The
    row holds only the seal; the published hash still matches the seed opened from it; a seed
    an older release kept in clear is sealed by `expertbot migrate` / `reencrypt`."""
    await make_experts(client, 4)
    aid, _ = await prepared(api, demo, total=2)  # verified: the seed is fixed
    rows = await connections.get("default").execute_query_dict(
        "SELECT seed, seed_enc, seed_hash FROM draw_activity")
    row = next(r for r in rows if r["seed_enc"])
    assert row["seed"] is None and str(row["seed_enc"]).startswith("sm4:")
    activity = await DrawActivity.get(id=aid)
    assert activity.seed is not None and seed_hash(activity.seed) == row["seed_hash"]
    # as an older release wrote it: in clear
    seed = activity.seed
    await DrawActivity.filter(id=aid).update(seed_clear=seed, seed_enc=None)
    assert (await DrawActivity.get(id=aid)).seed == seed  # read meanwhile
    vault: Vault = client.app[DOMAIN].vault
    assert await Reencryption.seal_seeds(vault) == 1
    resealed = await DrawActivity.get(id=aid)
    assert resealed.seed_clear is None and resealed.seed == seed


async def test_id_lookup_hashes_move_to_hmac_sm3_with_the_avoidances_that_copy_them(
        client: TestClient, api: Api, demo: dict) -> None:
    """GB-39786: the national algorithms, so lookup hashes are HMAC-SM3. A person kept with the
    HMAC-SHA256 of a release before is still found (sign-in by ID number, registration refusing the
    number again), and `expertbot migrate` / `reencrypt` make the hash again with HMAC-SM3 — and an
    avoidance that copied the old hash moves with it, so the avoided expert is still avoided."""
    vault: Vault = client.app[DOMAIN].vault
    handler = demo["handler"]
    person = await Person.get(phone_is(handler.phone))
    assert person.id_number_hash == vault.lookup_hash(handler.id_number)
    assert person.id_number_hash.startswith("sm3:")
    old = vault.legacy_lookup_hash(handler.id_number)
    assert await rehash_id_number(person.id, person.id_number_hash, old)  # an older row
    people = client.app[DOMAIN].people
    assert (await people.by_id_number(handler.id_number)).id == person.id
    aid, _ = await prepared(api, demo, total=2, verify=False)
    avoided = await Avoidance.create(activity_id=aid, kind="person", name="某人", id_hash=old)
    assert await Reencryption.remaining(vault) >= 1
    assert await Reencryption.rehash_ids(vault) == 1
    assert (await Person.get(id=person.id)).id_number_hash == vault.lookup_hash(
        handler.id_number)
    assert (await Avoidance.get(id=avoided.id)).id_hash == vault.lookup_hash(
        handler.id_number)
    assert (await people.by_id_number(handler.id_number)).id == person.id
    assert await Reencryption.rehash_ids(vault) == 0  # nothing twice


async def test_a_draws_handler_and_supervisors_are_sealed_again_with_a_new_key(
        client: TestClient, api: Api, demo: dict) -> None:
    """GD-DRAW's 经办人电话 and 经办人证件号 and a supervisor's phone rotate with the key, as
    a person's do (else they would not open once the old key is retired)."""
    aid, token = await prepared(api, demo, total=1, submitted=False)
    added = await api.call("PUT", f"/draws/activities/{aid}", token, {"supervisors": [
        {"name": "张三", "phone": "13922223333", "department": "广州市住房和城乡建设局"}]})
    assert added.status == 200, added.data
    # an avoided person's ID number (kept sealed to hash it for another library) too
    typed = await api.call("POST", f"/draws/activities/{aid}/avoidances", token, {
        "kind": "person", "name": "某人", "code": demo["expert"].id_number})
    assert typed.status == 200, typed.data
    # ... and a person who took part in the project's 前期 work
    listed = await api.call("POST", f"/draws/activities/{aid}/involvement", token, {
        "kind": "person", "name": "某设计人", "code": demo["expert"].id_number,
        "stage": "设计"})
    assert listed.status == 200, listed.data
    vault: Vault = client.app[DOMAIN].vault
    rotated = Vault(ID_ENCRYPTION_KEY, {1: vault._sm4[1], 2: bytes(range(16))})
    assert await Reencryption.remaining(rotated) >= 3
    assert await reseal_handlers(rotated) == 3
    involved = await ProjectInvolvement.get(kind="person")
    assert rotated.decrypt(involved.id_sealed or "", AVOID_ID) == demo["expert"].id_number
    avoided = await Avoidance.get(activity_id=aid, kind="person")
    assert avoided.id_sealed is not None and avoided.id_sealed.startswith("sm4:2:")
    assert rotated.decrypt(avoided.id_sealed, AVOID_ID) == demo["expert"].id_number
    row = await DrawActivity.get(id=aid)
    assert row.handler_phone_enc.startswith("sm4:2:") and row.handler_id_enc.startswith(
        "sm4:2:") and row.supervisors[0]["phone_enc"].startswith("sm4:2:")
    assert (rotated.open_phone(row.handler_phone_enc), rotated.decrypt(row.handler_id_enc),
            rotated.open_phone(row.supervisors[0]["phone_enc"])) == (
        demo["handler"].phone, demo["handler"].id_number, "13922223333")
    assert row.supervisors[0]["phone_masked"] == "139****3333"
    assert await reseal_handlers(rotated) == 0
