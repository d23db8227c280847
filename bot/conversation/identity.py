"""The identity middleware: the sender's WeChat identity and the person it is bound to, read
with the facts the push's handlers are likely to ask for (bot/conversation/event.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import cache
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.conversation.dispatcher import Next
from bot.conversation.event import Event, Fact, fact_columns
from bot.wechat.replies import Reply
from models.orm.statements import columns, model_from, on_postgres, rows
from models.orm.units import in_unit, one_transaction_if
from models.people import Person
from models.wechat import SEEN_RESOLUTION, IdentityRow, WeChatIdentity


@cache
def _identity_sql(seen: bool = False, facts: tuple[Fact, ...] = ()) -> str:
    """A sender's identity and the person it is bound to (if not deregistered), with `facts`
    (bot/conversation/event.py); built once the models are initialised (the foreign keys'
    columns are known from then on). `seen` (PostgreSQL): the interaction noted in the same
    statement where the last one noted is older than SEEN_RESOLUTION (its `?`s: now, the
    openid, now less the resolution, then the facts' and the read's), `seen_at` set when it
    was."""
    read = (f"SELECT {columns(WeChatIdentity, 'i')}, {columns(Person, 'p')}"
            f"{', (SELECT last_seen_at FROM seen) AS seen_at' if seen else ''}"
            f"{fact_columns(facts)} FROM "
            "wechat_identity i LEFT JOIN person p ON p.id = i.person_id AND "
            "p.deregistered_at IS NULL WHERE i.openid = ?")
    if not seen:
        return read
    return ("WITH seen AS (UPDATE wechat_identity SET last_seen_at = ? WHERE openid = ? AND "
            "(last_seen_at IS NULL OR last_seen_at <= ?) RETURNING last_seen_at) " + read)


async def _created(openid: str) -> WeChatIdentity:
    """A first push's identity; inside one transaction, in a savepoint of its own (a
    concurrent push that created it first fails the insert, not the transaction)."""
    if not in_unit():
        return await WeChatIdentity.create(openid=openid)
    async with in_transaction():
        return await WeChatIdentity.create(openid=openid)


class IdentityMiddleware:
    """Loads (or creates) the sender's WeChat identity and notes follows and interactions.
    A known user comes from the cache read with the conversation; the database is read only
    on a cache miss (within `load_budget` s) and written only when something changed."""

    def __init__(self, load_budget: float) -> None:
        self._budget = load_budget

    async def __call__(self, ev: Event, call_next: Next) -> Reply:
        # an answer or a check-in: the identity's read and the handler's change are one
        # transaction, committed by the change (models/orm/units.py)
        async with one_transaction_if(ev.in_one_transaction()) as unit:
            reply = await self._answer(ev, call_next)
        if unit is not None and unit.rolled_back:  # the change failed, refused in words:
            await self._noted_again(ev)  # the interaction noted all the same (48 hours)
        return reply

    async def _noted_again(self, ev: Event) -> None:
        """After a unit rolled back: the identity read again (made, if it was made in the
        unit) with the interaction noted, and cached as it now stands."""
        async with asyncio.timeout(self._budget):
            identity, _person = await self._load(
                ev.msg.openid, ev.now if ev.msg.is_interaction else None, ev)
        if ev.msg.is_interaction and IdentityRow.of(identity).needs_seen_update(ev.now):
            await WeChatIdentity.filter(id=identity.id).update(last_seen_at=ev.now)
            identity.last_seen_at = ev.now
        ev.identity_cache = IdentityRow.of(identity).to_cache()

    async def _answer(self, ev: Event, call_next: Next) -> Reply:
        if ev.cached_identity:
            row = IdentityRow.from_cache(ev.cached_identity)
        else:
            async with asyncio.timeout(self._budget):
                identity, person = await self._load(
                    ev.msg.openid, ev.now if ev.msg.is_interaction else None, ev)
            ev.know_person(person)
            row = IdentityRow.of(identity)
            ev.identity_cache = row.to_cache()
        changes: dict[str, Any] = {}
        if ev.msg.event == "subscribe" and not row.subscribed:
            changes.update(subscribed=True, subscribed_at=ev.now)
        elif ev.msg.event == "unsubscribe" and row.subscribed:
            changes.update(subscribed=False, unsubscribed_at=ev.now)
        if ev.msg.is_interaction and row.needs_seen_update(ev.now):
            changes["last_seen_at"] = ev.now
        if changes:
            async with asyncio.timeout(self._budget):
                await WeChatIdentity.filter(id=row.id).update(**changes)
            row.subscribed = changes.get("subscribed", row.subscribed)
            row.last_seen_at = changes.get("last_seen_at", row.last_seen_at)
            ev.identity_cache = row.to_cache()
        ev.identity_row = row
        return await call_next(ev)

    @staticmethod
    async def _load(openid: str, seen: datetime | None, ev: Event
                    ) -> tuple[WeChatIdentity, Person | None]:
        """The identity and its bound person in one statement (the handlers ask for the
        person on most pushes), with the facts the push is likely to ask for, on PostgreSQL
        with the interaction at `seen` noted in it; a first push creates the identity."""
        facts = ev.wanted_facts()
        params = [value for f in facts for value in f.params(ev)]
        if seen is not None and on_postgres():
            found = await rows(_identity_sql(True, facts), seen, openid,
                               seen - SEEN_RESOLUTION, *params, openid)
        else:
            found = await rows(_identity_sql(False, facts), *params, openid)
        if found:
            ev.know_facts(facts, found[0])
            identity = model_from(WeChatIdentity, found[0], "i")
            assert identity is not None
            if found[0].get("seen_at") is not None:
                identity.last_seen_at = seen  # noted: nothing more to write
            return identity, model_from(Person, found[0], "p")
        try:
            identity = await _created(openid)
        except IntegrityError:  # created by a concurrent push of the same user
            identity = await WeChatIdentity.get(openid=openid)
            return identity, await Person.get_or_none(id=identity.person_id,
                                                      deregistered_at=None)
        return identity, None
