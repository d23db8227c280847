"""Who serves an activity (GD-DRAW): the experts of the activity and of its supplementary
draws (补抽) serve one evaluation at one venue. Check-in, arrivals, the attendance list,
urges, absence, withdrawal notices and the results all ask this module, never the one
activity's own invitations."""

from __future__ import annotations

from datetime import datetime

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from services.draws.facts.seal import Seal

SUPPLEMENT = "supplement"


class Family:
    """Who serves an activity: the activity and its 补抽, one evaluation at one venue."""

    @staticmethod
    async def root_of(activity: DrawActivity) -> DrawActivity:
        """The activity a supplementary draw serves (itself for any other)."""
        if activity.kind == SUPPLEMENT and activity.parent_id is not None:
            parent = await DrawActivity.get_or_none(id=activity.parent_id)
            if parent is not None:
                return parent
        return activity

    @staticmethod
    async def family(activity: DrawActivity) -> list[int]:
        """The ids of the evaluation's activities: the root first, then its supplementary draws
        (whichever of them `activity` is)."""
        root = await Family.root_of(activity)
        children = await column(DrawActivity.filter(parent_id=root.id, kind=SUPPLEMENT), "id")
        return [root.id, *(int(c) for c in children)]

    @staticmethod
    async def serving(activity: DrawActivity, *statuses: InvitationStatus) -> list[Invitation]:
        """The invitations of the whole family in these statuses (confirmed by default), oldest
        first."""
        return await Invitation.filter(
            activity_id__in=await Family.family(activity),
            status__in=list(statuses or (InvitationStatus.CONFIRMED,))).order_by("id")


async def serving_seen(activity: DrawActivity, now: datetime, *statuses: InvitationStatus
                       ) -> list[Invitation]:
    """`serving` as the agency may see it: while the results are sealed, the evaluation's own
    draw only (a 补抽 run then is not shown: seal.check_hidden)."""
    if not Seal.check_sealed(activity, now):
        return await Family.serving(activity, *statuses)
    root = await Family.root_of(activity)
    return await Invitation.filter(activity_id=root.id, status__in=list(
        statuses or (InvitationStatus.CONFIRMED,))).order_by("id")


async def arrivals(activity: DrawActivity, now: datetime) -> tuple[int, int]:
    """Arrived and expected: the confirmed experts of the whole evaluation. While the
    results are sealed an expert registered absent is still expected: the count would
    otherwise tell that the phone registered was drawn."""
    statuses = (InvitationStatus.CONFIRMED, InvitationStatus.ABSENT) \
        if Seal.check_sealed(activity, now) else (InvitationStatus.CONFIRMED,)
    rows = [r.checkin_at for r in await serving_seen(activity, now, *statuses)]
    return sum(1 for r in rows if r is not None), len(rows)


async def open_places(root_ids: list[int]) -> dict[int, dict[int, int]]:
    """GD-DRAW (待补抽): per evaluation, the places of its conditions left open by absent
    experts (缺席, 请假, 现场回避 — its supplementary draws' absences included) and not yet
    covered by a 补抽: {root id: {condition id: places}}, in four queries and one per ended
    补抽 condition."""
    from models.draws import Condition

    roots = await Condition.filter(activity_id__in=root_ids).values_list("id", "activity_id")
    activity_of = {int(c): int(a) for c, a in roots}
    if not activity_of:
        return {}
    children = await column(DrawActivity.filter(parent_id__in=root_ids, kind=SUPPLEMENT), "id")
    open_: dict[int, int] = {}
    for condition_id, source_id in await Invitation.filter(
            activity_id__in=[*root_ids, *children], status=InvitationStatus.ABSENT
    ).values_list("condition_id", "condition__source_id"):
        # a root's own condition, or the one a 补抽's condition stands in for (a root that is
        # itself a re-draw has conditions with a source too: its own come first)
        original = int(condition_id) if int(condition_id) in activity_of else int(source_id or 0)
        if original in activity_of:
            open_[original] = open_.get(original, 0) + 1
    # what each 补抽 covers: its planned places while it draws; once ended, the experts who
    # confirmed (an exhausted 补抽 leaves the rest open; its own absences counted above)
    drawing = (DrawStatus.DRAWING, DrawStatus.PAUSED)  # (prepared and not started: not yet)
    for condition_id, source_id, planned, status in await Condition.filter(
            source_id__in=list(activity_of), activity__kind=SUPPLEMENT
    ).values_list("id", "source_id", "planned", "activity__status"):
        covered = int(planned) if status in drawing else await Invitation.filter(
            condition_id=condition_id, status__in=[InvitationStatus.CONFIRMED,
                                                   InvitationStatus.ABSENT]).count()
        open_[int(source_id)] = open_.get(int(source_id), 0) - covered
    out: dict[int, dict[int, int]] = {}
    for condition_id, places in open_.items():
        if places > 0:
            out.setdefault(activity_of[condition_id], {})[condition_id] = places
    return out
