"""The 副场's roster, sent to the library that asked for its experts (FG-807: one evaluation
in two places; docs/federation.md, rosters): once our draw for it has ended, and until a day
after its evaluation is over, each change of who serves, who is absent and why, and who
arrived and left is sent as the whole roster, numbered one past the last the asker
acknowledged, until it answers (backoff); nothing while nothing changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.draws import DrawActivity, DrawStatus, Invitation
from models.evaluation.scores import RecordProposal
from models.federated_draws import PeerDraw
from models.performance import PerformanceRecord
from services.audit import AuditChain
from services.common.errors import ClosedWindow, DomainError
from services.draws.facts import Actor
from services.draws.record import Entry, Performance
from services.draws.setup import PeerSetup
from services.federation.peers import PeerDesk, PeerRefused, PeerUnavailable
from services.standing import ConductCatalogue

KEPT = timedelta(days=1)  # rosters sent until a day after the evaluation is over


class LendRosters:
    def __init__(self, desk: PeerDesk | None, audit: AuditChain,
                 performance: Performance | None = None) -> None:
        self.desk = desk
        self.audit = audit
        self.performance = performance  # to write the asker's records on our experts'

    async def sweep(self, now: datetime) -> int:
        """Write the asker's records received, then send each roster the asker has not
        acknowledged; how many were sent."""
        await self.write_proposals(now)  # first: a record written after takes their marks
        await self.write_records(now)
        if self.desk is None or self.desk.call is None:
            return 0
        sent = 0
        for draw in await PeerDraw.filter(activity_id__not_isnull=True,
                                          status__in=["drawing", "cancelled"]).order_by("id"):
            if draw.roster_at is not None and draw.roster_at > now:
                continue
            activity = await DrawActivity.get_or_none(id=draw.activity_id)
            if activity is None or activity.status != DrawStatus.ENDED or (
                    activity.finished_at is not None and activity.finished_at + KEPT < now):
                continue
            roster = await PeerSetup.roster_for_peer(activity.id)
            if roster == draw.roster:
                continue
            if not await PeerDraw.filter(id=draw.id, roster_at=draw.roster_at).update(
                    roster_at=now + self.desk.pace.claim):
                continue  # another worker's sweep has it
            await self.send(draw, roster, now)
            sent += 1
        return sent

    async def send(self, draw: PeerDraw, roster: list[dict[str, object]],
                   now: datetime) -> None:
        assert self.desk is not None and self.desk.call is not None
        peer = self.desk.federation.peer(draw.peer_code)
        if peer is None:
            return
        seq = draw.roster_seq + 1
        try:
            said = await self.desk.call(
                peer, "POST", f"/federation/v1/asks/{draw.request_id}/roster",
                int(now.timestamp()), data={"seq": seq, "experts": roster})
            acknowledged = said.get("seq")
            if not isinstance(acknowledged, int) or acknowledged < seq:
                raise PeerUnavailable("an answer that does not acknowledge the roster")
        except (PeerRefused, PeerUnavailable):
            wait = self.desk.pace.retry_after(draw.roster_tries)
            await PeerDraw.filter(id=draw.id).update(roster_tries=draw.roster_tries + 1,
                                                     roster_at=now + wait)
            return
        await PeerDraw.filter(id=draw.id).update(roster=roster, roster_seq=seq,
                                                 roster_tries=0, roster_at=None)
        await self.audit.append("federation", now, person_id=0, peer=draw.peer_code,
                                peer_name=draw.peer_name, what="draw_roster",
                                request=draw.request_id, seq=seq)

    async def write_records(self, now: datetime) -> int:
        """The asking agency's records of our experts (CK-198), each written once on the
        expert's own record here, as its agency's: the expert is told and may reply and
        appeal here, their credit follows. One not yet writable (the evaluation not over
        here) waits for a later sweep; one that never can be (the expert replied already,
        no such code) is set aside, said on the trail."""
        if self.performance is None:
            return 0
        written = 0
        for draw in await PeerDraw.filter(records__not_isnull=True,
                                          activity_id__not_isnull=True).order_by("id"):
            done = dict(draw.records_done or {})
            due = {c: r for c, r in (draw.records or {}).items() if done.get(c) != r}
            if not due:
                continue
            activity = await DrawActivity.get(id=draw.activity_id)
            known = {i.code for i in await ConductCatalogue.items(active_only=True)}
            for code, r in due.items():
                item = await _ours(activity, code)
                if item is None:  # no expert of ours has this code: nothing to write
                    done[code] = r
                    continue
                kept = [c["code"] for c in r["conduct"] if c["code"] in known]
                others = [c["name"] for c in r["conduct"] if c["code"] not in known]
                comment = r["comment"] + (f"（请求方记录的其他问题：{'、'.join(others)}）"
                                          if others else "")
                outcome = "written"
                try:
                    await self.performance.record(activity, item.id, Entry(
                        r["late"], r["left_early"], kept, r["score"] if not r["absent"]
                        else 0, comment[:500]), now,
                        Actor("agency", 0, f"{draw.peer_name}（请求方）"))
                    written += 1
                except ClosedWindow as exc:
                    if exc.code == "performance.not_finished":
                        continue  # its evaluation is not over here yet: next sweep
                    outcome = exc.code  # past the deadline here: set aside
                except DomainError as exc:
                    outcome = exc.code  # the expert replied already, say
                done[code] = r
                await self.audit.append("federation", now, person_id=0, peer=draw.peer_code,
                                        peer_name=draw.peer_name, what="draw_record",
                                        request=draw.request_id, code=code, outcome=outcome)
            await PeerDraw.filter(id=draw.id).update(records_done=done)
        return written

    async def write_proposals(self, now: datetime) -> int:
        """The asking agency's confirmed score proposals about our experts (docs/federation.md,
        changes: `proposals`), each written once here as a confirmed proposal on the expert's
        own record, with the asking agency's reason and the numbers behind it: the expert
        reads it and replies or appeals here, as to our own agencies' (the evaluation
        context's RecordProposal, written as received). A record already written takes the
        mark; one written later merges it."""
        if self.performance is None:
            return 0
        written = 0
        for draw in await PeerDraw.filter(proposals__not_isnull=True,
                                          activity_id__not_isnull=True).order_by("id"):
            done = {c: set(ids) for c, ids in (draw.proposals_done or {}).items()}
            activity = await DrawActivity.get(id=draw.activity_id)
            for code, items in (draw.proposals or {}).items():
                due = [p for p in items if p["id"] not in done.get(code, set())]
                item = await _ours(activity, code) if due else None
                for p in due:
                    if item is None:  # no expert of ours has this code: nothing to write
                        break
                    await RecordProposal.create(
                        activity_id=activity.id, invitation_id=item.id,
                        expert_id=item.expert_id, person_id=item.person_id, kind=p["kind"],
                        detail={**p["detail"], "from": draw.peer_name}, status="confirmed",
                        mark=p["mark"], reason=f"{p['reason']}（{draw.peer_name}代理机构确认）"[
                            :200], decided_by=0, decided_at=now, created_at=now)
                    written += 1
                done.setdefault(code, set()).update(p["id"] for p in due)
                if due and item is not None:
                    await self._remark(activity, item.id, draw.peer_name, now)
                    await self.audit.append("federation", now, person_id=0,
                                            peer=draw.peer_code, peer_name=draw.peer_name,
                                            what="draw_proposals", request=draw.request_id,
                                            code=code, count=len(due))
            await PeerDraw.filter(id=draw.id).update(
                proposals_done={c: sorted(ids) for c, ids in done.items()})
        return written

    async def _remark(self, activity: DrawActivity, invitation_id: int, library: str,
                      now: datetime) -> None:
        """A record already written takes the confirmed marks (one replied to stays)."""
        assert self.performance is not None
        record = await PerformanceRecord.get_or_none(invitation_id=invitation_id)
        if record is None or record.replied_at is not None:
            return
        try:
            await self.performance.record(activity, invitation_id, Entry(
                record.late, record.left_early, list(record.conduct), record.score,
                record.comment), now, Actor("agency", 0, f"{library}（请求方）"))
        except DomainError:
            return  # past its deadline here: the proposal stands on its own


async def _ours(activity: DrawActivity, code: str) -> Invitation | None:
    """Our expert of this verification code in the draw (or its 补抽)."""
    return await Invitation.filter(activity__parent_id=activity.id, code=code).first() \
        or await Invitation.filter(activity_id=activity.id, code=code).first()
