"""What can happen to a person, and how a context announces it to the contexts above it
(which it cannot call: the layers go one way, tools/layout.py). The table of what every
context does about each happening is services/reactions.py; this module is the part every
context sees: the happenings, a reaction's shape, and the announcer a context is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol


class Happening(StrEnum):
    SANCTION_DECIDED = "sanction:decided"
    SANCTION_REVOKED = "sanction:revoked"  # an appeal ruled in the expert's favour
    SANCTION_ENDED = "sanction:ended"  # its last day passed: a date, not a call
    ABSENCE_REGISTERED = "absence:registered"
    ABSENCE_UNDONE = "absence:undone"
    DEREGISTERED = "person:deregistered"
    ANONYMISED = "person:anonymised"
    RESIDENCE_CHANGED = "person:residence_changed"
    PHONE_CHANGED = "person:phone_changed"
    RELATIVES_DECLARED = "person:relatives_declared"  # an expert's close relatives, whole
    CE_PASSED = "education:passed"
    CE_FAILED = "education:failed"
    IMPORTED = "person:imported"  # a row of a register import
    PAID = "payment:paid"  # a fee settled once: a course, a training fee, a fee sheet's total
    # a performance record's 早退 or conduct items changed (the agency's record, a proposal
    # it confirmed, an administrator's review)
    RECORD_MARKED = "performance:marked"


# What a happening carries, one type per happening that carries anything


@dataclass(frozen=True)
class SanctionDecided:
    expert_id: int
    number: str  # S000012
    kind: str  # in words (暂停评标资格 …)
    excludes: bool  # keeps the expert out of draws (a warning does not)
    starts_on: date
    ends_on: date | None  # None: no end (a lifetime ban)


@dataclass(frozen=True)
class SanctionRevoked:
    expert_id: int
    number: str


@dataclass(frozen=True)
class Paid:
    kind: str  # what was paid for (models.money.payments.FeeKind)
    ref_id: int  # the enrollment, the application or the fee sheet's activity
    amount_fen: int
    transaction_id: str  # WeChat Pay's (our order number when it gave none)


@dataclass(frozen=True)
class RelativesDeclared:
    expert_id: int


@dataclass(frozen=True)
class RecordMarked:
    invitation_id: int  # whose fee at which evaluation


Details = SanctionDecided | SanctionRevoked | Paid | RelativesDeclared | RecordMarked | None


@dataclass(frozen=True)
class Happened:
    what: Happening
    person_id: int
    at: datetime
    details: Details = None
    # the announcing change's notifications (services.notifications.Change): a reaction
    # that tells someone does it inside the same transaction
    change: Any = None


@dataclass(frozen=True)
class Reaction:
    """What one context does about a happening, in a sentence. Either `run` (called when the
    happening is announced, inside the announcing change's transaction) or `where` (the
    function that does it in the announcing call, or that reads the fact when it matters:
    "module:function"), for the reader and for the test that walks the table."""

    context: str
    does: str
    run: Callable[[Happened], Awaitable[None]] | None = None
    where: str = ""


class Announcer(Protocol):
    async def announce(self, happened: Happened) -> None: ...


class Reactions:
    """Runs, in the table's order, the reactions of a happening that are called."""

    def __init__(self, table: Mapping[Happening, Sequence[Reaction]]) -> None:
        self.table = table

    async def announce(self, happened: Happened) -> None:
        for reaction in self.table.get(happened.what, ()):
            if reaction.run is not None:
                await reaction.run(happened)

