"""Preparing a draw (GD-DRAW): projects and sections, the activity and its times, the
avoidance list (the agency and the tenderer fixed, more by hand or from the template:
avoidance_import.py), notices,
conditions, and verification by the trading centre."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.draws import (
    AVOID_ID,
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Notice,
    Project,
    Section,
)
from models.people import Agency, Person
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pii import Vault
from services.common.texts import Texts
from services.draws.facts.committee import Committees
from services.draws.facts.venue_roles import require_roles, role_of
from services.draws.setup.activity_info import (
    HANDLER_INPUT,
    INFO_INPUT,
    default_name,
    handler_of,
    info_columns,
    project_fields,
)
from services.draws.setup.addresses import require_no_unit_name
from services.draws.setup.templates import avoidance_template
from services.draws.setup.urgency import Urgency
from services.draws.setup.venue_choice import VenueChoice
from services.notifications import Outbox
from services.people import TITLE_LEVELS, IdentityRules
from services.reference import Reference

EDITABLE = (DrawStatus.DRAFT, DrawStatus.REFUSED)
NOTES_MAX = 50  # characters of a notice's notes (GD-DRAW)


def require_regions(regions: list[str]) -> list[str]:
    """Draw regions are places of the region list (a province, city or county: each takes
    the places within it), as kept (4402) or as the national list writes them (440200);
    the codes as the service keeps them."""
    found = {r: Reference.regions().canonical(r) for r in regions}
    unknown = [r for r, code in found.items() if code is None]
    if not regions or unknown:
        raise BadInput("condition.regions", codes="、".join(unknown))
    return list(dict.fromkeys(code for code in found.values() if code))


@dataclass(frozen=True)
class AvoidanceRow:
    kind: str
    name: str
    credit_code: str | None
    id_hash: str | None
    reason: str
    id_sealed: str | None = None  # a person's ID number sealed (AVOID_ID)


async def require_earlier_activities(agency_id: int, ids: list[int]) -> None:
    """The activities ticked under 是否已抽专家: the agency's own, their draw finished."""
    found = await DrawActivity.filter(id__in=ids, agency_id=agency_id,
                                      status=DrawStatus.ENDED).count()
    if found != len(set(ids)):
        raise BadInput("draft.earlier_activities")


def require_time_order(bid_open_at: datetime, eval_start: datetime, eval_end: datetime,
                       now: datetime) -> None:
    """Bid opening < evaluation start < evaluation end, all still ahead."""
    if not bid_open_at < eval_start < eval_end:
        raise BadInput("draw.time_order")
    if eval_start <= now:
        raise BadInput("draw.eval_start_past", eval_start=eval_start)


class Activities:
    """Projects, their sections and activities, the avoidance list, notices, conditions,
    and the request's submission and verification."""

    def __init__(self, outbox: Outbox, vault: Vault, texts: Texts,
                 urgency: Urgency | None = None) -> None:
        self.outbox = outbox
        self.vault = vault
        self.texts = texts
        self.urgency = urgency or Urgency(texts)  # 应急, decided with the activity
        self.venues = VenueChoice()  # the centre's venue a notice picks, or one typed
        # the avoidance template's sheets and reasons (its import: avoidance_import.py)
        self.avoidance = avoidance_template(texts)

    # -- projects --------------------------------------------------------------------------
    async def create_project(self, agency_id: int, person_id: int, data: dict[str, Any],
                             sections: list[tuple[str, str, int]]) -> Project:
        """Sections as (number, name, investment in fen); none: the project is one."""
        data = project_fields(data)
        data["tenderer_credit_code"] = IdentityRules.parse_credit_code(data["tenderer_credit_code"])
        if data.get("supervisor_credit_code"):
            data["supervisor_credit_code"] = IdentityRules.parse_credit_code(
                data["supervisor_credit_code"])
        # GD-DRAW: "非进场项目如无编号则不需要填写" — a blank number is no number
        data["number"] = " ".join(str(data.get("number") or "").split()) or None
        if data["number"] and await Project.exists(agency_id=agency_id, number=data["number"]):
            raise Conflict("draw.project_number_taken", number=data["number"])
        if len({s[0] for s in sections}) != len(sections):
            raise BadInput("draw.section_numbers_repeat")
        async with in_transaction():
            await Reference.units.remember(data["tenderer_name"], data["tenderer_credit_code"],
                                           "agency", datetime.now(UTC))
            project = await Project.create(agency_id=agency_id, created_by=person_id, **data)
            for number, name, fen in sections or [("1", data["name"], 0)]:  # none: one
                await Section.create(project=project, number=number, name=name,
                                     investment_fen=fen)
        return project

    # -- activities ------------------------------------------------------------------------
    async def create_activity(self, project: Project, handler_id: int, section_ids: list[int],
                              values: dict[str, Any], now: datetime) -> DrawActivity:
        require_time_order(values["bid_open_at"], values["eval_start"], values["eval_end"], now)
        if values.get("avoid_activity_ids"):
            await require_earlier_activities(project.agency_id, values["avoid_activity_ids"])
        sections = await Section.filter(id__in=section_ids, project_id=project.id)
        if not section_ids or len(sections) != len(set(section_ids)):
            raise BadInput("draw.sections_of_project")
        taken = [s for s in sections if s.activity_id is not None]
        if taken and await DrawActivity.filter(
                id__in=[s.activity_id for s in taken]).exclude(
                status=DrawStatus.WITHDRAWN).exists():
            raise Conflict("draw.sections_drawn")
        agency = await Agency.get(id=project.agency_id)
        values = Committees.settle(project, dict(values))  # the committee the law allows
        info = {k: values.pop(k) for k in (*INFO_INPUT, *HANDLER_INPUT) if k in values}
        if not all(info.get(k) for k in HANDLER_INPUT):  # 默认取当前登录的法人或经办人信息
            signed_in = handler_of(await Person.get(id=handler_id), self.vault)
            info.update({k: info.get(k) or signed_in[k] for k in HANDLER_INPUT})
        columns = info_columns(info)
        columns["name"] = columns.get("name") or default_name(
            project.name, sorted(sections, key=lambda s: s.id))
        async with in_transaction():
            activity = await DrawActivity.create(project=project, agency_id=project.agency_id,
                                                 handler_id=handler_id, **values, **columns)
            await Section.filter(id__in=section_ids).update(activity_id=activity.id)
            await Avoidance.create(activity=activity, kind="unit", name=agency.name,
                                   credit_code=agency.credit_code, fixed=True,
                                   reason="招标代理机构")
            await Avoidance.create(activity=activity, kind="unit", name=project.tenderer_name,
                                   credit_code=project.tenderer_credit_code, fixed=True,
                                   reason="招标人")
        return activity

    @staticmethod
    def require_editable(activity: DrawActivity) -> None:
        if activity.status not in EDITABLE:
            raise Conflict("draw.not_editable")

    # -- avoidance -------------------------------------------------------------------------
    def parse_avoidance(self, kind: str, name: str, code: str, reason: str) -> AvoidanceRow:
        name = name.strip()
        if not name:
            raise BadInput("avoidance.name_required")
        if kind in ("unit", "单位"):
            unit_code = IdentityRules.parse_credit_code(code) if code.strip() else None
            return AvoidanceRow("unit", name, unit_code, None, reason.strip()[:64])
        if kind in ("person", "个人"):
            number = IdentityRules.parse_id_number(code)
            return AvoidanceRow("person", name, None, self.vault.lookup_hash(number.value),
                                reason.strip()[:64], self.vault.encrypt(number.value, AVOID_ID))
        raise BadInput("avoidance.kind")

    async def add_avoidance(self, activity: DrawActivity, kind: str, name: str, code: str,
                            reason: str) -> int:
        """One unit or person typed by hand."""
        return await self.add_avoidances(activity, [self.parse_avoidance(kind, name, code,
                                                                         reason)])

    async def add_avoidances(self, activity: DrawActivity, rows: list[AvoidanceRow]) -> int:
        """A unit typed without its code takes the code the register knows for that name,
        and the register learns the units typed."""
        self.require_editable(activity)
        now = datetime.now(UTC)
        async with in_transaction():
            for row in rows:
                code = row.credit_code
                if row.kind == "unit":
                    code = code or await Reference.units.code_for(row.name)
                    await Reference.units.remember(row.name, code, "agency", now)
                await Avoidance.create(activity=activity, kind=row.kind, name=row.name,
                                       credit_code=code, id_hash=row.id_hash,
                                       id_sealed=row.id_sealed, reason=row.reason)
        return len(rows)

    async def remove_avoidance(self, activity: DrawActivity, avoidance_id: int) -> None:
        self.require_editable(activity)
        item = await Avoidance.get_or_none(id=avoidance_id, activity_id=activity.id)
        if item is None:
            raise NotFound("avoidance.not_found")
        if item.fixed:
            raise Conflict("avoidance.fixed", name=item.name, reason=item.reason)
        await item.delete()

    # -- notices and conditions ------------------------------------------------------------
    @staticmethod
    def require_valid_notice(values: dict[str, Any], activity: DrawActivity) -> None:
        # GD-DRAW: "注意填写到具体的市+区+详细地址名称": a city and district of the region list
        if "city" in values and Reference.regions().resolve(
                f"{values['city']}{values['district']}") is None:
            raise BadInput("notice.place", city=values["city"], district=values["district"])
        if len(values.get("notes") or "") > NOTES_MAX:
            raise BadInput("notice.notes_too_long", limit=NOTES_MAX)
        if not values["gather_at"] < activity.eval_end:
            raise BadInput("notice.gathering_after_end")

    async def add_notice(self, activity: DrawActivity, values: dict[str, Any]) -> Notice:
        self.require_editable(activity)
        self.require_valid_notice(values, activity)
        await require_no_unit_name(values["street"], activity)
        # the first notice is the 主场; a further one may be a 副场 (FG-807)
        values = {**await self.venues.pick(activity, values), "role": role_of(values)}
        await require_roles(activity.id, None, values["role"])
        return await Notice.create(activity=activity, **values)

    async def change_gathering_time(self, activity: DrawActivity, notice_id: int,
                                    gather_at: datetime, now: datetime) -> Notice:
        """Before the start, while paused, or once the draw has ended and until the
        evaluation begins (a correction; docs/rules-that-are-ours.md), only the
        gathering time may change."""
        notice = await Notice.get_or_none(id=notice_id, activity_id=activity.id)
        if notice is None:
            raise NotFound("notice.not_found")
        if activity.status == DrawStatus.ENDED and activity.eval_start <= now:
            raise Conflict("notice.evaluation_begun")
        if activity.status not in (*EDITABLE, DrawStatus.VERIFIED, DrawStatus.PAUSED,
                                   DrawStatus.ENDED):
            raise Conflict("notice.pause_first")
        if activity.status == DrawStatus.ENDED and gather_at <= now:
            raise BadInput("notice.gathering_past")
        self.require_valid_notice({"street": notice.street, "notes": notice.notes,
                                   "gather_at": gather_at}, activity)
        notice.gather_at = gather_at
        await notice.save(update_fields=["gather_at"])
        return notice

    @staticmethod
    def require_valid_condition(values: dict[str, Any]) -> None:
        """Checked; its regions put as the service keeps them (440200 -> 4402)."""
        values["regions"] = require_regions(values["regions"])
        tree = Reference.catalogue()  # a condition of any level takes every specialty under it
        for key in ("main_specialty", "alternate_specialty"):
            code = values.get(key)
            if code and (tree.get(code) is None or tree.level_of_code(code) == 0):
                raise BadInput("condition.specialty", code=code)
        if values.get("alternate_specialty") == values["main_specialty"]:
            raise BadInput("condition.same_alternate")
        if values.get("title_level") and values["title_level"] not in TITLE_LEVELS:
            raise BadInput("condition.title_level", levels=list(TITLE_LEVELS))
        if values["region_mode"] not in ("residence", "willing"):
            raise BadInput("condition.region_mode")

    async def add_condition(self, activity: DrawActivity, notice_id: int,
                            values: dict[str, Any]) -> Condition:
        self.require_editable(activity)
        self.require_valid_condition(values)
        notice = await Notice.get_or_none(id=notice_id, activity_id=activity.id)
        if notice is None:
            raise BadInput("condition.notice")
        return await Condition.create(
            activity=activity, notice=notice,
            catalogue_version=Reference.catalogue.current_version(), **values)
