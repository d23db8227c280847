"""The close relatives an expert declares, and the units where they hold posts (CK-198
Art. 16, GPL-REG Art. 9, GD-CG-1 Art. 21): read masked, declared whole. The draw passes
the expert over for an evaluation those units or persons take part in, and never seats two
related experts in one committee; where both are already confirmed, both places go and
each is told why (the reaction to RELATIVES_DECLARED, services/reactions.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.people.expert import EXPERT, TAG
from miniapp_api.schemas import Model
from models.experts import ExpertProfile
from services.people import RelativeIn as Entry

api = Api()
Relation = Literal["spouse", "lineal", "collateral", "in_law"]
Post = Literal["", "legal_rep", "director", "supervisor", "controller", "head"]


class RelativeIn(Model):
    relation: Relation = Field(description="spouse 配偶 / lineal 直系血亲 / collateral 三代以内"
                                           "旁系血亲 / in_law 近姻亲")
    name: str = Field(min_length=2, max_length=32, description="亲属姓名（只保存打码后的）")
    id_number: str = Field(min_length=18, max_length=18,
                           description="亲属身份证号（只保存用于比对的摘要）")
    unit_name: str = Field(default="", max_length=128, description="亲属任职的单位（没有留空）")
    credit_code: str = Field(default="", max_length=18, description="该单位统一社会信用代码")
    post: Post = Field(default="", description="legal_rep 法定代表人 / director 董事 / "
                       "supervisor 监事 / controller 控股股东或实际控制人 / head 负责人")


class RelativesIn(Model):
    items: list[RelativeIn] = Field(max_length=30, description="全部亲属（每个任职单位一行）；"
                                    "空列表表示没有需要申报的亲属")


class RelativeOut(Model):
    id: int
    relation: str
    relation_name: str = Field(description="关系（中文）")
    name: str = Field(description="姓名（打码）")
    id_number: str = Field(description="身份证号（打码）")
    unit_name: str
    credit_code: str | None
    post_name: str = Field(description="职务（中文），没有任职单位时为空")
    declared_at: datetime


class RelativesOut(Model):
    items: list[RelativeOut]
    confirmed_at: datetime | None = Field(default=None, description=(
        "最近一次申报或确认无变化的时间；为空表示尚未确认过"))
    due: bool = Field(default=False, description=(
        "今年尚未确认：请确认无变化（POST /expert/relatives/confirm）或重新申报"))


async def _expert(call: Call) -> ExpertProfile:
    return await call.domain.relatives.expert_of(call.caller.need_person().id)


async def _out(call: Call, expert: ExpertProfile) -> RelativesOut:
    word = call.services.texts.word
    expert = await call.domain.relatives.expert_of(expert.person_id)  # as it is now
    return RelativesOut(
        confirmed_at=expert.relatives_confirmed_at,
        due=call.domain.relatives_yearly.due(expert.relatives_confirmed_at, call.now),
        items=[RelativeOut(
        id=r.id, relation=r.relation, relation_name=word("kinship", r.relation),
        name=r.name_masked, id_number=r.id_masked, unit_name=r.unit_name,
        credit_code=r.credit_code, post_name=word("kinship", r.post) if r.post else "",
        declared_at=r.declared_at) for r in await call.domain.relatives.listed(expert.id)])


@api.route("GET", "/expert/relatives", access=EXPERT, response=RelativesOut, tag=TAG,
           summary="我申报的近亲属及其任职单位（抽取时回避）")
async def relatives(call: Call) -> RelativesOut:
    return await _out(call, await _expert(call))


@api.route("PUT", "/expert/relatives", access=EXPERT, body=RelativesIn, response=RelativesOut,
           tag=TAG, summary="申报近亲属及其任职单位（整体替换上次的申报）")
async def declare(call: Call, body: RelativesIn) -> RelativesOut:
    expert = await _expert(call)
    await call.domain.relatives.declare(expert, [Entry(**i.model_dump()) for i in body.items],
                                        call.now)
    return await _out(call, expert)


@api.route("POST", "/expert/relatives/confirm", access=EXPERT, response=RelativesOut, tag=TAG,
           summary="确认近亲属申报无变化（每年一次，新年起会提醒）")
async def confirm(call: Call) -> RelativesOut:
    expert = await _expert(call)
    await call.domain.relatives_yearly.confirm(expert, call.now)
    return await _out(call, expert)
