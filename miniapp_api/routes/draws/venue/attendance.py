"""Attendance for agencies: the venue's check-in QR code, arrivals (names only after the
results unseal), manual urging, and the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path, actor, agency
from miniapp_api.schemas import Model
from models.draws import InvitationStatus
from services.draws.facts import CHECKIN_LINK
from services.draws.venue import MAX_MANUAL_URGES

api = Api()


class VenuePosterOut(Model):
    notice_id: int
    venue: str = Field(description="评标场所，注明主场或副场")
    page: str


class CheckinQrOut(Model):
    image: str = Field(description="二维码图片地址")
    page: str = Field(description="可打印的签到页（张贴在集合地点），1天有效")
    valid_from: datetime
    valid_until: datetime
    venues: list[VenuePosterOut] = Field(default_factory=list, description=(
        "远程异地评标：每个场所（主场、副场）各自可打印的签到页（同一个二维码，专家在各自的"
        "场所签到）；单一场所时为空"))


class VenueArrivalsOut(Model):
    venue: str = Field(description="评标场所，注明主场或副场")
    arrived: int
    not_arrived: int


class ArrivalOut(Model):
    invitation_id: int | None = Field(description="本库的邀请；其他专家库抽取的专家为 null")
    name: str  # never the expert's phone, not even masked: the agency urges through us
    verification_code: str
    checkin_at: datetime | None
    checkout_at: datetime | None
    urges: int = Field(description="系统自动提醒的次数（微信或短信，不打电话）")
    manual_urges: int = Field(description="代理机构的语音催促次数（每次一个电话，最多3次）")
    absent: bool
    venue: str = Field(default="", description="评标场所（远程异地评标时注明主场或副场）")
    lent_from: str = Field(default="", description=(
        "其他专家库为副场抽取的专家：抽取的专家库（到场情况以该库告知为准）"))


class AttendanceOut(Model):
    arrived: int
    expected: int
    experts: list[ArrivalOut] = Field(description="结果解封后才有内容")
    checkin_open: bool = Field(default=False, description=(
        "结果解封后：现场签到仍然开放（迟到的专家到场后仍可签到）"))
    checkin_until: datetime | None = Field(default=None, description=(
        "结果解封后：签到二维码有效至（评标预计结束后2小时）"))


class UrgeIn(Model):
    invitation_id: int


class UrgeOut(Model):
    urges: int
    left: int


class DashboardOut(Model):
    today: int = Field(description="今日评标的活动")
    drawing: int = Field(description="正在抽取")
    finished_today: int
    this_week: int = Field(description="本周开始的抽取")
    arrived_today: int
    not_arrived_today: int
    awaiting_supplement: int = Field(description="专家补抽：已登记缺席、尚待补抽的评标")
    venues: list[VenueArrivalsOut] = Field(default_factory=list, description=(
        "今日远程异地评标各场所（主场、副场）的专家到场情况；单一场所的评标不列"))


@api.route("GET", "/draws/activities/{activity_id}/checkin-qr", access=AGENCY,
           response=CheckinQrOut, summary="现场签到二维码（集合前2小时至评标结束后2小时有效）",
           tag=TAG)
async def checkin_qr(call: Call) -> CheckinQrOut:
    activity = await activity_in_path(call)
    scene, opens, closes = await call.domain.draws.venue.attendance.checkin_scene(activity,
                                                                                  call.now)
    image = await call.services.qr.qr_image(call.domain.scenes.encode(scene),
                                            int((closes - call.now).total_seconds()) + 1)
    page = call.domain.links.url(  # the image address is signed too
        f"/draws/{activity.id}/checkin", CHECKIN_LINK, f"{activity.id}|{image}",
        call.caller.need_person().id, (call.now + timedelta(days=1)).timestamp(), img=image)
    venues = [VenuePosterOut(notice_id=n.id,
                             venue=call.domain.draws.facts.venue_roles.venue_label(n),
                             page=call.domain.links.url(
        f"/draws/{activity.id}/checkin", CHECKIN_LINK, f"{activity.id}|{image}",
        call.caller.need_person().id, (call.now + timedelta(days=1)).timestamp(), img=image,
        notice=str(n.id)))
        for n in await call.domain.draws.facts.venue_roles.remote_venues(activity.id)]
    return CheckinQrOut(image=image, page=page, valid_from=opens, valid_until=closes,
                        venues=venues)


@api.route("GET", "/draws/activities/{activity_id}/attendance", access=AGENCY,
           response=AttendanceOut, summary="到场情况（人数随时可看；名单在结果解封后）", tag=TAG)
async def attendance(call: Call) -> AttendanceOut:
    activity = await activity_in_path(call)
    roster = await call.domain.draws.venue.attendance.roster(activity, call.now)
    experts = [ArrivalOut(invitation_id=r.id, name=name, verification_code=r.code or "",
                          checkin_at=r.checkin_at, checkout_at=r.checkout_at, urges=r.urges,
                          manual_urges=r.manual_urges,
                          absent=r.status == InvitationStatus.ABSENT,
                          venue=roster.venues.get(r.id, ""))
               for r, name in roster.experts]
    # the experts other libraries drew for its 副场, as their rosters say: counted always,
    # listed once the results unseal (as this library's own)
    arrived, expected = roster.arrived, roster.expected
    sealed = call.domain.draws.facts.seal.check_sealed(activity, call.now)
    for view in (await call.domain.asking.views(activity.id)).values():
        for e in view.experts:
            absent = e.get("state") == "absent"
            expected += 0 if absent else 1
            arrived += 1 if e.get("checkin_at") and not absent else 0
            if not sealed:
                experts.append(ArrivalOut(
                    invitation_id=None, name=str(e.get("name", "")),
                    verification_code=str(e.get("code", "")), checkin_at=e.get("checkin_at"),
                    checkout_at=e.get("checkout_at"), urges=0, manual_urges=0, absent=absent,
                    lent_from=view.peer_name))
    return AttendanceOut(arrived=arrived, expected=expected, experts=experts,
                         checkin_open=roster.checkin_open, checkin_until=roster.checkin_until)


@api.route("POST", "/draws/activities/{activity_id}/urge", access=AGENCY, body=UrgeIn,
           response=UrgeOut, tag=TAG,
           summary="语音催促未到场专家（集合时间起30分钟内，每人最多3次，每次一个电话）")
async def urge(call: Call, body: UrgeIn) -> UrgeOut:
    item = await call.domain.draws.venue.attendance.urge_expert(
        await activity_in_path(call), body.invitation_id, call.now, actor(call))
    return UrgeOut(urges=item.manual_urges, left=max(0, MAX_MANUAL_URGES - item.manual_urges))


@api.route("GET", "/draws/dashboard", access=AGENCY, response=DashboardOut,
           summary="工作台：今日活动、抽取中、今日完成、本周抽取、今日专家到场", tag=TAG)
async def dashboard(call: Call) -> DashboardOut:
    ids = [a.id for a in await call.domain.draws.facts.scope.visible_activities(agency(call),
                                                                                call.now)]
    return DashboardOut(**await call.domain.draws.record.dashboard.dashboard(ids, call.now))
