"""GD-DRAW: "法人账户…点击“我的经办人”添加个人账户并设置有效期后关联的个人账户为本法人账号的
经办人; 个人账户进入账户管理处理关联申请, 即可成为该企业经办人" — a link acts only once the
person accepts it; a refusal ends it, and the legal person hears either answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.notifications import Notification
from models.people import Person, RoleGrant, phone_is
from tests.support.api import Api
from tests.support.clock import MovedClock

UNTIL = "2099-01-01T00:00:00+08:00"


async def person_of(demo_person: object) -> int:
    return (await Person.get(phone_is(demo_person.phone))).id  # type: ignore[attr-defined]


async def test_a_link_acts_once_accepted_and_a_refusal_ends_it(api: Api, demo: dict) -> None:
    legal = await api.login(demo["agency_legal"].mp_openid)
    asked = await api.call("POST", "/agency/handlers", legal,
                           {"phone": demo["applicant"].phone, "valid_until": UNTIL})
    assert asked.status == 200 and asked.data["state"] == "pending"
    assert asked.data["state_title"] == "待经办人确认"
    person = await api.login(demo["applicant"].mp_openid)
    # asked, not yet answered: the person does not act for the agency
    assert (await api.call("GET", "/draws/activities", person)).status == 403
    assert (await api.call("GET", "/agency/membership", person)).status == 403
    told = await Notification.get(kind="agency.link_request",
                                  person_id=await person_of(demo["applicant"]))
    assert told.params["agency"] == "广州市示例招标代理有限公司"
    again = await api.call("POST", "/agency/handlers", legal,
                           {"phone": demo["applicant"].phone, "valid_until": UNTIL})
    assert again.status == 409 and "尚未处理" in again.message
    # 账户管理: the request, accepted
    waiting = await api.call("GET", "/agency/link-requests", person)
    assert [r["agency"]["name"] for r in waiting.data["requests"]] == ["广州市示例招标代理有限公司"]
    rid = waiting.data["requests"][0]["id"]
    accepted = await api.call("POST", f"/agency/link-requests/{rid}/accept", person)
    assert accepted.status == 200 and accepted.data["state"] == "accepted"
    assert (await api.call("GET", "/draws/activities", person)).status == 200
    member = await api.call("GET", "/agency/membership", person)
    assert member.data["role"] == "agency_handler"
    assert not (await api.call("GET", "/agency/link-requests", person)).data["requests"]
    twice = await api.call("POST", f"/agency/link-requests/{rid}/refuse", person)
    assert twice.status == 404 and "已被处理" in twice.message
    heard = await Notification.get(kind="agency.link_answered",
                                   person_id=await person_of(demo["agency_legal"]))
    assert heard.params["accepted"] is True and heard.params["name"] == "王晓明"
    listed = await api.call("GET", "/agency/handlers", legal)
    assert {m["name"]: m["state"] for m in listed.data["members"]} == {
        "陈志强": "accepted", "王晓明": "accepted"}
    # another person refuses: no role, and the legal person sees the refusal
    await api.call("POST", "/agency/handlers", legal,
                   {"phone": demo["expert"].phone, "valid_until": UNTIL})
    expert = await api.login(demo["expert"].mp_openid)
    rid = (await api.call("GET", "/agency/link-requests", expert)).data["requests"][0]["id"]
    refused = await api.call("POST", f"/agency/link-requests/{rid}/refuse", expert)
    assert refused.status == 200 and refused.data["state"] == "refused"
    assert (await api.call("GET", "/draws/activities", expert)).status == 403
    listed = await api.call("GET", "/agency/handlers", legal)
    states = {m["name"]: m["state_title"] for m in listed.data["members"]}
    assert states["李建国"] == "经办人已拒绝"
    # asked again after a refusal: a new request replaces it
    anew = await api.call("POST", "/agency/handlers", legal,
                          {"phone": demo["expert"].phone, "valid_until": UNTIL})
    assert anew.status == 200 and anew.data["state"] == "pending"
    # someone else's request is no request of mine
    assert (await api.call("POST", f"/agency/link-requests/{anew.data['id']}/accept",
                           person)).status == 404


async def test_a_request_past_its_validity_cannot_be_accepted(api: Api, demo: dict) -> None:
    legal = await api.login(demo["agency_legal"].mp_openid)
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    asked = await api.call("POST", "/agency/handlers", legal,
                           {"phone": demo["applicant"].phone, "valid_until": soon})
    await RoleGrant.filter(id=asked.data["id"]).update(
        valid_until=datetime.now(UTC) - timedelta(minutes=1))
    person = await api.login(demo["applicant"].mp_openid)
    assert not (await api.call("GET", "/agency/link-requests", person)).data["requests"]
    late = await api.call("POST", f"/agency/link-requests/{asked.data['id']}/accept", person)
    assert late.status == 409 and "重新发起" in late.message


async def test_a_running_link_is_renewed_before_it_ends_and_the_handler_never_stops(
        api: Api, demo: dict, clock: MovedClock) -> None:
    """The demo handler's link runs a year: a week before its end the legal person asks for
    another year, the handler acts on the running link meanwhile, and once they accept the
    new link replaces it; past the old end they still draw. Asking for an end no later than
    the running link's is refused as before."""
    legal = await api.login(demo["agency_legal"].mp_openid)
    handler_id = await person_of(demo["handler"])
    running = await RoleGrant.get(person_id=handler_id, role="agency_handler", revoked_at=None)
    assert running.valid_until is not None
    clock.advance((running.valid_until - timedelta(days=7)).timestamp() - clock.time())
    legal = await api.login(demo["agency_legal"].mp_openid)
    same = await api.call("POST", "/agency/handlers", legal, {
        "phone": demo["handler"].phone, "valid_until": running.valid_until.isoformat()})
    assert same.status == 409 and "已是本机构的经办人" in same.message
    later = (running.valid_until + timedelta(days=365)).isoformat()
    asked = await api.call("POST", "/agency/handlers", legal,
                           {"phone": demo["handler"].phone, "valid_until": later})
    assert asked.status == 200 and asked.data["state"] == "pending", asked.data
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/draws/activities", handler)).status == 200  # still acts
    rid = (await api.call("GET", "/agency/link-requests", handler)).data["requests"][0]["id"]
    assert (await api.call("POST", f"/agency/link-requests/{rid}/accept", handler)
            ).status == 200
    links = await RoleGrant.filter(person_id=handler_id, role="agency_handler",
                                   revoked_at=None).order_by("id")
    assert [g.id for g in links] == [rid]  # the running link gave way to the renewal
    clock.advance(8 * 86400)  # past the old link's end
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/draws/activities", handler)).status == 200
    member = await api.call("GET", "/agency/membership", handler)
    assert member.data["valid_until"].startswith(later[:10])
