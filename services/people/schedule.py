"""Formal experts' own standing: unavailable dates (日程管理) and deregistration (注销)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from models.experts import ExpertProfile, Unavailability
from models.people import Person, RoleGrant
from models.wechat import WeChatIdentity
from services.common.clock import china_time, china_today
from services.common.errors import BadInput, Conflict, NotAllowed, NotFound
from services.notifications import Outbox

MAX_SPAN = timedelta(days=90)
DEREGISTER_WORDS = "确认注销"  # what the expert types to confirm deregistration


async def engagements(person_id: int, now: datetime) -> list[DrawActivity]:
    """The evaluations the expert confirmed that have not ended, nor been withdrawn, and
    for which no leave (请假) or absence is registered."""
    ids = await column(Invitation.filter(person_id=person_id, absence=None,
                                         status=InvitationStatus.CONFIRMED), "activity_id")
    return await DrawActivity.filter(id__in=ids, eval_end__gt=now).exclude(
        status=DrawStatus.WITHDRAWN).order_by("eval_start")


class Schedules:
    """An expert's unavailable dates and deregistration (the Experts' part `schedule`)."""

    @staticmethod
    async def upcoming(person: Person, now: datetime) -> list[Unavailability]:
        """The expert's unavailable dates from today on, soonest first."""
        return await Unavailability.filter(person_id=person.id,
                                           date_to__gte=china_today(now)).order_by("date_from")

    @staticmethod
    async def add_unavailability(person: Person, start: date, end: date, reason: str,
                                 now: datetime) -> Unavailability:
        """An expert's unavailable dates, from today on and at most MAX_SPAN long."""
        if not await ExpertProfile.exists(person_id=person.id, active=True):
            raise NotAllowed("schedule.experts_only")
        if end < start:
            raise BadInput("schedule.end_before_start")
        if start < china_today(now):
            raise BadInput("schedule.past")
        if end - start > MAX_SPAN:
            raise BadInput("schedule.too_long", days=MAX_SPAN.days)
        return await Unavailability.create(person_id=person.id, date_from=start, date_to=end,
                                           reason=reason[:64])

    @staticmethod
    async def remove_unavailability(person: Person, item_id: int) -> None:
        """One of the expert's unavailable dates removed."""
        if not await Unavailability.filter(id=item_id, person_id=person.id).delete():
            raise NotFound("schedule.not_found")

    @staticmethod
    async def deregister(person: Person, confirmation: str, now: datetime, outbox: Outbox,
                         period: str) -> None:
        """注销: the account becomes unusable: roles revoked, WeChat unbound, not drawn again.
        The expert confirms by typing DEREGISTER_WORDS; refused while an evaluation they
        confirmed lies ahead (it is in the agency's results). Their phone is told, with what
        stays and for how long (`period`: the retention after deregistration, in words): WeChat
        is unbound by then, so the SMS is the channel left (a stranger's 注销 is caught too)."""
        if confirmation != DEREGISTER_WORDS:
            raise BadInput("schedule.deregister_confirm", words=DEREGISTER_WORDS)
        ahead = await engagements(person.id, now)
        if ahead:  # the agency counts on them: decline or withdraw those first
            raise Conflict("schedule.deregister_engaged",
                           dates="、".join(china_time(a.eval_start) for a in ahead))
        async with outbox.change(now) as change:
            await ExpertProfile.filter(person_id=person.id).update(active=False)
            await RoleGrant.filter(person_id=person.id, revoked_at=None).update(revoked_at=now)
            await WeChatIdentity.filter(person_id=person.id).update(person_id=None, bound_at=None)
            await Person.filter(id=person.id).update(deregistered_at=now)
            await change.notify("account.deregistered", {"at": china_time(now), "period": period},
                                person_id=person.id)
