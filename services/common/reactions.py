"""What can happen to a person, and how a context announces it to the contexts above it
(which it cannot call: the layers go one way, tools/layout.py). The table of what every
context does about each happening is services/reactions.py; this module is the part every
context sees: the happenings, a reaction's shape, and the announcer a context is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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
    CE_PASSED = "education:passed"
    CE_FAILED = "education:failed"
    IMPORTED = "person:imported"  # a row of a register import
    FEES_FUNDED = "payment:fees_funded"  # an agency person paid a fee sheet's total


@dataclass(frozen=True)
class Happened:
    what: Happening
    person_id: int
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)


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

