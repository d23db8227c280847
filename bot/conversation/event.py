"""One push on its way through the middlewares to a handler, and how it was answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from bot.conversation.fsm import FSMContext
from bot.wechat.incoming import Incoming
from models.orm.statements import columns, model_from, rows
from models.people import Person
from models.wechat import IdentityRow, WeChatIdentity


@cache
def _person_sql() -> str:
    """The bound person of an identity (by its id), if not deregistered; built once the
    models are initialised."""
    return (f"SELECT {columns(Person, 'p')} FROM person p JOIN wechat_identity i ON "
            "i.person_id = p.id WHERE i.id = ? AND p.deregistered_at IS NULL")


@dataclass(slots=True)
class Outcome:
    """How a push was answered, for the transport and for tests."""

    late: bool = False  # the reply goes out later as a customer-service message
    deferred: bool = False  # queued for a worker: the user's previous message still runs
    duplicate: bool = False  # a WeChat retry of a push already handled
    busy: bool = False  # Redis or the database was unreachable
    failed: bool = False  # the handler raised
    handler: str = ""


@dataclass(eq=False)
class Event:
    """One push on its way through the middlewares."""

    msg: Incoming
    now: datetime
    outcome: Outcome
    deferred: bool = False
    text: str = ""
    said: str = ""  # the text folded with its punctuation (a "？" asks)
    asking: bool = False  # the text asks something (bot/conversation/asking.py)
    offline: bool = False  # a push made up to explain a route (`expertbot route`)
    scene: Any = None
    scene_error: str | None = None
    identity_row: IdentityRow | None = None
    fsm: FSMContext | None = None
    handler_started: bool = False
    cached_identity: str = ""  # the identity cache entry read with the conversation
    identity_cache: str = ""  # a fresh entry to write back with the conversation
    extra: dict[str, Any] = field(default_factory=dict)

    _identity: WeChatIdentity | None = None
    _person: Person | None = None
    _person_loaded: bool = False

    async def load_person(self) -> Person | None:
        """The person the sender's identity is bound to (None if unbound or deregistered)."""
        if not self._person_loaded and self.identity_row is not None:
            found = await rows(_person_sql(), self.identity_row.id)
            self.know_person(model_from(Person, found[0], "p") if found else None)
        return self._person

    def know_person(self, person: Person | None) -> None:
        """The person, read with the identity (a push from a user not cached)."""
        self._person, self._person_loaded = person, True

    @property
    def identity(self) -> WeChatIdentity | None:
        """The sender's WeChatIdentity row object, built on first use."""
        if self._identity is None and self.identity_row is not None:
            self._identity = self.identity_row.model()
        return self._identity

    def start_handler(self) -> None:
        self.handler_started = True


