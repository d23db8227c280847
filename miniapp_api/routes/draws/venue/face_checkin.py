"""The expert's check-in by WeChat's face verification (WX-FACE) where the venue checks
identity: open it (its verify_id goes to wx.requestFacialVerify), then ask for the result,
which WeChat gives the server (services/draws/venue/face.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role

api = Api()
TAG = "评标邀请"
EXPERT = {Role.EXPERT}


class FaceStartOut(Model):
    verify_id: str = Field(description="传给 wx.requestFacialVerify 的 verifyId")
    expires_in: int = Field(description="有效秒数（微信规定，默认3600）")
    notice: str = Field(description="刷脸前向专家展示的告知：由谁核验、保存什么、不刷脸的办法")


class FaceResultIn(Model):
    verify_id: str = Field(min_length=1, max_length=256)


class CheckinOut(Model):
    action: str = Field(description="in 签到 / out 签退 / again 已签到")
    checkin_at: datetime | None
    arrived: int
    expected: int
    message: str


@api.route("POST", "/expert/invitations/{invitation_id}/face-checkin", access=EXPERT,
           response=FaceStartOut, tag=TAG,
           summary="刷脸签到：开始微信人脸核验（场所要求核验身份时；也可请现场工作人员核对身份证）")
async def face_start(call: Call) -> FaceStartOut:
    person, identity = call.caller.need_person(), call.caller.need_identity()
    started = await call.domain.draws.venue.face.start(
        person, identity.openid, call.path_int("invitation_id"), call.now)
    notice = call.services.texts.render("venue/face_notice.j2", code=started.code).strip()
    return FaceStartOut(verify_id=started.verify_id, expires_in=started.expires_in,
                        notice=notice)


@api.route("POST", "/expert/invitations/{invitation_id}/face-checkin/result", access=EXPERT,
           body=FaceResultIn, response=CheckinOut, tag=TAG,
           summary="刷脸签到：wx.requestFacialVerify 完成后，向微信查询核验结果，通过即签到")
async def face_result(call: Call, body: FaceResultIn) -> CheckinOut:
    person = call.caller.need_person()
    result = await call.domain.draws.venue.face.finish(
        person, call.path_int("invitation_id"), body.verify_id, call.now)
    moment = result.invitation.checkin_at
    return CheckinOut(action=result.action, checkin_at=moment, arrived=result.arrived,
                      expected=result.expected,
                      message=call.services.texts.render(
                          "venue/face_done.j2", venue=result.venue, arrived=result.arrived,
                          expected=result.expected).strip())
