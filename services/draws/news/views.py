"""What an agency sees of one of its draw activities: the activity with its project, the
avoidance list, the notices, the conditions and the progress as counts (never names); and
what an expert sees of their invitations, in chat and on an answer link's page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from models.draw_evidence import DrawEvidence
from models.draw_handler import ActivityUrgency, UrgentPool
from models.draws import (
    ActivityKind,
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
    Section,
)
from models.orm.statements import (
    as_datetime,
    columns,
    json_rows,
    model_from,
    models_in,
    on_postgres,
    rows,
)
from services.common.errors import NotFound
from services.draws.facts.scope import AgencyRole, require_visible
from services.draws.facts.seal import SEAL_BEFORE, SUPPLEMENT, check_hidden
from services.draws.facts.sources import ActivitySource, source_sql
from services.draws.facts.times import CHECKOUT_UNTIL
from services.draws.news.counts import Counts, counts_in, with_counts
from services.draws.news.notices import Notices, notices_of


@dataclass(frozen=True)
class ActivityFile:
    activity: DrawActivity
    project: Project
    avoidances: list[Avoidance]
    notices: list[Notice]
    conditions: list[Condition]
    evidence: list[DrawEvidence]
    counts: Counts
    # each condition's experts who agreed (confirmed, or registered absent since)
    agreed: dict[int, int] = field(default_factory=dict)
    # 应急 as asked and decided (a 补抽's is its evaluation's: setup/urgency.py), and an
    # urgent draw's emergency pools
    urgency: ActivityUrgency | None = None
    urgent_pools: list[UrgentPool] = field(default_factory=list)


class Views:
    """What an agency sees of its activities, and an expert of their invitations."""

    @staticmethod
    async def activity_file(activity: DrawActivity) -> ActivityFile:
        """The activity's file (after a change: the activity as just saved)."""
        found = await _file_rows(activity.id)
        if not found:
            raise NotFound("draw.not_found")
        project = model_from(Project, found[0], "p")
        assert project is not None
        return _file(activity, project, found[0])

    @staticmethod
    async def visible_file(role: AgencyRole, activity_id: int, now: datetime) -> ActivityFile:
        """The activity's file, if this role may see it (draw_scope.visible_activity's checks),
        in one statement: the activity, its project, its counts and its lists."""
        found = await _file_rows(activity_id, with_activity=True)
        if not found:
            raise NotFound("draw.not_found")
        activity, project = model_from(DrawActivity, found[0], "a"), model_from(Project, found[0],
                                                                                "p")
        assert activity is not None and project is not None
        if check_hidden(activity.kind, activity.eval_start, now):
            raise NotFound("draw.not_found")
        require_visible(role, activity.agency_id, activity.handler_id)
        return _file(activity, project, found[0])

    @staticmethod
    def activity_number(activity_id: int, kind: str = ActivityKind.NORMAL) -> str:
        """The activity's number as people read and search it: CQSQ00000012 (CQRE… for a 复评,
        CQNE… for a 重新抽取)."""
        return f"{PREFIXES.get(ActivityKind(kind), NUMBER_PREFIX)}{activity_id:08d}"

    @staticmethod
    def number_in(text: str) -> int | None:
        """The activity id a typed number names (CQSQ00000012, cqre12, CQNE12 or 12), if it is
        one."""
        typed = text.strip().upper()
        for prefix in (NUMBER_PREFIX, *PREFIXES.values()):
            typed = typed.removeprefix(prefix)
        return int(typed) if typed.isdigit() and len(typed) <= 12 else None

    @staticmethod
    async def visible_summaries(role: AgencyRole, limit: int, now: datetime,
                                narrowed: ActivityFilter | None = None) -> list[ActivitySummary]:
        """The activities this role may see (draw_scope.visible_activities), newest first, each
        with its project's name and its counts: one statement however many there are, and no
        model built per row."""
        mine = "" if role.legal else " AND handler_id = ?"
        extra, args = (narrowed or ActivityFilter()).sql(role.agency_id)
        found = await rows(with_counts(
            "SELECT id, project_id, name, kind, status, bid_open_at, eval_start, eval_end, total, "
            f"on_site, finished_at, {source_sql()} AS source, "
            # a 补抽's urgency is its evaluation's (setup/urgency.py)
            f"CASE WHEN kind = '{SUPPLEMENT}' THEN parent_id ELSE id END AS urgency_of "
            f"FROM draw_activity WHERE agency_id = ?{mine} "
            f"AND NOT (kind = '{SUPPLEMENT}' AND eval_start > ?){extra} ORDER BY id DESC LIMIT ?",
            "a.id, a.kind, a.status, a.bid_open_at, a.eval_start, a.eval_end, a.total, "
            "a.on_site, a.finished_at, a.name, a.source, p.name AS project, u.reason AS u_reason, "
            "u.note AS u_note, u.status AS u_status, u.minutes AS u_minutes",
            "JOIN draw_project p ON p.id = a.project_id "
            "LEFT JOIN draw_urgency u ON u.activity_id = a.urgency_of"),
                           role.agency_id, *([] if role.legal else [role.person_id]),
                           now + SEAL_BEFORE, *args, limit)
        return [ActivitySummary(
            int(r["id"]), str(r["project"]), str(r["status"]), str(r["kind"]),
            as_datetime(r["bid_open_at"]), as_datetime(r["eval_start"]), as_datetime(r["eval_end"]),
            int(r["total"]), bool(r["on_site"]), counts_in(r), str(r["name"] or ""),
            as_datetime(r["finished_at"]) if r["finished_at"] else None, str(r["source"]),
            (str(r["u_reason"]), str(r["u_note"] or ""), str(r["u_status"]),
             int(r["u_minutes"]) if r["u_minutes"] is not None else None)
            if r["u_reason"] else None) for r in found]

    @staticmethod
    async def agency_projects(agency_id: int, limit: int = 100) -> list[tuple[Project,
                                                                              list[Section]]]:
        """An agency's projects, newest first, each with its sections (two queries)."""
        projects = await Project.filter(agency_id=agency_id).order_by("-id").limit(limit)
        sections: dict[int, list[Section]] = {p.id: [] for p in projects}
        for section in await Section.filter(project_id__in=list(sections)).order_by("id"):
            sections[section.project_id].append(section)
        return [(p, sections[p.id]) for p in projects]

    @staticmethod
    async def project_sections(project: Project) -> list[Section]:
        return await Section.filter(project_id=project.id).order_by("id")

    @staticmethod
    async def expert_evaluations(person_id: int, now: datetime
                                 ) -> tuple[list[ExpertEvaluation], list[ExpertEvaluation]]:
        """An expert's invitations waiting for an answer, and the evaluations they confirmed
        that have not ended, soonest first."""
        waiting = await Invitation.filter(person_id=person_id, status=InvitationStatus.SENT,
                                          due_at__gt=now).order_by("due_at").limit(10)
        confirmed = await Invitation.filter(person_id=person_id,
                                            status=InvitationStatus.CONFIRMED,
                                            activity__eval_end__gt=now).order_by("id").limit(10)
        return ([ExpertEvaluation(i, n) for i, n in zip(waiting, await notices_of(waiting),
                                                        strict=True)],
                sorted([ExpertEvaluation(i, n) for i, n in zip(confirmed,
                                                               await notices_of(confirmed),
                                                               strict=True)],
                       key=lambda e: e.notice.gather_at))

    @staticmethod
    async def linked_invitation(invitation_id: int, now: datetime) -> Invitation | None:
        """The invitation of an answer link (web/answer.py) while the link lives: one not
        confirmed until a day after its reply deadline (to say it is over), a confirmed one (or
        one the agency registered absent) until the venue's check-out closes, 2 hours after
        the evaluation's expected end (its time, place, verification code, and check-in and
        check-out for an expert without WeChat); None after, or for none."""
        invitation = await Invitation.get_or_none(id=invitation_id)
        if invitation is None:
            return None
        if invitation.status in (InvitationStatus.CONFIRMED, InvitationStatus.ABSENT) \
                and invitation.code:
            activity = await DrawActivity.get(id=invitation.activity_id)
            return invitation if now <= activity.eval_end + CHECKOUT_UNTIL else None
        return invitation if now <= invitation.due_at + LATE_GRACE else None

    @staticmethod
    async def answer_view(invitation: Invitation | int) -> AnswerView:
        """The answer page's invitation: as given, or (its id) as it is now."""
        if isinstance(invitation, int):
            invitation = await Invitation.get(id=invitation)
        notice = await Notices.notice_of(invitation)
        activity = await DrawActivity.get(id=invitation.activity_id)
        return AnswerView(invitation, notice, activity,
                          withdrawn=activity.status == DrawStatus.WITHDRAWN
                          and invitation.status == InvitationStatus.CONFIRMED)


async def _file_rows(activity_id: int, with_activity: bool = False
                     ) -> list[dict[str, Any]]:
    lists = ", ".join(
        f"{json_rows(model, 'x.activity_id = a.id')} AS {name}"
        for name, model in (("avoidances", Avoidance), ("notices", Notice),
                            ("conditions", Condition), ("evidence", DrawEvidence),
                            ("urgency", ActivityUrgency), ("urgent_pools", UrgentPool)))
    activity = f"{columns(DrawActivity, 'a')}, " if with_activity else ""
    return await rows(with_counts(
        "SELECT * FROM draw_activity WHERE id = ?",
        f"{activity}{columns(Project, 'p')}, {lists}, {_agreed()} AS agreed",
        "JOIN draw_project p ON p.id = a.project_id"), activity_id)


def _agreed() -> str:
    """A scalar subquery: {condition id: experts who agreed} of the activity `a`."""
    agreed = f"'{InvitationStatus.CONFIRMED.value}', '{InvitationStatus.ABSENT.value}'"
    count = ("(SELECT COUNT(*) FROM draw_invitation v WHERE v.condition_id = c.id "
             f"AND v.status IN ({agreed}))")
    pairs, empty = ((f"json_object_agg(c.id, {count})", "'{}'::json") if on_postgres()
                    else (f"json_group_object(c.id, {count})", "'{}'"))
    return (f"(SELECT COALESCE({pairs}, {empty}) FROM draw_condition c "
            "WHERE c.activity_id = a.id)")


def _file(activity: DrawActivity, project: Project, row: dict[str, Any]) -> ActivityFile:
    agreed = row.get("agreed") or {}
    agreed = json.loads(agreed) if isinstance(agreed, str | bytes) else agreed
    return ActivityFile(
        activity=activity, project=project, avoidances=models_in(Avoidance, row["avoidances"]),
        notices=models_in(Notice, row["notices"]),
        conditions=models_in(Condition, row["conditions"]),
        evidence=models_in(DrawEvidence, row["evidence"]), counts=counts_in(row),
        agreed={int(k): int(v) for k, v in agreed.items()},
        urgency=next(iter(models_in(ActivityUrgency, row["urgency"])), None),
        urgent_pools=models_in(UrgentPool, row["urgent_pools"]))


@dataclass(frozen=True)
class ActivitySummary:
    """An activity as a list shows it: what it is, its project's name and its progress
    (the fields of the API's ActivitySummaryOut, read from it by attribute)."""

    id: int
    project: str  # its name
    status: str
    kind: str
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int
    on_site: bool
    counts: Counts
    name: str = ""  # the activity's own name (活动名称; "" for one made before it had one)
    finished_at: datetime | None = None  # its evaluation over (record/shown.py)
    source: str = ActivitySource.NEW  # how it came (活动来源, record/sources.py)
    # 应急 asked: (reason, note, status, minutes) as kept (setup/urgency.py words them)
    urgency: tuple[str, str, str, int | None] | None = None


NUMBER_PREFIX = "CQSQ"  # 抽取申请 (GD-DRAW's activity numbers begin so)
# GD-DRAW numbers a 通知原专家 (复评) activity CQRE…, a 重新抽取 one CQNE…
PREFIXES = {ActivityKind.REEVAL: "CQRE", ActivityKind.REDRAW: "CQNE",
            ActivityKind.PEER: "CQYD"}  # ours: 异地 (a draw made here for another library)


@dataclass(frozen=True)
class ActivityFilter:
    """What a list of activities is narrowed to: words of the project's name or number (or
    the activity's number), words of the activity's own name (活动名称), a status, a kind,
    how it came (活动来源, ActivitySource), a region (its code's prefix), evaluation days
    [from, until) and, for the next page, ids below `before`."""

    words: str = ""
    number: int | None = None
    name: str = ""
    status: str | None = None
    kind: str | None = None
    source: str | None = None
    region: str | None = None
    eval_from: datetime | None = None
    eval_until: datetime | None = None
    before: int | None = None

    def sql(self, agency_id: int) -> tuple[str, list[Any]]:
        where, args = [], []
        if self.words or self.number is not None:
            like = _like(self.words)
            where.append("(project_id IN (SELECT id FROM draw_project WHERE agency_id = ? AND "
                         "(name LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\')) OR id = ?)")
            args += [agency_id, like, like, self.number or 0]
        if self.name:
            where.append("name LIKE ? ESCAPE '\\'")
            args.append(_like(self.name))
        for column, value in (("status", self.status), ("kind", self.kind)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if self.source:
            where.append(f"{source_sql()} = ?")
            args.append(self.source)
        if self.region:
            where.append("project_id IN (SELECT id FROM draw_project WHERE agency_id = ? AND "
                         "region LIKE ?)")
            args += [agency_id, self.region + "%"]
        for clause, moment in (("eval_start >= ?", self.eval_from),
                               ("eval_start < ?", self.eval_until)):
            if moment is not None:
                where.append(clause)
                args.append(moment)
        if self.before is not None:
            where.append("id < ?")
            args.append(self.before)
        return "".join(f" AND {w}" for w in where), args


def _like(words: str) -> str:
    """A LIKE pattern for words typed: a wildcard typed is a character searched."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", words) + "%"


@dataclass(frozen=True)
class ExpertEvaluation:
    """An invitation as its expert sees it in chat: where and when, and their code."""

    invitation: Invitation
    notice: Notice


LATE_GRACE = timedelta(days=1)  # after its deadline an unconfirmed invitation's link says so


@dataclass(frozen=True)
class AnswerView:
    """An invitation as its answer page shows it: the notice it was sent under, and whether
    the evaluation was withdrawn after the expert confirmed."""

    invitation: Invitation
    notice: Notice
    activity: DrawActivity
    withdrawn: bool
