"""Attendance (GD-DRAW): check-in and check-out at the venue (QR scan or verification code),
the arrivals the agency watches, and who is serving once the results unseal. Reminders
(services/draws/venue/reminders.py) and urges (services/draws/venue/urges.py) are parts of the same
object."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tortoise.expressions import F, Subquery

from models import column
from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
)
from models.people import Person
from services.common.errors import ClosedWindow, Conflict, NotAllowed, NotFound
from services.common.scenes import CheckinScene
from services.draws.candidates.pool import eval_days
from services.draws.candidates.rules import KIN, SANCTIONED, sanctioned
from services.draws.facts.family import Family, arrivals
from services.draws.facts.seal import Seal
from services.draws.facts.times import CHECKIN_OPENS, CHECKOUT_UNTIL, leaving_from
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import Notices, notices_of
from services.draws.venue.identity_rule import identity_required
from services.draws.venue.reminders import LIVE
from services.draws.venue.urges import Urging
from services.notifications import Change


@dataclass(frozen=True)
class CheckResult:
    action: Literal["in", "out", "again"]
    invitation: Invitation
    arrived: int
    expected: int
    # from when a later scan is a departure, and whether the evaluation has begun (a repeat,
    # "again", says so)
    leaving_from: datetime
    begun: bool
    venue: str = ""  # the expert's own venue, 主场 / 副场, when the activity has a 副场


# what a check-in's result sends, queued in the check-in's own change
Then = Callable[[Change, CheckResult], Awaitable[None]]


@dataclass(frozen=True)
class Roster:
    """Arrivals as counts, and (once the results unseal) who: names, never phones."""

    arrived: int
    expected: int
    experts: list[tuple[Invitation, str]]
    # each one's venue by invitation id (主场 / 副场 said when the activity has a 副场)
    venues: dict[int, str] = field(default_factory=dict)
    # the venue's check-in still takes an expert who comes late (the code works, the
    # evaluation is not over), and until when the code works
    checkin_open: bool = False
    checkin_until: datetime | None = None


@dataclass(frozen=True)
class CheckinPoster:
    """The venue's check-in QR code as a page to print and post (web/draw_results.py): the
    project, the first gathering and when the code works."""

    activity: DrawActivity
    project: Project
    notice: Notice  # the venue's (the earliest gathering of the activity unless one asked)
    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class LinkCheckin:
    """Check-in and check-out on the invitation's own page (web/answer.py), for an expert
    without WeChat: whether it can be done now, and what was done."""

    opens: datetime
    closes: datetime
    open: bool  # inside the venue's window and the evaluation not over
    identity: bool  # the venue checks identity: the first check-in is the staff's
    checkin_at: datetime | None
    checkout_at: datetime | None


class Attendance(Urging):
    """Check-in and check-out at the venue, reminders, urges and absences; which venues
    check identity, and a sanction's release of the places it covers."""

    face_offered = False  # WeChat's face verification can be asked for in the mini-program

    @staticmethod
    async def window(activity: DrawActivity) -> tuple[datetime, datetime]:
        """When the venue code works: 2 h before the earliest gathering to 2 h after the
        evaluation's expected end."""
        times = await column(Notice.filter(activity_id__in=await Family.family(activity)),
                             "gather_at")
        first = min(times, default=activity.eval_start)
        return first - CHECKIN_OPENS, activity.eval_end + CHECKOUT_UNTIL

    async def poster(self, activity_id: int, notice_id: int | None = None
                     ) -> CheckinPoster | None:
        """The activity's check-in poster, for one venue (`notice_id`: a 副场's, FG-807) or
        the earliest gathering; None: no such activity, or it has no such notice. The code
        is the activity's: whoever scans it is checked in at their own venue."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        found = Notice.filter(activity_id=activity_id)
        if notice_id is not None:
            found = found.filter(id=notice_id)
        notice = await found.order_by("gather_at", "id").first() if activity else None
        if activity is None or notice is None:
            return None
        await mark_roles([notice])
        project = await Project.get(id=activity.project_id)
        opens, closes = await self.window(activity)
        return CheckinPoster(activity, project, notice, opens, closes)

    async def link_checkin(self, item: Invitation, now: datetime) -> LinkCheckin | None:
        """The page's check-in of a confirmed invitation; None for any other."""
        if item.status != InvitationStatus.CONFIRMED or not item.code:
            return None
        activity = await Family.root_of(await DrawActivity.get(id=item.activity_id))
        opens, closes = await self.window(activity)
        over = activity.status not in LIVE or (activity.on_site
                                               and activity.finished_at is not None)
        return LinkCheckin(opens, closes, not over and opens <= now <= closes,
                           await identity_required(item) and item.checkin_at is None,
                           item.checkin_at, item.checkout_at)

    async def checkin_scene(self, activity: DrawActivity, now: datetime
                            ) -> tuple[CheckinScene, datetime, datetime]:
        """The venue QR code's scene and when it works; none once the evaluation is over."""
        opens, closes = await self.window(activity)
        if now > closes:
            raise ClosedWindow("checkin.qr_over")
        return CheckinScene(activity.id, int(closes.timestamp())), opens, closes

    async def confirmed(self, activity_id: int, person_id: int, now: datetime,
                        code: str | None = None) -> tuple[DrawActivity, Invitation]:
        """The evaluation and the expert's confirmed place in it (its draw or a supplementary
        one), if the venue's check-in is open to them now; refused in words otherwise."""
        found = await DrawActivity.get_or_none(id=activity_id)
        if found is None:
            raise NotFound("checkin.no_evaluation")
        activity = await Family.root_of(found)
        if activity.status not in LIVE:
            raise NotFound("checkin.no_evaluation")
        if activity.on_site and activity.finished_at is not None:
            raise ClosedWindow("checkin.finished", at=activity.finished_at)
        opens, closes = await self.window(activity)
        if not opens <= now <= closes:
            raise ClosedWindow("checkin.window", opens=opens, closes=closes)
        mine = Invitation.filter(activity_id__in=await Family.family(activity), person_id=person_id)
        if code is not None:
            mine = mine.filter(code=code)
        item = await mine.filter(status=InvitationStatus.CONFIRMED).first()
        if item is None:
            absent = await mine.filter(status=InvitationStatus.ABSENT).first()
            if absent is not None and absent.absence == SANCTIONED:  # the place was released
                raise NotAllowed("checkin.sanctioned",
                                 contact=Notices.notice_contact(await Notices.notice_of(absent)))
            if absent is not None and absent.absence == KIN:  # both related experts went
                raise NotAllowed("checkin.kin",
                                 contact=Notices.notice_contact(await Notices.notice_of(absent)))
            if absent is not None:  # registered by the agency, perhaps by mistake
                raise Conflict("checkin.registered_absent", kind=absent.absence or "缺席",
                               contact=Notices.notice_contact(await Notices.notice_of(absent)))
            raise NotFound("checkin.not_confirmed")
        if item.checkin_at is None and await sanctioned([item.expert_id], eval_days(activity)):
            # 实施条例 Art. 72: a suspended, removed or banned expert takes no part, even with
            # a place confirmed before the sanction: one decided after the evaluation began
            # (an earlier one released the place: services/draws/venue/sanction_release.py)
            raise NotAllowed("checkin.sanctioned",
                             contact=Notices.notice_contact(await Notices.notice_of(item)))
        return activity, item

    async def checkin(self, activity_id: int | None, person_id: int, now: datetime,
                      code: str | None = None, verified: str | None = None,
                      wechat: bool = True, then: Then | None = None) -> CheckResult:
        """Check a confirmed expert of the evaluation (its draw or a supplementary one) in, or
        out on a later scan. At a venue that checks identity the first check-in needs the
        check passed (`verified`: the way, services/draws/venue/identity.py). `wechat`: the
        expert came through WeChat (a refusal may then point to the mini-program's face
        check; never by SMS or a link). Without `activity_id`, the evaluation is the one
        whose verification code the expert sent (`code`). Every read is in the check-in's
        transaction: one commit a check-in; `then` queues in it what the check-in's result
        sends (the answer by SMS)."""
        async with self.outbox.change(now) as change:
            if activity_id is None:
                activity_id = await _coded(person_id, code or "")
            activity, item = await self.confirmed(activity_id, person_id, now, code)
            # one evaluation's check-ins one after the other: each counts the arrivals of
            # the one before (two at once were each told the agency 已到场 4/5, and nobody
            # 5/5: bench.morning's venues), and one expert scanning twice is in once
            await DrawActivity.select_for_update().filter(id=activity.id).first()
            item = await Invitation.get(id=item.id)
            if item.checkin_at is None and verified is None and await identity_required(item):
                raise NotAllowed("checkin.identity_required", code=item.code or "",
                                 face=self.face_offered and wechat)
            action: Literal["in", "out", "again"] = "again"
            if item.checkin_at is None:
                item.checkin_at, action = now, "in"
            elif item.checkout_at is None and now >= leaving_from(activity.eval_start,
                                                                  item.checkin_at):
                item.checkout_at, action = now, "out"
            await item.save(update_fields=["checkin_at", "checkout_at"])
            if action == "out" and activity.on_site:
                await self._finish_when_all_left(activity, now)
            arrived, expected = await self.arrivals(activity, now)
            if action == "in":
                await notify_agency(change, activity, "draw.arrival",
                                    progress=f"已到场 {arrived}/{expected}")
            # the expert's own venue (FG-807: 主场 / 副场)
            notice = await Notices.notice_of(item)
            assert item.checkin_at is not None
            result = CheckResult(action, item, arrived, expected,
                                 leaving_from(activity.eval_start, item.checkin_at),
                                 now >= activity.eval_start,
                                 Venues.venue_label(notice) if notice.role_word else "")
            if then is not None:
                await then(change, result)
        return result

    @staticmethod
    async def _finish_when_all_left(activity: DrawActivity, now: datetime) -> None:
        """进场项目 (GD-DRAW): "需对应的进场场所完成专家进出场登记以结束项目" — the
        evaluation is over once every confirmed expert has checked out, and never before
        it has begun."""
        served = await Family.serving(activity)
        if now >= activity.eval_start and all(i.checkout_at is not None for i in served):
            await DrawActivity.filter(id__in=await Family.family(activity),
                                      finished_at=None).update(
                                          finished_at=now)

    async def checkin_by_code(self, person_id: int, code: str, now: datetime,
                              wechat: bool = True, then: Then | None = None) -> CheckResult:
        """Check in (or out) by sending the verification code in chat, or by SMS (`then`:
        its answer queued with the check-in)."""
        return await self.checkin(None, person_id, now, code=code, wechat=wechat, then=then)

    @staticmethod
    async def arrivals(activity: DrawActivity, now: datetime) -> tuple[int, int]:
        """Arrived and expected: the confirmed experts of the whole evaluation."""
        return await arrivals(activity, now)

    async def sweep(self, now: datetime) -> Counter[str]:
        """The urges' sweep, and the end of evaluations whose time is over: at the expected
        end ("如填写否，将按照预计评标结束时间结束项目"); an on-site one (进场项目: "需对应的进场
        场所完成专家进出场登记以结束项目") when its experts have all checked out, or once the
        venue code stops working if some never did."""
        counts = await super().sweep(now)
        ended = DrawActivity.filter(status=DrawStatus.ENDED, finished_at=None
                                    ).exclude(kind="supplement")
        counts["finished"] = await ended.filter(on_site=False, eval_end__lte=now).update(
            finished_at=F("eval_end")) + await ended.filter(
            on_site=True, eval_end__lte=now - CHECKOUT_UNTIL).update(finished_at=now)
        # their 补抽s with them
        await DrawActivity.filter(kind="supplement", finished_at=None, parent_id__in=Subquery(
            DrawActivity.filter(finished_at__not_isnull=True).values("id"))).update(
            finished_at=now)
        return counts

    async def roster(self, activity: DrawActivity, now: datetime) -> Roster:
        arrived, expected = await self.arrivals(activity, now)
        if Seal.check_sealed(activity, now):
            return Roster(arrived, expected, [])
        root = await Family.root_of(activity)
        _, closes = await self.window(root)
        # as confirmed() admits a check-in: a live evaluation, an on-site one not yet over
        over = root.status not in LIVE or (root.on_site and root.finished_at is not None)
        rows = await Family.serving(activity, InvitationStatus.CONFIRMED, InvitationStatus.ABSENT)
        names = dict(await Person.filter(id__in=[r.person_id for r in rows]).values_list(
            "id", "name"))
        venues = {r.id: Venues.venue_label(n) for r, n in zip(rows, await notices_of(rows),
                                                        strict=True)}
        return Roster(arrived, expected, [(r, str(names[r.person_id])) for r in rows], venues,
                      not over and now <= closes, closes)


async def _coded(person_id: int, code: str) -> int:
    """The evaluation whose verification code the expert sent (their latest place with it,
    confirmed or registered absent); refused in words when none has it."""
    item = await Invitation.filter(
        person_id=person_id, code=code,
        status__in=[InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]
    ).order_by("-id").first()
    if item is None:
        raise NotFound("checkin.wrong_code")
    return item.activity_id
