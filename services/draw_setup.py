"""Preparing a draw (seed 004): projects and sections, the activity and its times, the
avoidance list (the agency and the tenderer fixed, more by hand or by CSV), notices,
conditions, and verification by the trading centre."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Notice,
    Project,
    Section,
)
from models.people import Agency, Role, RoleGrant
from services.catalogue import catalogue, is_city
from services.clock import china_time
from services.identity_rules import RuleError, parse_credit_code, parse_id_number
from services.outbox import Outbox
from services.pii import Vault

EDITABLE = (DrawStatus.DRAFT, DrawStatus.REFUSED)
# words that make an address name a unit (the gathering address must not name one)
UNIT_WORDS = re.compile(r"公司|集团|有限|局|委员会|研究院|设计院|医院|学校|大学|银行|事务所|"
                        r"招标|代理|交易中心")
TITLE_LEVELS = ("初级", "中级", "副高", "正高")
CSV_HEADER = ["类型", "名称", "统一社会信用代码或身份证号", "原因"]


@dataclass(frozen=True)
class AvoidanceRow:
    kind: str
    name: str
    credit_code: str | None
    id_hash: str | None
    reason: str


def check_times(bid_open_at: datetime, eval_start: datetime, eval_end: datetime,
                now: datetime) -> None:
    """Bid opening < evaluation start < evaluation end, all still ahead."""
    if not bid_open_at < eval_start < eval_end:
        raise RuleError("时间顺序不正确：开标时间应早于预计评标开始时间，评标开始时间应早于"
                        "预计评标结束时间。")
    if eval_start <= now:
        raise RuleError(f"预计评标开始时间（{china_time(eval_start)}）已过，请重新填写。")


class DrawSetup:
    def __init__(self, outbox: Outbox, vault: Vault) -> None:
        self.outbox = outbox
        self.vault = vault

    # -- projects --------------------------------------------------------------------------
    async def create_project(self, agency_id: int, person_id: int, data: dict[str, Any],
                             sections: list[tuple[str, str]]) -> Project:
        data = {**data, "tenderer_credit_code": parse_credit_code(data["tenderer_credit_code"])}
        if await Project.exists(agency_id=agency_id, number=data["number"]):
            raise RuleError(f"项目编号 {data['number']} 已存在。")
        if len({n for n, _ in sections}) != len(sections):
            raise RuleError("标段编号不能重复。")
        async with in_transaction():
            project = await Project.create(agency_id=agency_id, created_by=person_id, **data)
            for number, name in sections or [("1", data["name"])]:  # no sections: one
                await Section.create(project=project, number=number, name=name)
        return project

    # -- activities ------------------------------------------------------------------------
    async def create_activity(self, project: Project, handler_id: int, section_ids: list[int],
                              values: dict[str, Any], now: datetime) -> DrawActivity:
        check_times(values["bid_open_at"], values["eval_start"], values["eval_end"], now)
        sections = await Section.filter(id__in=section_ids, project_id=project.id)
        if not section_ids or len(sections) != len(set(section_ids)):
            raise RuleError("请选择本项目的标段。")
        taken = [s for s in sections if s.activity_id is not None]
        if taken and await DrawActivity.filter(
                id__in=[s.activity_id for s in taken]).exclude(
                status=DrawStatus.WITHDRAWN).exists():
            raise RuleError("所选标段中有已经抽取（或正在抽取）的标段，不能再次发起。")
        agency = await Agency.get(id=project.agency_id)
        async with in_transaction():
            activity = await DrawActivity.create(project=project, agency_id=project.agency_id,
                                                 handler_id=handler_id, **values)
            await Section.filter(id__in=section_ids).update(activity_id=activity.id)
            await Avoidance.create(activity=activity, kind="unit", name=agency.name,
                                   credit_code=agency.credit_code, fixed=True,
                                   reason="招标代理机构")
            await Avoidance.create(activity=activity, kind="unit", name=project.tenderer_name,
                                   credit_code=project.tenderer_credit_code, fixed=True,
                                   reason="招标人")
        return activity

    @staticmethod
    def check_editable(activity: DrawActivity) -> None:
        if activity.status not in EDITABLE:
            raise RuleError("抽取活动已提交核验或已开始，不能再修改（待核验时可先撤回）。")

    async def update_times(self, activity: DrawActivity, values: dict[str, Any],
                           now: datetime) -> DrawActivity:
        self.check_editable(activity)
        check_times(values["bid_open_at"], values["eval_start"], values["eval_end"], now)
        for key, value in values.items():
            setattr(activity, key, value)
        await activity.save()
        return activity

    # -- avoidance -------------------------------------------------------------------------
    def parse_avoidance(self, kind: str, name: str, code: str, reason: str) -> AvoidanceRow:
        name = name.strip()
        if not name:
            raise RuleError("请填写回避单位或人员的名称。")
        if kind in ("unit", "单位"):
            return AvoidanceRow("unit", name, parse_credit_code(code) if code.strip() else None,
                                None, reason.strip()[:64])
        if kind in ("person", "个人"):
            number = parse_id_number(code)
            return AvoidanceRow("person", name, None, self.vault.lookup_hash(number.value),
                                reason.strip()[:64])
        raise RuleError("类型应为“单位”或“个人”。")

    async def add_avoidances(self, activity: DrawActivity, rows: list[AvoidanceRow]) -> int:
        self.check_editable(activity)
        async with in_transaction():
            for row in rows:
                await Avoidance.create(activity=activity, kind=row.kind, name=row.name,
                                       credit_code=row.credit_code, id_hash=row.id_hash,
                                       reason=row.reason)
        return len(rows)

    async def import_avoidances(self, activity: DrawActivity, text: str) -> int:
        """A CSV in the template's columns; any bad row refuses the whole file, naming every
        bad line, and nothing is imported."""
        self.check_editable(activity)
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:4]] != CSV_HEADER:
            raise RuleError("文件第1行应为模板表头：" + ",".join(CSV_HEADER))
        rows: list[AvoidanceRow] = []
        errors: list[str] = []
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            record = [*record, "", "", "", ""][:4]
            try:
                rows.append(self.parse_avoidance(*record))
            except RuleError as exc:
                errors.append(f"第{line}行：{exc.message}")
        if errors:
            raise RuleError("导入失败，未导入任何数据。" + "；".join(errors[:20]))
        if not rows:
            raise RuleError("文件中没有回避单位或人员。")
        return await self.add_avoidances(activity, rows)

    async def remove_avoidance(self, activity: DrawActivity, avoidance_id: int) -> None:
        self.check_editable(activity)
        item = await Avoidance.get_or_none(id=avoidance_id, activity_id=activity.id)
        if item is None:
            raise RuleError("没有这条回避记录。")
        if item.fixed:
            raise RuleError(f"“{item.name}”（{item.reason}）是默认回避单位，不能删除。")
        await item.delete()

    # -- notices and conditions ------------------------------------------------------------
    @staticmethod
    def check_notice(values: dict[str, Any], activity: DrawActivity) -> None:
        if UNIT_WORDS.search(values["street"]):
            raise RuleError("集合地址只填写市、区和街道门牌，不要出现单位名称。")
        if len(values.get("notes") or "") > 50:
            raise RuleError("注意事项不能超过50个字。")
        if not values["gather_at"] < activity.eval_end:
            raise RuleError("集合时间应早于预计评标结束时间。")

    async def add_notice(self, activity: DrawActivity, values: dict[str, Any]) -> Notice:
        self.check_editable(activity)
        self.check_notice(values, activity)
        return await Notice.create(activity=activity, **values)

    async def change_gathering_time(self, activity: DrawActivity, notice: Notice,
                                    gather_at: datetime) -> Notice:
        """While paused (or before the start), only the gathering time may change."""
        if activity.status not in (*EDITABLE, DrawStatus.VERIFIED, DrawStatus.PAUSED):
            raise RuleError("只有暂停抽取后才能修改集合时间。")
        self.check_notice({"street": notice.street, "notes": notice.notes,
                           "gather_at": gather_at}, activity)
        notice.gather_at = gather_at
        await notice.save(update_fields=["gather_at"])
        return notice

    @staticmethod
    def check_condition(values: dict[str, Any]) -> None:
        regions = values["regions"]
        if not regions or any(not is_city(r) for r in regions):
            raise RuleError("请选择抽取地区（地市）。")
        tree = catalogue()
        for key in ("main_specialty", "alternate_specialty"):
            code = values.get(key)
            if code and not tree.is_leaf(code):
                raise RuleError(f"评标专业 {code} 不存在或不是可选的末级专业。")
        if values.get("alternate_specialty") == values["main_specialty"]:
            raise RuleError("备选专业不能与主专业相同。")
        if values.get("title_level") and values["title_level"] not in TITLE_LEVELS:
            raise RuleError("职称级别应为初级、中级、副高或正高。")
        if values["region_mode"] not in ("residence", "willing"):
            raise RuleError("地区方式应为常驻地区或意愿评标区。")

    async def add_condition(self, activity: DrawActivity, notice_id: int,
                            values: dict[str, Any]) -> Condition:
        self.check_editable(activity)
        self.check_condition(values)
        notice = await Notice.get_or_none(id=notice_id, activity_id=activity.id)
        if notice is None:
            raise RuleError("请先为该条件选择本活动的通知。")
        return await Condition.create(activity=activity, notice=notice, **values)

    # -- verification ----------------------------------------------------------------------
    async def submit(self, activity: DrawActivity, now: datetime) -> DrawActivity:
        self.check_editable(activity)
        conditions = await Condition.filter(activity_id=activity.id)
        if not conditions:
            raise RuleError("请至少添加一个抽取条件。")
        planned = sum(c.planned for c in conditions)
        if planned != activity.total:
            raise RuleError(f"各条件的计划人数合计 {planned} 人，与需要的专家总数 "
                            f"{activity.total} 人不一致。")
        check_times(activity.bid_open_at, activity.eval_start, activity.eval_end, now)
        activity.status = DrawStatus.SUBMITTED
        await activity.save(update_fields=["status"])
        return activity

    async def withdraw_submission(self, activity: DrawActivity) -> DrawActivity:
        if activity.status != DrawStatus.SUBMITTED:
            raise RuleError("只有待核验的抽取活动可以撤回。")
        activity.status = DrawStatus.DRAFT
        await activity.save(update_fields=["status"])
        return activity

    async def verify(self, activity: DrawActivity, verifier_id: int, approve: bool,
                     reason: str, now: datetime) -> DrawActivity:
        async with self.outbox.change(now) as change:
            updated = await DrawActivity.filter(id=activity.id,
                                                status=DrawStatus.SUBMITTED).update(
                status=DrawStatus.VERIFIED if approve else DrawStatus.REFUSED,
                verifier_id=verifier_id, verified_at=now,
                refuse_reason=None if approve else (reason.strip() or "未说明原因"))
            if not updated:
                raise RuleError("该抽取活动不在待核验状态（可能已被撤回或已处理）。")
            await activity.refresh_from_db()
            await notify_agency(change, activity, "draw.verified" if approve
                                else "draw.refused", reason=activity.refuse_reason or "")
        return activity


async def notify_agency(change: Any, activity: DrawActivity, kind: str, **params: Any) -> None:
    """Push to the activity's handler and to the agency's legal person(s); counts only,
    never who was drawn."""
    project = await Project.get(id=activity.project_id)  # type: ignore[attr-defined]
    legal = await RoleGrant.filter(agency_id=activity.agency_id, role=Role.AGENCY_LEGAL,
                                   revoked_at=None).values_list("person_id", flat=True)
    base = {"project": project.name[:20], "activity": activity.id,
            "at": china_time(change.now), **params}
    for person_id in {activity.handler_id, *legal}:
        await change.notify(kind, base, person_id=int(person_id))
