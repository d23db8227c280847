"""Who serves an activity (GD-DRAW): the experts of the activity and of its supplementary
draws (补抽) serve one evaluation at one venue. Check-in, arrivals, the attendance list,
urges, absence, withdrawal notices and the results all ask this module, never the one
activity's own invitations."""

from __future__ import annotations

from models import column
from models.draws import DrawActivity, Invitation, InvitationStatus

SUPPLEMENT = "supplement"


async def root_of(activity: DrawActivity) -> DrawActivity:
    """The activity a supplementary draw serves (itself for any other)."""
    if activity.kind == SUPPLEMENT and activity.parent_id is not None:
        parent = await DrawActivity.get_or_none(id=activity.parent_id)
        if parent is not None:
            return parent
    return activity


async def family(activity: DrawActivity) -> list[int]:
    """The ids of the evaluation's activities: the root first, then its supplementary draws
    (whichever of them `activity` is)."""
    root = await root_of(activity)
    children = await column(DrawActivity.filter(parent_id=root.id, kind=SUPPLEMENT), "id")
    return [root.id, *(int(c) for c in children)]


async def serving(activity: DrawActivity, *statuses: InvitationStatus) -> list[Invitation]:
    """The invitations of the whole family in these statuses (confirmed by default), oldest
    first."""
    return await Invitation.filter(
        activity_id__in=await family(activity),
        status__in=list(statuses or (InvitationStatus.CONFIRMED,))).order_by("id")


async def arrivals(activity: DrawActivity) -> tuple[int, int]:
    """Arrived and expected: the confirmed experts of the whole evaluation."""
    rows = [r.checkin_at for r in await serving(activity)]
    return sum(1 for r in rows if r is not None), len(rows)


async def open_places(root_ids: list[int]) -> dict[int, dict[int, int]]:
    """GD-DRAW (待补抽): per evaluation, the places of its conditions left open by absent
    experts (缺席, 请假, 现场回避 — its supplementary draws' absences included) and not yet
    covered by a 补抽: {root id: {condition id: places}}, in four queries however many."""
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
    for source_id, planned in await Condition.filter(
            source_id__in=list(activity_of), activity__kind=SUPPLEMENT
    ).values_list("source_id", "planned"):
        open_[int(source_id)] = open_.get(int(source_id), 0) - int(planned)
    out: dict[int, dict[int, int]] = {}
    for condition_id, places in open_.items():
        if places > 0:
            out.setdefault(activity_of[condition_id], {})[condition_id] = places
    return out
