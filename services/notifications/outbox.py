"""The outbox, domain side: notifications are written in the business change's own
transaction; a relay claims them under a lease and records each outcome.

A row keeps what went wrong: `ruled_out` lists the channels that cannot reach the person
(never tried again for that row) and `last_error` the errors met on the way, newest last,
one a line ("template: errcode 43004 ..."); both survive later retries and a final send."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from models.notifications import Notification, Status
from models.orm.statements import models_from, on_postgres, rows
from models.orm.units import after_commit, change_in_unit
from services.common.metrics import SENDS
from services.notifications.change import (
    ALL_CHANNELS,
    SETTLED,
    Change,
    Groups,
    settle_families,
)
from services.notifications.claim import (
    BULK_CLAIM,
    OUTCOME,
    Joined,
    claim_sql,
    mark_delivered,
    save_sql,
)
from services.notifications.consents import Consents
from services.notifications.failures import FailureWords
from services.notifications.kind_registry import NotificationKind

log = logging.getLogger(__name__)

Nudge = Callable[[], Awaitable[None]]
ERRORS_MAX = 1000  # characters of `last_error` kept (the oldest lines go first)
BACKOFF = (10, 30, 60, 120, 300, 600, 1200, 1800)  # seconds after attempt 1, 2, ...
BURY_EVERY = 10.0  # s between two looks for lapsed claims that used every attempt
ATTEMPTS_UNBOUNDED = 2**31 - 1


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


class Lease:
    """How long a relay surely holds the rows it claimed together. Renewed while it works;
    a row is sent only while some of the lease is left (`margin`), so that no other relay
    can have claimed it again meanwhile."""

    def __init__(self, until: datetime, margin: timedelta,
                 clock: Callable[[], datetime]) -> None:
        self.until = until
        self.margin = margin
        self._clock = clock

    def holds(self) -> bool:
        return self._clock() < self.until - self.margin


class Outbox:
    """The notifications to send: queued in their change's transaction, claimed by the
    relay, their outcomes written; its parts hold the words of a failure (failures) and the
    consents to subscribe messages (consents)."""


    def __init__(self, nudge: Nudge | None = None, lease: float = 60.0,
                 at_once: dict[str, list[list[str]]] | None = None,
                 available: frozenset[str] = ALL_CHANNELS, latest_every: float = 0.0) -> None:
        self._nudge = nudge
        # how long a notice carrying the latest state of something waits for the next
        # change (Change.latest)
        self.latest_every = latest_every
        self.lease = timedelta(seconds=lease)
        # groups of channels this process has (no voice while VOICE_PROVIDER is off)
        self.at_once: Groups = {}
        for kind, groups in (at_once or {}).items():
            kept = tuple(g for g in (tuple(c for c in group if c in available)
                                     for group in groups) if g)
            if kept:
                self.at_once[kind] = kept
        self._bury_at = 0.0  # time.monotonic() of the next look for lapsed rows to bury
        self.failures = FailureWords()  # why a notification was not sent, in words
        self.consents = Consents()  # the subscribe messages a person agreed to

    @staticmethod
    def with_error(errors: str | None, error: str) -> str:
        """`errors` (one a line, newest last) with `error` added, within ERRORS_MAX characters."""
        lines = [*(errors or "").splitlines(), " ".join(error.split())[:ERRORS_MAX // 2]]
        while len(lines) > 1 and sum(len(line) + 1 for line in lines) > ERRORS_MAX:
            lines.pop(0)
        return "\n".join(lines)

    @contextlib.asynccontextmanager
    async def change(self, now: datetime) -> AsyncIterator[Change]:
        """A transaction for a business change and its notifications; the relay is woken
        once it has committed."""
        change = Change(now, at_once=self.at_once, every=self.latest_every)
        unit = change_in_unit()
        if unit is not None:  # the read that decided it is in the unit: one commit
            try:
                yield change
                await change.flush()
            except BaseException as exc:
                await unit.end(exc)
                raise
            await unit.end()
        else:
            async with in_transaction():
                yield change
                await change.flush()
        if change.queued:
            await self._wake()

    async def _wake(self) -> None:
        """Nudge the relay once the change has committed (with the unit it is part of:
        models/orm/units.py)."""
        await after_commit(self._wake_now)

    async def _wake_now(self) -> None:
        """Nudge the relay; best effort: the change has committed, and the relay's sweep
        (every 2 s) sends what a lost nudge would have."""
        if self._nudge is None:
            return
        try:
            await self._nudge()
        except Exception as exc:
            log.warning("could not wake the relay (its sweep will send): %r", exc)

    async def notify(self, now: datetime, kind: NotificationKind, params: dict[str, Any],
                     **kw: Any) -> Notification | None:
        """A notification that is its own change (no business row with it). One row is one
        statement, with no transaction around it (BEGIN and COMMIT are two round trips
        more); the rows of a notice sent on several channels at once are written
        together."""
        if kind in self.at_once and kw.get("person_id") is not None:
            async with self.change(now) as change:
                return await change.notify(kind, params, **kw)
        alone = Change(now, at_once=self.at_once, every=self.latest_every)
        made = await alone.notify(kind, params, **kw)
        if alone.queued:
            await self._wake()
        return made

    async def queue(self, now: datetime, kind: NotificationKind, params: dict[str, Any],
                    person_id: int) -> None:
        """A notification to one person that is its own change, when the caller needs no
        row back (an answer sent back by SMS): one statement, no model built."""
        alone = Change(now, at_once=self.at_once, every=self.latest_every)
        await alone.notify_each(kind, params, [person_id])
        await alone.flush()
        if alone.queued:
            await self._wake()

    async def claim(self, now: datetime, limit: int, max_attempts: int | None = None,
                    bulk: bool = True) -> list[Notification]:
        """Claim up to `limit` due notifications (and ones whose claim lapsed: their relay
        died between claiming and recording), a mass notice's rows only if `bulk`; each
        attempt counts, and a lapsed row that has used `max_attempts` is dead instead."""
        return (await self.claim_read(now, limit, None, max_attempts, bulk))[0]

    async def claim_read(self, now: datetime, limit: int, joined: Joined | None,
                         max_attempts: int | None = None, bulk: bool = True
                         ) -> tuple[list[Notification], list[dict[str, Any]] | None]:
        """`claim`, with what `joined` reads of each claimed row in the claim's statement on
        PostgreSQL: the rows and those reads (None on SQLite, and without `joined`: the
        caller reads for itself)."""
        if max_attempts is not None and time.monotonic() >= self._bury_at:
            # every few seconds, not at every claim (a statement each): the claim itself
            # leaves such a row alone meanwhile
            self._bury_at = time.monotonic() + BURY_EVERY
            await self._bury_lapsed(now, max_attempts)
        allowed = max_attempts if max_attempts is not None else ATTEMPTS_UNBOUNDED
        token = secrets.token_hex(12)
        postgres = on_postgres()
        joined = joined if postgres else None
        found = await rows(claim_sql("postgres" if postgres else "sqlite", joined), token,
                           now + self.lease, now, allowed, limit, now, limit, now,
                           min(limit, BULK_CLAIM) if bulk else 0, limit, now, now, allowed)
        claimed = {n.id: n for n in models_from(Notification, found, "notification")
                   if n is not None}  # (a row comes back once for each row a join finds)
        # UPDATE ... RETURNING gives no order (PostgreSQL's is the heap's): one person's
        # notices first, each lane oldest first
        return (sorted(claimed.values(), key=lambda n: (n.lane, n.id)),
                found if joined is not None else None)

    async def _bury_lapsed(self, now: datetime, max_attempts: int) -> None:
        """Rows whose relay stopped before recording an outcome, every attempt used (a row
        that brings its relay down, say): dead, not claimed for ever."""
        for item in await Notification.filter(status=Status.SENDING, claimed_until__lt=now,
                                              attempts__gte=max_attempts).limit(100):
            error = Outbox.with_error(item.last_error,
                                      f"claim lapsed after attempt {item.attempts}: "
                                      "its relay stopped before recording an outcome")
            buried = await Notification.filter(
                id=item.id, status=Status.SENDING, claim_token=item.claim_token).update(
                status=Status.DEAD, last_error=error, claim_token=None, claimed_until=None)
            if buried:
                log.warning("notification %s (%s) is dead: its claim lapsed %d times", item.id,
                            item.kind, item.attempts)

    async def extend(self, items: list[Notification], now: datetime) -> int:
        """Renew the lease of claimed rows the relay still holds (not those another relay
        took over after a lapse); returns how many were renewed."""
        tokens = {i.claim_token for i in items if i.claim_token}
        if not tokens:
            return 0
        return await Notification.filter(claim_token__in=list(tokens), status=Status.SENDING
                                         ).update(claimed_until=now + self.lease)

    async def resend(self, notification_id: int, now: datetime, by: str) -> bool:
        """An administrator's re-send of a failed or dead notification: queued again with
        its attempts and ruled-out channels cleared (the errors stay on the row)."""
        item = await Notification.get_or_none(id=notification_id)
        if item is None or item.status not in (Status.FAILED, Status.DEAD):
            return False
        requeued = await Notification.filter(
            id=item.id, status__in=[Status.FAILED, Status.DEAD]).update(
            status=Status.QUEUED, attempts=0, ruled_out="", next_attempt_at=now,
            claim_token=None, claimed_until=None,
            last_error=Outbox.with_error(item.last_error, f"re-sent by {by}"))
        if requeued:
            await self._wake()
        return bool(requeued)

    # Outcomes are set on the claimed objects, then written together: one round trip for a
    # whole batch, and only for rows the relay still holds (its claim may have lapsed).

    @staticmethod
    def sent(item: Notification, channel: str, now: datetime, wx_msgid: int | None = None,
             delivered: bool = False) -> None:
        """Accepted on `channel` (the errors met before stay on the row)."""
        item.status = Status.DELIVERED if delivered else Status.SENT
        item.channel, item.sent_at, item.wx_msgid = channel, now, wx_msgid
        SENDS.labels(channel, item.status).inc()
        item.delivered_at = now if delivered else None

    @staticmethod
    def note(item: Notification, error: str) -> None:
        """Keep an error on the row without changing its status."""
        item.last_error = Outbox.with_error(item.last_error, error)

    @staticmethod
    def rule_out(item: Notification, channel: str, error: str) -> None:
        """`channel` cannot reach this person: never tried again for this row."""
        item.ruled_out = ",".join(sorted(item.ruled_out_channels() | {channel}))
        SENDS.labels(channel, "unreachable").inc()
        item.last_error = Outbox.with_error(item.last_error, f"{channel}: {error}")

    @staticmethod
    def retry(item: Notification, now: datetime, error: str, max_attempts: int,
              delay: timedelta | None = None, count_attempt: bool = True) -> None:
        """Try again later, or give up (dead) after `max_attempts`."""
        if not count_attempt:
            item.attempts -= 1
        item.last_error = Outbox.with_error(item.last_error, error)
        if item.attempts >= max_attempts:
            item.status = Status.DEAD
            SENDS.labels(item.channel or "none", "dead").inc()
        else:
            SENDS.labels(item.channel or "none", "retry").inc()
            item.status = Status.QUEUED
            item.next_attempt_at = now + (backoff(max(item.attempts, 1)) if delay is None
                                          else delay)

    @staticmethod
    def give_back(item: Notification, now: datetime) -> None:
        """Unsent, back in the queue at once; the claim did not count as an attempt."""
        item.attempts -= 1
        item.status, item.next_attempt_at = Status.QUEUED, now

    @staticmethod
    def failed(item: Notification, error: str) -> None:
        """No channel left that could reach the person."""
        item.status = Status.FAILED
        item.last_error = Outbox.with_error(item.last_error, error)
        SENDS.labels(item.channel or "none", "failed").inc()

    @staticmethod
    def skipped(item: Notification, error: str) -> None:
        """Not sent, and no failure: its point is gone (answered, past its time)."""
        item.status = Status.SKIPPED
        item.last_error = Outbox.with_error(item.last_error, error)
        SENDS.labels(item.channel or "none", "skipped").inc()

    async def save(self, items: list[Notification]) -> None:
        """Write the outcomes of claimed notifications in one statement, each only if the
        relay still holds its claim (a row whose claim lapsed and was taken again is left
        to its new relay)."""
        if not items:
            return
        postgres = on_postgres()
        values: list[Any] = []
        if postgres:  # one array a column: one statement text for any number of rows
            values = [[_plain(getattr(item, col)) for item in items] for col in OUTCOME]
        else:
            for item in items:
                values += [_plain(getattr(item, col)) for col in OUTCOME]
        query = save_sql(postgres, 0 if postgres else len(items))
        if not any(i.family and i.status in SETTLED for i in items):
            await rows(query, *values)  # nothing to settle: the statement alone
            return
        # the outcomes and their families' settling at once: a reader between the two would
        # see a row failed that its sibling's SMS has in fact covered
        async with in_transaction():
            await rows(query, *values)
            await settle_families(items)

    async def templates_finished(self, receipts: list[tuple[int, str]], now: datetime
                                 ) -> list[tuple[int, str]]:
        """A batch of TEMPLATESENDJOBFINISH receipts, successes in one statement; returns
        the receipts whose msgid no notification has (yet)."""
        if not receipts:
            return []
        known = await mark_delivered({m for m, _ in receipts},
                                     {m for m, s in receipts if s == "success"}, now)
        for msgid, status in receipts:
            if status != "success" and msgid in known:
                await self.template_finished(msgid, status, now)
        return [(m, s) for m, s in receipts if m not in known]

    async def template_finished(self, msgid: int, status: str, now: datetime) -> bool:
        """TEMPLATESENDJOBFINISH: delivered, or (refused by the user / failed) back in the
        queue for the next channel. False if no notification had that msgid.

        Either failure rules the template channel out for the row: `failed:user block`
        because the user refuses them, `failed: system failed` because a re-send carries the
        same client_msg_id, which WeChat drops as a repeat for 10 minutes."""
        item = await Notification.get_or_none(wx_msgid=msgid)
        if item is None:
            return False
        if status == "success":
            await Notification.filter(id=item.id, status=Status.SENT).update(
                status=Status.DELIVERED, delivered_at=now)
            return True
        self.rule_out(item, "template", f"TEMPLATESENDJOBFINISH {status}")
        await Notification.filter(id=item.id, status__in=[Status.SENT, Status.DELIVERED]).update(
            status=Status.QUEUED, next_attempt_at=now, ruled_out=item.ruled_out,
            last_error=item.last_error)
        await self._wake()
        return True

