"""Who took part in the project's 前期规划、论证、设计、市场调研 (粤财规〔2025〕1号 Art. 21): the
agency lists units (by name and credit code) and persons (by name and ID number, kept only
as the hash the draw matches); none is drawn for any activity of the project. An invited
expert who answered 需回避 saying so is listed without a name."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path
from miniapp_api.schemas import Model
from models.draws import DrawActivity

api = Api()
StageIn = Literal["规划", "论证", "设计", "市场调研", "前期工作"]


class InvolvementIn(Model):
    kind: Literal["unit", "person"] = Field(description="unit 单位 / person 个人")
    name: str = Field(min_length=2, max_length=128)
    code: str = Field(default="", max_length=18, description=(
        "单位：统一社会信用代码（可空）；个人：身份证号（必填，只保存用于比对的摘要）"))
    stage: StageIn = Field(description="参与的前期工作：规划 / 论证 / 设计 / 市场调研 / 前期工作")


class InvolvementOut(Model):
    id: int
    kind: str = Field(description="unit 单位 / person 个人 / expert 受邀专家本人答复")
    name: str = Field(description="名称或姓名（受邀专家本人答复的不显示姓名）")
    credit_code: str | None
    stage: str
    by_expert: bool = Field(description="受邀专家答复“需回避”时说明参与过本项目前期工作")
    created_at: datetime


class InvolvementsOut(Model):
    items: list[InvolvementOut]


async def items_out(call: Call, activity: DrawActivity) -> InvolvementsOut:
    return InvolvementsOut(items=[InvolvementOut(
        id=i.id, kind=i.kind, name=i.name, credit_code=i.credit_code, stage=i.stage,
        by_expert=i.source == "expert", created_at=i.created_at)
        for i in await call.domain.draws.setup.involvement.listed(activity)])


@api.route("GET", "/draws/activities/{activity_id}/involvement", access=AGENCY,
           response=InvolvementsOut, tag=TAG,
           summary="参与本项目前期规划、论证、设计、市场调研的单位和人员（本项目的抽取均回避）")
async def involvement(call: Call) -> InvolvementsOut:
    return await items_out(call, await activity_in_path(call))


@api.route("POST", "/draws/activities/{activity_id}/involvement", access=AGENCY,
           body=InvolvementIn, response=InvolvementsOut, tag=TAG,
           summary="登记参与本项目前期工作的单位或人员")
async def add_involvement(call: Call, body: InvolvementIn) -> InvolvementsOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.involvement.add(activity, body.kind, body.name, body.code,
                                                  body.stage,
                                                  call.caller.need_person().id, call.now)
    return await items_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/involvement/{involvement_id}",
           access=AGENCY, response=InvolvementsOut, tag=TAG,
           summary="删除一条本机构登记的前期参与单位或人员（专家本人答复的不能删除）")
async def remove_involvement(call: Call) -> InvolvementsOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.involvement.remove(activity, call.path_int("involvement_id"))
    return await items_out(call, activity)
