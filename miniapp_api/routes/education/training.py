"""A batch's training (培训, XJ-SIGNUP: 查看培训及测试事项…按照规定时间参加培训、测试,逾期未参加
的,不予退费): the applicant's sessions and attendance, the training fee refunded before the
training or refused after it; the administrator's sessions and attendance."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.common.pii import mask_name
from services.education import SessionView

api = Api()
TAG = "培训"
ADMIN = {Role.ADMIN}
ATTENDED = {True: "已参加", False: "未参加", None: "未记录"}


class AttendeeOut(Model):
    person_id: int
    name: str = Field(description="已缴培训费的申请人（脱敏）")
    attended: bool | None = Field(description="是否参加（未记录为空）")


class SessionOut(Model):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None = Field(description="培训地点")
    online_url: str | None = Field(description="线上培训链接")
    note: str
    attended: bool | None = Field(default=None, description="本人是否参加（未记录为空）")
    attended_title: str = Field(default="", description="本人出勤：已参加 / 未参加 / 未记录")
    attendees: list[AttendeeOut] = Field(default=[], description="出勤名单（管理员查看时）")


class SessionsOut(Model):
    sessions: list[SessionOut]
    note: str = Field(description="说明：培训安排、退费规则")


class SessionIn(Model):
    title: str = Field(default="", max_length=64, description="培训名称（不填用批次名称）")
    starts_at: AwareDatetime = Field(description="开始时间（带时区，如 2026-12-05T09:00:00+08:00）")
    ends_at: AwareDatetime
    place: str = Field(default="", max_length=128, description="培训地点（与线上链接至少填一项）")
    online_url: str = Field(default="", max_length=256, description="线上培训链接")
    note: str = Field(default="", max_length=200, description="注意事项（如携带身份证）")


class AttendanceIn(Model):
    present: list[int] = Field(default=[], max_length=2000,
                               description="参加了的申请人（person_id）；其余记为未参加")


class RefundOut(Model):
    item: str
    amount_yuan: float
    refunded_at: datetime
    message: str


def session_out(view: SessionView, desk: bool = False) -> SessionOut:
    s = view.session
    return SessionOut(
        id=s.id, title=s.title, starts_at=s.starts_at, ends_at=s.ends_at, place=s.place,
        online_url=s.online_url, note=s.note, attended=None if desk else view.attended,
        attended_title="" if desk else ATTENDED[view.attended],
        attendees=[AttendeeOut(person_id=a.person_id, name=mask_name(a.name),
                               attended=a.attended) for a in view.attendees])


@api.route("GET", "/training/sessions", access=Access.BOUND, response=SessionsOut, tag=TAG,
           summary="我的培训：已缴培训费批次的培训时间、地点或线上链接，以及本人出勤")
async def my_sessions(call: Call) -> SessionsOut:
    found = await call.domain.training.for_person(call.caller.need_person().id)
    return SessionsOut(sessions=[session_out(v) for v in found], note=call.services.texts.render(
        "miniapp/training_note.j2", count=len(found)).strip())


@api.route("POST", "/payments/fees/training/{app_id}/refund", access=Access.BOUND,
           response=RefundOut, tag=TAG,
           summary="申请退还培训费：培训开始前全额原路退回；逾期未参加培训的不予退费")
async def refund(call: Call) -> RefundOut:
    payable = await call.domain.refunds.refund(call.path_int("app_id"),
                                               call.caller.need_person().id, call.now)
    assert payable.refunded_at is not None
    return RefundOut(item=payable.title, amount_yuan=payable.amount_fen / 100,
                     refunded_at=payable.refunded_at, message=call.services.texts.render(
                         "miniapp/refunded.j2", item=payable.title).strip())


@api.route("GET", "/admin/batches/{batch_id}/training-sessions", access=ADMIN,
           response=SessionsOut, tag=TAG, summary="批次的培训安排和出勤名单（管理员）")
async def batch_sessions(call: Call) -> SessionsOut:
    found = await call.domain.training.of_batch(call.path_int("batch_id"))
    return SessionsOut(sessions=[session_out(v, desk=True) for v in found],
                       note=call.services.texts.render("miniapp/training_note.j2",
                                                       count=len(found)).strip())


@api.route("POST", "/admin/batches/{batch_id}/training-sessions", access=ADMIN,
           body=SessionIn, response=SessionOut, tag=TAG,
           summary="安排一场培训：已缴培训费的申请人会收到时间和地点（或线上链接）")
async def schedule(call: Call, body: SessionIn) -> SessionOut:
    made = await call.domain.training.schedule(
        call.path_int("batch_id"), body.title, body.starts_at, body.ends_at, body.place,
        body.online_url, body.note, call.caller.need_person().id, call.now)
    return session_out(SessionView(made, None, []), desk=True)


@api.route("POST", "/admin/training-sessions/{session_id}/attendance", access=ADMIN,
           body=AttendanceIn, response=SessionsOut, tag=TAG,
           summary="登记培训出勤：勾选参加了的申请人，其余记为未参加（未参加者不予退费）")
async def attendance(call: Call, body: AttendanceIn) -> SessionsOut:
    session = await call.domain.training.record(call.path_int("session_id"), set(body.present),
                                                call.caller.need_person().id, call.now)
    found = await call.domain.training.of_batch(session.batch_id)
    return SessionsOut(sessions=[session_out(v, desk=True) for v in found],
                       note=call.services.texts.render("miniapp/training_note.j2",
                                                       count=len(found)).strip())
