"""A draw's progress as an agency may see it: counts only (planned, confirmed, waiting,
invited), for one activity or for a whole list in a constant number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tortoise.functions import Count

from models.draws import Condition, Invitation, InvitationStatus


@dataclass(frozen=True)
class Counts:
    planned: int
    confirmed: int
    waiting: int  # invitations out, no reply yet
    invited: int  # every invitation sent

    @property
    def text(self) -> str:
        return f"已确认 {self.confirmed}/{self.planned}"



async def draw_counts(activity_id: int) -> Counts:
    """Planned, confirmed, waiting and invited: the progress an agency may see."""
    return (await draw_counts_of([activity_id]))[activity_id]


async def draw_counts_of(activity_ids: list[int]) -> dict[int, Counts]:
    """`draw_counts` of many activities, in two queries however many there are."""
    planned: Counter[int] = Counter()
    for activity_id, n in await Condition.filter(activity_id__in=activity_ids).values_list(
            "activity_id", "planned"):
        planned[int(activity_id)] += int(n)
    statuses: dict[int, Counter[str]] = {a: Counter() for a in activity_ids}
    for row in await Invitation.filter(activity_id__in=activity_ids).group_by(
            "activity_id", "status").annotate(n=Count("id")).values("activity_id", "status",
                                                                     "n"):
        statuses[int(row["activity_id"])][str(row["status"])] = int(row["n"])
    return {a: Counts(planned[a], statuses[a][InvitationStatus.CONFIRMED],
                      statuses[a][InvitationStatus.SENT], sum(statuses[a].values()))
            for a in activity_ids}
