"""The published 公示 (JL-GP: "经财政公示无异议后进入政府采购评审专家库"): anyone, signed in or
not, reads the applicants in their notice — by batch, each one's name, work unit and
evaluation specialties with the notice's period — and how to raise an objection (the public
page web/public_notice.py says the same)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from services.common.pii import public

api = Api()
TAG = "公示"


class ListedOut(Model):
    name: str = Field(description="姓名（公示内容）")
    work_unit: str = Field(description="工作单位")
    specialties: list[str] = Field(description="评标专业（名称，首选在前）")
    since: datetime = Field(description="公示开始")
    until: datetime = Field(description="公示截止")
    objection_page: str = Field(
        description="对此人在线提出异议的网页地址（无需登录，可在浏览器中打开）")


class BoardBatchOut(Model):
    batch: str = Field(description="批次名称")
    objection: str = Field(description="如有异议：向谁、如何、何时前反映（文字）")
    entries: list[ListedOut]


class BoardOut(Model):
    intro: str
    batches: list[BoardBatchOut] = Field(description="正在公示的批次；没有时为空")


@api.route("GET", "/public-notices", access=Access.PUBLIC, response=BoardOut, tag=TAG,
           summary="评审专家入库公示：正在公示的人员（姓名、工作单位、评标专业）、公示期和异议方式")
async def board(call: Call) -> BoardOut:
    texts = call.services.texts
    return BoardOut(
        intro=texts.render("review/public_notice_intro.j2").strip(),
        batches=[BoardBatchOut(
            batch=group.batch.name,
            objection=texts.render(  # the mini-program has no form: in writing
                "review/public_notice_objection.j2", online=False, contact=public(
                    group.batch.objection_contact) if group.batch.objection_contact else ""
            ).strip(),
            entries=[ListedOut(name=e.name, work_unit=e.work_unit, specialties=e.specialties,
                               since=e.since, until=e.until,
                               objection_page=call.domain.links.address(
                                   f"/public-notice/{e.application_id}/objection"))
                     for e in group.entries])
            for group in await call.domain.public_notice.notice_board(call.now)])
