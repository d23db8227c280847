"""One push on its way through the middlewares to a handler, and how it was answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from bot.conversation.fsm import FSMContext
from bot.wechat.incoming import Incoming
from models.orm.statements import columns, model_from, rows
from models.people import Person
from models.wechat import IdentityRow, WeChatIdentity


def _no_params(_ev: Event) -> tuple[Any, ...]:
    return ()


@dataclass(frozen=True, eq=False)
class Fact:
    """Something about a push's sender that a handler will ask for (an open 人工客服 ticket,
    the invitations waiting for an answer), read in the statement that reads the sender's
    person rather than in one of its own: `sql` is a scalar subquery over the identity `i`
    (wechat_identity) and its person `p` (NULL when unbound or deregistered), its `?`s bound
    from `params(event)`. `wanted(event)` says whether this push is likely to ask for it
    (read with the person only then); one asked for without being wanted is read alone."""

    name: str
    sql: str
    wanted: Callable[[Event], bool]
    params: Callable[[Event], tuple[Any, ...]] = _no_params


def fact_columns(facts: tuple[Fact, ...]) -> str:
    """The facts as columns of a select over `i` and `p` (their values' labels `f.NAME`)."""
    return "".join(f', {f.sql} AS "f.{f.name}"' for f in facts)


@cache
def _person_sql(facts: tuple[Fact, ...], person: bool) -> str:
    """The bound person of an identity (by its id), if not deregistered, and `facts`; built
    once the models are initialised."""
    selected = columns(Person, "p") if person else "i.id AS i_id"
    return (f"SELECT {selected}{fact_columns(facts)} FROM wechat_identity i "
            "LEFT JOIN person p ON p.id = i.person_id AND p.deregistered_at IS NULL "
            "WHERE i.id = ?")


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
    asks: tuple[Fact, ...] = ()  # the facts the handlers may ask for (the dispatcher's)
    # when a push is answered in one transaction with its identity (Router.in_one_transaction)
    whole: tuple[Callable[[Event], bool], ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # by name, once read

    _identity: WeChatIdentity | None = None
    _person: Person | None = None
    _person_loaded: bool = False

    async def load_person(self) -> Person | None:
        """The person the sender's identity is bound to (None if unbound or deregistered),
        read with the facts this push is likely to ask for."""
        if not self._person_loaded and self.identity_row is not None:
            await self._read(self.wanted_facts(), person=True)
        return self._person

    async def fact(self, fact: Fact) -> Any:
        """A fact about the sender: read with the person when it was wanted, else now (with
        the person, if that is still to be read); None for a push with no sender."""
        if fact.name not in self.facts and self.identity_row is not None:
            wanted = self.wanted_facts()
            await self._read(wanted if fact in wanted else (*wanted, fact),
                             person=not self._person_loaded)
        return self.facts.get(fact.name)

    def in_one_transaction(self) -> bool:
        """Whether a handler answers this push by a change of its own, to be made in one
        transaction with the read of the sender's identity."""
        return any(when(self) for when in self.whole)

    def wanted_facts(self) -> tuple[Fact, ...]:
        """The facts not read yet that this push is likely to ask for."""
        return tuple(f for f in self.asks if f.name not in self.facts and f.wanted(self))

    def know_facts(self, facts: tuple[Fact, ...], row: dict[str, Any] | None) -> None:
        """The facts' values, from a row that selected them (`fact_columns`)."""
        for f in facts:
            self.facts[f.name] = row.get(f"f.{f.name}") if row is not None else None

    async def _read(self, facts: tuple[Fact, ...], person: bool) -> None:
        assert self.identity_row is not None
        params = [value for f in facts for value in f.params(self)]
        found = await rows(_person_sql(facts, person), *params, self.identity_row.id)
        if person:
            self.know_person(model_from(Person, found[0], "p") if found else None)
        self.know_facts(facts, found[0] if found else None)

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


