"""Who serves an activity (seed 004): the experts of the activity and of its supplementary
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
