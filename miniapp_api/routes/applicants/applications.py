"""Applicants: batches and the catalogue; an application from draft to submission."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.applications import (
    AppKind,
    Application,
    AppStatus,
    Attachment,
    Batch,
    ReviewAction,
)
from services.applicants import ATTACHMENTS
from services.common.errors import Conflict
from services.common.texts import china_date
from services.people import ApplicationDraft
from services.reference import Catalogue

api = Api()
TAG = "申报"


class SpecialtyNode(Model):
    code: str
    name: str
    selectable: bool
    children: list[SpecialtyNode] = Field(default_factory=list)


SpecialtyNode.model_rebuild()


class CatalogueOut(Model):
    specialties: list[SpecialtyNode]
    regions: dict[str, str] = Field(description="省与市州的代码和名称（区县见 /reference/regions）")


class LimitsOut(Model):
    """What the batch's rule set allows (HN-APPLY, JL-GP, XJ-SIGNUP; ours where they are
    silent), and the words to show beside each field."""

    specialties: int = Field(description="评标专业最多几个（首选与备选合计）")
    titles: int = Field(description="职称信息最多几条（含第一条职称）")
    work_history: int = Field(description="工作履历最多几条")
    qualifications: int = Field(description="执业资格最多几条")
    extra_files: int = Field(description="其他材料最多几张")
    extra_mb: int = Field(description="其他材料每张最大（MB）")
    said: dict[str, str] = Field(description=(
        "在各栏旁显示的说明：specialties、titles、work_history、qualifications、extra"))


class BatchOut(Model):
    id: int
    name: str
    kind: str
    province: str
    specialty_rule: str = Field(description="规则：hunan 湖南 / jilin 吉林 / xinjiang 新疆")
    max_qualifications: int = Field(description="执业资格最多几条（同 limits.qualifications）")
    limits: LimitsOut
    apply_window: str
    review_until: datetime
    stages: list[str]
    fee_yuan: float
    open: bool


class BatchesOut(Model):
    batches: list[BatchOut]


class StartIn(Model):
    batch_id: int


class AttachmentOut(Model):
    id: int
    kind: str
    title: str
    filename: str
    size: int
    content_type: str = Field(description="按文件内容识别的类型，如 image/jpeg、application/pdf")


class LogOut(Model):
    at: datetime
    stage: str | None
    action: str
    action_title: str = Field(default="", description="action 的文字：提交、撤回、审核通过 …")
    actor: str | None
    reason: str | None
    items: str


class ApplicationOut(Model):
    id: int
    batch: BatchOut
    kind: str
    status: str
    status_title: str
    stage: str | None
    data: dict[str, Any]
    specialties: list[dict[str, Any]]
    missing: list[str] = Field(description="打印前还需填写的内容")
    attachments: list[AttachmentOut]
    required_attachments: dict[str, str]
    returned_items: str
    last_reason: str | None
    log: list[LogOut]


class ApplicationsOut(Model):
    applications: list[ApplicationOut]


class PrintOut(Model):
    form_url: str = Field(description="可打印的申报表页面（本人专用，24小时内有效）")


LIMITED = ("specialties", "titles", "work_history", "qualifications", "extra")


def limits_out(call: Call, batch: Batch) -> LimitsOut:
    limits = call.domain.application_reads.form_limits.limits_of(batch)
    values = {k: v for k, v in limits.__dict__.items() if k != "rule"}
    return LimitsOut(**values, said={
        field: call.services.texts.render(f"miniapp/limits/{field}.j2", rule=limits.rule,
                                          limits=limits).strip() for field in LIMITED})


def batch_out(call: Call, batch: Batch, now: datetime) -> BatchOut:
    limits = limits_out(call, batch)
    window = call.domain.applications.window_text(batch.apply_from, batch.apply_until)
    return BatchOut(id=batch.id, name=batch.name, kind=batch.kind, province=batch.province,
                    specialty_rule=batch.specialty_rule,
                    max_qualifications=limits.qualifications, limits=limits,
                    apply_window=window,
                    review_until=batch.review_until,
                    stages=[s.title for s in call.domain.review.review_scope.stages(batch)],
                    fee_yuan=batch.fee_fen / 100,
                    open=batch.apply_from <= now <= batch.apply_until)


async def application_out(call: Call, app: Application) -> ApplicationOut:
    return (await application_outs(call, [app]))[0]


async def application_outs(call: Call, apps: list[Application]) -> list[ApplicationOut]:
    """The applications as the mini-program shows them, in a constant number of queries."""
    attachments = await call.domain.applications.uploads.attachments_of_all(apps)
    logs = await call.domain.review.logs_of(apps)
    return [_application_out(call, a, attachments[a.id], logs[a.id]) for a in apps]


def _application_out(call: Call, app: Application, attachments: list[Attachment],
                     log: list[ReviewAction]) -> ApplicationOut:
    now, review, reads = call.now, call.domain.review, call.domain.application_reads
    all_stages = review.review_scope.stages(app.batch)
    return ApplicationOut(
        id=app.id, batch=batch_out(call, app.batch, now), kind=app.kind, status=app.status,
        status_title=call.services.texts.word("application_status", app.status),
        stage=all_stages[app.stage].title if app.status in (AppStatus.IN_REVIEW,
                                                            AppStatus.RETURNED) else None,
        data=app.data, specialties=app.specialties,
        missing=call.domain.experts.particulars.missing_parts(
            ApplicationDraft.model_validate(app.data), app.kind in (AppKind.NEW, AppKind.RENEWAL)),
        attachments=[AttachmentOut(id=a.id, kind=a.kind, title=ATTACHMENTS[a.kind].title,
                                   filename=a.filename, size=a.size,
                                   content_type=a.content_type) for a in attachments],
        required_attachments={k: ATTACHMENTS[k].title for k in
                              reads.attachments.required_attachments(AppKind(app.kind))},
        returned_items=review.describe_items(app.returned_items, app.catalogue_version),
        last_reason=app.last_reason,
        log=[LogOut(at=e.at, stage=f"{e.stage_title}（{e.industry}）" if e.industry
                    else e.stage_title, action=e.action, actor=e.actor_name,
                    action_title=call.services.texts.render("review/action.j2",
                                                            action=e.action).strip(),
                    reason=e.reason, items=review.describe_items(e.items, app.catalogue_version))
             for e in log])


def _tree(cat: Catalogue, code: str | None) -> list[SpecialtyNode]:
    codes = cat.children.get(code, []) if code else \
        [c for c, s in cat.items.items() if s.parent is None]
    return [SpecialtyNode(code=c, name=cat.items[c].name, selectable=cat.is_leaf(c),
                          children=_tree(cat, c)) for c in sorted(codes)]


@api.route("GET", "/catalogue", access=Access.PUBLIC, response=CatalogueOut,
           summary="评标专业目录（大类别、一级、二级、三级）与地区代码", tag=TAG)
async def get_catalogue(call: Call) -> CatalogueOut:
    places = call.domain.reference.regions().places.values()
    return CatalogueOut(specialties=_tree(call.domain.reference.catalogue(), None), regions={
        p.code: p.name for p in places if p.level < 3 and not p.retired})


@api.route("GET", "/batches", access=Access.BOUND, response=BatchesOut,
           summary="征集 / 续聘批次及其时间", tag=TAG)
async def list_batches(call: Call) -> BatchesOut:
    batches = await call.domain.applications.open_batches()
    return BatchesOut(batches=[batch_out(call, b, call.now) for b in batches])


async def _own(call: Call) -> Application:
    return await call.domain.applications.own(call.caller.need_person(),
                                              call.path_int("app_id"))


@api.route("POST", "/applications", access=Access.BOUND, body=StartIn, response=ApplicationOut,
           summary="在批次中开始一份申请（申报时间内）", tag=TAG)
async def start(call: Call, body: StartIn) -> ApplicationOut:
    app = await call.domain.applications.start(call.caller.need_person(), body.batch_id,
                                               call.now)
    return await application_out(call, app)


@api.route("GET", "/applications", access=Access.BOUND, response=ApplicationsOut,
           summary="我的申请", tag=TAG)
async def list_mine(call: Call) -> ApplicationsOut:
    return ApplicationsOut(applications=[
        _application_out(call, f.application, f.attachments, f.log)
        for f in await call.domain.application_reads.applications_of(call.caller.need_person().id)])


@api.route("GET", "/applications/{app_id}", access=Access.BOUND, response=ApplicationOut,
           summary="申请详情（含审核日志）", tag=TAG)
async def detail(call: Call) -> ApplicationOut:
    return await application_out(call, await _own(call))


@api.route("PUT", "/applications/{app_id}", access=Access.BOUND, body=ApplicationDraft,
           response=ApplicationOut, summary="保存草稿（可只提交部分内容，随时保存）", tag=TAG)
async def save(call: Call, body: ApplicationDraft) -> ApplicationOut:
    app = await _own(call)
    await call.domain.applications.save(app, body, call.now)
    return await application_out(call, app)


@api.route("POST", "/applications/{app_id}/attachments/{kind}", access=Access.BOUND,
           response=AttachmentOut, tag=TAG, upload=True,
           summary="上传附件（multipart/form-data，字段名 file；类型与大小会检查）")
async def upload(call: Call) -> AttachmentOut:
    app = await _own(call)
    kind = call.path("kind")
    call.domain.application_reads.attachments.attachment_kind(kind)
    reads = call.domain.application_reads
    filename, data = await call.upload(lambda size: reads.attachments.require_size(kind, size))
    saved = await call.domain.applications.uploads.attach(app, kind, filename or kind, data,
                                                          call.now)
    return AttachmentOut(id=saved.id, kind=saved.kind, title=ATTACHMENTS[kind].title,
                         filename=saved.filename, size=saved.size,
                         content_type=saved.content_type)


@api.route("DELETE", "/applications/{app_id}/attachments/{kind}/{attachment_id}",
           access=Access.BOUND, response=ApplicationOut, tag=TAG,
           summary="删除一个附件（提交前；打印后只能删除签字版申报表）")
async def remove_attachment(call: Call) -> ApplicationOut:
    app = await _own(call)
    await call.domain.applications.uploads.detach(app, call.path("kind"),
                                                  call.path_int("attachment_id"))
    return await application_out(call, app)


@api.route("POST", "/applications/{app_id}/print", access=Access.BOUND, response=PrintOut,
           summary="打印申报表：锁定所有已填写内容，返回可打印页面", tag=TAG)
async def print_form(call: Call) -> PrintOut:
    app = await _own(call)
    url = await call.domain.applications.printable_form(app, call.domain.links, call.now)
    return PrintOut(form_url=url)


@api.route("POST", "/applications/{app_id}/submit", access=Access.BOUND, response=ApplicationOut,
           summary="提交审核", tag=TAG)
async def submit(call: Call) -> ApplicationOut:
    app = await _own(call)
    await call.domain.applications.submit(app, call.caller.need_person(), call.now)
    return await application_out(call, app)


@api.route("POST", "/applications/{app_id}/withdraw", access=Access.BOUND,
           response=ApplicationOut, summary="撤回：取回审核中或被退回的申请进行修改", tag=TAG)
async def withdraw(call: Call) -> ApplicationOut:
    app = await _own(call)
    await call.domain.applications.withdraw(app, call.caller.need_person(), call.now)
    return await application_out(call, app)


@api.route("GET", "/applications/{app_id}/pledge.pdf", access=Access.BOUND, response=None,
           files=("application/pdf",),
           summary="下载诚信承诺书（已填入本人信息，打印签字后扫描上传）", tag=TAG)
async def pledge(call: Call) -> web.Response:
    app = await _own(call)
    person = call.caller.need_person()
    draft = ApplicationDraft.model_validate(app.data)
    words = call.domain.documents.pdf.pledge_of(call.services.texts, person.name,
                                                person.id_masked, app.batch.name,
                                                draft.work_unit or "", china_date(call.now))
    body = await asyncio.to_thread(call.domain.documents.pdf.pledge_pdf, words)
    handed_out(call.request, people=1)  # the applicant's own
    return web.Response(body=body, content_type="application/pdf", headers={
        "Content-Disposition": "attachment; filename=pledge.pdf"})


@api.route("GET", "/applications/{app_id}/review-form.pdf", access=Access.BOUND, response=None,
           files=("application/pdf",),
           summary="下载申请和资格审查表 PDF（打印锁定后；本人签字、单位盖章后扫描上传）",
           tag=TAG)
async def review_form(call: Call) -> web.Response:
    """XJ-SIGNUP step 8: 导出 pdf 文件，打印后经本人签字、所在单位盖章后扫描形成 pdf 文件."""
    app = await _own(call)
    if app.printed_at is None or app.status in (AppStatus.DRAFT, AppStatus.RETURNED):
        raise Conflict("application.not_printed")
    documents = call.domain.documents
    body = await asyncio.to_thread(documents.pdf.review_form_pdf, documents.form_sheet.sheet(
        call.services.texts, app, call.caller.need_person()))
    handed_out(call.request, people=1)  # the applicant's own
    return web.Response(body=body, content_type="application/pdf", headers={
        "Content-Disposition": "attachment; filename=review-form.pdf"})
