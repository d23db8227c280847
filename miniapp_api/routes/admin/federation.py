"""The libraries this one trusts, and how many experts one of them could draw (its
directory over the signed protocol, docs/federation.md): what a system administrator looks
at before asking another library for experts for a 副场 in its region."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.federation import Counted, Lent

api = Api()
TAG = "库间共享"
ADMIN = {Role.ADMIN}


class PeerOut(Model):
    code: str = Field(description="对方专家库的代码")
    name: str = Field(description="对方专家库的名称")


class PeersOut(Model):
    on: bool = Field(description="本库是否开启了库间共享（未开启时列表为空）")
    peers: list[PeerOut]


class DirectoryQuery(Model):
    specialty: str = Field(default="", max_length=16,
                           description="只统计这个专业（任一级别的专业代码）；空为不限")
    region: str = Field(default="", max_length=6,
                        description="只统计这个地区（六位行政区划代码，如 440200）；空为不限")


class CellOut(Model):
    code: str = Field(description="专业代码，或六位行政区划代码")
    name: str = Field(description="专业或地区的名称（对方专家库给出）")
    count: int | None = Field(description="可抽取的专家人数；不足3人时为空（不公布）")


class DirectoryOut(Model):
    peer: PeerOut
    as_of: str = Field(description="统计日期（对方专家库的日期，ISO）")
    total: int | None = Field(description="对方可抽取的专家总数；不足3人时为空")
    asked: int | None = Field(description="所查专业、地区的人数（查询了专业或地区时）；"
                                          "不足3人时为空")
    by_specialty: list[CellOut]
    by_region: list[CellOut]


def cells(rows: list[Counted]) -> list[CellOut]:
    return [CellOut(code=c.code, name=c.name, count=c.count) for c in rows]


@api.route("GET", "/admin/federation/peers", access=ADMIN, response=PeersOut, tag=TAG,
           summary="互信的其他专家库")
async def peers(call: Call) -> PeersOut:
    desk = call.domain.peers
    return PeersOut(on=desk.federation.on,
                    peers=[PeerOut(code=p.code, name=p.name) for p in desk.peers()])


@api.route("GET", "/admin/federation/peers/{peer_code}/directory", access=ADMIN,
           query=DirectoryQuery, response=DirectoryOut, tag=TAG,
           summary="读取另一专家库的专家分布（只有人数，按专业和地区；经签名的库间协议）")
async def directory(call: Call, query: DirectoryQuery) -> DirectoryOut:
    found = await call.domain.peers.directory(call.path("peer_code"), call.now,
                                              query.specialty, query.region)
    return DirectoryOut(peer=PeerOut(code=found.peer.code, name=found.peer.name),
                        as_of=found.as_of, total=found.total, asked=found.asked,
                        by_specialty=cells(found.by_specialty),
                        by_region=cells(found.by_region))


class LentOut(Model):
    id: int
    peer_code: str = Field(description="请求方专家库的代码")
    peer_name: str = Field(description="请求方专家库的名称")
    request_id: str = Field(description="请求方的请求编号")
    specialty: str = Field(description="专业代码")
    specialty_name: str = Field(description="专业名称")
    region: str = Field(description="副场所在地区（六位行政区划代码）")
    region_name: str = Field(description="副场所在地区名称")
    count: int = Field(description="请求抽取的人数")
    status: str = Field(description="pending 待审核 / refused 已拒绝 / drawing 抽取中 / "
                                    "done 已完成 / short 专家不足")
    status_title: str = Field(description="状态")
    reason: str = Field(description="拒绝原因")
    received_at: datetime
    eval_start: str = Field(description="评标开始时间（请求方给出，ISO）")
    venue: str = Field(description="副场评标场所和地址")
    activity_number: str = Field(description="本库为其建立的抽取活动编号（接受后）")


class LentListOut(Model):
    requests: list[LentOut]


class DecisionIn(Model):
    accept: bool = Field(description="true 接受并开始抽取；false 拒绝")
    reason: str = Field(default="", max_length=200, description="拒绝原因（拒绝时必填）")


def lent_out(call: Call, lent: Lent) -> LentOut:
    reference = call.domain.reference
    spec = reference.catalogue().get(lent.specialty)
    return LentOut(
        id=lent.id, peer_code=lent.peer_code, peer_name=lent.peer_name,
        request_id=lent.request_id, specialty=lent.specialty,
        specialty_name=reference.catalogue().path_name(spec.code) if spec else lent.specialty,
        region=reference.regions.to_gb(lent.region),
        region_name=reference.regions().full_name(lent.region) or "",
        count=lent.count, status=lent.state,
        status_title=call.services.texts.word("peer_draw_state", lent.state),
        reason=lent.reason, received_at=lent.received_at, eval_start=lent.eval_start,
        venue=lent.venue,
        activity_number=call.domain.draws.news.views.activity_number(lent.activity_id, "peer")
        if lent.activity_id else "")


@api.route("GET", "/admin/federation/requests", access=ADMIN, response=LentListOut, tag=TAG,
           summary="其他专家库请求本库为其副场抽取专家的请求")
async def lent_requests(call: Call) -> LentListOut:
    return LentListOut(requests=[lent_out(call, r)
                                 for r in await call.domain.lending.listing()])


@api.route("POST", "/admin/federation/requests/{request_id}/decision", access=ADMIN,
           body=DecisionIn, response=LentOut, tag=TAG,
           summary="接受（本库抽取并通知专家）或拒绝（须填写原因）其他专家库的抽取请求")
async def decide(call: Call, body: DecisionIn) -> LentOut:
    draw_id = call.path_int("request_id")
    await call.domain.lending.decide(draw_id, body.accept, body.reason, call.now,
                                     call.caller.need_person().id)
    found = [r for r in await call.domain.lending.listing() if r.id == draw_id]
    return lent_out(call, found[0])
