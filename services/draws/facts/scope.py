"""Who may see which draw activities (GD-DRAW): an agency's handler the activities it
created, its legal person all of the agency's; a trading-centre verifier the activities
whose requests went to a centre in its region (or, none chosen, of projects there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q, Subquery

from models.draws import DrawActivity, DrawLog, DrawStatus, Project
from models.people import Role, RoleGrant
from services.common.errors import BadInput, NotAllowed, NotFound
from services.common.paging import PAGE, Page, keyset
from services.draws.facts.seal import SEAL_BEFORE, SUPPLEMENT, check_hidden


@dataclass(frozen=True)
class AgencyRole:
    """A person acting for an agency: its legal person sees all of its handlers' work."""

    person_id: int
    agency_id: int
    legal: bool


def require_visible(role: AgencyRole, agency_id: int, handler_id: int) -> None:
    """NotAllowed unless the role may see an activity of this agency and handler."""
    if not (agency_id == role.agency_id and (role.legal or handler_id == role.person_id)):
        raise NotAllowed("draw.not_yours")


def verifier_regions(grants: list[RoleGrant]) -> list[str]:
    """The regions a trading-centre verifier covers (none listed: all)."""
    return [g.region for g in grants if g.role == Role.VERIFIER and g.region]


def in_verifier_scope(regions: list[str], activity: DrawActivity, project: Project) -> bool:
    """The activity's request went to a centre in the verifier's region (选择提交终端), or,
    none chosen, its project lies there."""
    where = activity.terminal or project.region
    return not regions or any(where.startswith(r) for r in regions)


def verifier_scope(regions: list[str]) -> Q:
    """`in_verifier_scope` as a filter on activities, for the database to apply before any
    limit (filtered after it, a busy neighbouring region would crowd the verifier's own out)."""
    scope = Q()
    for region in regions:
        scope |= Q(terminal__startswith=region) | (
            Q(terminal="") & Q(project__region__startswith=region))
    return scope


DECISIONS = ("verify", "refuse", "withdrawal_approve", "withdrawal_refuse")


class DrawScope:
    """Which activities and projects a person may see or decide: an agency's, by its role;
    a trading centre verifier's, by the regions of their grants."""

    @staticmethod
    def agency_role(person_id: int, grants: list[RoleGrant]) -> AgencyRole:
        """The agency this person acts for (as legal person first); BadInput if none."""
        for role in (Role.AGENCY_LEGAL, Role.AGENCY_HANDLER):
            grant = next((g for g in grants if g.role == role and g.agency_id is not None), None)
            if grant is not None and grant.agency_id is not None:
                return AgencyRole(person_id, int(grant.agency_id), role == Role.AGENCY_LEGAL)
        raise BadInput("agency.none")

    @staticmethod
    async def any_activity(activity_id: int) -> DrawActivity:
        """The activity, for the administrator (who sees every one)."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is None:
            raise NotFound("draw.not_found")
        return activity

    @staticmethod
    async def visible_activity(role: AgencyRole, activity_id: int, now: datetime
                               ) -> DrawActivity:
        """The activity, if this role may see it: one of the agency the person holds an active
        grant of (`role` comes from the active grants), and, for a handler, one they created.
        A handler whose grant ended reaches none of that agency's activities any more. A 补抽
        whose results are sealed is no activity yet (seal.check_hidden)."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is None or check_hidden(activity.kind, activity.eval_start, now):
            raise NotFound("draw.not_found")
        require_visible(role, activity.agency_id, activity.handler_id)
        return activity

    @staticmethod
    async def visible_activities(role: AgencyRole, now: datetime, limit: int | None = None
                                 ) -> list[DrawActivity]:
        """The activities this role may see, newest first (no sealed 补抽: seal.check_hidden)."""
        query = DrawActivity.filter(agency_id=role.agency_id).exclude(
            Q(kind=SUPPLEMENT) & Q(eval_start__gt=now + SEAL_BEFORE))
        if not role.legal:
            query = query.filter(handler_id=role.person_id)
        query = query.order_by("-id")
        return await (query.limit(limit) if limit else query)

    @staticmethod
    async def agency_project(role: AgencyRole, project_id: int) -> Project:
        project = await Project.get_or_none(id=project_id, agency_id=role.agency_id)
        if project is None:
            raise NotFound("draw.project_not_found")
        return project

    @staticmethod
    async def verifiable_activity(grants: list[RoleGrant], activity_id: int) -> DrawActivity:
        """The activity, if its project is in the verifier's region."""
        activity = await DrawActivity.get_or_none(id=activity_id).prefetch_related("project")
        if activity is None:
            raise NotFound("draw.not_found")
        if not in_verifier_scope(verifier_regions(grants), activity, activity.project):
            raise NotAllowed("verify.out_of_scope")
        return activity

    @staticmethod
    async def waiting_verification(grants: list[RoleGrant]) -> list[DrawActivity]:
        """What waits for the verifier in its region, soonest evaluation first: activities
        submitted (a new draw, a re-draw, a re-evaluation) and withdrawal (退选) requests."""
        regions = verifier_regions(grants)
        return await DrawActivity.filter(
            Q(status=DrawStatus.SUBMITTED)
            | (Q(withdraw_requested_at__not_isnull=True) & ~Q(status=DrawStatus.WITHDRAWN)),
            verifier_scope(regions)).prefetch_related("project").order_by("eval_start").limit(200)

    @staticmethod
    async def decided_in_scope(grants: list[RoleGrant], limit: int = PAGE,
                               after: str | None = None) -> Page[tuple[DrawLog, DrawActivity]]:
        """The verifications decided in the verifier's region (审核记录), newest first, a page
        after the cursor `after` (keyset paging by the decision's time and id)."""
        in_scope = DrawActivity.filter(verifier_scope(verifier_regions(grants))).values("id")
        found = await keyset(DrawLog.filter(role="verifier", action__in=DECISIONS,
                                            activity_id__in=Subquery(in_scope)),
                             limit, after, ("-at", "-id"), (datetime, int))
        by_id = {a.id: a for a in await DrawActivity.filter(
            id__in={e.activity_id for e in found.rows}).prefetch_related("project")}
        return Page([(e, by_id[e.activity_id]) for e in found.rows], found.next)
