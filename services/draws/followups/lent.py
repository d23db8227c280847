"""Draws made here for another library's 副场 (FG-807: one evaluation in two places; NDRC-26;
docs/federation.md) have an owner here: the trading centre of the 副场's place, whose
verifiers run the 副场 side as an agency runs its own draw — the experts by name once the
results unseal, the identity check at the door (their staff desk), an absence registered by
the expert's code and a 补抽 for the place, started with the verifier's own value. The asking
library hears each of it with the roster (services/federation/lend_rosters.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.draws import ActivityKind, DrawActivity, DrawStatus, Notice, Project
from models.federated_draws import PeerDraw
from models.people import Role, RoleGrant
from services.common.clock import china_time
from services.common.errors import NotFound
from services.draws.facts.family import open_places
from services.draws.facts.oplog import Actor
from services.draws.facts.scope import DrawScope, in_verifier_scope, verifier_regions
from services.draws.followups.absences import Absences
from services.draws.followups.supplements import Supplements
from services.notifications import Outbox

SHOWN = (DrawStatus.VERIFIED, DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED,
         DrawStatus.WITHDRAWN)
KEPT = timedelta(days=2)  # listed until two days after the evaluation's end


@dataclass(frozen=True)
class LentView:
    activity: DrawActivity
    library: str  # the asking library's name
    notice: Notice
    wanted: int = 0  # places the asking library asks us to fill again (a 补抽)


class LentDesk:
    """The 副场 side of draws made here for other libraries, run by the centre's verifiers."""

    def __init__(self, absences: Absences, supplements: Supplements) -> None:
        self.absences = absences
        self.supplements = supplements

    @staticmethod
    async def listing(grants: list[RoleGrant], now: datetime) -> list[LentView]:
        """The draws made for other libraries at 副场 in the verifier's region, soonest
        evaluation first, until two days after each is over."""
        regions = verifier_regions(grants)
        found = await DrawActivity.filter(
            kind=ActivityKind.PEER, status__in=list(SHOWN), eval_end__gt=now - KEPT
        ).prefetch_related("project").order_by("eval_start", "id")
        mine = [a for a in found if in_verifier_scope(regions, a, a.project)]
        asked = {int(a): (str(n), int(w)) for a, n, w in await PeerDraw.filter(
            activity_id__in=[a.id for a in mine]).values_list("activity_id", "peer_name",
                                                               "wanted")}
        notices = {n.activity_id: n for n in await Notice.filter(
            activity_id__in=[a.id for a in mine])}
        return [LentView(a, asked.get(a.id, ("", 0))[0], notices[a.id],
                         asked.get(a.id, ("", 0))[1]) for a in mine if a.id in notices]

    @staticmethod
    async def one(grants: list[RoleGrant], activity_id: int) -> DrawActivity:
        """A draw made for another library, if its 副场 lies in the verifier's region."""
        activity = await DrawScope.verifiable_activity(grants, activity_id)
        if activity.kind != ActivityKind.PEER:
            raise NotFound("draw.not_found")
        return activity

    @staticmethod
    async def places(activity: DrawActivity) -> tuple[int, bool]:
        """The places absences left open and not yet covered by a 补抽, and whether a 补抽
        is drawing now (the page offers a 补抽 only for open places, none while one draws)."""
        opened = sum((await open_places([activity.id])).get(activity.id, {}).values())
        drawing = await DrawActivity.filter(parent_id=activity.id, status__in=[
            DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.VERIFIED]).exists()
        return opened, drawing

    async def register_absence(self, grants: list[RoleGrant], activity_id: int, code: str,
                               kind: str, now: datetime, actor: Actor) -> None:
        """An expert of ours who will not serve at the 副场 (请假 / 缺席 / 现场回避), by the
        code, as an agency registers one."""
        await self.absences.register_absence(await self.one(grants, activity_id), code, kind,
                                             now, actor)

    async def supplement(self, grants: list[RoleGrant], activity_id: int, now: datetime,
                         actor: Actor, gather_at: datetime | None) -> DrawActivity:
        """A 补抽 for the absent experts' places, prepared (its seed and pool committed)."""
        return await self.supplements.supplement(await self.one(grants, activity_id), now,
                                                 actor, gather_at=gather_at)

    async def start_supplement(self, grants: list[RoleGrant], activity_id: int, nonce: str,
                               now: datetime, actor: Actor) -> DrawActivity:
        return await self.supplements.start_supplement(await self.one(grants, activity_id),
                                                       nonce, now, actor)

    @staticmethod
    async def tell_wanted(outbox: Outbox, activity: DrawActivity, library: str, wanted: int,
                          now: datetime) -> int:
        """The asking library asks us to fill places again: every verifier of the 副场's
        centre (whose region covers it) is told, to run the 补抽 at the desk. How many."""
        project = await Project.get(id=activity.project_id)
        where = activity.terminal or project.region
        people = {g.person_id for g in await RoleGrant.filter(role=Role.VERIFIER,
                                                               revoked_at=None)
                  if g.active(now) and (not g.region or where.startswith(g.region))}
        async with outbox.change(now) as change:
            for person_id in people:
                await change.notify("draw.lent_wanted", {
                    "project": project.name[:20], "activity": activity.id, "library": library,
                    "wanted": wanted, "eval_start": china_time(activity.eval_start),
                    "at": china_time(now)}, person_id=person_id)
        return len(people)
