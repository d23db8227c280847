"""The caller's own personal data (PIPL Art. 44–46; 《网络数据安全管理条例》 Art. 21's 清单):
the list of what is held, why, where and how long, with their own values (masked as the
清单 says); a machine-readable copy (JSON) of everything held about them; a correction
request, routed to what decides that field."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model

api = Api()
TAG = "我的"
FILENAME = "personal-data.json"


class KindOut(Model):
    key: str
    title: str = Field(description="个人信息的类别")
    fields: list[str] = Field(description="包括的内容")
    purpose: str = Field(description="处理目的")
    basis: str = Field(description="法律依据")
    where: str = Field(description="存放位置")
    retention: str = Field(description="保存期限及期满后的处理")
    values: dict[str, Any] = Field(description="您本人的数据（手机号、身份证号已脱敏）")


class PersonalDataOut(Model):
    kinds: list[KindOut]
    consent: str = Field(description="超出法定职责的处理（需单独同意）的说明")


# the copy's file as services/rights/personal_data.py makes it: its schema in the document
class PersonalDataCopyOut(Model):
    generated_at: str = Field(description="生成时间（北京时间），如 2026年11月21日 14:30")
    kinds: list[KindOut]


async def listing(call: Call) -> list[KindOut]:
    items = await call.domain.personal_data.listing(call.caller.need_person())
    return [KindOut(**item) for item in items]


@api.route("GET", "/me/personal-data", access=Access.BOUND, response=PersonalDataOut,
           summary="个人信息清单：我们处理您的哪些个人信息、为什么、存放在哪里、保存多久",
           tag=TAG, allow_initial_password=True)
async def personal_data(call: Call) -> PersonalDataOut:
    return PersonalDataOut(kinds=await listing(call),
                           consent=call.services.texts.render("privacy/consent.j2"))


@api.route("GET", "/me/personal-data/export", access=Access.BOUND,
           response=PersonalDataCopyOut, files=("application/json",), tag=TAG,
           allow_initial_password=True,
           summary="下载个人信息副本（JSON，可机读；只含您本人的数据）")
async def export(call: Call) -> web.Response:
    handed_out(call.request, people=1)  # the caller's own
    return await copy_response(call)


async def copy_response(call: Call) -> web.Response:
    """The copy as a file (its making is on the audit trail)."""
    body = await call.domain.personal_data.copy(call.caller.need_person(), call.now, "miniapp")
    return web.Response(body=body, content_type="application/json", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{FILENAME}"',
                                 "Cache-Control": "private, no-store"})


class CorrectionIn(Model):
    field: str = Field(max_length=32, description="要更正的项目，如 email、work_unit、name")
    value: str | None = Field(default=None, max_length=128,
                              description="新的内容（邮箱需要；其他项目在申请中修改）")


class CorrectionOut(Model):
    outcome: str
    message: str
    application_id: int | None = Field(description="变更申请或可修改的申请编号")


@api.route("POST", "/me/personal-data/corrections", access=Access.BOUND, body=CorrectionIn,
           response=CorrectionOut, tag=TAG,
           summary="申请更正个人信息：邮箱直接更正；审核内容转为变更申请；姓名和身份证号不能修改")
async def correct(call: Call, body: CorrectionIn) -> CorrectionOut:
    done = await call.domain.personal_data.request_correction(
        call.domain.applications, call.caller.need_person(), body.field, body.value, call.now)
    return CorrectionOut(outcome=done.outcome, application_id=done.application_id,
                         message=call.services.texts.render("privacy/corrected.j2",
                                                            key=done.outcome))
