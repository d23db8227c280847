"""A condition drawn by another library (NDRC-26 异地抽取; FG-807 副场, docs/federation.md):
the agency picks, while its request may be edited, the library that draws a condition for a
副场 in that library's region; once the draw started, a condition that library refused or
did not draw in full can be drawn here instead."""

from __future__ import annotations

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
