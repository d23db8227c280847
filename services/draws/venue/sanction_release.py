"""A sanction reaches the committees already formed (实施条例 Art. 71: 禁止其在一定期限内参加
依法必须进行招标的项目的评标; Art. 72: 不得再参加任何依法必须进行招标的项目的评标): an expert
under a suspension, removal or ban in force on any day of an evaluation they confirmed, and
which has not begun, loses the place. The place opens for a 补抽 as an absence does (absent,
registered as 受处理), the expert is told why, the agency is told that a place opened and
what to do, without a name or anything else that would tell who was drawn before the
results unseal (docs/seal.md); the log's entry keeps its detail from the agency while
sealed."""

from __future__ import annotations

from datetime import date

from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from services.common.clock import china_time, china_today
from services.common.reactions import Happened, SanctionDecided
from services.draws.candidates.rules import SANCTIONED
from services.draws.facts.oplog import SYSTEM, OperationLog
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import Notices
from services.notifications import Outbox

OVER = (DrawStatus.WITHDRAWN, DrawStatus.CANCELLED)


def _covers(first: date, last: date | None, activity: DrawActivity) -> bool:
    """Whether the sanction's days meet the evaluation's (its first to its last day)."""
    start, end = china_today(activity.eval_start), china_today(activity.eval_end)
    return first <= end and (last is None or last >= start)


class SanctionRelease:
    """A sanction's release of the places it covers in committees not begun."""

    @staticmethod
    async def release_for_sanction(outbox: Outbox, happened: Happened) -> list[Invitation]:
        """The places the sanction takes (the announcing decision's transaction: all or none)."""
        details = happened.details
        assert isinstance(details, SanctionDecided)
        if not details.excludes:  # a warning is recorded, it keeps nobody out
            return []
        first, last = details.starts_on, details.ends_on
        confirmed = await Invitation.filter(expert_id=details.expert_id,
                                            status=InvitationStatus.CONFIRMED)
        activities = {a.id: a for a in await DrawActivity.filter(
            id__in=[i.activity_id for i in confirmed], eval_start__gt=happened.at).exclude(
            status__in=list(OVER))}
        released = []
        async with outbox.change(happened.at) as change:
            for item in confirmed:
                activity = activities.get(item.activity_id)
                if activity is None or not _covers(first, last, activity):
                    continue
                if not await Invitation.filter(id=item.id, status=InvitationStatus.CONFIRMED
                                               ).update(status=InvitationStatus.ABSENT,
                                                        absence=SANCTIONED):
                    continue
                await OperationLog.record(activity, SYSTEM, "sanction_release", happened.at,
                                          invitation=item.id, sanction=details.number)
                notice = await Notices.notice_of(item)
                await change.notify("draw.place_released", {
                    "eval_start": china_time(activity.eval_start), "kind": details.kind,
                    "number": details.number, "contact": Notices.notice_contact(notice)},
                    person_id=item.person_id, dedupe_key=f"sanction-release:{item.id}")
                await notify_agency(change, activity, "draw.place_opened",
                                    dedupe=f"place-opened:{item.id}",
                                    eval_start=china_time(activity.eval_start))
                released.append(item)
        return released
