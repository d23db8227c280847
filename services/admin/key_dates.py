"""Keys and certificates that end, told before they do (GB-39786: a key is used within its
period and replaced before it ends; WX-PAY: a platform certificate lasts five years and must
be replaced before it expires). Each has the moment it stops being good: read from the
material where it carries one (an X.509 certificate's notAfter), recorded by the operator
where it does not (a raw SM2, Ed25519 or SM4 key: `KEY_ROTATE_BY`, a peer's `until` in
`FEDERATION_PEERS`, an evaluation system's in its register). The system administrator's
home page and `expertbot doctor` warn 30 and 7 days ahead and once past
(docs/rules-that-are-ours.md, "Keys and certificates")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from models.evaluation.systems import EvaluationSystem
from models.people import Person
from services.common.clock import china_today, end_of_china_day
from services.common.texts import Texts

WARN_DAYS = (30, 7)  # days ahead of a key's last day the warning starts, then sharpens
Level = Literal["30", "7", "past"]
# what each kind is (texts/keys/<kind>.j2 words it and says what to do)
KINDS = ("wechatpay_platform_cert", "wechatpay_cert", "federation", "federation_peer",
         "evaluation", "evaluation_system", "sm4", "unified_identity")


@dataclass(frozen=True)
class KeyDate:
    """One key or certificate: its kind, which one (a serial, a library's name, an SM4
    version; "" for the only one), the first moment it is no longer good, whether that was
    read from the material or recorded, and who recorded it and when (recorded ones)."""

    kind: str
    name: str
    ends: datetime
    read: bool
    recorded_by: str = ""
    recorded_on: date | None = None

    @property
    def last_day(self) -> date:
        """The last China day it is good on (any part of it)."""
        return china_today(self.ends - timedelta(microseconds=1))


@dataclass(frozen=True)
class KeyWarning:
    """A key that wants an operator: days from today (China) to its last day, and how
    urgently ("30": within 30 days, "7": within 7, "past": no longer good)."""

    key: KeyDate
    days: int
    level: Level


def level_of(key: KeyDate, now: datetime) -> KeyWarning | None:
    """The warning a key earns now, if any: past once its moment has come; else within 7
    or 30 China days of its last day (the day itself counts 0)."""
    days = (key.last_day - china_today(now)).days
    if now >= key.ends:
        return KeyWarning(key, days, "past")
    if days <= WARN_DAYS[1]:
        return KeyWarning(key, days, "7")
    if days <= WARN_DAYS[0]:
        return KeyWarning(key, days, "30")
    return None


class KeyDates:
    """The keys and certificates with a date, and which of them want an operator now."""

    def __init__(self, dates: Sequence[KeyDate] = (), texts: Texts | None = None) -> None:
        self.dates = tuple(dates)
        self.texts = texts

    async def known(self, register: bool = True) -> list[KeyDate]:
        """Every dated key, the active evaluation systems' included (unless `register` is
        false: the configuration's only), soonest first."""
        systems = await EvaluationSystem.filter(
            active=True, key_rotate_by__isnull=False) if register else []
        ids = {s.key_dated_by for s in systems if s.key_dated_by is not None}
        names = {p.id: p.name for p in await Person.filter(id__in=ids)} if ids else {}
        registered = [KeyDate(
            "evaluation_system", s.name, end_of_china_day(s.key_rotate_by), False,
            names.get(s.key_dated_by or 0, ""),
            china_today(s.key_dated_at) if s.key_dated_at else None)
            for s in systems if s.key_rotate_by is not None]
        return sorted([*self.dates, *registered], key=lambda k: (k.ends, k.kind, k.name))

    async def due(self, now: datetime, register: bool = True) -> list[KeyWarning]:
        """The keys to warn of now, soonest first."""
        found = [level_of(k, now) for k in await self.known(register)]
        return [w for w in found if w is not None]

    def words(self, warning: KeyWarning) -> str:
        """The warning in words: what ends when, and what to do before (texts/keys/)."""
        if self.texts is None:
            raise RuntimeError("KeyDates without texts cannot word a warning")
        key = warning.key
        return " ".join(self.texts.render(
            f"keys/{key.kind}.j2", name=key.name, last=f"{key.last_day:%Y年%m月%d日}",
            days=warning.days, level=warning.level, read=key.read,
            recorded_by=key.recorded_by,
            recorded_on=f"{key.recorded_on:%Y年%m月%d日}" if key.recorded_on else "",
        ).split())
