"""A condition drawn by another library (NDRC-26 异地抽取; FG-807 副场, docs/federation.md):
the agency picks, while its request may be edited, the library that draws a condition for a
副场 in that library's region; once the draw started, a condition that library refused or
did not draw in full can be drawn here instead."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, ActivityOut, activity_in_path, activity_out
from miniapp_api.schemas import Model

api = Api()


class PeerLibraryOut(Model):
    code: str = Field(description="对方专家库的代码")
    name: str = Field(description="对方专家库的名称")


class PeerLibrariesOut(Model):
    on: bool = Field(description="本库是否开启了库间共享")
    peers: list[PeerLibraryOut]


class PeerPick(Model):
    peer_code: str = Field(min_length=1, max_length=16, description="由哪个专家库抽取")


@api.route("GET", "/draws/peer-libraries", access=AGENCY, response=PeerLibrariesOut, tag=TAG,
           summary="可请求为副场抽取专家的其他专家库")
async def peer_libraries(call: Call) -> PeerLibrariesOut:
    desk = call.domain.peers
    return PeerLibrariesOut(on=desk.federation.on, peers=[
        PeerLibraryOut(code=p.code, name=p.name) for p in desk.peers()])


@api.route("PUT", "/draws/activities/{activity_id}/conditions/{condition_id}/peer",
           access=AGENCY, body=PeerPick, response=ActivityOut, tag=TAG,
           summary="该条件由其他专家库抽取（副场在对方地区；提交审核前设置）")
async def pick_peer(call: Call, body: PeerPick) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.asking.ask(activity.id, call.path_int("condition_id"), body.peer_code)
    return await activity_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/conditions/{condition_id}/peer",
           access=AGENCY, response=ActivityOut, tag=TAG,
           summary="该条件改回由本库抽取（提交审核前）")
async def drop_peer(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.asking.clear(activity.id, call.path_int("condition_id"))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/conditions/{condition_id}/local",
           access=AGENCY, response=ActivityOut, tag=TAG,
           summary="对方专家库拒绝、没有应答或专家不足时，该条件改为本库抽取")
async def draw_here(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.asking.local(activity.id, call.path_int("condition_id"), call.now,
                                   call.caller.need_person().id)
    return await activity_out(call, await activity_in_path(call))


@api.route("POST", "/draws/activities/{activity_id}/conditions/{condition_id}/peer/supplement",
           access=AGENCY, response=ActivityOut, tag=TAG,
           summary="请抽取该条件的专家库为其副场专家空出的名额补抽（对方专家库的专家补抽）")
async def ask_supplement(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.asking.want_supplement(activity.id, call.path_int("condition_id"),
                                             call.now, call.caller.need_person().id)
    return await activity_out(call, await activity_in_path(call))


class LentRecordOut(Model):
    code: str = Field(description="验证码")
    name: str = Field(description="姓名（对方专家库脱敏后给出）")
    library: str = Field(description="抽取该专家的专家库")
    absent: bool = Field(description="对方告知不能参加（请假、缺席、现场回避、受处理）")
    absence: str
    recorded: bool = Field(
        description="已登记履职记录（随评标信息发送对方专家库，记入专家本人档案）")
    late: bool = False
    left_early: bool = False
    conduct: list[str] = Field(default=[], description="履职问题（名称）")
    score: int | None = None
    comment: str = ""


class LentRecordsOut(Model):
    experts: list[LentRecordOut]


class LentRecordIn(Model):
    late: bool = Field(default=False, description="迟到")
    left_early: bool = Field(default=False, description="早退")
    conduct: list[str] = Field(default=[], max_length=20, description="履职问题的 code")
    score: int | None = Field(default=None, ge=0, le=100, description="评分（百分制）")
    comment: str = Field(default="", max_length=500)


def lent_record_out(e: Any) -> LentRecordOut:
    r = e.record or {}
    return LentRecordOut(code=e.code, name=e.name, library=e.library, absent=e.absent,
                         absence=e.absence, recorded=e.record is not None,
                         late=bool(r.get("late")), left_early=bool(r.get("left_early")),
                         conduct=[c["name"] for c in r.get("conduct", [])],
                         score=r.get("score"), comment=str(r.get("comment", "")))


@api.route("GET", "/draws/activities/{activity_id}/performance/lent", access=AGENCY,
           response=LentRecordsOut, tag=TAG, summary="外库专家（对方专家库为副场抽取）的履职记录")
async def lent_records(call: Call) -> LentRecordsOut:
    activity = await activity_in_path(call)
    return LentRecordsOut(experts=[lent_record_out(e) for e in
                                   await call.domain.asking.records.lent(activity.id)])


@api.route("PUT", "/draws/activities/{activity_id}/performance/lent/{code}", access=AGENCY,
           body=LentRecordIn, response=LentRecordOut, tag=TAG,
           summary="登记外库专家的履职记录：随评标信息发送对方专家库，记入专家本人档案，专家在本库答复")
async def record_lent(call: Call, body: LentRecordIn) -> LentRecordOut:
    activity = await activity_in_path(call)
    return lent_record_out(await call.domain.asking.records.record(
        activity.id, call.path("code")[:8], body.late, body.left_early, body.conduct,
        body.score, body.comment, call.now, call.caller.need_person().id))
