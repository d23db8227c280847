"""The mini-program API: login (our own token; session_key never leaves), binding by the
same rules as chat, password and SMS login, registration with the age rule, the initial
password, phone changes, the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.people import Person, phone_is
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import CHINA, china_time, china_today
from services.demo import DEMO_PASSWORD, DemoPerson
from services.demo_codes import demo_id
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.sign_in import sent_code
from tests.support.wechat import Chat


async def test_login_issues_our_token_and_never_the_session_key(api: Api,
                                                                platform: Platform) -> None:
    code = platform.login_code("mp_fresh")
    answer = await api.call("POST", "/auth/login", json={"code": code})
    assert answer.status == 200
    assert answer.data["bound"] is False and len(answer.data["token"]) >= 32
    assert "session_key" not in str(answer.data)
    identity = await WeChatIdentity.get(openid="mp_fresh")
    assert identity.channel == Channel.MINI_PROGRAM
    # the code is single-use: WeChat refuses it, we say so in Chinese
    again = await api.call("POST", "/auth/login", json={"code": code})
    assert again.status == 400 and again.error == "wechat.bad_code"
    assert "重新进入小程序" in again.message


async def test_every_call_needs_a_live_token(api: Api) -> None:
    no_token = await api.call("GET", "/me")
    assert no_token.status == 401 and no_token.message == "请先登录小程序。"
    bad = await api.call("GET", "/me", token="not-a-token")
    assert bad.status == 401 and bad.error == "auth.session_expired"
    token = await api.login("mp_someone")
    unbound = await api.call("GET", "/me", token)
    assert unbound.status == 403 and unbound.error == "auth.not_bound"
    await api.call("POST", "/auth/logout", token)
    assert (await api.call("GET", "/me", token)).status == 401


async def test_bind_by_id_number_and_sms_code(api: Api, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await WeChatIdentity.filter(openid=expert.mp_openid).update(person_id=None)
    token = await api.login("mp_expert_phone2")
    start = await api.call("POST", "/auth/bind/start", token, {"id_number": expert.id_number})
    assert start.status == 200
    unknown = await api.call("POST", "/auth/bind/start", await api.login("mp_x"),
                             {"id_number": demo_id("110105", date(1949, 12, 31), 7, True)})
    assert unknown.status == start.status and unknown.data == start.data  # nothing revealed
    wrong = await api.call("POST", "/auth/bind/confirm", token, {"code": "000000"})
    assert wrong.status == 400 and "还可以再试 4 次" in wrong.message
    done = await api.call("POST", "/auth/bind/confirm", token,
                          {"code": sent_code(platform, expert.phone)})
    assert done.status == 200
    profile = done.data["profile"]
    assert profile["phone"] == "138****0002" and profile["id_number"].count("*") == 8
    assert profile["roles"] == ["expert"] and profile["expert_number"] == "GD-ZJ-000001"
    assert (await api.call("GET", "/me", token)).data["name"] == "李建国"


async def test_malformed_input_is_refused_field_by_field(api: Api) -> None:
    token = await api.login("mp_typo")
    answer = await api.call("POST", "/auth/bind/confirm", token, {"code": "12ab"})
    assert answer.status == 422 and answer.data["fields"][0]["field"] == "code"
    extra = await api.call("POST", "/auth/bind/confirm", token, {"code": "123456", "x": 1})
    assert extra.status == 422
    bad_id = await api.call("POST", "/auth/bind/start", token, {"id_number": "11010519491231002Y"})
    assert bad_id.status == 400 and "身份证号码" in bad_id.message


async def test_password_login_and_lockout(api: Api, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    await WeChatIdentity.filter(openid=applicant.mp_openid).update(person_id=None)
    token = await api.login("mp_pw")
    for left in (4, 3):
        wrong = await api.call("POST", "/auth/password-login", token,
                               {"account": applicant.phone, "password": "Wrong1234"})
        assert wrong.status == 400 and f"还可以再试 {left} 次" in wrong.message
    ok = await api.call("POST", "/auth/password-login", token,
                        {"account": applicant.id_number, "password": DEMO_PASSWORD})
    assert ok.status == 200 and ok.data["profile"]["roles"] == ["applicant"]


async def test_migrated_expert_must_change_the_initial_password(api: Api, demo: dict) -> None:
    migrated: DemoPerson = demo["migrated"]
    await WeChatIdentity.filter(openid=migrated.mp_openid).update(person_id=None)
    token = await api.login("mp_migrated_new")
    initial = migrated.id_number[-8:]
    login = await api.call("POST", "/auth/password-login", token,
                           {"account": migrated.phone, "password": initial})
    assert login.status == 200 and login.data["profile"]["must_change_password"] is True
    blocked = await api.call("GET", "/expert/card", token)
    assert blocked.status == 403 and blocked.error == "auth.password_change_required"
    assert (await api.call("GET", "/me", token)).status == 200  # allowed
    weak = await api.call("POST", "/auth/password", token,
                          {"old_password": initial, "new_password": "weakpassword"})
    assert weak.status == 400 and "大写字母" in weak.message
    changed = await api.call("POST", "/auth/password", token,
                             {"old_password": initial, "new_password": "NewPass2026"})
    assert changed.status == 200
    card = await api.call("GET", "/expert/card", token)
    assert card.status == 200 and card.data["expert_number"] == "GD-ZJ-000002"


async def _register(api: Api, platform: Platform, openid: str, id_number: str,
                    phone: str) -> tuple[str, object]:
    token = await api.login(openid)
    await api.call("POST", "/auth/register/start", token, {"phone": phone})
    answer = await api.call("POST", "/auth/register", token, {
        "name": "赵新人", "id_number": id_number, "phone": phone,
        "code": sent_code(platform, phone), "password": "Newbie2026", "email": "zx@example.com"})
    return token, answer


async def test_registration_and_the_65_year_limit(api: Api, platform: Platform,
                                                  clock: MovedClock) -> None:
    from models.notifications import Notification
    from tests.support.helpers import eventually
    from web.context import DOMAIN

    vault = api.client.app[DOMAIN].vault
    today = china_today(datetime.now(UTC))
    if (today.month, today.day) == (2, 29):
        return  # the boundary of a leap-day birthday is pinned in test_identity_rules
    born_65_years_ago_today = today.replace(year=today.year - 65)
    ok_id = demo_id("440106", born_65_years_ago_today, 5, True)
    _, answer = await _register(api, platform, "mp_reg1", ok_id, "13900000001")
    assert answer.status == 200, answer.data  # 65 today: not over 65
    assert answer.data["profile"]["roles"] == ["applicant"]
    over = demo_id("440106", born_65_years_ago_today - timedelta(days=1), 6, True)
    _, refused = await _register(api, platform, "mp_reg2", over, "13900000002")
    assert refused.status == 403 and "超过65周岁" in refused.message
    assert await Person.filter(phone_is("13900000002")).count() == 0
    # a registered ID number cannot register twice, and the answer does not say it exists:
    # it is the same as for a phone that has an account; the owner is told by SMS instead
    _, twice = await _register(api, platform, "mp_reg3", ok_id, "13900000003")
    fresh_id = demo_id("440106", date(1980, 5, 6), 8, False)
    clock.advance(61)  # a number gets one code a minute, whoever asks
    _, phone_taken = await _register(api, platform, "mp_reg4", fresh_id, "13900000001")
    assert twice.status == phone_taken.status == 400 and twice.data == phone_taken.data
    assert "已注册" not in twice.message and "身份证号已" not in twice.message
    assert "请直接登录" in twice.message
    assert not await Person.filter(phone_is("13900000003")).exists()
    assert not await Person.filter(id_number_hash=vault.lookup_hash(fresh_id)).exists()
    assert (await api.call("GET", "/me", await api.login("mp_reg3"))).error == "auth.not_bound"

    def alerts() -> list[str]:
        return [t for t in platform.sms_to("13900000001") if "尝试用您的" in t]

    await eventually(lambda: len(alerts()) == 1)
    assert "身份证号" in alerts()[0] and "短信验证码登录" in alerts()[0]
    assert ok_id not in alerts()[0] and "13900000003" not in alerts()[0]
    # the registrant's phone got its code and nothing about the account it ran into
    assert [t for t in platform.sms_to("13900000003") if "验证码" not in t] == []
    # more attempts the same day do not flood the owner's phone
    again = await _register(api, platform, "mp_reg5", ok_id, "13900000005")
    assert again[1].data == twice.data  # type: ignore[attr-defined]
    assert await Notification.filter(kind="account.register_attempt").count() == 1


async def test_a_mistake_in_the_registration_form_does_not_use_up_the_code(
        api: Api, platform: Platform) -> None:
    token = await api.login("mp_reg_form")
    phone = "13900000009"
    await api.call("POST", "/auth/register/start", token, {"phone": phone})
    form = {"name": "钱新人", "id_number": demo_id("440106", date(1985, 3, 4), 9, True),
            "phone": phone, "code": sent_code(platform, phone), "email": "qx@example.com"}
    weak = await api.call("POST", "/auth/register", token, {**form, "password": "weakpass"})
    assert weak.status == 400 and "大写字母" in weak.message
    old = await api.call("POST", "/auth/register", token, {
        **form, "password": "Newbie2026",
        "id_number": demo_id("440106", date(1950, 3, 4), 9, True)})
    assert old.status == 403 and "超过65周岁" in old.message
    fixed = await api.call("POST", "/auth/register", token, {**form, "password": "Newbie2026"})
    assert fixed.status == 200, fixed.data  # the same code, still valid
    assert len(platform.sms_to(phone)) == 1


async def test_phone_changes_at_most_once_a_year(api: Api, platform: Platform,
                                                 demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    token = await api.login(applicant.mp_openid)
    await api.call("POST", "/me/phone/start", token, {"phone": "13911112222"})
    changed = await api.call("POST", "/me/phone", token,
                             {"phone": "13911112222", "code": sent_code(platform, "13911112222")})
    assert changed.status == 200 and changed.data["phone"] == "139****2222"
    again = await api.call("POST", "/me/phone/start", token, {"phone": "13933334444"})
    assert again.status == 400 and "每年只能修改一次" in again.message
    person = await Person.get(phone_is("13911112222"))
    # the day it may change again, a year on by the China calendar, in China time
    assert person.phone_changed_at is not None
    local = person.phone_changed_at.astimezone(CHINA)
    year_on = local.replace(year=local.year + 1, day=min(local.day, 28 if local.month == 2
                                                         else 31))
    assert f"下次可修改时间：{china_time(year_on)}。" in again.message
    person.phone_changed_at = datetime.now(UTC) - timedelta(days=366)
    await person.save(update_fields=["phone_changed_at"])
    assert (await api.call("POST", "/me/phone/start", token, {"phone": "13933334444"})
            ).status == 200


async def test_name_and_id_number_cannot_change(client: TestClient, demo: dict) -> None:
    from models.people import ImmutableFieldError

    person = await Person.get(phone_is(demo["expert"].phone))
    person.name = "改个名"
    try:
        await person.save()
    except ImmutableFieldError as exc:
        assert "never change" in str(exc)
    else:
        raise AssertionError("the name changed")
    assert (await Person.get(id=person.id)).name == "李建国"


async def test_unionid_links_the_mini_program_to_the_bound_account(api: Api,
                                                                   demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await WeChatIdentity.filter(openid=expert.openid).update(unionid="union-1")
    await WeChatIdentity.filter(openid=expert.mp_openid).update(person_id=None)
    token = await api.login("mp_expert_via_union", unionid="union-1")
    assert (await api.call("GET", "/me", token)).data["name"] == "李建国"


async def test_openapi_document_lists_every_endpoint(client: TestClient) -> None:
    from miniapp_api.routes import api as collect

    resp = await client.get("/miniapp/v1/openapi.json")
    doc = await resp.json()
    assert doc["openapi"].startswith("3.")
    listed = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    declared = {(ep.method, ep.path) for ep in collect().endpoints}
    assert listed == declared
    login = doc["paths"]["/auth/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/LoginIn"
    assert "LoginOut" in doc["components"]["schemas"]


async def test_chat_and_api_askers_are_locked_apart(chat: Chat, api: Api,
                                                     demo: dict) -> None:
    """Five wrong codes in chat lock that openid; a mini-program session is another asker:
    its tries are its own (the person's own budget is larger, services/people/lockout.py)."""
    expert: DemoPerson = demo["expert"]
    await chat.say("o_bruter", "绑定")
    await chat.say("o_bruter", expert.id_number)
    replies = [(await chat.say("o_bruter", f"{n:06d}")).text for n in range(5)]
    assert "已锁定30分钟" in replies[-1]
    token = await api.login("mp_bruter")
    answer = await api.call("POST", "/auth/password-login", token,
                            {"account": expert.id_number, "password": "Wrong1234"})
    assert answer.status == 400 and "还可以再试 4 次" in answer.message
