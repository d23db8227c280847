"""Correcting a draw before it is submitted (and after a refusal): projects and their
sections, an activity's times and fields, its notices and conditions; cancelling a draft,
which frees its sections; and a preview of how many experts a condition matches now (a
count, never names)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Notice,
    Project,
    Section,
)
from models.experts import ExpertProfile
from services.common.errors import BadInput, Conflict, NotFound
from services.draws.candidates.pool import candidate_pool
from services.draws.facts.committee import COLUMNS as COMMITTEE
from services.draws.facts.committee import Committees
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.venue_roles import require_roles, role_of
from services.draws.setup.activities import (
    Activities,
    require_earlier_activities,
    require_time_order,
)
from services.draws.setup.activity_info import (
    HANDLER_INPUT,
    INFO_INPUT,
    info_columns,
    project_fields,
)
from services.draws.setup.addresses import require_no_unit_name
from services.draws.setup.form_options import (
    FUNDING_SOURCES,
    MEDIA,
    ORGANISATIONS,
    PROJECT_KINDS,
    TENDER_METHODS,
    TENDERER_TYPES,
    FormOptions,
)
from services.draws.setup.venue_choice import VenueChoice
from services.people import IdentityRules
from services.reference import Reference

ACTIVITY_FIELDS = ("bid_open_at", "eval_start", "eval_end", "total", "response_minutes",
                   "on_site", "avoid_drawn", "avoid_activity_ids", *COMMITTEE)


async def _require_project_editable(project: Project) -> None:
    """GD-DRAW: "可在关联该项目抽取前进行修改并保存，如果当前项目已关联了抽取活动，不能修改"
    — a project changes only while no activity (but one given up) draws for it."""
    if await DrawActivity.filter(project_id=project.id).exclude(
            status=DrawStatus.CANCELLED).exists():
        raise Conflict("draft.project_in_use")


class Drafts:
    """A project and an activity corrected until submitted (GD-DRAW), and the lists their
    forms pick from."""

    @staticmethod
    def form_options() -> FormOptions:
        """Every list the forms pick from."""
        return FormOptions(PROJECT_KINDS, FUNDING_SOURCES, TENDER_METHODS, ORGANISATIONS,
                           TENDERER_TYPES, MEDIA)

    @staticmethod
    async def update_project(project: Project, values: dict[str, Any]) -> Project:
        await _require_project_editable(project)
        values = project_fields(values)
        if "tenderer_credit_code" in values:
            values = {**values, "tenderer_credit_code": IdentityRules.parse_credit_code(
                values["tenderer_credit_code"])}
        if "number" in values:
            values = {**values, "number": " ".join(str(values["number"] or "").split()) or None}
        if values.get("number") and values["number"] != project.number and await Project.exists(
                agency_id=project.agency_id, number=values["number"]):
            raise Conflict("draw.project_number_taken", number=values["number"])
        for key, value in values.items():
            setattr(project, key, value)
        await project.save()
        return project

    @staticmethod
    async def delete_project(project: Project) -> None:
        if await DrawActivity.filter(project_id=project.id).exists():
            raise Conflict("draft.project_has_activities")
        async with in_transaction():
            await Section.filter(project_id=project.id).delete()
            await project.delete()

    @staticmethod
    async def add_section(project: Project, number: str, name: str, investment_fen: int = 0
                          ) -> Section:
        """A new section may be added at any time (a later tender of the same project)."""
        if await Section.exists(project_id=project.id, number=number):
            raise BadInput("draw.section_numbers_repeat")
        return await Section.create(project=project, number=number, name=name,
                                    investment_fen=investment_fen)

    @staticmethod
    async def remove_section(project: Project, section_id: int) -> None:
        section = await Section.get_or_none(id=section_id, project_id=project.id)
        if section is None:
            raise NotFound("draft.no_such_section")
        if section.activity_id is not None:
            raise Conflict("draft.section_in_activity")
        await section.delete()

    @staticmethod
    async def update_activity(activity: DrawActivity, values: dict[str, Any],
                              now: datetime) -> DrawActivity:
        """Times and fields of a draft; the times keep their order (bid opening < evaluation
        start < evaluation end, all ahead)."""
        Activities.require_editable(activity)
        if values.get("avoid_activity_ids"):
            await require_earlier_activities(activity.agency_id, values["avoid_activity_ids"])
        merged = {k: values.get(k, getattr(activity, k)) for k in ACTIVITY_FIELDS}
        require_time_order(merged["bid_open_at"], merged["eval_start"], merged["eval_end"], now)
        if any(k in values for k in (*COMMITTEE, "total")):
            if "total" not in values and any(k in values for k in COMMITTEE):
                merged["total"] = None  # the committee changed: the experts follow it
            settled = Committees.settle(await Project.get(id=activity.project_id), merged)
            values = {**values, **{k: settled[k] for k in (*COMMITTEE, "total")}}
        columns = info_columns({k: v for k, v in values.items()
                                if k in (*INFO_INPUT, *HANDLER_INPUT)}, activity)
        for key, value in {**values, **columns}.items():
            if key in ACTIVITY_FIELDS or key in columns:
                setattr(activity, key, value)
        await activity.save()
        return activity

    @staticmethod
    async def cancel(activity: DrawActivity, now: datetime, actor: Actor) -> DrawActivity:
        """A draft the agency gives up: its sections are free for another activity."""
        Activities.require_editable(activity)
        async with in_transaction():
            activity.status = DrawStatus.CANCELLED
            await activity.save(update_fields=["status"])
            await Section.filter(activity_id=activity.id).update(activity_id=None)
            await OperationLog.record(activity, actor, "cancel", now)
        return activity

    @staticmethod
    async def update_notice(activity: DrawActivity, notice_id: int,
                            values: dict[str, Any]) -> Notice:
        Activities.require_editable(activity)
        notice = await _notice(activity, notice_id)
        merged = {k: values.get(k, getattr(notice, k)) for k in ("street", "notes", "gather_at",
                                                                 "city", "district")}
        Activities.require_valid_notice(merged, activity)
        await require_no_unit_name(merged["street"], activity)
        if "role" in values:  # FG-807: a 副场 only beside exactly one 主场
            values = {**values, "role": role_of(values)}
            await require_roles(activity.id, notice.id, values["role"])
        if values.get("venue_id") is not None or values.get("venue"):
            values = await VenueChoice().pick(activity, values)  # a venue picked, or typed
        for key, value in values.items():
            setattr(notice, key, value)
        await notice.save()
        return notice

    @staticmethod
    async def delete_notice(activity: DrawActivity, notice_id: int) -> None:
        Activities.require_editable(activity)
        notice = await _notice(activity, notice_id)
        if await Condition.exists(notice_id=notice.id):
            raise Conflict("draft.notice_has_conditions")
        await require_roles(activity.id, notice.id, None)  # not the 主场 of standing 副场
        await notice.delete()

    @staticmethod
    async def update_condition(activity: DrawActivity, condition_id: int,
                               values: dict[str, Any]) -> Condition:
        Activities.require_editable(activity)
        condition = await _condition(activity, condition_id)
        merged = {k: getattr(condition, k) for k in ("region_mode", "regions", "main_specialty",
                                                     "alternate_specialty", "title_level")}
        merged.update(values)
        Activities.require_valid_condition(merged)
        if "regions" in values:
            values = {**values, "regions": merged["regions"]}
        if "notice_id" in values:
            await _notice(activity, int(values["notice_id"]))
        for key, value in values.items():
            setattr(condition, key, value)
        # checked against the current one
        condition.catalogue_version = Reference.catalogue.current_version()
        await condition.save()
        return condition

    @staticmethod
    async def delete_condition(activity: DrawActivity, condition_id: int) -> None:
        Activities.require_editable(activity)
        await (await _condition(activity, condition_id)).delete()

    @staticmethod
    async def preview(activity: DrawActivity, values: dict[str, Any]) -> tuple[int, int]:
        """How many experts a condition (saved or not) matches now, avoidances applied (and,
        with its notice, those who declined 异地评标 when its venue is 异地 for them), and
        how many of them said yes to 应急 (an urgent draw invites them first)."""
        Activities.require_valid_condition(values)
        values = dict(values)
        if values.get("notice_id") is not None:
            await _notice(activity, int(values["notice_id"]))
        else:
            values.pop("notice_id", None)
        probe = Condition(activity_id=activity.id,
                          catalogue_version=Reference.catalogue.current_version(),
                          **values)
        pool = await candidate_pool(activity, probe, probe.main_specialty)
        willing = await ExpertProfile.filter(id__in=pool, emergency_ok=True).count() \
            if pool else 0
        return len(pool), willing



async def _notice(activity: DrawActivity, notice_id: int) -> Notice:
    notice = await Notice.get_or_none(id=notice_id, activity_id=activity.id)
    if notice is None:
        raise NotFound("notice.not_found")
    return notice


async def _condition(activity: DrawActivity, condition_id: int) -> Condition:
    condition = await Condition.get_or_none(id=condition_id, activity_id=activity.id)
    if condition is None:
        raise NotFound("draft.no_such_condition")
    return condition
