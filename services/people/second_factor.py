"""Desk sign-in's second factor: TOTP (RFC 6238, 6 digits every 30 s, pyotp) enrolled by
scanning a QR code in an authenticator app, or one of 8 one-time recovery codes. A code is
accepted once (its time step is remembered), one step either side of now for a phone's
clock; five wrong codes in a row end the sign-in. Which roles need it: DESK_2FA_ROLES."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Literal

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from tortoise.transactions import in_transaction

from models.desk_auth import DeskFactor
from models.people import Person
from services.common.errors import BadInput, Conflict
from services.common.pii import Vault

ISSUER = "评标专家库"
RECOVERY_CODES = 8
STEP = 30


class SecondFactor:
    def __init__(self, vault: Vault, key: bytes) -> None:
        self.vault = vault
        self._key = key  # for the recovery codes' hashes

    def _hash(self, code: str) -> str:
        """HMAC-SM3 of a recovery code (密评: the national algorithms)."""
        mac = crypto_hmac.HMAC(self._key, hashes.SM3())
        mac.update(code.replace("-", "").upper().encode())
        return mac.finalize().hex()

    def _legacy_hash(self, code: str) -> str:
        """HMAC-SHA256, as codes enrolled before SM3 were kept (still good until used)."""
        return hmac.new(self._key, code.replace("-", "").upper().encode(),
                        hashlib.sha256).hexdigest()

    @staticmethod
    async def enrolled(person_id: int) -> bool:
        return await DeskFactor.exists(person_id=person_id)

    @staticmethod
    def new_secret() -> str:
        return pyotp.random_base32()

    @staticmethod
    def uri(secret: str, person: Person) -> str:
        """What the authenticator app scans (the account shown by its masked phone)."""
        label = f"{person.phone[:3]}****{person.phone[-4:]}"
        return pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)

    async def enrol(self, person: Person, secret: str, code: str, now: datetime
                    ) -> list[str]:
        """The first code proves the app holds the secret; returns the recovery codes, shown
        once."""
        step = self._step(secret, code, now)
        if step is None:
            raise BadInput("second_factor.wrong_code")
        codes = ["-".join(secrets.token_hex(2).upper() for _ in range(2))
                 for _ in range(RECOVERY_CODES)]
        _, made = await DeskFactor.get_or_create(person_id=person.id, defaults={
            "secret_enc": self.vault.encrypt(secret), "enrolled_at": now,
            "last_step": step, "recovery": [self._hash(c) for c in codes]})
        if not made:
            raise Conflict("second_factor.already_enrolled")
        return codes

    async def check(self, person: Person, code: str, now: datetime
                    ) -> Literal["totp", "recovery"]:
        """"totp" or "recovery" when the code is good (and now spent); BadInput otherwise."""
        factor = await DeskFactor.get_or_none(person_id=person.id)
        if factor is None:
            raise Conflict("second_factor.not_enrolled")
        typed = code.strip().replace(" ", "")
        if typed.isdigit() and len(typed) == 6:  # an app's code (a recovery code has 8)
            step = self._step(self.vault.decrypt(factor.secret_enc), typed, now)
            if step is not None and await DeskFactor.filter(
                    id=factor.id, last_step__lt=step).update(last_step=step):
                return "totp"
            raise BadInput("second_factor.wrong_code")
        hashed = {self._hash(typed), self._legacy_hash(typed)}
        async with in_transaction():  # a recovery code is spent once, even by two tabs
            locked = await DeskFactor.select_for_update().get(id=factor.id)
            if hashed & set(locked.recovery):
                locked.recovery = [h for h in locked.recovery if h not in hashed]
                await locked.save(update_fields=["recovery"])
                return "recovery"
        raise BadInput("second_factor.wrong_code")

    @staticmethod
    def _step(secret: str, code: str, now: datetime) -> int | None:
        """The time step the code belongs to (now, or one either side), None if none."""
        totp, here = pyotp.TOTP(secret), int(now.timestamp()) // STEP
        for step in (here, here - 1, here + 1):
            if hmac.compare_digest(totp.at(step * STEP), code):
                return step
        return None

    @staticmethod
    async def reset(person_id: int) -> int:
        """A lost phone: enrol again at the next sign-in (a security administrator's act)."""
        return await DeskFactor.filter(person_id=person_id).delete()
