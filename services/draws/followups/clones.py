"""A draw activity copied into a new one: a 补抽 (the absent experts' places), a re-draw
(重新抽取) or a re-evaluation (复评) — the avoidances, the notices and the conditions come
with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Notice,
)
from models.experts import ExpertProfile
from models.people import Person
from services.common.pii import mask_name
from services.draws.running.engine import DrawEngine
from services.draws.setup.activity_info import INFO_COLUMNS
from services.notifications import Outbox

NOTICE_FIELDS = ("venue", "city", "district", "street", "room", "gather_at", "contact_name",
                 "contact_phone", "notes", "role")
CONDITION_FIELDS = ("region_mode", "regions", "main_specialty", "alternate_specialty",
                    "catalogue_version", "title_level", "qualification", "industry", "planned")


class Cloning:
    def __init__(self, outbox: Outbox, engine: DrawEngine) -> None:
        self.outbox = outbox
        self.engine = engine

    async def _clone(self, activity: DrawActivity, kind: str, status: DrawStatus,
                     times: dict[str, datetime], *, need: dict[int, int] | None = None,
                     regions: list[str] | None = None, gather_at: datetime | None = None,
                     shift: timedelta = timedelta(0)) -> DrawActivity:
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
    async def _avoid_experts(activity: DrawActivity, expert_ids: set[int], reason: str) -> None:
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

