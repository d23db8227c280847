"""A committee's changes told to the evaluation systems that read it (a leave, an absence, a
replacement as they happen): each read numbers the committee as the system saw it; the
worker's sweep compares each watched committee with the last one numbered and, when it
changed, sends the whole committee, numbered one past, to the system's address until it
acknowledges — again after 15 s, doubling up to 10 minutes while it does not answer — until
a day after the evaluation is over. A system with no address reads again instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from models.draws import DrawActivity
from models.evaluation.systems import CommitteeWatch, EvaluationSystem
from services.audit import AuditChain
from services.common.errors import DomainError
from services.common.pending import Pending
from services.evaluation.committee import Committee, CommitteeReads
from services.evaluation.trust import SystemTrust, peer_of
from services.federation import Peer, PeerRefused, PeerUnavailable, Trust

# (the protocol with one system) -> its signed call: (peer, method, path, now, query, data)
Call = Callable[..., Awaitable[dict[str, Any]]]
SystemClient = Callable[[Trust], Call]
KEPT = timedelta(days=1)
BACKOFF, BACKOFF_MAX = timedelta(seconds=15), timedelta(minutes=10)
CLAIM = timedelta(seconds=90)


def backoff(tries: int) -> timedelta:
    wait: timedelta = BACKOFF * 2 ** min(tries, 10)
    return min(wait, BACKOFF_MAX)


class CommitteeWatches:
    # a necessary condition of `sweep`'s work (services/common/pending.py): a watch at all
    PENDING = Pending("committee_watches", "EXISTS (SELECT 1 FROM evaluation_watch)")

    def __init__(self, trust: SystemTrust, audit: AuditChain, client: SystemClient | None = None
                 ) -> None:
        self.trust = trust
        self.audit = audit
        self.client = client

    @staticmethod
    async def read(system: EvaluationSystem, board: Committee, now: datetime) -> int:
        """The committee's number as this system now reads it (its read acknowledges it)."""
        watch = await CommitteeWatch.get_or_none(system_id=system.id,
                                                 activity_id=board.activity_id)
        if watch is None:
            await CommitteeWatch.get_or_create(system_id=system.id,
                                               activity_id=board.activity_id,
                                               defaults={"digest": board.digest})
            return 1
        seq = watch.seq + (watch.digest != board.digest)
        await CommitteeWatch.filter(id=watch.id).update(digest=board.digest, seq=seq,
                                                        acked=seq, next_at=None, tries=0)
        return seq

    async def sweep(self, now: datetime) -> int:
        """Number the watched committees that changed and send those not acknowledged;
        how many were sent."""
        sent = 0
        for watch in await CommitteeWatch.all().order_by("id"):
            activity = await DrawActivity.get_or_none(id=watch.activity_id)
            if activity is None or (activity.finished_at is not None and
                                    activity.finished_at + KEPT < now):
                continue
            try:
                board = await CommitteeReads.committee(activity, now)
            except DomainError:
                continue
            if board.digest != watch.digest:
                await CommitteeWatch.filter(id=watch.id, seq=watch.seq).update(
                    digest=board.digest, seq=watch.seq + 1, next_at=now, tries=0)
                watch = await CommitteeWatch.get(id=watch.id)
            if watch.acked >= watch.seq or watch.next_at is None or watch.next_at > now:
                continue
            system = await EvaluationSystem.get_or_none(id=watch.system_id, active=True)
            if system is None or not system.url or self.client is None or not self.trust.on:
                continue
            if not await CommitteeWatch.filter(id=watch.id, next_at=watch.next_at).update(
                    next_at=now + CLAIM):
                continue  # another worker's sweep has it
            await self._send(system, watch, board, now)
            sent += 1
        return sent

    async def _send(self, system: EvaluationSystem, watch: CommitteeWatch, board: Committee,
                    now: datetime) -> None:
        assert self.client is not None
        peer: Peer = peer_of(system)
        call = self.client(self.trust.trust_for(system))
        try:
            answer = await call(peer, "POST", f"/committees/{board.activity_id}",
                                int(now.timestamp()), None, board.body(watch.seq))
        except (PeerUnavailable, PeerRefused) as exc:
            await CommitteeWatch.filter(id=watch.id).update(
                tries=watch.tries + 1, next_at=now + backoff(watch.tries),
                last_error=str(exc)[:200])
            return
        acked = answer.get("seq")
        if not isinstance(acked, int) or acked < 0:
            await CommitteeWatch.filter(id=watch.id).update(
                tries=watch.tries + 1, next_at=now + backoff(watch.tries),
                last_error="answer without seq")
            return
        await CommitteeWatch.filter(id=watch.id).update(
            acked=max(watch.acked, min(acked, watch.seq)), tries=0, next_at=None,
            last_error="")
        await self.audit.append("evaluation", now, peer=system.code, peer_name=system.name,
                                what="committee_sent", activity=board.activity_id,
                                seq=watch.seq)
