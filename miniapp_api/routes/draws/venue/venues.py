"""The trading centre at its venues: which venues check identity at check-in, the day's
evaluations there, and the staff's identity check (the ID card held against the expert a
verification code names; services/draws/venue/identity.py)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.schemas import Model
from models.people import Role
from models.venues import Venue
from services.common.clock import CHINA
from services.draws.venue import CheckResult, Presented
from services.reference import Reference

api = Api()
TAG = "交易中心现场"
CENTRE = {Role.VERIFIER, Role.ADMIN}
STAFF = {Role.VERIFIER}


class VenueIn(Model):
    name: str = Field(min_length=1, max_length=64,
                      description="评标场所名称（代理机构在抽取通知中按名称选择该场所）")
    region: str = Field(pattern=r"^\d{2}(\d{2}){0,2}$", description="场所所在地区代码")
    identity_check: bool = Field(description="签到时是否核验身份（刷脸或工作人员核对身份证）")


class VenueOut(Model):
    name: str
    region: str
    region_name: str
    identity_check: bool
    updated_at: datetime


class VenuesOut(Model):
    venues: list[VenueOut]


class DayQuery(Model):
    day: date | None = Field(default=None, description="日期（默认今天）")


class VenueDayOut(Model):
    activity_id: int
    project: str
    venue: str
    gather_at: datetime
    arrived: int
    expected: int
    identity_check: bool = Field(description="该场所签到时是否核验身份")


class VenueDaysOut(Model):
    day: date
    evaluations: list[VenueDayOut]


class StaffCheckIn(Model):
    verification_code: str = Field(pattern=r"^\d{6}$", description="专家出示的6位验证码")
    id_card_matches: bool | None = Field(
        default=None, description="不填：只查看该验证码对应的专家；true：身份证与专家一致，签到；"
                                  "false：不一致，记录核验未通过，不签到")
    checkout: bool = Field(default=False, description=(
        "true：为已签到的专家登记签退（不使用微信的专家离场时），签到10分钟后可登记"))


class StaffCheckOut(Model):
    name: str = Field(description="专家姓名（与身份证核对）")
    id_number: str = Field(description="身份证号（脱敏：前6位与后4位）")
    checked_in: bool
    checkin_at: datetime | None
    checked_out: bool = False
    checkout_at: datetime | None = None
    arrived: int | None = None
    expected: int | None = None
    message: str


def venue_out(v: Venue) -> VenueOut:
    return VenueOut(name=v.name, region=v.region,
                    region_name=Reference.regions().full_name(v.region),
                    identity_check=v.identity_check, updated_at=v.updated_at)


@api.route("GET", "/venues", access=CENTRE, response=VenuesOut,
           summary="本交易中心的评标场所及签到时是否核验身份", tag=TAG)
async def venues(call: Call) -> VenuesOut:
    found = await call.domain.draws.venue.identity.venues(call.caller.grants)
    return VenuesOut(venues=[venue_out(v) for v in found])


@api.route("PUT", "/venues", access=CENTRE, body=VenueIn, response=VenueOut,
           summary="设置评标场所签到时是否核验身份（首次设置即登记该场所）", tag=TAG)
async def set_venue(call: Call, body: VenueIn) -> VenueOut:
    venue = await call.domain.draws.venue.identity.set_venue(
        call.caller.grants, call.caller.need_person().id, body.name, body.region,
        body.identity_check, call.now)
    return venue_out(venue)


@api.route("GET", "/venues/today", access=STAFF, query=DayQuery, response=VenueDaysOut,
           summary="某日（默认今天）本交易中心辖区内集合的评标（现场签到、签退与身份核验）",
           tag=TAG)
async def venue_day(call: Call, query: DayQuery) -> VenueDaysOut:
    day = query.day or call.now.astimezone(CHINA).date()
    found = await call.domain.draws.venue.identity.day(call.caller.grants, day, call.now)
    return VenueDaysOut(day=day, evaluations=[VenueDayOut(
        activity_id=d.activity.id, project=d.project, venue=d.venue, gather_at=d.gather_at,
        arrived=d.arrived, expected=d.expected, identity_check=d.identity_check)
        for d in found])


@api.route("POST", "/venues/activities/{activity_id}/identity-check", access=STAFF,
           body=StaffCheckIn, response=StaffCheckOut, tag=TAG,
           summary="现场核验：输入专家的验证码，核对身份证后为其签到，离场时登记签退（不刷脸、不用微信的方式，始终可用）")
async def staff_check(call: Call, body: StaffCheckIn) -> StaffCheckOut:
    checks, texts = call.domain.draws.venue.identity, call.services.texts
    grants, activity_id = call.caller.grants, call.path_int("activity_id")
    if body.checkout:
        out = await checks.checkout_by_staff(grants, actor(call, "verifier"), activity_id,
                                             body.verification_code, call.now)
        call.noted["invitation"] = out.presented.invitation.id
        call.decided["mode"] = "checkout"  # the trail tells a check-out from a check-in
        return _shown(call, out.presented, "venue/staff_out.j2", out.result)
    if body.id_card_matches is None:
        call.looked = True  # whom the code names, nothing changed: the trail says 查看
        shown = await checks.present(grants, activity_id, body.verification_code)
        return _shown(call, shown, "venue/staff_present.j2")
    done = await checks.by_staff(grants, actor(call, "verifier"), activity_id,
                                 body.verification_code, body.id_card_matches, call.now)
    shown, result = done.presented, done.result
    call.noted["invitation"] = shown.invitation.id
    call.decided["mode"] = "checkin" if body.id_card_matches else "mismatch"
    return StaffCheckOut(
        name=shown.name, id_number=shown.id_masked, checked_in=result is not None,
        checkin_at=result.invitation.checkin_at if result else None, checked_out=False,
        arrived=result.arrived if result else None,
        expected=result.expected if result else None,
        message=texts.render("venue/staff_done.j2", name=shown.name,
                             passed=result is not None).strip())


def _shown(call: Call, shown: Presented, words: str,
           result: CheckResult | None = None) -> StaffCheckOut:
    """The expert a code names as they stand now (in, out), with the words for the staff."""
    item = result.invitation if result else shown.invitation
    return StaffCheckOut(
        name=shown.name, id_number=shown.id_masked, checked_in=shown.checked_in,
        checkin_at=item.checkin_at, checked_out=shown.checked_out,
        checkout_at=item.checkout_at, arrived=result.arrived if result else None,
        expected=result.expected if result else None,
        message=call.services.texts.render(words, name=shown.name, checkin_at=item.checkin_at,
                                           checkout_at=item.checkout_at,
                                           checked_in=shown.checked_in,
                                           checked_out=shown.checked_out).strip())
