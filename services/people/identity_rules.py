"""Identity rules: GB 11643 ID numbers, the age limit, phone changes, password policy,
unified social credit codes. Refusals are domain errors of the area `identity`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from models.people import Gender
from services.common.clock import CHINA
from services.common.errors import BadInput, ClosedWindow, NotAllowed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
              46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
MAX_APPLICANT_AGE = 65
PHONE_RE = re.compile(r"1[3-9][0-9]{9}")


_SEPARATORS = re.compile(r"[\s\-()]")


def normalise_identifier(raw: str) -> str:
    """A phone, ID number or old account name as typed, made comparable: full-width forms
    folded, no spaces, dashes or brackets, no +86 in front, upper-case."""
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    return value[3:] if value.startswith("+86") else value


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    gender: Gender


def anniversary(born: date, years: int) -> date:
    """The `years`-th birthday (29 February falls on 28 February in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def next_phone_change(last_change: datetime | None) -> datetime | None:
    """When the phone may next change (HN-APPLY: "手机号一年仅允许修改一次"), or None if it
    may now: the same China day and time a year after the last change (29 February: 28
    February), a leap year's 366 days included."""
    if last_change is None:
        return None
    local = last_change.astimezone(CHINA)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:
        return local.replace(year=local.year + 1, day=28)


def require_phone_change_allowed(last_change: datetime | None, now: datetime) -> None:
    """The phone receives every notice: it may change at most once a year (HN-APPLY)."""
    allowed = next_phone_change(last_change)
    if allowed is not None and now < allowed:
        raise ClosedWindow("identity.phone_changed_recently", next=allowed)


def require_strong_password(password: str) -> None:
    """At least 8 characters, with upper case, lower case and digits."""
    if (len(password) < 8 or not re.search(r"[A-Z]", password)
            or not re.search(r"[a-z]", password) or not re.search(r"[0-9]", password)):
        raise BadInput("identity.weak_password")


def default_password(id_number: str) -> str:
    """Migrated experts start with the last 8 characters of their ID number."""
    return id_number[-8:]


PASSWORD_COST = 14  # scrypt's N = 2**14 (r 8, p 1): about 60 ms on one core, on purpose


def _hash_sync(password: str, salt: bytes, log_n: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2**log_n, r=8, p=1)


async def hash_password(password: str, log_n: int = PASSWORD_COST) -> str:
    """scrypt, off the event loop (it takes tens of milliseconds on purpose). The hash says
    its cost when it is not the default (`scrypt$<log N>$salt$digest`), so that a hash is
    checked at the cost it was made with whatever the process's setting."""
    salt = os.urandom(16)
    digest = await asyncio.to_thread(_hash_sync, password, salt, log_n)
    cost = "" if log_n == PASSWORD_COST else f"{log_n}$"
    return (f"scrypt${cost}" + base64.b64encode(salt).decode() + "$"
            + base64.b64encode(digest).decode())


async def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    parts = stored.split("$")
    log_n = int(parts[1]) if len(parts) == 4 else PASSWORD_COST
    salt_b64, digest_b64 = parts[-2:]
    digest = await asyncio.to_thread(_hash_sync, password, base64.b64decode(salt_b64), log_n)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentityRules:
    """The rules of identity numbers (GB-11643, GB-32100), phones and the applicant's age:
    pure checks, the same for every context."""

    @staticmethod
    def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
        """An 18-character GB 11643 number, normalised (upper-case X); BadInput otherwise."""
        value = raw.strip().upper().replace(" ", "")
        if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
            raise BadInput("identity.id_format")
        if int(value[:2]) not in _PROVINCES:
            raise BadInput("identity.id_region")
        try:
            born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            raise BadInput("identity.id_birth_date") from None
        if born.year < 1800 or born > (today or date.today()):
            raise BadInput("identity.id_birth_date")
        if IdentityRules.id_check_character(value[:17]) != value[17]:
            raise BadInput("identity.id_check_character")
        return IdNumber(value, born, "M" if int(value[16]) % 2 else "F")

    @staticmethod
    def parse_phone(raw: str) -> str:
        """A mainland mobile number, without +86, spaces or dashes; BadInput otherwise."""
        value = raw.strip().replace(" ", "").replace("-", "")
        if value.startswith("+86"):
            value = value[3:]
        if not PHONE_RE.fullmatch(value):
            raise BadInput("identity.phone_format")
        return value

    @staticmethod
    def parse_credit_code(raw: str) -> str:
        """An 18-character unified social credit code with a valid check character."""
        value = raw.strip().upper()
        if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
            raise BadInput("identity.credit_code_format")
        if IdentityRules.uscc_check_char(value[:17]) != value[17]:
            raise BadInput("identity.credit_code_check_character")
        return value

    @staticmethod
    def id_check_character(first17: str) -> str:
        """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
        return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]

    @staticmethod
    def uscc_check_char(first17: str) -> str:
        """The check character of a unified social credit code (GB 32100)."""
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
        return _USCC_CHARS[(31 - total % 31) % 31]

    @staticmethod
    def require_applicant_age(born: date, today: date) -> None:
        """Applicants over 65 are refused: "超过65周岁" starts the day after the 65th birthday."""
        if today > anniversary(born, MAX_APPLICANT_AGE):
            raise NotAllowed("identity.over_age", limit=MAX_APPLICANT_AGE)
