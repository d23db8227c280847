"""GD-DRAW: "个人账户需由法人关联为其经办人后才可以该法人的身份登录…登录后选择以经办企业的身份
进入系统" and "经办人账户以某一个法人身份信息办理抽取业务时，只能查看其本人以该法人身份办理的抽取
活动情况" — a handler of two legal persons chooses, for each sign-in, whom it acts for, and
sees and makes only that one's projects and activities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.people import Agency, Person, Role, RoleGrant, phone_is
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.draw_world import PROJECT_FORM, TENDERER

SECOND = "佛山市示例工程咨询有限公司"


async def second_agency(phone: str) -> tuple[int, int]:
    """The demo handler also linked (and accepted) as a handler of a second agency: the ids
    of the first and the second."""
    person = await Person.get(phone_is(phone))
    first = await RoleGrant.get(person_id=person.id, role=Role.AGENCY_HANDLER)
    other = await Agency.create(name=SECOND, credit_code=demo_credit_code(77))
    await RoleGrant.create(person=person, role=Role.AGENCY_HANDLER, agency=other,
                           valid_from=datetime.now(UTC),
                           valid_until=datetime.now(UTC) + timedelta(days=90))
    return int(first.agency_id or 0), other.id


async def new_project(api: Api, token: str, name: str) -> int:
    made = await api.call("POST", "/draws/projects", token, {
        **PROJECT_FORM, "name": name, "tenderer_name": TENDERER[0],
        "tenderer_credit_code": TENDERER[1], "sections": []})
    assert made.status == 200, made.data
    return int(made.data["id"])


async def test_a_handler_of_two_legal_persons_chooses_whom_to_act_for(
        api: Api, demo: dict) -> None:
    first, second = await second_agency(demo["handler"].phone)
    token = await api.login(demo["handler"].mp_openid)
    # not chosen yet: no agency's work, and words saying to choose
    refused = await api.call("GET", "/draws/projects", token)
    assert refused.status == 403 and "选择" in refused.message and "2个机构" in refused.message
    offered = await api.call("GET", "/agency/choices", token)
    assert offered.status == 200 and offered.data["must_choose"] is True
    assert offered.data["acting"] is None
    assert [c["agency"]["name"] for c in offered.data["choices"]] == [
        "广州市示例招标代理有限公司", SECOND]
    assert {c["role_title"] for c in offered.data["choices"]} == {"代理机构经办人"}
    # acting for the second: its project is made under it
    chosen = await api.call("PUT", "/agency/acting", token, {"agency_id": second})
    assert chosen.status == 200 and chosen.data["acting"] == second
    assert not chosen.data["must_choose"]
    member = await api.call("GET", "/agency/membership", token)
    assert member.data["agency"]["name"] == SECOND
    theirs = await new_project(api, token, "佛山某中学改建工程")
    listed = await api.call("GET", "/draws/projects", token)
    assert [p["id"] for p in listed.data["projects"]] == [theirs]
    # switched to the first: the second's project is not there, nor reachable
    await api.call("PUT", "/agency/acting", token, {"agency_id": first})
    assert (await api.call("GET", "/agency/membership", token)).data["agency"]["name"] == \
        "广州市示例招标代理有限公司"
    ours = await new_project(api, token, "广州某中学新建工程")
    listed = await api.call("GET", "/draws/projects", token)
    assert [p["id"] for p in listed.data["projects"]] == [ours]
    renamed = await api.call("PUT", f"/draws/projects/{theirs}", token, {"name": "改名"})
    assert renamed.status == 404
    # an agency the person does not act for cannot be chosen
    stranger = await Agency.create(name="某外单位", credit_code=demo_credit_code(78))
    wrong = await api.call("PUT", "/agency/acting", token, {"agency_id": stranger.id})
    assert wrong.status == 403 and "不是该机构" in wrong.message
    # a new sign-in chooses again
    again = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/agency/choices", again)).data["must_choose"] is True
    # a person of one agency never has to choose
    legal = await api.login(demo["agency_legal"].mp_openid)
    one = await api.call("GET", "/agency/choices", legal)
    assert one.data["must_choose"] is False and one.data["acting"] == first
    assert (await api.call("GET", "/draws/projects", legal)).status == 200
