"""This library asks another for experts (NDRC-26 异地抽取; FG-807 主场/副场): a condition of
a draw here, for a 副场 in the other library's region, is drawn from that library's pool.
When the draw starts the condition is not drawn here (services/draws/running/waves.py
leaves it to its PeerAsk); the sweep sends the request, signed, with the handler's value
entered at the start, the specialty by its catalogue code, the place by its six-digit code,
the venue's notice and the units to avoid (the tenderer first) — nothing about an expert —
and then polls the answer until the other library has drawn. A library that does not
answer is asked again later (longer and longer, up to 10 minutes: peers.py Pace);
one that refuses says why; either way the handler may have the condition drawn here
instead."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q, Subquery

from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Notice,
)
from models.federated_draws import PeerAsk
from services.audit import AuditChain
from services.common.errors import Conflict, NotFound
from services.common.pending import Pending
from services.common.pii import Vault
from services.draws import Draws
from services.federation.ask_body import KeyedFor, request_body
from services.federation.ask_fees import AskFees
from services.federation.ask_records import AskRecords
from services.federation.ask_rosters import AskRosters
from services.federation.ask_updates import TAKEN, AskUpdates
from services.federation.peers import PeerDesk, PeerRefused, PeerUnavailable

OPEN = ("planned", "asked", "pending", "drawing", "unreachable")
STATES = ("pending", "drawing", "done", "short", "refused", "cancelled")
# our draw stopped while the other library was asked (force-ended, withdrawn): it is told
STOPPED = (DrawStatus.ENDED, DrawStatus.WITHDRAWN, DrawStatus.CANCELLED)
EXPERTS_MAX = 50
# the request as the trading centre verifies it says which library draws each condition
BEFORE_START = (DrawStatus.DRAFT, DrawStatus.REFUSED)


@dataclass(frozen=True)
class AskView:
    condition_id: int
    peer_code: str
    peer_name: str
    status: str
    reason: str
    tries: int
    experts: list[dict[str, str]]
    release: str = ""  # "telling" the peer to cancel and release, or "told"
    released: int = 0  # how many experts the peer released
    wanted: int = 0  # places the agency asked the peer to fill again


def _expert(row: Any) -> dict[str, str]:
    """One confirmed expert as the peer said, capped: nothing else is kept."""
    if not isinstance(row, dict):
        raise PeerUnavailable("an expert that is not an object")
    return {k: str(row.get(k, ""))[:n] for k, n in (("name", 16), ("specialty", 16),
                                                    ("specialty_name", 64), ("code", 8))}


class PeerAsks:
    """This library's side of the conditions another library draws."""

    # a necessary condition of `sweep`'s work and its fees' (services/common/pending.py):
    # a request still open or held there (TAKEN, ask_updates.py, holds done and short,
    # which `_releases` reads), a release or a funding still being told
    PENDING = Pending("peer_asks", (
        "EXISTS (SELECT 1 FROM peer_ask WHERE status IN ("
        + ", ".join(f"'{s}'" for s in sorted({*OPEN, *TAKEN}))
        + ") OR release = 'telling' OR funding_told = 'telling')"))

    def __init__(self, desk: PeerDesk, draws: Draws, audit: AuditChain,
                 vault: Vault | None = None) -> None:
        self.desk = desk
        self.draws = draws
        self.audit = audit
        self.vault = vault  # to open avoided persons' ID numbers for their keyed hashes
        self.updates = AskUpdates(desk, audit)  # the evaluation's changes, sent
        news = draws.news.agency_news
        self.rosters = AskRosters(audit, news)  # the 副场's rosters, received
        self.records = AskRecords(audit)  # the agency's records of the lent experts
        self.fees = AskFees(desk, audit, news)  # the lent experts' fee sheets, funded

    async def ask(self, activity_id: int, condition_id: int, peer_code: str) -> PeerAsk:
        """Mark a condition, before its draw starts, as drawn by a peer library."""
        if not self.desk.federation.on or self.desk.call is None:
            raise Conflict("federation.off")
        peer = self.desk.federation.peer(peer_code)
        if peer is None:
            raise NotFound("federation.no_peer")
        condition = await Condition.get_or_none(id=condition_id, activity_id=activity_id)
        if condition is None:
            raise NotFound("draw.not_found")
        activity = await DrawActivity.get(id=condition.activity_id)
        if activity.status not in BEFORE_START:
            raise Conflict("federation.started")
        if await self.for_the_main_venue(condition):
            raise Conflict("federation.main_venue")
        await PeerAsk.filter(condition_id=condition_id).delete()
        return await PeerAsk.create(
            activity_id=activity.id, condition_id=condition_id, peer_code=peer.code,
            peer_name=peer.name[:64], request_id=f"{self.desk.federation.identity.code}-"
            f"{secrets.token_hex(8)}" if self.desk.federation.identity else secrets.token_hex(8))

    @staticmethod
    async def for_the_main_venue(condition: Condition) -> bool:
        """Whether the condition's experts go to the 主场 of a remote evaluation: those are
        this library's to draw; another library draws for a 副场 in its region (FG-807)."""
        return await Notice.filter(id=condition.notice_id, role="main").exists() and \
            await Notice.filter(activity_id=condition.activity_id, role="secondary").exists()

    async def clear(self, activity_id: int, condition_id: int) -> None:
        """The condition drawn here after all (while the request may still be edited)."""
        ask = await PeerAsk.get_or_none(condition_id=condition_id, activity_id=activity_id)
        if ask is not None:
            activity = await DrawActivity.get(id=ask.activity_id)
            if activity.status not in BEFORE_START:
                raise Conflict("federation.started")
            await ask.delete()

    async def local(self, activity_id: int, condition_id: int, now: datetime,
                    person_id: int) -> None:
        """The handler has a condition the peer did not draw drawn here instead. A request
        that may have reached the peer (it did not answer: the answer may be what was lost)
        is cancelled there first — the sweep tells it at once, and again until it answers,
        and it releases whatever it confirmed meanwhile — so that two libraries never staff
        one condition."""
        ask = await PeerAsk.get_or_none(condition_id=condition_id, activity_id=activity_id)
        if ask is None or ask.status not in ("planned", "refused", "unreachable"):
            raise Conflict("federation.not_fallback")
        telling = ask.status == "unreachable"
        await PeerAsk.filter(id=ask.id, status=ask.status).update(
            status="local", release="telling" if telling else "", tries=0, next_at=None)
        await self._audit("ask_local", ask, now, person_id)
        await self.draws.running.waves.advance(ask.activity_id, now)

    async def want_supplement(self, activity_id: int, condition_id: int, now: datetime,
                              person_id: int) -> int:
        """The agency asks the library that drew a condition to fill again the places its
        absent experts left (its roster says who): sent with the evaluation's changes, the
        other library's centre runs the 补抽. How many places are asked for."""
        ask = await PeerAsk.get_or_none(condition_id=condition_id, activity_id=activity_id)
        absent = sum(e.get("state") == "absent" for e in ask.experts) if ask else 0
        if ask is None or ask.status not in ("done", "short") or ask.release or not absent:
            raise Conflict("federation.no_place_open")
        if absent > ask.wanted:
            await PeerAsk.filter(id=ask.id).update(wanted=absent)
            await self._audit("ask_supplement", ask, now, person_id, places=absent)
        return absent

    async def views(self, activity_id: int) -> dict[int, AskView]:
        """The conditions of the activity another library draws; none without a statement
        where this library shares with none (a condition is given to a peer only while one
        is configured: the activity page reads no more than before)."""
        if not self.desk.federation.on:
            return {}
        return {a.condition_id: AskView(a.condition_id, a.peer_code, a.peer_name, a.status,
                                        a.reason, a.tries, list(a.experts), a.release,
                                        a.released, a.wanted)
                for a in await PeerAsk.filter(activity_id=activity_id)}

    async def sweep(self, now: datetime) -> int:
        """Send the requests of draws started, ask about those in progress whose time has
        come, and tell peers to release what is no longer wanted; returns how many peers
        were called."""
        called = await self._releases(now) + await self.updates.sweep(now)
        for ask in await PeerAsk.filter(status__in=list(OPEN)).order_by("id"):
            activity = await DrawActivity.get_or_none(id=ask.activity_id)
            status = activity.status if activity is not None else DrawStatus.CANCELLED
            stopped = status in STOPPED
            if not stopped and status not in (DrawStatus.DRAWING, DrawStatus.PAUSED):
                continue  # not started yet
            # a stopped draw tells the other library at once (unless that failed: backoff)
            if ask.next_at is not None and ask.next_at > now and not (
                    stopped and ask.tries == 0):
                continue
            # claimed, so that two workers' sweeps do not call the peer for it twice
            when = Q(next_at__isnull=True) if ask.next_at is None else Q(next_at=ask.next_at)
            if not await PeerAsk.filter(when, id=ask.id, status=ask.status).update(
                    next_at=now + self.desk.pace.claim):
                continue
            if stopped:  # withdrawn here: its experts are not wanted there either
                await self.cancel(ask, now, release=status in (DrawStatus.WITHDRAWN,
                                                               DrawStatus.CANCELLED))
            else:
                assert activity is not None
                await self.call(ask, activity, now)
            called += 1
        return called

    async def _releases(self, now: datetime) -> int:
        """Tell each peer whose experts are no longer wanted here (a condition drawn here
        instead, an evaluation withdrawn after it drew) to cancel and release them, until
        it answers."""
        called = 0
        # an evaluation withdrawn here after the other library drew: its experts released
        await PeerAsk.filter(status__in=["done", "short"], release="", activity_id__in=Subquery(
            DrawActivity.filter(status=DrawStatus.WITHDRAWN).values("id"))).update(
            release="telling", tries=0, next_at=None)
        for ask in await PeerAsk.filter(release="telling").order_by("id"):
            if ask.next_at is not None and ask.next_at > now:
                continue
            when = Q(next_at__isnull=True) if ask.next_at is None else Q(next_at=ask.next_at)
            if not await PeerAsk.filter(when, id=ask.id, release="telling").update(
                    next_at=now + self.desk.pace.claim):
                continue
            await self.release(ask, now)
            called += 1
        return called

    async def release(self, ask: PeerAsk, now: datetime) -> None:
        """Cancel the request at the peer, asking it to release the experts it confirmed
        (docs/federation.md, stopping); a peer that never received it has nothing to
        release; one that does not answer is told again later."""
        peer = self.desk.federation.peer(ask.peer_code)
        released = 0
        if peer is not None and self.desk.call is not None:
            try:
                said = await self.desk.call(
                    peer, "POST", f"/federation/v1/draws/{ask.request_id}/cancel",
                    int(now.timestamp()),
                    data={"release": "local" if ask.status == "local" else "withdrawn"})
                count = said.get("released", 0)
                released = count if isinstance(count, int) and 0 <= count <= EXPERTS_MAX \
                    else 0
            except (PeerRefused, PeerUnavailable) as exc:
                # no such request there: it never reached it, nothing to release; any
                # other refusal (a clock apart, keys changed) or no answer: told again
                if not (isinstance(exc, PeerRefused) and exc.reason == "no_request"):
                    wait = self.desk.pace.retry_after(ask.tries)
                    await PeerAsk.filter(id=ask.id).update(tries=ask.tries + 1,
                                                           next_at=now + wait)
                    return
        await PeerAsk.filter(id=ask.id).update(release="told", released=released,
                                               next_at=None, tries=0, experts=[])
        await self._audit("ask_released", ask, now, released=released)

    async def cancel(self, ask: PeerAsk, now: datetime, release: bool = False) -> None:
        """Our draw stopped before the other library answered in full: it is told to stop
        drawing (a request never sent is simply dropped); withdrawn (`release`), to release
        the experts it confirmed as well."""
        peer = self.desk.federation.peer(ask.peer_code)
        if ask.status != "planned" and peer is not None and self.desk.call is not None:
            try:
                await self.desk.call(peer, "POST",
                                     f"/federation/v1/draws/{ask.request_id}/cancel",
                                     int(now.timestamp()),
                                     data={"release": "withdrawn"} if release else None)
            except PeerRefused:
                pass  # it has no such request, or will not hear of it: nothing to stop there
            except PeerUnavailable:
                wait = self.desk.pace.retry_after(ask.tries)
                await PeerAsk.filter(id=ask.id).update(tries=ask.tries + 1,
                                                       next_at=now + wait)
                return
        await PeerAsk.filter(id=ask.id).update(status="cancelled", next_at=None)
        await self._audit("ask_cancelled", ask, now)

    async def call(self, ask: PeerAsk, activity: DrawActivity, now: datetime) -> None:
        peer = self.desk.federation.peer(ask.peer_code)
        if peer is None or self.desk.call is None:
            return
        first = ask.asked_at is None
        try:
            sent: dict[str, Any] = {}
            if first:
                me = self.desk.federation.identity
                keyed_for = None if me is None else KeyedFor(
                    me, peer.keys_at(now.timestamp()), ask.request_id)
                sent = await request_body(ask, activity, self.vault, keyed_for)
                said = await self.desk.call(peer, "POST", "/federation/v1/draws",
                                            int(now.timestamp()), data=sent)
            else:
                said = await self.desk.call(peer, "GET",
                                            f"/federation/v1/draws/{ask.request_id}",
                                            int(now.timestamp()))
            state = str(said.get("status", ""))
            if state not in STATES:
                raise PeerUnavailable("a state the protocol does not have")
            experts = [_expert(r) for r in (said.get("experts") or [])[:EXPERTS_MAX]]
        except PeerRefused as exc:
            await self._settle(ask, activity, now, "refused", exc.message[:200], [])
            return
        except PeerUnavailable:
            wait = self.desk.pace.retry_after(ask.tries)
            await PeerAsk.filter(id=ask.id).update(status="unreachable", tries=ask.tries + 1,
                                                   next_at=now + wait)
            if ask.tries == 0:
                await self._audit("ask_unreachable", ask, now)
            return
        if first:  # what it holds of the evaluation: a change is sent from here on
            await PeerAsk.filter(id=ask.id).update(asked_at=now, told={
                **{k: sent[k] for k in ("eval_start", "eval_end", "notice")}, "wanted": 0,
                "records": {}})
            await self._audit("ask_sent", ask, now)
        await self._settle(ask, activity, now, state, str(said.get("reason", ""))[:200],
                           experts)

    async def _settle(self, ask: PeerAsk, activity: DrawActivity, now: datetime, state: str,
                      reason: str, experts: list[dict[str, str]]) -> None:
        before = ask.status
        # the roster the other library sent (its 副场's states and arrivals) is newer than
        # what a poll lists
        await PeerAsk.filter(id=ask.id).update(status=state, reason=reason, tries=0,
                                               experts=ask.experts if ask.roster_seq
                                               else experts, answered_at=now,
                                               next_at=now + self.desk.pace.poll_every)
        if state != before:
            await self._audit("ask_refused" if state == "refused" else "ask_answered", ask,
                              now, state=state, confirmed=len(experts))
        if state in ("done", "short"):
            await self.draws.running.waves.advance(activity.id, now)

    async def _audit(self, what: str, ask: PeerAsk, now: datetime, person_id: int = 0,
                     **detail: Any) -> None:
        await self.audit.append("federation", now, person_id=person_id, peer=ask.peer_code,
                                peer_name=ask.peer_name, what=what, request=ask.request_id,
                                activity=ask.activity_id, **detail)
