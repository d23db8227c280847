"""The 公示's objections at the desk (JL-GP: "经财政公示无异议后进入政府采购评审专家库"): the
objections the public raised on the public page, for the reviewer of the stage that opened
the notice (the batch's last) and the administrator — each with its grounds, its evidence
files and its objector masked; the objector read in full on purpose (each reading in the
access record); and each ruled with a reason, sustained or dismissed."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.applicants import ObjectionView
from services.audit import OBJECTOR
from services.common.pii import public

api = Api()
TAG = "审核"
RULERS = {Role.REVIEWER, Role.ADMIN}


class EvidenceOut(Model):
    index: int = Field(description="下载时的序号（从0起）")
    filename: str
    content_type: str
    size: int = Field(description="字节")


class ObjectionOut(Model):
    id: int
    number: str = Field(description="异议编号（提交时告知异议人），如 YY000012")
    application_id: int
    batch: str
    applicant: str = Field(description="异议对象（脱敏）")
    application_status: str
    notice_until: datetime | None
    objector: str = Field(description="异议人姓名（脱敏）")
    contact: str = Field(description="异议人联系方式（脱敏）")
    contact_kind: str = Field(description="phone 手机 / email 电子邮箱")
    grounds: str
    evidence: list[EvidenceOut]
    raised_at: datetime
    ruling: str | None = Field(description="sustained 异议成立 / dismissed 异议不成立；空：待处理")
    ruling_title: str = Field(description="待处理 / 异议成立 / 异议不成立")
    ruling_note: str | None
    ruled_at: datetime | None
    ruled_by: str | None
    told_at: datetime | None = Field(description="已告知异议人的时间")
    tell_failed: bool = Field(description="多次告知未成功，须另行联系异议人")


class ObjectionListOut(Model):
    objections: list[ObjectionOut]


class ObjectionRulingIn(Model):
    sustained: bool = Field(description="是：异议成立，不予入库；否：异议不成立，公示继续")
    note: str = Field(default="", max_length=500,
                      description="处理理由（两种结论都必填，将告知异议人；成立时也告知申请人）")


class ObjectorOut(Model):
    name: str = Field(description="异议人姓名（完整；每次查看记入个人信息访问记录）")
    contact: str = Field(description="异议人联系方式（完整）")
    contact_kind: str


def objection_out(call: Call, view: ObjectionView) -> ObjectionOut:
    texts = call.services.texts
    o = view.objection
    return ObjectionOut(
        id=o.id, number=call.domain.public_notice.objections.number(o),
        application_id=view.application.id, batch=view.application.batch.name,
        applicant=view.applicant, application_status=view.application.status,
        notice_until=view.application.notice_until, objector=view.objector.name,
        contact=view.objector.contact, contact_kind=o.contact_kind, grounds=o.grounds,
        evidence=[EvidenceOut(index=i, filename=str(e["filename"]),
                              content_type=str(e["content_type"]), size=int(e["size"]))
                  for i, e in enumerate(o.evidence)],
        raised_at=o.raised_at, ruling=o.ruling,
        ruling_title=texts.render("review/objection_ruling.j2", ruling=o.ruling or "").strip(),
        ruling_note=o.ruling_note, ruled_at=o.ruled_at, ruled_by=o.ruled_by_name,
        told_at=o.told_at, tell_failed=o.told_at is None and o.tell_error is not None
        and o.tell_attempts > 5)


@api.route("GET", "/review/objections", access=RULERS, response=ObjectionListOut, tag=TAG,
           summary="公示异议：我可以处理的异议（待处理的全部在前，再列最近处理的），异议人已脱敏")
async def objections(call: Call) -> ObjectionListOut:
    found = await call.domain.public_notice.objections.listing(call.caller.grants, call.now)
    return ObjectionListOut(objections=[objection_out(call, v) for v in found])


@api.route("POST", "/review/objections/{objection_id}/ruling", access=RULERS,
           body=ObjectionRulingIn, response=ObjectionOut, tag=TAG,
           summary="公示异议的处理结论（须附理由）：成立则不予入库并告知申请人；结果告知异议人")
async def rule(call: Call, body: ObjectionRulingIn) -> ObjectionOut:
    objections = call.domain.public_notice.objections
    await objections.rule(call.path_int("objection_id"), body.sustained, body.note,
                          call.caller.need_person(), call.caller.grants, call.now)
    return objection_out(call, await objections.view(call.path_int("objection_id"),
                                                     call.caller.grants, call.now))


@api.route("POST", "/review/objections/{objection_id}/objector", access=RULERS,
           response=ObjectorOut, tag=TAG,
           summary="公示异议：查看异议人的完整姓名和联系方式（仅限处理人，每次查看均记录）")
async def objector(call: Call) -> ObjectorOut:
    who = await call.domain.public_notice.objections.read_in_full(
        call.path_int("objection_id"), call.caller.grants, call.now)
    handed_out(call.request, people=1, held=OBJECTOR.held(), why=OBJECTOR.why)
    return ObjectorOut(name=who.name, contact=public(who.contact), contact_kind=who.contact_kind)


@api.route("GET", "/review/objections/{objection_id}/evidence/{index}", access=RULERS,
           tag=TAG, summary="公示异议：下载异议人提交的证明材料",
           files=("application/pdf", "image/jpeg", "image/png"))
async def evidence(call: Call) -> web.Response:
    name, kind, data = await call.domain.public_notice.objections.evidence_file(
        call.path_int("objection_id"), int(call.path("index")), call.caller.grants, call.now)
    handed_out(call.request, people=1)  # about one applicant, by one objector
    return web.Response(body=data, content_type=kind, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
