"""The year's state: the service's clients, the clock it reads, the month being walked and
what ran and broke in it."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from bot.jobs import CHANNELS_CTX
from bot.relay.channels import CHANNELS
from models.experts import ExpertProfile
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA
from services.domain import Domain
from services.jobs import CLOCK_CTX, DOMAIN_CTX
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.wechat import Chat
from tests.support.year.calendar import Calendar
from web.context import DOMAIN


@dataclass
class Month:
    """One month of the walk: what ran (counts by name) and what broke (sentences)."""

    first: date
    ran: Counter[str] = field(default_factory=Counter)
    broke: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Year:
    api: Api
    chat: Chat
    client: TestClient
    clock: MovedClock
    gateway: PayGateway
    demo: dict[str, Any]
    calendar: Calendar = field(default_factory=Calendar)
    months: list[Month] = field(default_factory=list)
    experts: list[ExpertProfile] = field(default_factory=list)
    loaded_2027: bool = False
    # what the year itself paid, by China month: (gross fen, tax fen)
    paid: dict[date, list[int]] = field(default_factory=dict)
    gone: dict[int, datetime] = field(default_factory=dict)  # deregistered: person -> when
    fees_kept: dict[int, int] = field(default_factory=dict)  # their transfers when they left
    anonymised: set[int] = field(default_factory=set)
    suspended: tuple[int, date, date] | None = None  # person, first and last day
    suspended_at: datetime | None = None  # when it was decided

    @property
    def domain(self) -> Domain:
        domain = self.client.app[DOMAIN]
        assert isinstance(domain, Domain)
        return domain

    @property
    def ctx(self) -> dict[str, Any]:
        """A worker's job context on the year's clock."""
        return {DOMAIN_CTX: self.domain, CLOCK_CTX: self.clock,
                CHANNELS_CTX: self.client.app[CHANNELS]}

    @property
    def month(self) -> Month:
        return self.months[-1]

    def now(self) -> datetime:
        return self.clock.now()

    def begin(self, moment: datetime) -> datetime:
        """The service's clock set to `moment`, back as well as on: the walk begins on its
        own first day (December 2026, the year's turn and 春节 ahead) whatever day it runs on,
        and only goes on from there."""
        self.clock.offset = moment.timestamp() - time.time()
        return self.clock.now()

    def at(self, moment: datetime) -> datetime:
        """The service's clock set to `moment` (never back: a year only goes on)."""
        offset = moment.timestamp() - time.time()
        if offset > self.clock.offset or self.clock.now() < moment:
            self.clock.offset = offset
        return self.clock.now()

    def calendar_years_loaded(self) -> set[int]:
        """The years the service's calendar knows (the package's, and 2027 once entered)."""
        return {2026, *((2027,) if self.loaded_2027 else ())}

    def today(self) -> date:
        return self.now().astimezone(CHINA).date()

    def ran(self, what: str, n: int = 1) -> None:
        self.month.ran[what] += n

    def broke(self, what: str) -> None:
        self.month.broke.append(what)
