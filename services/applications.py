"""Applications: start within the batch's window, save drafts at any step, attach files,
print the review form (which locks every field), submit, withdraw (撤回), resubmit."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.applications import (
    AppKind,
    Application,
    AppStatus,
    Attachment,
    Batch,
    BatchKind,
    ReviewAction,
)
from models.experts import ExpertProfile
from models.people import Person
from services.application_form import ApplicationDraft, check_complete
from services.catalogue import catalogue, region_name, regions
from services.clock import CHINA, china_today
from services.files import FileStore
from services.identity_rules import RuleError, check_applicant_age
from services.notify_kinds import notify_application
from services.outbox import Outbox
from services.people import People
from services.specialties import Selection, SpecialtyRule, check_selection

MB = 1024 * 1024


@dataclass(frozen=True)
class AttachmentKind:
    title: str
    types: frozenset[str]
    max_size: int
    required: bool
    max_count: int = 1


IMAGES = frozenset({"image/jpeg", "image/png"})
DOCS = IMAGES | {"application/pdf"}
ATTACHMENTS = {
    "id_front": AttachmentKind("身份证人像面", IMAGES, 5 * MB, True),
    "id_back": AttachmentKind("身份证国徽面", IMAGES, 5 * MB, True),
    "photo": AttachmentKind("一寸照片", IMAGES, 2 * MB, True),
    "diploma": AttachmentKind("学历证书", DOCS, 10 * MB, True),
    "title_cert": AttachmentKind("职称证书", DOCS, 10 * MB, True),
    "review_form": AttachmentKind("签字盖章的申报表", DOCS, 10 * MB, True),
    "pledge": AttachmentKind("诚信承诺书", DOCS, 10 * MB, True),
    "extra": AttachmentKind("其他证明材料（JPG）", frozenset({"image/jpeg"}), 20 * MB, False, 3),
}
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n",
          "application/pdf": b"%PDF"}


def required_attachments(kind: AppKind) -> list[str]:
    """A new or renewal application needs every certificate; a change or region request
    only its signed form (the rest is on file)."""
    if kind in (AppKind.CHANGE, AppKind.TRANSFER):
        return ["review_form"]
    return [k for k, spec in ATTACHMENTS.items() if spec.required]


def sniff(data: bytes) -> str | None:
    """The file's real type from its first bytes (the declared type is not trusted)."""
    return next((t for t, magic in _MAGIC.items() if data.startswith(magic)), None)


def window_text(start: datetime, end: datetime) -> str:
    fmt = "%Y年%m月%d日 %H:%M"
    return f"{start.astimezone(CHINA):{fmt}} 至 {end.astimezone(CHINA):{fmt}}"


def check_window(start: datetime, end: datetime, now: datetime, what: str) -> None:
    """Refuse outside [start, end], saying when the window is."""
    if now < start:
        raise RuleError(f"{what}尚未开始（{what}时间：{window_text(start, end)}）。")
    if now > end:
        raise RuleError(f"{what}已经截止（{what}时间：{window_text(start, end)}）。")


def data_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


class Applications:
    def __init__(self, outbox: Outbox, files: FileStore, people: People) -> None:
        self.outbox = outbox
        self.files = files
        self.people = people  # the full birth date is only in the encrypted ID number

    # --- reading ------------------------------------------------------------------------

    async def own(self, person: Person, app_id: int) -> Application:
        app = await Application.get_or_none(id=app_id, person_id=person.id).prefetch_related(
            "batch")
        if app is None:
            raise RuleError("没有找到这份申请。")
        return app

    async def latest(self, person_id: int) -> Application | None:
        return await Application.filter(person_id=person_id).order_by("-id").prefetch_related(
            "batch").first()

    # --- applicant actions --------------------------------------------------------------

    async def start(self, person: Person, batch_id: int, now: datetime) -> Application:
        batch = await Batch.get_or_none(id=batch_id)
        if batch is None or batch.kind not in (BatchKind.COLLECT, BatchKind.RENEW):
            raise RuleError("没有这个征集批次。")
        check_window(batch.apply_from, batch.apply_until, now, "申报")
        profile = await ExpertProfile.get_or_none(person_id=person.id, active=True)
        if batch.kind == BatchKind.RENEW and profile is None:
            raise RuleError("续聘仅面向在库专家；新申请请选择征集批次。")
        if batch.kind == BatchKind.COLLECT:
            if profile is not None:
                raise RuleError("您已是在库专家，无需重复申请；续聘请在续聘批次中申请。")
            check_applicant_age(self.people.birth_date_of(person), china_today(now))
        kind = AppKind.RENEWAL if batch.kind == BatchKind.RENEW else AppKind.NEW
        try:
            return await Application.create(person_id=person.id, batch=batch, kind=kind,
                                            data={})
        except IntegrityError:
            raise RuleError("您在本批次已有一份申请，请继续填写该申请。") from None

    async def start_request(self, person: Person, kind: AppKind, now: datetime) -> Application:
        """A formal expert's change request (变更) or region change (异动申请), prefilled with
        their current data and reviewed through the stages of their province's batch."""
        profile = await ExpertProfile.get_or_none(person_id=person.id, active=True)
        if profile is None:
            raise RuleError("只有在库专家可以提交信息变更或异动申请。")
        batch_kind = BatchKind.CHANGE if kind == AppKind.CHANGE else BatchKind.TRANSFER
        batch = await Batch.filter(kind=batch_kind, province=profile.region[:2]).first()
        if batch is None:
            raise RuleError("本省尚未开放该项申请，请联系管理员。")
        check_window(batch.apply_from, batch.apply_until, now, "申请")
        open_one = await Application.filter(person_id=person.id, batch_id=batch.id,
                                            status__not_in=[AppStatus.APPROVED,
                                                            AppStatus.REJECTED]).first()
        if open_one is not None:
            raise RuleError("您已有一份未完成的同类申请，请继续办理该申请。")
        base = await Application.get_or_none(id=profile.application_id) \
            if profile.application_id else None
        data = dict(base.data) if base else {}
        codes = await profile.specialties.all().values_list("code", "is_primary")
        data.update(region=profile.region, willing_regions=profile.willing_regions,
                    work_unit=profile.work_unit, unit_credit_code=profile.unit_credit_code,
                    title_level=profile.title_level, specialties=[c for c, _ in codes],
                    primary_specialty=next((c for c, p in codes if p), None))
        await Application.filter(person_id=person.id, batch_id=batch.id).delete()  # old ones
        app = await Application.create(person_id=person.id, batch=batch, kind=kind,
                                       data=ApplicationDraft.model_validate(data).model_dump(
                                           mode="json"), region=profile.region,
                                       industry=profile.industry)
        app.specialties = [{"code": c, "primary": p, "admitted": None} for c, p in codes]
        await app.save(update_fields=["specialties"])
        return app

    def _editable(self, app: Application, now: datetime) -> None:
        batch = app.batch
        if app.status == AppStatus.DRAFT and app.version == 1:
            check_window(batch.apply_from, batch.apply_until, now, "申报")
        elif app.status in (AppStatus.RETURNED, AppStatus.DRAFT):  # back from review
            check_window(batch.apply_from, batch.review_until, now, "修改")
        elif app.status == AppStatus.PRINTED:
            raise RuleError("申报表已打印，所有信息已锁定。"
                            "如需修改，请先取消锁定（之后须重新打印并上传签字版）。")
        else:
            raise RuleError("申请正在审核或已结束，不能修改。如需修改，请先撤回。")

    async def save(self, app: Application, draft: ApplicationDraft, now: datetime) -> None:
        """Merge the sections sent into the saved draft (any step, any order)."""
        self._editable(app, now)
        changes = draft.model_dump(exclude_unset=True, mode="json")
        if app.kind == AppKind.CHANGE and "region" in changes and \
                changes["region"] != app.data.get("region"):
            raise RuleError("常驻地区（所在市州）的变更请提交异动申请。")
        if app.kind == AppKind.TRANSFER and set(changes) - {"region", "willing_regions"}:
            raise RuleError("异动申请只能修改所在市州和意愿评标区；其他信息请提交变更申请。")
        if app.specialties_fixed and ("specialties" in changes or "primary_specialty" in changes):
            current = {c["code"] for c in app.specialties}
            wanted = set(changes.get("specialties", current))
            if wanted != current or changes.get("primary_specialty", _primary(app)) != \
                    _primary(app):
                raise RuleError("评标专业一经选择，本次征集（续聘）期间不可修改。")
        data = {**app.data, **changes}
        merged = ApplicationDraft.model_validate(data)  # the whole draft still has to be sane
        if merged.region and (merged.region not in regions()
                              or not merged.region.startswith(app.batch.province)):
            raise RuleError(f"所在市州必须是本批次所在省份（{region_name(app.batch.province)}）"
                            "下的市州。")
        app.data = merged.model_dump(mode="json", exclude_none=False)
        app.region = merged.region
        self._set_specialties(app, merged)
        await app.save()

    def _set_specialties(self, app: Application, draft: ApplicationDraft) -> None:
        if app.specialties_fixed:
            return
        cat = catalogue()
        for code in draft.specialties:
            if cat.get(code) is None:
                raise RuleError(f"没有评标专业「{code}」。")
        app.specialties = [{"code": c, "primary": c == draft.primary_specialty, "admitted": None}
                           for c in draft.specialties]
        primary = draft.primary_specialty or (draft.specialties[0] if draft.specialties else None)
        app.industry = cat.industry(primary) if primary else None

    def check_rules(self, app: Application) -> ApplicationDraft:
        """Everything printing needs: a complete form and the batch's specialty rule."""
        draft = ApplicationDraft.model_validate(app.data)
        check_complete(draft)
        assert draft.primary_specialty is not None
        check_selection(SpecialtyRule(app.batch.specialty_rule),
                        Selection(tuple(draft.specialties), draft.primary_specialty), catalogue())
        if len(draft.qualifications) > app.batch.max_qualifications:
            raise RuleError(f"执业资格证书最多填写{app.batch.max_qualifications}项。")
        return draft

    async def print_form(self, app: Application, now: datetime) -> ApplicationDraft:
        """Lock every field: the printed form is what gets signed, stamped and uploaded."""
        self._editable(app, now)
        draft = self.check_rules(app)
        app.status, app.printed_at = AppStatus.PRINTED, now
        app.printed_hash = data_hash(app.data)
        await app.save(update_fields=["status", "printed_at", "printed_hash", "updated_at"])
        return draft

    async def unlock(self, app: Application, now: datetime) -> None:
        """Back to editing; the signed form of the old print no longer counts."""
        if app.status != AppStatus.PRINTED:
            raise RuleError("只有已打印、尚未提交的申请可以取消锁定。")
        await self._drop_attachments(app, "review_form")
        app.status = AppStatus.RETURNED if app.version > 1 and app.returned_items \
            else AppStatus.DRAFT
        app.printed_at = app.printed_hash = None
        await app.save(update_fields=["status", "printed_at", "printed_hash", "updated_at"])

    async def attach(self, app: Application, kind: str, filename: str, data: bytes,
                     now: datetime) -> Attachment:
        spec = ATTACHMENTS.get(kind)
        if spec is None:
            raise RuleError(f"不支持的附件类型：{kind}。")
        if app.status in (AppStatus.IN_REVIEW, AppStatus.APPROVED, AppStatus.REJECTED):
            raise RuleError("申请正在审核或已结束，不能更换附件。")
        if kind != "review_form" and app.status == AppStatus.PRINTED:
            raise RuleError("申报表已打印，只能上传签字盖章后的申报表。")
        if kind == "review_form" and app.status != AppStatus.PRINTED:
            raise RuleError("请先打印申报表，签字盖章后再上传。")
        window_end = app.batch.review_until if app.status == AppStatus.RETURNED \
            else app.batch.apply_until
        check_window(app.batch.apply_from, window_end, now, "上传")
        real = sniff(data)
        if real is None or real not in spec.types:
            allowed = "、".join(sorted({"image/jpeg": "JPG", "image/png": "PNG",
                                       "application/pdf": "PDF"}[t] for t in spec.types))
            raise RuleError(f"「{spec.title}」只能上传 {allowed} 文件。")
        if len(data) > spec.max_size:
            raise RuleError(f"「{spec.title}」不能超过 {spec.max_size // MB} MB。")
        existing = await Attachment.filter(application_id=app.id, kind=kind).order_by("id")
        if spec.max_count == 1:
            await self._drop_attachments(app, kind)
        elif len(existing) >= spec.max_count:
            raise RuleError(f"「{spec.title}」最多上传 {spec.max_count} 个，请先删除不需要的。")
        key = f"applications/{app.id}/{kind}-{secrets.token_hex(8)}"
        await self.files.put(key, data)
        return await Attachment.create(application_id=app.id, kind=kind,
                                       filename=filename[:128] or kind, content_type=real,
                                       size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                       storage_key=key)

    async def _drop_attachments(self, app: Application, kind: str) -> None:
        for old in await Attachment.filter(application_id=app.id, kind=kind):
            await self.files.delete(old.storage_key)
            await old.delete()

    async def submit(self, app: Application, person: Person, now: datetime) -> None:
        """Send the printed application to review (a returned one goes back to the stage
        that returned it)."""
        if app.status != AppStatus.PRINTED:
            raise RuleError("请先打印申报表，上传签字盖章扫描件后再提交。")
        if app.printed_hash != data_hash(app.data):
            raise RuleError("申报信息在打印后有改动，请重新打印。")
        resubmit = bool(app.returned_items) or app.version > 1
        end = app.batch.review_until if resubmit else app.batch.apply_until
        check_window(app.batch.apply_from, end, now, "提交")
        present = set(await Attachment.filter(application_id=app.id).values_list("kind",
                                                                                 flat=True))
        needed = required_attachments(AppKind(app.kind))
        missing = [ATTACHMENTS[k].title for k in needed if k not in present]
        if missing:
            raise RuleError("还缺少以下附件：" + "、".join(missing) + "。")
        self.check_rules(app)
        stage = app.batch.stages[app.stage]
        async with self.outbox.change(now) as change:
            updated = await Application.filter(id=app.id, status=AppStatus.PRINTED).update(
                status=AppStatus.IN_REVIEW, submitted_at=now, version=app.version + 1,
                returned_items=[], specialties_fixed=app.batch.specialty_rule
                == SpecialtyRule.HUNAN or app.specialties_fixed)
            if not updated:
                raise RuleError("申请状态已变化，请刷新后重试。")
            await ReviewAction.create(application_id=app.id, version=app.version + 1,
                                      stage_key=stage["key"], stage_title=stage["title"],
                                      actor_id=person.id, actor_name=person.name,
                                      action="resubmit" if resubmit else "submit")
            await notify_application(change, app, "application.submitted",
                                     stage=stage["title"])
        await app.refresh_from_db()

    async def withdraw(self, app: Application, person: Person, now: datetime) -> None:
        """撤回: take the application back from review to edit it (it restarts at the
        first stage when submitted again)."""
        if app.status not in (AppStatus.IN_REVIEW, AppStatus.RETURNED):
            raise RuleError("只有审核中或被退回的申请可以撤回。")
        check_window(app.batch.apply_from, app.batch.review_until, now, "撤回")
        async with in_transaction():
            updated = await Application.filter(id=app.id, status=app.status,
                                               version=app.version).update(
                status=AppStatus.DRAFT, stage=0, returned_items=[], printed_at=None,
                printed_hash=None)
            if not updated:
                raise RuleError("申请状态已变化，请刷新后重试。")
            await ReviewAction.create(application_id=app.id, version=app.version,
                                      actor_id=person.id, actor_name=person.name,
                                      action="withdraw")
        await self._drop_attachments(app, "review_form")
        await app.refresh_from_db()


def _primary(app: Application) -> str | None:
    return next((c["code"] for c in app.specialties if c["primary"]), None)


def next_step(app: Application, now: datetime) -> str:
    """What the applicant should do now, in one sentence."""
    batch = app.batch
    if app.status == AppStatus.DRAFT:
        until = batch.review_until if app.version > 1 else batch.apply_until
        return (f"请在小程序中填写完整，打印申报表并上传签字盖章扫描件后提交"
                f"（截止 {until.astimezone(CHINA):%Y年%m月%d日 %H:%M}）。")
    if app.status == AppStatus.PRINTED:
        return "请上传签字盖章后的申报表扫描件，然后提交审核。"
    if app.status == AppStatus.IN_REVIEW:
        return "请耐心等待审核，结果会第一时间通知您。"
    if app.status == AppStatus.RETURNED:
        return (f"请按退回意见修改，重新打印并上传签字版后再次提交"
                f"（截止 {batch.review_until.astimezone(CHINA):%Y年%m月%d日 %H:%M}）。")
    if app.status == AppStatus.APPROVED:
        return "请留意考试通知；考试开始后回复「考试」可获取考试链接。"
    return "本批次申请未通过，可关注下一批征集公告。"
