"""What an evaluation system reads of an activity once its results unseal (GD-DRAW: 30
minutes before the evaluation): its committee — each member's masked name, specialty,
verification code, venue (主场 / 副场), 补抽 mark and whether they serve or were registered
absent (and why) — and the activities of its centres on a day. Nothing more personal than
what the venue already shows: no phone, no ID number, no unit — and the committee's size and
representatives as the agency recorded them. The committee's digest numbers its changes
(services/evaluation/watch.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from models.draws import DrawActivity, DrawStatus, Notice, Project
from models.evaluation.systems import EvaluationSystem
from services.common.clock import CHINA
from services.common.errors import ClosedWindow, NotAllowed, NotFound
from services.common.pii import mask_name
from services.draws.facts import SEAL_BEFORE, Committees, Family
from services.draws.news import Views
from services.draws.record import Results
from services.evaluation.systems import EvaluationSystems
from services.reference import Reference

READABLE = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)
DAY_MAX = 200  # activities listed for one day


@dataclass(frozen=True)
class Member:
    code: str  # the verification code the expert shows at check-in
    name: str  # masked: 赵*鸣
    specialty: str
    specialty_name: str
    venue: str  # the venue, （主场）/（副场） after it when the evaluation has a 副场
    supplementary: bool  # drawn by a 补抽
    state: str  # serving / absent
    absence: str  # 请假 / 缺席 / 现场回避 / 受处理, "" when serving
    lent_from: str  # the library that drew them for a 副场, "" for this library's


@dataclass(frozen=True)
class Committee:
    activity_id: int
    number: str
    project: str
    eval_start: datetime
    eval_end: datetime
    members: tuple[Member, ...]
    # the committee as the agency recorded it (services/draws/facts/committee.py): its name,
    # size and the tenderer's / purchaser's representatives; None: not recorded
    composition: dict[str, Any] | None = None

    @property
    def digest(self) -> str:
        """Changes when anything a system reads of the committee changes."""
        text = json.dumps([asdict(m) for m in self.members], ensure_ascii=False,
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def body(self, seq: int) -> dict[str, Any]:
        """The committee as the protocol writes it (docs/evaluation-systems.md)."""
        return {"activity_id": self.activity_id, "number": self.number,
                "project": self.project, "eval_start": self.eval_start.isoformat(),
                "eval_end": self.eval_end.isoformat(), "seq": seq,
                "committee": self.composition,
                "members": [asdict(m) for m in self.members]}

    def serving(self) -> dict[str, Member]:
        """The members who serve, by their code."""
        return {m.code: m for m in self.members if m.state == "serving" and m.code}


@dataclass(frozen=True)
class Listed:
    activity_id: int
    number: str
    project: str
    project_number: str
    eval_start: datetime
    eval_end: datetime
    venues: tuple[str, ...]
    unsealed: bool


async def centre_of(activity: DrawActivity) -> str:
    """The centre an activity went to: the one chosen (选择提交终端), else its project's
    city's."""
    if activity.terminal:
        return activity.terminal
    project = await Project.get(id=activity.project_id)
    return project.region[:4]


class CommitteeReads:
    """An activity of a system's centres, its committee, the evaluations of a day (what the
    evaluation systems read)."""

    @staticmethod
    async def evaluation_for(system: EvaluationSystem, activity_id: int) -> DrawActivity:
        """The evaluation (a 补抽 names its parent's) if it is one of the system's centres';
        NotFound otherwise — another centre's activity is not told apart from none."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is not None:
            activity = await Family.root_of(activity)
        if activity is None or activity.kind == "peer" or activity.status not in READABLE or \
                not EvaluationSystems.serves(system, await centre_of(activity)):
            raise NotFound("evaluation.no_activity")
        return activity

    @staticmethod
    async def committee(activity: DrawActivity, now: datetime) -> Committee:
        """The committee as it stands (ClosedWindow before the results unseal)."""
        try:
            rows = await Results.draw_results(activity, now)
        except NotAllowed:
            raise ClosedWindow("evaluation.sealed") from None
        catalogue = Reference.catalogue()
        members = tuple(Member(
            code=r.verification_code, name=mask_name(r.name) if not r.lent_from else r.name,
            specialty=r.specialty, specialty_name=catalogue.path_name(r.specialty),
            venue=r.venue, supplementary=r.supplementary,
            state="absent" if r.absence else "serving", absence=r.absence or "",
            lent_from=r.lent_from) for r in rows)
        project = await Project.get(id=activity.project_id)
        recorded = Committees.composition_of(activity)
        composition = None if recorded is None else {
            "body": Committees.rule_for(project.kind, project.tender_method).body,
            "size": recorded.size, "representatives": recorded.representatives,
            "experts": recorded.experts}
        return Committee(activity.id, Views.activity_number(activity.id, activity.kind),
                         project.name, activity.eval_start, activity.eval_end, members,
                         composition)

    @staticmethod
    async def on_day(system: EvaluationSystem, day: date, now: datetime) -> list[Listed]:
        """The system's centres' evaluations starting on a day (China time)."""
        start = datetime.combine(day, datetime.min.time(), CHINA)
        found = await DrawActivity.filter(
            eval_start__gte=start, eval_start__lt=start + timedelta(days=1),
            status__in=READABLE).exclude(kind__in=("peer", "supplement")).order_by(
            "eval_start", "id").limit(DAY_MAX * 5)
        listed = []
        for activity in found:
            if not EvaluationSystems.serves(system, await centre_of(activity)):
                continue
            project = await Project.get(id=activity.project_id)
            venues = await Notice.filter(activity_id=activity.id).order_by("id").values_list(
                "venue", flat=True)
            listed.append(Listed(
                activity.id, Views.activity_number(activity.id, activity.kind),
                project.name, project.number or "", activity.eval_start, activity.eval_end,
                tuple(str(v) for v in venues),
                now >= activity.eval_start - SEAL_BEFORE))
            if len(listed) == DAY_MAX:
                break
        return listed
