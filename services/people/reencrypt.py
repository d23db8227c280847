"""Re-encryption at rest, online: every ID number not yet sealed with the current SM4 key
(AES-GCM from before, or an older SM4 version) is opened and sealed again, and every phone
still in clear (from before phones were sealed) or under an older key is sealed, a batch per
transaction, while the service runs: a row is rewritten only if it still holds what was read
(a concurrent change wins), and only after the new ciphertext was checked to open to the same
number. Interrupted, it resumes where rows are still old; run twice, it rewrites nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.applications import FORM_PHONES, Application
from models.desk_auth import DeskFactor
from models.draw_handler import ProjectInvolvement
from models.draws import AVOID_ID, SEED, Avoidance, DrawActivity, sealed_seed
from models.help import SupportTicket
from models.orm.sealed_json import MARK
from models.people import Person, rehash_id_number, rewrap_id_number, sealed_phone
from services.common.pii import SM3_MARK, Vault

BATCH = 500


@dataclass(frozen=True)
class Rewrapped:
    rewritten: int  # ID numbers sealed again
    already: int  # ID numbers sealed with the current key before this run
    last_id: int  # the cursor: where a resumed run may start
    phones: int = 0  # phones sealed (from clear or an older key)
    factors: int = 0  # desks' TOTP secrets sealed again
    seeds: int = 0  # draw seeds sealed (from clear or an older key)
    hashes: int = 0  # ID numbers' lookup hashes made again with HMAC-SM3
    handlers: int = 0  # draw activities whose handler's or supervisors' seals were renewed


def _old(token: str, vault: Vault) -> bool:
    return bool(token) and not vault.is_current(token)


async def reseal_handlers(vault: Vault, batch: int = BATCH) -> int:
    """Draw activities' handler phone and ID number and supervisors' phones
    (models/draw_handler.py), and avoided persons' ID numbers, sealed again where an older
    key sealed them, each row only while it still holds what was read."""
    done = cursor = 0
    while rows := await DrawActivity.filter(id__gt=cursor).order_by("id").limit(
            batch).values_list("id", "handler_phone_enc", "handler_id_enc", "supervisors"):
        for activity_id, phone, number, supervisors in rows:
            cursor = int(activity_id)
            people = [dict(p) if isinstance(p, dict) else p for p in supervisors or []]
            stale = [p for p in people
                     if isinstance(p, dict) and _old(str(p.get("phone_enc", "")), vault)]
            if not (_old(phone, vault) or _old(number, vault) or stale):
                continue
            fresh: dict[str, object] = {}
            if _old(phone, vault):
                fresh["handler_phone_enc"] = vault.seal_phone(vault.open_phone(phone))
            if _old(number, vault):
                fresh["handler_id_enc"] = vault.encrypt(vault.decrypt(number))
            for p in stale:
                p["phone_enc"] = vault.seal_phone(vault.open_phone(str(p["phone_enc"])))
            if stale:
                fresh["supervisors"] = people
            done += await DrawActivity.filter(id=activity_id, handler_phone_enc=phone,
                                              handler_id_enc=number).update(**fresh)
    cursor = 0  # avoided persons' ID numbers (kept to hash them for another library)
    while rows := await Avoidance.filter(id__gt=cursor, id_sealed__not_isnull=True).order_by(
            "id").limit(batch).values_list("id", "id_sealed"):
        for avoidance_id, sealed in rows:
            cursor = int(avoidance_id)
            if _old(sealed, vault):
                done += await Avoidance.filter(id=avoidance_id, id_sealed=sealed).update(
                    id_sealed=vault.encrypt(vault.decrypt(sealed, AVOID_ID), AVOID_ID))
    cursor = 0  # ... and those of persons who took part in a project's 前期 work
    while rows := await ProjectInvolvement.filter(
            id__gt=cursor, id_sealed__not_isnull=True).order_by("id").limit(
            batch).values_list("id", "id_sealed"):
        for involvement_id, sealed in rows:
            cursor = int(involvement_id)
            if _old(sealed, vault):
                done += await ProjectInvolvement.filter(id=involvement_id, id_sealed=sealed
                                                        ).update(id_sealed=vault.encrypt(
                                                            vault.decrypt(sealed, AVOID_ID),
                                                            AVOID_ID))
    cursor = 0  # the numbers 人工客服 calls back (a ticket asked for by SMS)
    while rows := await SupportTicket.filter(id__gt=cursor).exclude(
            callback_phone_enc="").order_by("id").limit(batch).values_list(
            "id", "callback_phone_enc"):
        for ticket_id, sealed in rows:
            cursor = int(ticket_id)
            if _old(sealed, vault):
                done += await SupportTicket.filter(id=ticket_id, callback_phone_enc=sealed
                                                   ).update(callback_phone_enc=vault.seal_phone(
                                                       vault.open_phone(sealed)))
    return done


async def _reseal_factors(vault: Vault) -> int:
    """The desks' TOTP secrets (a few hundred at most) under the current key: sealed by the
    same vault, they would not open once an old key is retired."""
    done = 0
    prefix = f"sm4:{vault.version}:"
    for factor_id, sealed in await DeskFactor.exclude(secret_enc__startswith=prefix).values_list(
            "id", "secret_enc"):
        secret = vault.decrypt(sealed)
        fresh = vault.encrypt(secret)
        done += await DeskFactor.filter(id=factor_id, secret_enc=sealed).update(secret_enc=fresh)
    return done


async def _seal_phone(vault: Vault, person_id: int, clear: str | None, phone_enc: str) -> int:
    """1 when this row's phone was sealed (from clear) or sealed again (an older key), only
    while the row still holds what was read."""
    if clear is not None:
        fresh = sealed_phone(clear)
        if vault.open_phone(fresh["phone_enc"]) != clear:
            raise RuntimeError(f"person {person_id}: the sealed phone does not open")
        return int(bool(await Person.filter(id=person_id, phone_clear=clear).update(
            **fresh, phone_clear=None)))
    if phone_enc and not vault.is_current(phone_enc):
        resealed = vault.seal_phone(vault.open_phone(phone_enc))
        return int(bool(await Person.filter(id=person_id, phone_enc=phone_enc).update(
            phone_enc=resealed)))
    return 0


class Reencryption:
    """Sealed personal data moved to the current key (`expertbot reencrypt`), and how much
    is left."""

    @staticmethod
    async def reencrypt(vault: Vault, *, after: int = 0, batch: int = BATCH,
                        limit: int | None = None,
                        progress: Callable[[Rewrapped], None] | None = None) -> Rewrapped:
        """Seal again, in id order from `after`, at most `limit` rows rewritten (None: all)."""
        rewritten = already = phones = 0
        cursor = after
        while limit is None or rewritten < limit:
            rows = await Person.filter(id__gt=cursor).order_by("id").limit(batch).values_list(
                "id", "id_number_enc", "phone_clear", "phone_enc")
            if not rows:
                break
            async with in_transaction():  # a batch a transaction
                for person_id, sealed, clear, phone_enc in rows:
                    cursor = int(person_id)
                    phones += await _seal_phone(vault, int(person_id), clear, phone_enc)
                    if vault.is_current(sealed):
                        already += 1
                        continue
                    number = vault.decrypt(sealed)
                    fresh = vault.encrypt(number)
                    if vault.decrypt(fresh) != number:  # never write what would not open
                        raise RuntimeError(f"person {person_id}: the new ciphertext does not open")
                    rewritten += await rewrap_id_number(int(person_id), sealed, fresh)
                    if limit is not None and rewritten >= limit:
                        break
            if progress is not None:
                progress(Rewrapped(rewritten, already, cursor, phones))
        more = limit is None or rewritten < limit
        factors = await _reseal_factors(vault) if more else 0
        seeds = await Reencryption.seal_seeds(vault) if more else 0
        hashes = await Reencryption.rehash_ids(vault) if more else 0
        handlers = await reseal_handlers(vault) if more else 0
        return Rewrapped(rewritten, already, cursor, phones, factors, seeds, hashes, handlers)

    @staticmethod
    async def remaining(vault: Vault) -> int:
        """ID numbers, phones (or phones not yet sealed at all), desks' TOTP secrets and draw
        seeds not yet under the current key, and ID lookup hashes not yet HMAC-SM3."""
        prefix = f"sm4:{vault.version}:"
        factors = await DeskFactor.exclude(secret_enc__startswith=prefix).count()
        seeds = await DrawActivity.filter(
            Q(seed_clear__not_isnull=True)
            | (Q(seed_enc__not_isnull=True) & ~Q(seed_enc__startswith=prefix))
            | (~Q(handler_phone_enc="") & ~Q(handler_phone_enc__startswith=prefix))
            | (~Q(handler_id_enc="") & ~Q(handler_id_enc__startswith=prefix))).count()
        avoided = await Avoidance.filter(id_sealed__not_isnull=True).exclude(
            id_sealed__startswith=prefix).count() + await ProjectInvolvement.filter(
            id_sealed__not_isnull=True).exclude(id_sealed__startswith=prefix).count()
        avoided += await SupportTicket.exclude(callback_phone_enc="").exclude(
            callback_phone_enc__startswith=prefix).count()
        return factors + seeds + avoided + await Person.filter(
            ~Q(id_number_enc__startswith=prefix) | Q(phone_clear__not_isnull=True)
            | (~Q(phone_enc="") & ~Q(phone_enc__startswith=prefix))
            | (~Q(id_number_hash__startswith=SM3_MARK)
               & ~Q(id_number_hash__startswith="anon:"))).count()

    @staticmethod
    async def rehash_ids(vault: Vault, batch: int = BATCH) -> int:
        """ID numbers' lookup hashes made again with HMAC-SM3 where they are still HMAC-SHA256,
        and the avoidance rows that copied the old hash with them (`expertbot migrate` does it
        before the release serves: a person avoided must still be found by the new hash)."""
        avoided = set(await Avoidance.filter(kind="person", id_hash__not_isnull=True).exclude(
            id_hash__startswith=SM3_MARK).values_list("id_hash", flat=True))
        done = cursor = 0
        old_hashes = Person.exclude(id_number_hash__startswith=SM3_MARK).exclude(
            id_number_hash__startswith="anon:")
        while rows := await old_hashes.filter(id__gt=cursor).order_by("id").limit(
                batch).values_list("id", "id_number_enc", "id_number_hash"):
            async with in_transaction():  # a batch a transaction
                for person_id, sealed, old in rows:
                    cursor = int(person_id)
                    try:
                        number = vault.decrypt(sealed)
                    except Exception:
                        continue
                    if vault.legacy_lookup_hash(number) != old:
                        continue  # not the hash this vault made: nothing to carry over
                    new = vault.lookup_hash(number)
                    if await rehash_id_number(cursor, old, new):
                        done += 1
                        if old in avoided:
                            await Avoidance.filter(id_hash=old).update(id_hash=new)
        return done

    @staticmethod
    async def seal_clear_phones(vault: Vault, batch: int = BATCH) -> int:
        """Seal every phone still in clear (`expertbot migrate` does, after the migration that
        made phones sealed); the count sealed."""
        sealed = cursor = 0
        while rows := await Person.filter(id__gt=cursor, phone_clear__not_isnull=True).order_by(
                "id").limit(batch).values_list("id", "phone_clear"):
            async with in_transaction():  # a batch a transaction
                for person_id, clear in rows:
                    cursor = int(person_id)
                    sealed += await _seal_phone(vault, cursor, clear, "")
        return sealed

    @staticmethod
    async def seal_form_phones(batch: int = BATCH) -> int:
        """Applications whose form still holds the applicant's phones in clear (written before
        they were sealed) saved again: the form's column seals them (models/orm/sealed_json.py)."""
        sealed, cursor = 0, 0
        db = connections.get("default")
        while rows := await db.execute_query_dict(
                f"SELECT id, data FROM application WHERE id > {int(cursor)} "  # nosec B608
                f"ORDER BY id LIMIT {int(batch)}"):
            for row in rows:
                cursor = int(row["id"])
                raw = row["data"]
                data = json.loads(raw) if isinstance(raw, str | bytes) else raw or {}
                if any(isinstance(data.get(k), str) and data[k] and not data[k].startswith(MARK)
                       for k in FORM_PHONES):
                    app = await Application.get(id=cursor)  # opened as read, sealed as written
                    sealed += await Application.filter(id=cursor).update(data=app.data)
        return sealed

    @staticmethod
    async def seal_seeds(vault: Vault, batch: int = BATCH) -> int:
        """Draw seeds in clear (from an older release) sealed, and sealed ones under an older key
        sealed again, a batch at a time; each row only while it still holds what was read."""
        done = cursor = 0
        current = f"sm4:{vault.version}:"
        while rows := await DrawActivity.filter(
                Q(seed_clear__not_isnull=True) | (Q(seed_enc__not_isnull=True)
                                                  & ~Q(seed_enc__startswith=current)),
                id__gt=cursor).order_by("id").limit(batch).values_list("id", "seed_clear",
                                                                       "seed_enc"):
            async with in_transaction():  # a batch a transaction
                for activity_id, clear, sealed in rows:
                    cursor = int(activity_id)
                    seed = clear if clear is not None else vault.decrypt(sealed, SEED)
                    fresh = sealed_seed(seed)
                    if vault.decrypt(str(fresh["seed_enc"]), SEED) != seed:
                        raise RuntimeError(f"activity {activity_id}: the sealed seed does not open")
                    still = ({"seed_clear": clear} if clear is not None else {"seed_enc": sealed})
                    done += await DrawActivity.filter(id=activity_id, **still).update(**fresh)
        return done
