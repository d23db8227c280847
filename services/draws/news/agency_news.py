"""What the agency is told as a draw goes (progress, the end, arrivals, absences, ...): the
activity's handler and the agency's legal persons, counts only, never who was drawn. One
place that the setup and the running draw both call (neither imports the other for it)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from models.draws import DrawActivity
from models.orm.statements import on_postgres, rows
from models.people import Role
from services.common.clock import china_time
from services.draws.facts.seal import check_hidden
from services.draws.news.titles import sections_sql, short_title
from services.draws.news.views import Views
from services.notifications import Change, NotificationKind, Outbox

# a project's name, the activity's sections, its agency's legal persons (none: one row,
# person_id NULL); the parameters: the activity, its parent (or itself), the agency, the project
AGENCY_SQL = (
    "SELECT p.name, {sections} AS sections, g.person_id FROM draw_project p "
    "LEFT JOIN role_grant g ON g.agency_id = ? "
    f"AND g.role = '{Role.AGENCY_LEGAL.value}' AND g.revoked_at IS NULL WHERE p.id = ?")


# the notices that carry an activity's latest counts: coalesced (Change.latest), a later
# one carrying what an earlier one said; never the shortage, the end, the unsealing or any
# other, each told as it happens (docs/decisions/0024-coalesced-progress-notices.md)
LATEST: frozenset[str] = frozenset({"draw.progress", "draw.arrival"})
# the notices that carry the draw's progress too: queued, the progress still queued is not
# sent
CARRY_PROGRESS: frozenset[str] = frozenset({"draw.ended"})


@cache
def _agency_sql(postgres: bool) -> str:
    return AGENCY_SQL.format(sections=sections_sql(postgres, "?", "?"))


async def notify_agency(change: Change, activity: DrawActivity, kind: NotificationKind, *,
                        dedupe: str | None = None, agency: tuple[str, list[int]] | None = None,
                        **params: Any) -> None:
    """Push to the activity's handler and to the agency's legal person(s); counts only,
    never who was drawn. With `dedupe`, each of them once (`<dedupe>:<person>`). `agency`:
    the project's short title (short_title) and the legal persons, when the caller read
    them already. A 补抽's
    news waits while its results are sealed (seal.check_hidden): the agency reads it then."""
    if check_hidden(activity.kind, activity.eval_start, change.now) or not activity.agency_id:
        return  # no agency: a draw made for another library (services/draws/setup/for_peer.py)
    if agency is None:  # the project's name and the agency's legal persons: one statement
        found = await rows(_agency_sql(on_postgres()), activity.id,
                           activity.parent_id or activity.id, activity.agency_id,
                           activity.project_id)
        agency = (short_title(str(found[0]["name"]), str(found[0]["sections"] or ""))
                  if found else "",
                  [int(r["person_id"]) for r in found if r["person_id"] is not None])
    name, legal = agency
    # the project as a template field holds it, its sections kept (two activities of one
    # project told apart), and the activity's own number
    base = {"project": name[:20], "activity": activity.id,
            "activity_no": Views.activity_number(activity.id, activity.kind),
            "at": china_time(change.now), **params}
    people = list(dict.fromkeys([activity.handler_id, *legal]))
    if kind in CARRY_PROGRESS:
        await change.supersede(f"draw.progress:{activity.id}", people)
    if kind in LATEST and dedupe is None:
        await change.latest(kind, base, people, key=f"{kind}:{activity.id}")
        return
    if dedupe is None:
        await change.notify_each(kind, base, people)
        return
    for person_id in people:
        await change.notify(kind, base, person_id=int(person_id),
                            dedupe_key=f"{dedupe}:{person_id}")


class AgencyNews:
    """News of an activity pushed to its agency by the contexts above draws (a peer
    library's roster or fees, say): counts and words only, never who was drawn."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def tell(self, activity_id: int, kind: NotificationKind, now: datetime,
                   **params: Any) -> None:
        """Push news of an activity to its handler and the agency's legal persons."""
        activity = await DrawActivity.get(id=activity_id)
        async with self.outbox.change(now) as change:
            await notify_agency(change, activity, kind, **params)
