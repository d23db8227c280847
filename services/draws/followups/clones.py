"""A draw activity copied into a new one: a 补抽 (the absent experts' places), a re-draw
(重新抽取) or a re-evaluation (复评) — the avoidances, the notices and the conditions come
with it. 重新抽取 and 复评 are new activities to be verified again (GD-DRAW)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import column
from models.draws import (
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
from models.experts import ExpertProfile
from models.people import Person
from services.common.errors import ClosedWindow, Conflict
from services.common.pii import mask_name
from services.draws.facts.committee import COLUMNS as COMMITTEE
from services.draws.facts.committee import Committees
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.setup.activities import require_time_order
from services.draws.setup.activity_info import INFO_COLUMNS

NOTICE_FIELDS = ("venue", "venue_id", "city", "district", "street", "room", "gather_at",
                 "contact_name", "contact_phone", "notes", "role")
CONDITION_FIELDS = ("region_mode", "regions", "main_specialty", "alternate_specialty",
                    "catalogue_version", "title_level", "qualification", "industry", "planned")


class Clones:
    """重新抽取 and 复评 as new activities, and the copy a 补抽 is made from."""

    @staticmethod
    async def clone(activity: DrawActivity, kind: str, times: dict[str, datetime],
                    now: datetime, actor: Actor, committee: dict[str, Any] | None = None
                    ) -> DrawActivity:
        """重新抽取 (the original experts avoided) or 复评 (the original experts invited): a
        new activity with new times, to be verified again. A 重新抽取 may record its committee
        anew (`committee`: size, representatives, cases); either way the committee must be one
        the law allows (services/draws/facts/committee.py)."""
        if kind == "redraw" and activity.status not in (DrawStatus.ENDED,
                                                        DrawStatus.WITHDRAWN):
            raise Conflict("draw.redraw_not_ended")
        if kind == "reeval" and activity.status != DrawStatus.ENDED:
            raise Conflict("draw.reeval_not_ended")
        if kind == "reeval" and activity.finished_at is None and now < activity.eval_end:
            # 复评 re-evaluates an evaluation held (GD-DRAW: "复评 / 通知原专家")
            raise ClosedWindow("draw.reeval_before_evaluation", eval_end=activity.eval_end)
        require_time_order(times["bid_open_at"], times["eval_start"], times["eval_end"], now)
        if kind == "redraw" and committee:
            settled = Committees.settle(await Project.get(id=activity.project_id),
                                        {**committee, "total": None})
            own = {k: settled[k] for k in (*COMMITTEE, "total")}
        else:
            own = {k: getattr(activity, k) for k in (*COMMITTEE, "total")}
        probe = DrawActivity(project_id=activity.project_id, **own)
        await Committees.require_lawful(probe)  # refused before anything is made
        async with in_transaction():
            child = await Clones.copy(activity, kind, DrawStatus.DRAFT, times,
                                      shift=times["eval_start"] - activity.eval_start)
            await DrawActivity.filter(id=child.id).update(**own)
            await child.refresh_from_db()
            await Section.filter(activity_id=activity.id).update(activity_id=child.id)
            if kind == "redraw":
                original = await column(Invitation.filter(
                    activity_id__in=await Family.family(activity),
                    status__in=[InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]
                ), "expert_id")
                await Clones.avoid_experts(child, set(original), "原抽取专家")
            await OperationLog.record(activity, actor, kind, now, child=child.id)
        return child

    @staticmethod
    async def copy(activity: DrawActivity, kind: str, status: DrawStatus,
                   times: dict[str, datetime], *, need: dict[int, int] | None = None,
                   regions: list[str] | None = None, gather_at: datetime | None = None,
                   shift: timedelta = timedelta(0)) -> DrawActivity:
        """A new activity of `kind` with this one's avoidances, notices and conditions (those
        of `need` only, with its counts, for a 补抽)."""
        child = await DrawActivity.create(
            project_id=activity.project_id,
            agency_id=activity.agency_id, handler_id=activity.handler_id, kind=kind,
            parent_id=activity.id, status=status, on_site=activity.on_site,
            response_minutes=activity.response_minutes,
            **{c: getattr(activity, c) for c in INFO_COLUMNS},
            total=sum(need.values()) if need else activity.total,
            bid_open_at=times["bid_open_at"], eval_start=times["eval_start"],
            eval_end=times["eval_end"])
        for item in await Avoidance.filter(activity_id=activity.id):
            await Avoidance.create(activity=child, kind=item.kind, name=item.name,
                                   credit_code=item.credit_code, id_hash=item.id_hash,
                                   id_sealed=item.id_sealed, expert_id=item.expert_id,
                                   fixed=item.fixed,
                                   reason=item.reason)
        notices: dict[int, Notice] = {}
        for notice in await Notice.filter(activity_id=activity.id):
            values = {f: getattr(notice, f) for f in NOTICE_FIELDS}
            values["gather_at"] = gather_at or notice.gather_at + shift
            notices[notice.id] = await Notice.create(activity=child, **values)
        for condition in await Condition.filter(activity_id=activity.id).order_by("id"):
            if need is not None and condition.id not in need:
                continue
            values = {f: getattr(condition, f) for f in CONDITION_FIELDS}
            if need is not None:
                values["planned"] = need[condition.id]
            if regions:
                values["regions"] = regions
            await Condition.create(activity=child, source_id=condition.id,
                                   notice=notices[condition.notice_id],
                                   **values)
        return child

    @staticmethod
    async def avoid_experts(activity: DrawActivity, expert_ids: set[int], reason: str) -> None:
        """Each of these experts avoided by name (masked, as every list of people is)."""
        persons = dict(await ExpertProfile.filter(id__in=list(expert_ids)).values_list(
            "id", "person_id"))
        names = dict(await Person.filter(id__in=list(persons.values())).values_list(
            "id", "name"))
        for expert_id in sorted(expert_ids):
            name = names.get(persons.get(expert_id, 0), "")
            await Avoidance.create(activity=activity, kind="person",
                                   name=mask_name(str(name)) if name else "", expert_id=expert_id,
                                   fixed=True, reason=reason)

