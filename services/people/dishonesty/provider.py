"""The 失信被执行人 check: whether a person is on the Supreme People's Court list of
dishonest judgment debtors, asked of a licensed data provider by name and ID number. The
provider's wire format lives in bot/providers/dishonesty/http.py; here, what the domain sees: listed
or not with the cases, or one of three failures, and the retry with backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

# the waits before the 2nd and 3rd attempt of a query the provider could not answer (ours)
BACKOFF = (1.0, 4.0)


@dataclass(frozen=True)
class Case:
    """One entry of the list as the provider summarises it (never the ID number)."""

    case_number: str  # 案号, e.g. (2023)粤0106执1234号
    court: str  # 执行法院
    published_on: str  # 发布日期, ISO date as the provider gives it

    @property
    def key(self) -> str:
        """What makes two findings the same case."""
        return self.case_number or f"{self.court}/{self.published_on}"

    def stored(self) -> dict[str, str]:
        return {"case_number": self.case_number, "court": self.court,
                "published_on": self.published_on}

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Case:
        return cls(str(raw.get("case_number", ""))[:64], str(raw.get("court", ""))[:64],
                   str(raw.get("published_on", ""))[:10])


@dataclass(frozen=True)
class Finding:
    listed: bool
    cases: tuple[Case, ...] = field(default=())


class DishonestyError(Exception):
    """The provider gave no finding."""


class DishonestyRefused(DishonestyError):
    """Our credentials or account were refused (bad key or signature, account suspended,
    quota used up): no query can succeed until someone fixes the configuration."""


class DishonestyBadQuery(DishonestyError):
    """The provider refused this one query (a malformed name or number): retrying the same
    query cannot help, the next expert's may."""


class DishonestyUnavailable(DishonestyError):
    """No answer now (unreachable, timed out, rate-limited, a server error): worth retrying."""


class DishonestyCheck(Protocol):
    async def query(self, name: str, id_number: str) -> Finding: ...


Sleep = Callable[[float], Awaitable[None]]


async def query_with_retries(check: DishonestyCheck, name: str, id_number: str, *,
                             backoff: Sequence[float] = BACKOFF,
                             sleep: Sleep = asyncio.sleep) -> Finding:
    """The provider's finding, a temporary failure retried after each wait of `backoff`;
    DishonestyRefused and DishonestyBadQuery at once, DishonestyUnavailable after the last."""
    waits = list(backoff)
    while True:
        try:
            return await check.query(name, id_number)
        except DishonestyUnavailable as exc:
            if not waits:
                raise
            log.info("dishonesty provider unavailable (%s); retrying", exc)
            await sleep(waits.pop(0))
