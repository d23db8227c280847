"""The fee of an expert at a 副场 of a remote evaluation (FG-807: 副场 experts are paid by
either side's standard, 就高不就低 encouraged): the system administrator's rule on the fee
standard (`FeeStandard.secondary_rule`) picks this library's standard ("ours"), the standard
of the library serving the 副场 ("theirs") or whichever gives the expert more ("higher").

A 副场 served by this library's own experts has this library's standard as "theirs" too, so
every rule gives the same amount. A 副场 served by a peer library's experts (the peer draws)
passes the peer's standard through the hook `THEIR_STANDARDS` (a provider per notice)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from models.draws import Notice
from models.fees import FeeStandard
from services.fees.rule import Computed, compute

SecondaryRule = Literal["ours", "theirs", "higher"]
RULES: tuple[SecondaryRule, ...] = ("ours", "theirs", "higher")
DEFAULT_RULE: SecondaryRule = "higher"  # FG-807 encourages 就高不就低
Which = Literal["ours", "theirs"]
T = TypeVar("T")


def secondary_fee(rule: str, ours: FeeStandard, theirs: FeeStandard | None,
                  start: datetime, end: datetime, situation: str, away: bool
                  ) -> tuple[Computed, Which]:
    """What a 副场 expert is paid for working from `start` to `end` by the rule, and whose
    standard gave it (`theirs` None: this library serves the 副场, so "ours" whatever the
    rule; of two equal amounts, ours)."""
    mine = compute(ours, start, end, situation, away)
    if theirs is None or rule == "ours":
        return mine, "ours"
    other = compute(theirs, start, end, situation, away)
    if rule == "theirs" or other.total_fen > mine.total_fen:
        return other, "theirs"
    return mine, "ours"


class Providers(Generic[T]):
    """A hook: providers asked in turn, the first answer (not None) taken; none answering
    means the caller's own (this library's standard, or not a hosted 副场)."""

    def __init__(self) -> None:
        self._providers: list[Callable[[Notice, date], Awaitable[T | None]]] = []

    def add(self, provider: Callable[[Notice, date], Awaitable[T | None]]) -> None:
        """`provider` asked from now on (once, however many apps a process makes)."""
        if provider not in self._providers:
            self._providers.append(provider)

    @contextmanager
    def provided(self, provider: Callable[[Notice, date], Awaitable[T | None]]
                 ) -> Iterator[None]:
        """`provider` asked while the block runs (a test's peer standard)."""
        self._providers.append(provider)
        try:
            yield
        finally:
            self._providers.remove(provider)

    async def of(self, notice: Notice, day: date) -> T | None:
        for provider in list(self._providers):
            found = await provider(notice, day)
            if found is not None:
                return found
        return None


# declared once, like the reactions' tables: the standard of the library serving a 副场 on
# the evaluation's day (None: this library's)
THEIR_STANDARDS: Providers[FeeStandard] = Providers()

# a 副场 this library serves for another library's evaluation: that 主场 library's rule and
# standard, as its request carried them (services/federation/fee_terms.py); None: not one
HOSTED_TERMS: Providers[tuple[str, FeeStandard]] = Providers()


async def fee_at_venue(standard: FeeStandard, notice: Notice, day: date, start: datetime,
                       end: datetime, situation: str, away: bool) -> Computed:
    """The fee at the expert's own venue: the 主场's by this library's standard; a 副场's by
    the rule of the 主场's administrator (this library's, or the asking library's for a
    副场 served here for it), the computation saying which standard it applied."""
    if notice.role != "secondary":
        return compute(standard, start, end, situation, away)
    hosted = await HOSTED_TERMS.of(notice, day)
    if hosted is not None:  # another library's 主场: its rule, its standard as "ours"
        rule, ours = hosted
        theirs: FeeStandard | None = standard
    else:
        rule, ours = standard.secondary_rule or DEFAULT_RULE, standard
        theirs = await THEIR_STANDARDS.of(notice, day)
    computed, which = secondary_fee(rule, ours, theirs, start, end, situation, away)
    applied = theirs if which == "theirs" and theirs is not None else ours
    return replace(computed, venue_rule=rule, which=which, standard_name=applied.name)
