"""交易中心现场 for draws made here for another library's 副场 (FG-807; docs/federation.md):
the 副场's centre, its verifiers, run that side as an agency runs its own draw — the list,
the experts and their arrivals once the results unseal, an absence by the expert's code, a
补抽 for the place. The asking library hears it with the roster."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.schemas import Model
from models.draws import DrawActivity, InvitationStatus, Notice
from models.people import Role

api = Api()
TAG = "交易中心现场"
STAFF = {Role.VERIFIER}


class LentOut(Model):
    activity_id: int
    number: str = Field(description="本库为其抽取的活动编号（CQYD…）")
    library: str = Field(description="请求抽取的专家库")
    project: str = Field(description="对方的项目名称")
    eval_start: datetime
    eval_end: datetime
    venue: str = Field(description="副场：评标场所、地址")
    gather_at: datetime
    status_title: str = Field(description="状态（中文）")
    wanted: int = Field(default=0, description="请求方专家库请本库补抽的名额")


class LentListOut(Model):
    draws: list[LentOut]


class LentExpertOut(Model):
    invitation_id: int
    name: str
    verification_code: str = Field(description="验证码（补抽专家前加 *）")
    situation: str = Field(description="情形：参加 / 补抽 / 请假 / 缺席 / 现场回避 / 受处理")
    absent: bool
    checkin_at: datetime | None
    checkout_at: datetime | None


class LentRosterOut(Model):
    draw: LentOut
    sealed: bool = Field(description="结果尚未解封：只显示人数")
    arrived: int
    expected: int
    experts: list[LentExpertOut] = Field(description="结果解封后才有内容")
    open_places: int = Field(default=0, description="缺席等空出、尚未补上的名额")
    supplement_drawing: bool = Field(default=False, description="补抽正在进行（等待专家答复）")


class LentAbsenceIn(Model):
    key: str = Field(min_length=4, max_length=8, description="专家的验证码")
    kind: Literal["请假", "缺席", "现场回避"] = "缺席"


class LentSupplementIn(Model):
    gather_at: datetime | None = Field(default=None, description=(
        "新的集合时间；不填则沿用原集合时间（原集合时间已过时必填，且须晚于现在）"))


class LentStartIn(Model):
    nonce: str = Field(min_length=4, max_length=32, description=(
        "核验员输入的随机串（4-32位）：与准备补抽时已公布摘要的种子共同决定补抽顺序"))


def lent_out(call: Call, a: DrawActivity, library: str, notice: Notice, wanted: int = 0
             ) -> LentOut:
    texts = call.services.texts
    return LentOut(
        activity_id=a.id, number=call.domain.draws.news.views.activity_number(a.id, a.kind),
        library=library, project=a.name, eval_start=a.eval_start, eval_end=a.eval_end,
        venue=f"{notice.venue}（{notice.city}{notice.district}{notice.street}{notice.room}）",
        gather_at=notice.gather_at, wanted=wanted, status_title=texts.word(
            "draw_status", call.domain.draws.facts.shown.shown_status(
                a.status, a.eval_start, a.finished_at, call.now)))


@api.route("GET", "/venues/lent", access=STAFF, response=LentListOut, tag=TAG,
           summary="本库为其他专家库的副场抽取的活动（副场在本中心地区内）")
async def lent_list(call: Call) -> LentListOut:
    views = await call.domain.draws.followups.lent.listing(call.caller.grants, call.now)
    return LentListOut(draws=[lent_out(call, v.activity, v.library, v.notice, v.wanted)
                              for v in views])


async def roster_out(call: Call, activity_id: int) -> LentRosterOut:
    desk = call.domain.draws.followups.lent
    activity = await desk.one(call.caller.grants, activity_id)
    view = next(v for v in await desk.listing(call.caller.grants, call.now)
                if v.activity.id == activity.id)
    roster = await call.domain.draws.venue.attendance.roster(activity, call.now)
    sealed = call.domain.draws.facts.seal.check_sealed(activity, call.now)
    said = {} if sealed else {r.invitation_id: r for r in
                              await call.domain.draws.record.results.draw_results(activity,
                                                                                  call.now)}
    opened, drawing = await desk.places(activity)
    return LentRosterOut(
        open_places=opened, supplement_drawing=drawing,
        draw=lent_out(call, view.activity, view.library, view.notice, view.wanted),
        sealed=sealed,
        arrived=roster.arrived, expected=roster.expected, experts=[] if sealed else [
            LentExpertOut(invitation_id=r.id, name=name,
                          verification_code=said[r.id].shown_code if r.id in said
                          else r.code or "",
                          situation=said[r.id].said(call.services.texts) if r.id in said
                          else "", absent=r.status == InvitationStatus.ABSENT,
                          checkin_at=r.checkin_at, checkout_at=r.checkout_at)
            for r, name in roster.experts])


@api.route("GET", "/venues/lent/{activity_id}", access=STAFF, response=LentRosterOut,
           tag=TAG, summary="为其他专家库抽取的一次评标：本库专家及其到场情况（结果解封后）")
async def lent_roster(call: Call) -> LentRosterOut:
    return await roster_out(call, call.path_int("activity_id"))


@api.route("POST", "/venues/lent/{activity_id}/absences", access=STAFF, body=LentAbsenceIn,
           response=LentRosterOut, tag=TAG,
           summary="登记本库专家在副场请假、缺席或现场回避（凭验证码），名额可补抽")
async def lent_absence(call: Call, body: LentAbsenceIn) -> LentRosterOut:
    activity_id = call.path_int("activity_id")
    await call.domain.draws.followups.lent.register_absence(call.caller.grants, activity_id,
                                                            body.key,
                                                            body.kind, call.now, actor(call,
                                                                                       "verifier"))
    return await roster_out(call, activity_id)


@api.route("POST", "/venues/lent/{activity_id}/supplement", access=STAFF,
           body=LentSupplementIn, response=LentRosterOut, tag=TAG,
           summary="为副场缺席专家的名额准备补抽（公布种子摘要后，再输入随机串启动）")
async def lent_supplement(call: Call, body: LentSupplementIn) -> LentRosterOut:
    activity_id = call.path_int("activity_id")
    await call.domain.draws.followups.lent.supplement(call.caller.grants, activity_id, call.now,
                                                      actor(call, "verifier"), body.gather_at)
    return await roster_out(call, activity_id)


@api.route("POST", "/venues/lent/{activity_id}/supplement/start", access=STAFF,
           body=LentStartIn, response=LentRosterOut, tag=TAG,
           summary="启动已准备的副场补抽（本库专家，补抽专家的验证码前加 *）")
async def lent_start(call: Call, body: LentStartIn) -> LentRosterOut:
    activity_id = call.path_int("activity_id")
    await call.domain.draws.followups.lent.start_supplement(call.caller.grants, activity_id,
                                                            body.nonce,
                                                            call.now, actor(call, "verifier"))
    return await roster_out(call, activity_id)
