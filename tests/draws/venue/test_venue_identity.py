"""Identity at the venue's check-in: where the centre turns it on, the expert's scan of the
venue code no longer checks them in by itself; they are told, in words, both ways to pass
(the staff's ID check is always offered: FACE-2025). The staff enter the verification code
the expert shows, hold the ID card against the name and masked number the code names, and
check them in; a card that does not match is recorded and checks nobody in. Only the result
and the way are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawLog, Invitation, InvitationStatus
from models.people import Person
from models.venues import IdentityCheck
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.pii import mask_name
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.draw_world import (
    drawn,
    first_confirmed,
    make_experts,
    openid_of,
    scanner,
    the_evaluation_starts_now,
    venue_scene,
)
from tests.support.wechat import Chat

VENUE = "广州公共资源交易中心"  # the notices' venue in tests/support/draw_world.py


async def test_the_staff_check_the_id_card_where_the_venue_asks_for_identity(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        clock: MovedClock) -> None:
    await make_experts(client, 6)
    aid, agency = await drawn(api, chat, demo)
    clock.clear_of_china_midnight()  # the day's list is by the gathering's China day
    now = clock.now()
    await the_evaluation_starts_now(aid, now)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    centre = await api.login(demo["verifier"].mp_openid)
    # the centre turns the identity check on for its venue
    turned = await api.call("PUT", "/venues", centre,
                            {"name": VENUE, "region": "4401", "identity_check": True})
    assert turned.status == 200, turned.data
    assert turned.data["region_name"] == "广东省广州市" and turned.data["identity_check"]
    listed = await api.call("GET", "/venues", centre)
    assert [v["name"] for v in listed.data["venues"]] == [VENUE]
    # a place that is none is refused in words; the national list's code is kept as ours
    nowhere = await api.call("PUT", "/venues", centre,
                             {"name": VENUE, "region": "9999", "identity_check": True})
    assert nowhere.status == 400 and "请选择场所所在的地区" in nowhere.message
    national = await api.call("PUT", "/venues", centre,
                              {"name": VENUE, "region": "440100", "identity_check": True})
    assert national.status == 200 and (national.data["region"], national.data["region_name"]
                                       ) == ("4401", "广东省广州市")

    # the venue code alone no longer checks in: the expert is told both ways, in words
    scan = scanner(chat, await venue_scene(api, agency, aid, platform), now)
    refused = await scan(await openid_of(first.person_id))
    assert "核验身份" in refused and "身份证" in refused and first.code in refused
    assert "签到成功" not in refused
    assert (await Invitation.get(id=first.id)).checkin_at is None

    # the staff's list of the day, then the code the expert shows: whose it is
    day = await api.call("GET", "/venues/today", centre)
    assert [e["activity_id"] for e in day.data["evaluations"]] == [aid]
    path = f"/venues/activities/{aid}/identity-check"
    shown = await api.call("POST", path, centre, {"verification_code": first.code})
    assert shown.status == 200, shown.data
    expert = await Person.get(id=first.person_id)
    assert shown.data["name"] == expert.name
    assert shown.data["id_number"] == expert.id_masked and "*" in expert.id_masked
    assert not shown.data["checked_in"] and "身份证" in shown.data["message"]
    assert (await Invitation.get(id=first.id)).checkin_at is None  # a look checks nobody in

    # the card matches: checked in, counted
    done = await api.call("POST", path, centre, {"verification_code": first.code,
                                                 "id_card_matches": True})
    assert done.status == 200, done.data
    assert done.data["checked_in"] and done.data["arrived"] == 1
    assert "已签到" in done.data["message"]
    assert (await Invitation.get(id=first.id)).checkin_at is not None
    again = await api.call("POST", path, centre, {"verification_code": first.code,
                                                  "id_card_matches": True})
    assert again.status == 409 and "签到，无需再次核验" in again.message

    # he leaves: the desk registers it, not within 10 minutes of the check-in, and once
    leave = {"verification_code": first.code, "checkout": True}
    soon = await api.call("POST", path, centre, leave)
    assert soon.status == 409 and "签到10分钟后才能登记签退" in soon.message
    checked_in_at = (await Invitation.get(id=first.id)).checkin_at
    assert checked_in_at is not None
    await Invitation.filter(id=first.id).update(checkin_at=checked_in_at - timedelta(minutes=11))
    left = await api.call("POST", path, centre, leave)
    assert left.status == 200 and left.data["checked_out"] and left.data["checkout_at"]
    assert "登记签退" in left.data["message"]
    assert (await Invitation.get(id=first.id)).checkout_at is not None
    twice = await api.call("POST", path, centre, leave)
    assert twice.status == 409 and "签退，无需再次登记" in twice.message
    assert await DrawLog.filter(activity_id=aid, action="staff_checkout").count() == 1
    # both on the activity's operation log, by the staff, naming the expert (masked)
    assert await DrawLog.filter(activity_id=aid, action="staff_checkin").count() == 1
    log = (await api.call("GET", f"/verify/activities/{aid}/log", centre)).data["entries"]
    staffed = [e for e in log if e["action"] in ("staff_checkin", "staff_checkout")]
    assert [e["title"] for e in staffed] == ["现场工作人员核对身份证后为专家签到",
                                             "现场工作人员登记专家签退"]
    assert all(e["about"] == f"专家 {mask_name(expert.name)}" for e in staffed), staffed
    not_in = await api.call("POST", path, centre, {"verification_code": second.code,
                                                   "checkout": True})
    assert not_in.status == 409 and "尚未签到" in not_in.message

    # a card that is not the expert's: recorded, nobody checked in, the staff told what to say
    wrong = await api.call("POST", path, centre, {"verification_code": second.code,
                                                  "id_card_matches": False})
    assert wrong.status == 200 and not wrong.data["checked_in"]
    assert "联系代理机构" in wrong.data["message"]
    assert (await Invitation.get(id=second.id)).checkin_at is None

    # only the result and the way are kept: no image, no template, no number
    rows = await IdentityCheck.all().order_by("id").values()
    assert [(r["invitation_id"], r["method"], r["passed"], r["failure"]) for r in rows] == [
        (first.id, "id_card", True, ""), (second.id, "id_card", False, "mismatch")]
    assert set(rows[0]) == {"id", "invitation_id", "person_id", "method", "passed",
                            "failure", "checked_by", "at"}

    # an unknown code is refused in words
    unknown = await api.call("POST", path, centre, {"verification_code": "000000"})
    assert unknown.status == 404 and "验证码" in unknown.message


async def test_a_venue_without_the_check_and_another_centre(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """A venue no centre turned the check on for checks in by the code as before; a centre
    cannot set another region's venue, and an agency cannot set any."""
    await make_experts(client, 6)
    aid, agency = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    first = await first_confirmed(aid)
    scan = scanner(chat, await venue_scene(api, agency, aid, platform), now)
    assert "签到成功" in await scan(await openid_of(first.person_id))
    centre = await api.login(demo["verifier"].mp_openid)
    # the staff desk lists it all the same: an expert without WeChat is checked in there
    # (the gathering's day, China time: just after midnight it was yesterday's)
    gathered = (now - timedelta(minutes=31)).astimezone(CHINA).date()
    day = await api.call("GET", "/venues/today", centre, params={"day": gathered.isoformat()})
    assert [(e["activity_id"], e["identity_check"]) for e in day.data["evaluations"]] == [
        (aid, False)]
    elsewhere = await api.call("PUT", "/venues", centre,
                               {"name": "深圳交易中心", "region": "4403",
                                "identity_check": True})
    assert elsewhere.status == 403 and "辖区" in elsewhere.message
    by_agency = await api.call("PUT", "/venues", agency,
                               {"name": VENUE, "region": "4401", "identity_check": True})
    assert by_agency.status == 403


async def test_the_staffs_day_is_the_services_day_not_the_machines(
        api: Api, chat: Chat, client: TestClient, demo: dict, clock: MovedClock) -> None:
    """The day's list follows the clock the service reads: two days on, the gathering set for
    that day is listed (it was the machine's own day before, and near China's midnight the
    list missed the day's gathering)."""
    await make_experts(client, 6)
    aid, _agency = await drawn(api, chat, demo)
    clock.advance(2 * 86400)
    clock.clear_of_china_midnight()
    await the_evaluation_starts_now(aid, clock.now())
    centre = await api.login(demo["verifier"].mp_openid)
    day = await api.call("GET", "/venues/today", centre)
    assert day.status == 200, day.data
    assert [e["activity_id"] for e in day.data["evaluations"]] == [aid]
