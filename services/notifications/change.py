"""One business change's notifications: added in its transaction, each on the channels it
may take; a notice sent on several channel groups at once (invitations on WeChat and by SMS)
is one family of rows, a row per group."""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from models.applications import Application
from models.notifications import Notification, Status
from models.orm.statements import on_postgres, rows
from services.common.clock import china_time
from services.notifications.kind_registry import NotificationKind, known_kind

APPLICATION_PAGE = "pages/application/index"  # the mini-program's page of an application

WECHAT_GROUP = ("cs", "template", "subscribe")
ALL_CHANNELS = frozenset({*WECHAT_GROUP, "sms", "voice"})
# kind -> channel groups sent at the same time, one row per group (each with the channels of
# the other groups ruled out); a kind not listed goes on the first channel that reaches the
# person. CHANNELS_AT_ONCE configures it; the default (config.settings) sends invitations on
# WeChat and by SMS at once (time matters), and urges and withdrawal notices also by voice.
Groups = dict[str, tuple[tuple[str, ...], ...]]

_PARAMS = Notification._meta.fields_map["params"]
# the columns the model gives a default (written as the model's own defaults are)
_DEFAULTED = ("status", "ruled_out", "channels", "covered", "attempts", "lane")
_EACH_COLUMNS = ("kind", "params", "person_id", *_DEFAULTED, "next_attempt_at",
                 "client_msg_id", "created_at")


@cache
def _each_defaults() -> tuple[Any, ...]:
    fields = Notification._meta.fields_map
    return tuple(fields[c].to_db_value(fields[c].default, Notification) for c in _DEFAULTED)


_LATEST_COLUMNS = (*_EACH_COLUMNS, "dedupe_key")


@cache
def _each_sql(count: int) -> str:
    """notify_each's insert of `count` rows (every column without a NULL default)."""
    row = "(" + ", ".join("?" * len(_EACH_COLUMNS)) + ")"
    return (f"INSERT INTO notification ({', '.join(_EACH_COLUMNS)}) VALUES "
            + ", ".join([row] * count))


@cache
def _latest_sql(count: int) -> str:
    """notify_each's rows and `latest`'s together, `count` in all: a latest row whose slot
    already has a row still queued carries the new state in it instead (the others have no
    key: never in conflict); the keys written or updated come back, and a slot's row that
    is no longer queued (claimed at its slot's end) is not."""
    row = "(" + ", ".join("?" * len(_LATEST_COLUMNS)) + ")"
    return (f"INSERT INTO notification ({', '.join(_LATEST_COLUMNS)}) VALUES "
            + ", ".join([row] * count)
            + " ON CONFLICT (dedupe_key) DO UPDATE SET params = excluded.params "
            f"WHERE notification.status = '{Status.QUEUED.value}' RETURNING dedupe_key")


_FRESH_COLUMNS = (*_LATEST_COLUMNS, "family")


@cache
def _fresh_sql(count: int) -> str:
    """`notify_new`'s rows, `count` of them, in one statement."""
    row = "(" + ", ".join("?" * len(_FRESH_COLUMNS)) + ")"
    return (f"INSERT INTO notification ({', '.join(_FRESH_COLUMNS)}) VALUES "
            + ", ".join([row] * count))


@dataclass(frozen=True)
class _Latest:
    """A notice that carries the latest state of something (`Change.latest`), for one
    person: its row's values but the slot's."""

    kind: str
    params: str  # encoded
    person_id: int
    key: str  # what it is the state of (its slots are the same for all its people)
    slot: int

    @property
    def dedupe_key(self) -> str:
        return f"{self.key}:{self.person_id}@{self.slot}"

    def later(self) -> _Latest:
        return _Latest(self.kind, self.params, self.person_id, self.key, self.slot + 1)

    def row(self, every: float, now: datetime) -> tuple[Any, ...]:
        due = _end_of(self.key, every, self.slot)
        return (self.kind, self.params, self.person_id, *_each_defaults(), due,
                "eb-" + secrets.token_hex(12), now, self.dedupe_key)


def _offset(key: str, every: float) -> float:
    """Where in `every` seconds a key's slots start: spread over them, so that the slots'
    rows of many draws do not all fall due at one instant."""
    return zlib.crc32(key.encode()) % 1000 / 1000 * every


def slot_of(key: str, every: float, now: datetime) -> int:
    """The slot of `every` seconds that `now` falls in, for `key`."""
    return int((now.timestamp() + _offset(key, every)) // every)


def _end_of(key: str, every: float, slot: int) -> datetime:
    return datetime.fromtimestamp((slot + 1) * every - _offset(key, every), UTC)


def slot_due(key: str, every: float, now: datetime) -> datetime:
    """When the row of `now`'s slot for `key` falls due: the slot's end, within `every`
    seconds of `now`."""
    return _end_of(key, every, slot_of(key, every, now))


@dataclass
class Change:
    """Notifications added inside one business transaction."""

    now: datetime
    added: list[Notification] = field(default_factory=list)
    queued_more: bool = False  # rows written without their models (notify_each)
    at_once: Groups = field(default_factory=dict)
    # notify_each's rows' values, written together when the change ends (`flush`)
    pending: list[Any] = field(default_factory=list)
    # how long a notice carrying the latest state of something waits for the next change
    # (`latest`; NOTIFY_LATEST_SECONDS, 0: each change its own notice, sent at once)
    every: float = 0.0
    # `latest`'s rows by their key, written with notify_each's when the change ends
    latest_rows: dict[str, _Latest] = field(default_factory=dict)
    # `notify_new`'s rows' values, written together when the change ends
    fresh: list[Any] = field(default_factory=list)

    @property
    def queued(self) -> bool:
        """Whether this change queued anything (the relay is woken once it commits)."""
        return bool(self.added) or self.queued_more

    async def notify_application(self, app: Application, kind: NotificationKind,
                                 **extra: Any) -> None:
        """The applicant told of their application (its batch, the moment, its page)."""
        params = {"batch": app.batch.name, "at": china_time(self.now),
                  "page": f"{APPLICATION_PAGE}?id={app.id}", **extra}
        await self.notify(kind, params, person_id=app.person_id)

    async def notify(self, kind: NotificationKind, params: dict[str, Any], *,
                     person_id: int | None = None, openid: str | None = None,
                     dedupe_key: str | None = None, not_before: datetime | None = None,
                     without: frozenset[str] = frozenset()) -> Notification | None:
        """Queue a notification; with a `dedupe_key` already used, nothing (idempotent).
        `without`: channels this one may not take (an urge past the 3 calls, say)."""
        known_kind(kind)
        if person_id is None and openid is None:
            raise ValueError("a notification needs a person or an openid")
        if dedupe_key and await Notification.exists(dedupe_key=dedupe_key):
            return None
        groups: tuple[tuple[str, ...], ...] = ((),)
        if kind in self.at_once and person_id is not None:
            groups = self.at_once[kind]
        first: Notification | None = None
        # rows of one notice on several groups: one family (its dedupe key, or a new one)
        family = (dedupe_key or "f:" + secrets.token_hex(12)) if len(groups) > 1 else None
        for n, group in enumerate(groups):
            allowed = (set(group) if group else set(ALL_CHANNELS)) - without
            if not allowed:
                continue
            item = await Notification.create(
                kind=kind, params=params, person_id=person_id, openid=openid,
                dedupe_key=dedupe_key if n == 0 or not dedupe_key else f"{dedupe_key}#{n}",
                next_attempt_at=not_before or self.now, family=family,
                channels=",".join(sorted(allowed)) if family else "",
                ruled_out=",".join(sorted(ALL_CHANNELS - allowed)),
                client_msg_id="eb-" + secrets.token_hex(12))
            self.added.append(item)
            first = first or item
        return first

    def notify_new(self, kind: NotificationKind, params: dict[str, Any], *, person_id: int,
                   dedupe_key: str) -> None:
        """`notify` of a notice whose dedupe key no row can have yet (a new invitation's):
        nothing looked up, and its rows (one a channel group, as `notify` writes them)
        written with every other such row of the change in one statement when it ends."""
        known_kind(kind)
        groups = self.at_once.get(kind, ((),))
        family = dedupe_key if len(groups) > 1 else None
        encoded = _PARAMS.to_db_value(params, Notification)
        defaults = dict(zip(_DEFAULTED, _each_defaults(), strict=True))
        for n, group in enumerate(groups):
            allowed = set(group) if group else set(ALL_CHANNELS)
            values = {**defaults, "ruled_out": ",".join(sorted(ALL_CHANNELS - allowed)),
                      "channels": ",".join(sorted(allowed)) if family else ""}
            self.fresh.extend((kind, encoded, person_id, *(values[c] for c in _DEFAULTED),
                               self.now, "eb-" + secrets.token_hex(12), self.now,
                               dedupe_key if n == 0 else f"{dedupe_key}#{n}", family))
        self.queued_more = True  # the relay is woken once the change commits

    async def notify_each(self, kind: NotificationKind, params: dict[str, Any],
                          person_ids: list[int]) -> None:
        """The same notification to a few people (no dedupe key; a kind sent on several
        channels at once goes person by person through `notify`), written with every other
        such row of the change in one statement when it ends (`flush`)."""
        known_kind(kind)
        if kind in self.at_once:
            for person_id in person_ids:
                await self.notify(kind, params, person_id=person_id)
            return
        people = list(dict.fromkeys(person_ids))
        if not people:
            return
        # one hand-written statement (the ORM's bulk insert built a model a row: a reply's
        # progress notice to the agency costs no more than its own statement)
        encoded = _PARAMS.to_db_value(params, Notification)
        self.pending.extend(v for p in people for v in (
            kind, encoded, p, *_each_defaults(), self.now, "eb-" + secrets.token_hex(12),
            self.now))
        self.queued_more = True  # the relay is woken once the change commits

    async def latest(self, kind: NotificationKind, params: dict[str, Any],
                     person_ids: list[int], *, key: str) -> None:
        """A notice that carries the latest state of something (`key`: a draw's progress,
        say) to a few people, coalesced: each person's row waits for the end of its slot of
        `every` seconds (NOTIFY_LATEST_SECONDS), and a change within the slot writes its
        state into that row instead of queuing another, so that one notice carries the
        latest state and the superseded ones are never sent, on any channel. Each change
        is told within `every` seconds and the relay's sweep of it. A slot whose row the
        relay has claimed already takes the next slot's. Without `every` (or for a kind
        sent on several channels at once) each change is its own notice."""
        if not self.every or kind in self.at_once:
            await self.notify_each(kind, params, person_ids)
            return
        known_kind(kind)
        encoded = _PARAMS.to_db_value(params, Notification)
        slot = slot_of(key, self.every, self.now)
        for person_id in dict.fromkeys(person_ids):
            # a second change of the change itself: the later state stands
            self.latest_rows[f"{key}:{person_id}"] = _Latest(kind, encoded, person_id, key,
                                                             slot)

    async def supersede(self, key: str, person_ids: list[int]) -> None:
        """`latest`'s notices of `key` to these people not sent: a notice that carries
        their state too (a draw's end, its progress) is queued. Those of this change are
        dropped, and every row of `key` to them still queued is skipped, of whatever slot:
        one waiting for its retry (10 s and more, past the slots next to this one) would
        otherwise be sent after the notice that carries the later state, and be the last
        the person reads."""
        if not self.every:
            return
        people = list(dict.fromkeys(person_ids))
        for person_id in people:
            self.latest_rows.pop(f"{key}:{person_id}", None)
        if people:
            await Notification.filter(
                person_id__in=people, status=Status.QUEUED, dedupe_key__startswith=f"{key}:"
            ).update(status=Status.SKIPPED,
                     last_error="superseded: a later notice carries its state")

    async def flush(self) -> None:
        """notify_each's rows written, in one statement: an expert's reply queues the
        agency's progress and the answer sent back by SMS in the same round trip (with
        `latest`'s rows, the statement that coalesces them)."""
        if self.fresh:
            values, self.fresh = self.fresh, []
            await rows(_fresh_sql(len(values) // len(_FRESH_COLUMNS)), *values)
        if self.latest_rows:
            await self._flush_latest()
        if self.pending:
            values, self.pending = self.pending, []
            await rows(_each_sql(len(values) // len(_EACH_COLUMNS)), *values)

    async def _flush_latest(self) -> None:
        latest, self.latest_rows = self.latest_rows, {}
        width = len(_EACH_COLUMNS)
        values = [v for n in range(0, len(self.pending), width)
                  for v in (*self.pending[n:n + width], None)]
        self.pending = []
        items = list(latest.values())
        while items:
            for item in items:
                values += item.row(self.every, self.now)
            found = await rows(_latest_sql(len(values) // len(_LATEST_COLUMNS)), *values)
            written = {r["dedupe_key"] for r in found}
            # a slot's row the relay claimed meanwhile: the state goes in the next slot's
            items = [item.later() for item in items if item.dedupe_key not in written]
            values = []

    async def notify_all(self, kind: NotificationKind, params: dict[str, Any],
                         person_ids: list[int], *, dedupe_prefix: str) -> int:
        """One notification per person in one statement per thousand (a mass notice to a
        provincial list of 30-50 thousand experts), in the mass notices' lane (sent when no
        one person's notice is due); `dedupe_prefix:<person>` keeps it
        idempotent (a person already told is skipped). Returns how many were queued."""
        return await self.notify_mass(kind, dict.fromkeys(person_ids, params),
                                      dedupe_prefix=dedupe_prefix)

    async def notify_mass(self, kind: NotificationKind, params_of: dict[int, dict[str, Any]],
                          *, dedupe_prefix: str) -> int:
        """notify_all with each person's own values (a year's account to every expert): the
        mass notices' lane, `dedupe_prefix:<person>` keeping it idempotent. Returns how many
        were queued."""
        known_kind(kind)
        before = await Notification.filter(dedupe_key__startswith=dedupe_prefix + ":").count()
        rows = [Notification(kind=kind, params=params, person_id=p, lane=1,
                             dedupe_key=f"{dedupe_prefix}:{p}", next_attempt_at=self.now,
                             client_msg_id="eb-" + secrets.token_hex(12))
                for p, params in params_of.items()]
        await Notification.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        queued = await Notification.filter(
            dedupe_key__startswith=dedupe_prefix + ":").count() - before
        if queued:
            self.added.extend(rows[:1])  # the relay is woken once the change commits
        return queued


LOST = (Status.FAILED, Status.DEAD)
REACHED = (Status.SENT, Status.DELIVERED)
SETTLED = LOST + REACHED
FAMILY_LOCKS = 0x464D4C59  # the advisory locks' first key: "FMLY"


async def settle_families(items: list[Notification]) -> None:
    """After a batch's outcomes: in a family one of whose rows reached the person, the rows
    that found no channel of their group, or ran out of attempts, are covered (no failure
    for the desk); a family whose rows all failed keeps them failures. Called in the
    transaction that saved the outcomes, and one family's settling at a time on PostgreSQL:
    two batches saving one family's rows at once (a row failed in one, its sibling sent in
    the other) would each miss the other's uncommitted outcome, and leave a failure that
    the other row covers for the desk to see."""
    families = sorted({str(i.family) for i in items if i.family and i.status in SETTLED})
    if families and on_postgres():  # the family's lock, in one order everywhere
        await rows("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(f)) FROM "
                   "unnest(CAST(? AS TEXT[])) WITH ORDINALITY AS t(f, n) ORDER BY n",
                   FAMILY_LOCKS, families)
    reached = {i.family for i in items if i.family and i.status in REACHED}
    if reached:
        await Notification.filter(family__in=reached, status__in=LOST, covered=False).update(
            covered=True)
    lost = [i for i in items if i.family and i.status in LOST]
    if not lost:
        return
    found = {str(f) for f in await Notification.filter(
        family__in={i.family for i in lost}, status__in=REACHED).values_list("family", flat=True)}
    if found:
        await Notification.filter(id__in=[i.id for i in lost if i.family in found],
                                  status__in=LOST).update(covered=True)
