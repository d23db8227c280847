"""A shared draw's evaluation changed here after the other library took the request (the
evaluation moved, its gathering time or its 副场's details corrected: docs/federation.md,
changes): the whole evaluation as it stands is sent, numbered one past the last number the
other library acknowledged, until it answers; a library that does not is told again later,
longer and longer. Nothing is sent when nothing changed, nor once the evaluation is over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import DrawActivity, DrawStatus
from models.federated_draws import PeerAsk
from services.audit import AuditChain
from services.federation.ask_body import evaluation_now
from services.federation.peers import PeerDesk, PeerRefused, PeerUnavailable

TAKEN = ("pending", "drawing", "done", "short")  # the other library holds the request
GONE = (DrawStatus.WITHDRAWN, DrawStatus.CANCELLED)


class AskUpdates:
    def __init__(self, desk: PeerDesk, audit: AuditChain) -> None:
        self.desk = desk
        self.audit = audit

    async def sweep(self, now: datetime) -> int:
        """Send each change the other library has not acknowledged; how many were sent."""
        sent = 0
        for ask in await PeerAsk.filter(status__in=TAKEN, release="", asked_at__not_isnull=True
                                        ).order_by("id"):
            if ask.update_at is not None and ask.update_at > now:
                continue
            activity = await DrawActivity.get_or_none(id=ask.activity_id)
            if activity is None or activity.status in GONE or activity.eval_end <= now:
                continue
            current = await evaluation_now(ask, activity)
            # (a request from before changes were numbered holds nothing: sent once, the
            # other library finds nothing changed and tells nobody)
            if ask.told is not None and current == ask.told:
                continue
            if not await PeerAsk.filter(id=ask.id, update_at=ask.update_at).update(
                    update_at=now + self.desk.pace.claim):
                continue  # another worker's sweep has it
            await self.send(ask, current, now)
            sent += 1
        return sent

    async def send(self, ask: PeerAsk, current: dict[str, Any], now: datetime) -> None:
        peer = self.desk.federation.peer(ask.peer_code)
        if peer is None or self.desk.call is None:
            return
        seq = ask.told_seq + 1
        try:
            said = await self.desk.call(
                peer, "POST", f"/federation/v1/draws/{ask.request_id}/update",
                int(now.timestamp()), data={"seq": seq, **current})
            acknowledged = said.get("seq")
            if not isinstance(acknowledged, int) or acknowledged < seq:
                raise PeerUnavailable("an answer that does not acknowledge the change")
        except (PeerRefused, PeerUnavailable):
            wait = self.desk.pace.retry_after(ask.update_tries)
            await PeerAsk.filter(id=ask.id).update(update_tries=ask.update_tries + 1,
                                                   update_at=now + wait)
            return
        await PeerAsk.filter(id=ask.id).update(told=current, told_seq=seq, update_tries=0,
                                               update_at=None)
        await self.audit.append("federation", now, person_id=0, peer=ask.peer_code,
                                peer_name=ask.peer_name, what="ask_updated",
                                request=ask.request_id, activity=ask.activity_id, seq=seq)
